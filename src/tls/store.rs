//! The certificate store and the seed-003 selection rules, shared by the client (its
//! SSLClientCertificateName) and the bundled server (its own certificate for its FQDN).
//!
//! A store is a directory of PEM files (certificates and a private key in one file) and PKCS#12
//! files (.p12, .pfx), or one such file. Selection, as Exchange picks its STARTTLS certificate:
//! 1. eligible: X.509 v3, a private key present, the name in the Subject CN or a SAN, usable
//!    for the purpose (its extended key usage, when present, allows client or server auth);
//! 2. sorted by the most recent Valid-from;
//! 3. the first CA-issued certificate that is currently valid; else the first self-signed one;
//!    else the first eligible one. An expired choice is still used: the caller logs a warning.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use x509_parser::prelude::*;

/// A certificate chain and its private key, from one file.
#[derive(Debug)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    pub source: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    ClientAuth,
    ServerAuth,
}

/// The chosen identity and what the rules learned about it.
#[derive(Debug)]
pub struct Choice {
    pub identity: Identity,
    pub subject: String,
    pub expired: bool,
    pub self_signed: bool,
}

fn is_pkcs12(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(), Some("p12" | "pfx"))
}

/// Reads one file: every (chain, key) pair it holds. A PEM file without a private key holds
/// none (a certificate without its key is not eligible).
fn load_file(path: &Path, password: &str) -> Result<Vec<Identity>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if is_pkcs12(path) {
        let store = p12_keystore::KeyStore::from_pkcs12(&bytes, password, p12_keystore::Pkcs12ImportPolicy::Relaxed)
            .map_err(|e| format!("{}: {e:?}", path.display()))?;
        let mut out = Vec::new();
        for (_, entry) in store.entries() {
            if let p12_keystore::KeyStoreEntry::PrivateKeyChain(kc) = entry {
                let chain: Vec<CertificateDer<'static>> =
                    kc.certs().iter().map(|c| CertificateDer::from(c.as_der().to_vec())).collect();
                if chain.is_empty() {
                    continue;
                }
                let key = PrivateKeyDer::try_from(kc.key().as_der().to_vec())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                out.push(Identity { chain, key, source: path.to_owned() });
            }
        }
        return Ok(out);
    }
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes).filter_map(|c| c.ok()).collect();
    match PrivateKeyDer::from_pem_slice(&bytes) {
        Ok(key) if !chain.is_empty() => Ok(vec![Identity { chain, key, source: path.to_owned() }]),
        _ => Ok(Vec::new()),
    }
}

/// Reads a store: a directory (every file, in name order) or one file.
pub fn load(path: &Path, password: &str) -> Result<Vec<Identity>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return load_file(path, password);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        // One unreadable file does not hide the others; it is simply not eligible.
        if let Ok(mut ids) = load_file(&f, password) {
            out.append(&mut ids);
        }
    }
    Ok(out)
}

struct Facts {
    v3: bool,
    names: Vec<String>,
    not_before: i64,
    not_after: i64,
    self_signed: bool,
    usable: bool,
    subject: String,
}

fn facts(der: &[u8], usage: Usage) -> Option<Facts> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let mut names: Vec<String> =
        cert.subject().iter_common_name().filter_map(|cn| cn.as_str().ok().map(str::to_ascii_lowercase)).collect();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push(d.to_ascii_lowercase()),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => names.push(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).ok()?).to_string()),
                    16 => names.push(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).ok()?).to_string()),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let usable = match cert.extended_key_usage() {
        Ok(Some(eku)) => {
            let e = eku.value;
            e.any
                || match usage {
                    Usage::ClientAuth => e.client_auth,
                    Usage::ServerAuth => e.server_auth,
                }
        }
        Ok(None) => true,
        Err(_) => false,
    };
    Some(Facts {
        v3: cert.version() == X509Version::V3,
        names,
        not_before: cert.validity().not_before.timestamp(),
        not_after: cert.validity().not_after.timestamp(),
        self_signed: cert.subject().as_raw() == cert.issuer().as_raw(),
        usable,
        subject: super::certinfo::format_name(cert.subject()),
    })
}

/// Chooses the identity for `name` by the seed-003 rules; `now` in seconds since the epoch.
pub fn select(identities: Vec<Identity>, name: &str, usage: Usage, now: i64) -> Option<Choice> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let mut eligible: Vec<(Identity, Facts)> = identities
        .into_iter()
        .filter_map(|id| {
            let f = facts(id.chain.first()?.as_ref(), usage)?;
            (f.v3 && f.usable && f.names.contains(&name)).then_some((id, f))
        })
        .collect();
    // Most recent Valid-from first; the sort is stable, so equal dates keep store order.
    eligible.sort_by_key(|e| std::cmp::Reverse(e.1.not_before));
    let pos = eligible
        .iter()
        .position(|(_, f)| !f.self_signed && f.not_before <= now && now < f.not_after)
        .or_else(|| eligible.iter().position(|(_, f)| f.self_signed))
        .or(if eligible.is_empty() { None } else { Some(0) })?;
    let (identity, f) = eligible.swap_remove(pos);
    Some(Choice { identity, subject: f.subject, expired: f.not_after <= now, self_signed: f.self_signed })
}

/// Seconds since the epoch, now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}
