//! Builds a TLS client configuration from an SSLInfo snapshot, and names what one handshake
//! needs beside it.

use super::certinfo;
use super::negotiated::Negotiated;
use super::store::{self, Identity, Usage};
use super::suites;
use super::verifier::{RecordingVerifier, Revocation, ValidatorSlot, VerifyPolicy};
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_SSL};
use crate::options::SslState;
use crate::options::*;
use once_cell::sync::OnceCell;
use rustls::client::{ClientSessionMemoryCache, Resumption};
use rustls::crypto::{ring, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::CertificateRevocationListDer;
use rustls::{ClientConfig, RootCertStore, SupportedCipherSuite, SupportedProtocolVersion};
use std::sync::Arc;
use webpki::{CertRevocationList, OwnedCertRevocationList};

/// The client's TLS configuration for one connect, built from an SSLInfo snapshot: the rustls
/// configuration, the verifier that records what it saw, and whether the OpenSSL compatibility
/// backend runs the handshake instead.
pub struct TlsClientConfig {
    pub rustls: Arc<ClientConfig>,
    pub verifier: Arc<RecordingVerifier>,
    /// Some: handshakes go through the OpenSSL compatibility backend with this range.
    pub compat: Option<CompatRange>,
}

/// The protocol range the compatibility backend may negotiate (SSL_TLS1 .. SSL_TLS13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompatRange {
    pub min: i32,
    pub max: i32,
}

/// Where a handshake's outcome goes: the api's SSLInfo records it into its output options.
/// Called after success and after failure alike.
pub type NegotiatedRecorder = Arc<dyn Fn(&Negotiated) + Send + Sync>;

/// Everything one TLS handshake needs: the client configuration, the name the server's
/// certificate must carry (and SNI), where to record the outcome, and the server's port (for
/// error texts; 0 when not known).
#[derive(Clone)]
pub struct TlsHandshakeParams {
    pub config: Arc<TlsClientConfig>,
    pub server_name: String,
    pub port: u16,
    pub record: NegotiatedRecorder,
}

/// From SSLConnectionProtocolIn: the lowest and highest version listed; empty = TLS 1.0 .. 1.3.
fn compat_range(ssl: &SslState) -> Result<CompatRange> {
    if !cfg!(feature = "compat") {
        return Err(config_error(
            "SSLCompatibilityBackend: this build of csmail has no compatibility backend (cargo feature \"compat\")",
        ));
    }
    let asked = ssl.array(SSLConnectionProtocolIn);
    let allowed: Vec<i32> = [SSL_TLS1, SSL_TLS11, SSL_TLS12, SSL_TLS13]
        .into_iter()
        .filter(|v| asked.is_empty() || asked.contains(v))
        .collect();
    Ok(CompatRange {
        min: allowed.first().copied().unwrap_or(SSL_TLS1),
        max: allowed.last().copied().unwrap_or(SSL_TLS13),
    })
}

/// The system's trusted roots, loaded once per process: parsing the bundle costs milliseconds
/// and it does not change while a program runs.
fn system_roots() -> &'static [CertificateDer<'static>] {
    static ROOTS: OnceCell<Vec<CertificateDer<'static>>> = OnceCell::new();
    ROOTS.get_or_init(|| rustls_native_certs::load_native_certs().certs)
}

fn config_error(text: impl Into<String>) -> Error {
    Error::new(error::CSMAIL_E_TLS_CONFIG, error::eexTlsConfig, text)
}

fn wanted_versions(ssl: &SslState) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let asked = ssl.array(SSLConnectionProtocolIn);
    if asked.is_empty() {
        return Ok(vec![&rustls::version::TLS13, &rustls::version::TLS12]);
    }
    let mut versions = Vec::new();
    if asked.contains(&SSL_TLS13) {
        versions.push(&rustls::version::TLS13);
    }
    if asked.contains(&SSL_TLS12) {
        versions.push(&rustls::version::TLS12);
    }
    if versions.is_empty() {
        return Err(config_error(
            "SSLConnectionProtocolIn allows only TLS 1.0/1.1, which rustls does not speak; allow SSL_TLS12 or SSL_TLS13",
        ));
    }
    Ok(versions)
}

fn suite_allowed(ssl: &SslState, suite: SupportedCipherSuite) -> bool {
    let cipher = suites::parts(suite.suite()).cipher;
    let bits = cipher_bits(cipher);
    let ciphers = ssl.array(SSLConnectionCipherIn);
    let min = ssl.int(SSLMinCipherStrength);
    let max = ssl.int(SSLMaxCipherStrength);
    (ciphers.is_empty() || ciphers.contains(&cipher)) && (min == 0 || bits >= min) && (max == 0 || bits <= max)
}

/// Reads CRLs from a file (PEM "X509 CRL" blocks or one DER CRL) or every file of a directory.
fn load_crls(path: &str, log: &Logger) -> Result<Vec<CertRevocationList<'static>>> {
    let meta = std::fs::metadata(path).map_err(|e| config_error(format!("SSLCRLFile {path}: {e}")))?;
    let files: Vec<std::path::PathBuf> = if meta.is_dir() {
        let mut v: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| config_error(format!("SSLCRLFile {path}: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        v.sort();
        v
    } else {
        vec![path.into()]
    };
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let mut crls = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| config_error(format!("CRL {}: {e}", f.display())))?;
        let ders: Vec<Vec<u8>> = if bytes.starts_with(b"-----BEGIN") {
            CertificateRevocationListDer::pem_slice_iter(&bytes)
                .map(|c| c.map(|c| c.as_ref().to_vec()))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| config_error(format!("CRL {}: {e}", f.display())))?
        } else {
            vec![bytes]
        };
        for der in ders {
            if let Some(next) = certinfo::crl_next_update(&der) {
                if next < now {
                    log.warn(LOG_F_SSL, || {
                        format!(
                            "CRL {} expired at {} (its revocations still count)",
                            f.display(),
                            certinfo::iso8601(next)
                        )
                    });
                }
            }
            let crl = OwnedCertRevocationList::from_der(&der)
                .map_err(|e| config_error(format!("CRL {}: {e}", f.display())))?;
            crls.push(CertRevocationList::from(crl));
        }
    }
    Ok(crls)
}

fn load_roots(ssl: &SslState) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    if !ssl.flag(SSLNoSystemRoots) {
        // Bad certificates in the system bundle are skipped, as every TLS client does.
        roots.add_parsable_certificates(system_roots().iter().cloned());
    }
    let ca_file = ssl.string(SSLCAFile);
    if !ca_file.is_empty() {
        let mut added = 0;
        for cert in
            CertificateDer::pem_file_iter(ca_file).map_err(|e| config_error(format!("SSLCAFile {ca_file}: {e}")))?
        {
            let cert = cert.map_err(|e| config_error(format!("SSLCAFile {ca_file}: {e}")))?;
            roots.add(cert).map_err(|e| config_error(format!("SSLCAFile {ca_file}: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(config_error(format!("SSLCAFile {ca_file}: no certificate in the file")));
        }
    }
    Ok(roots)
}

/// The client certificate SSLClientCertificateName asks for: chosen from the store by the
/// seed-003 rules, or read from the file it names when no store is set.
fn client_identity(ssl: &SslState, log: &Logger) -> Result<Option<Identity>> {
    let name = ssl.string(SSLClientCertificateName);
    if name.is_empty() {
        return Ok(None);
    }
    let password = ssl.string(SSLClientCertificatePassword);
    let store_path = ssl.string(SSLClientCertificateStore);
    if store_path.is_empty() {
        let mut ids = store::load(std::path::Path::new(name), password)
            .map_err(|e| config_error(format!("SSLClientCertificateName: {e}")))?;
        if ids.is_empty() {
            return Err(config_error(format!(
                "SSLClientCertificateName {name}: no certificate with its private key in the file"
            )));
        }
        log.info(LOG_F_SSL, || format!("client certificate from {name}"));
        return Ok(Some(ids.swap_remove(0)));
    }
    let ids = store::load(std::path::Path::new(store_path), password)
        .map_err(|e| config_error(format!("SSLClientCertificateStore: {e}")))?;
    let choice = store::select(ids, name, Usage::ClientAuth, store::now()).ok_or_else(|| {
        config_error(format!("no eligible client certificate for {name:?} in {store_path} (v3, private key, name in CN or SAN, client-auth usage)"))
    })?;
    log.info(LOG_F_SSL, || format!("client certificate {} from {}", choice.subject, choice.identity.source.display()));
    if choice.expired {
        log.warn(LOG_F_SSL, || {
            format!("the chosen client certificate {} has expired; it is used anyway", choice.subject)
        });
    }
    Ok(Some(choice.identity))
}

/// Builds the configuration for one connect. `sessions` is the client's own resumption cache,
/// so reconnecting to the same server resumes the TLS session.
pub fn build(
    ssl: &SslState,
    sessions: &Arc<ClientSessionMemoryCache>,
    validator: ValidatorSlot,
    log: &Logger,
) -> Result<TlsClientConfig> {
    let compat = if ssl.flag(SSLCompatibilityBackend) { Some(compat_range(ssl)?) } else { None };
    let base = ring::default_provider();
    let suites: Vec<SupportedCipherSuite> =
        base.cipher_suites.iter().copied().filter(|s| suite_allowed(ssl, *s)).collect();
    let versions: Vec<&'static SupportedProtocolVersion> =
        wanted_versions(ssl)?.into_iter().filter(|v| suites.iter().any(|s| s.version() == *v)).collect();
    if versions.is_empty() {
        return Err(config_error(
            "no cipher suite is left for the allowed protocols (check SSLConnectionCipherIn and SSLMin/MaxCipherStrength)",
        ));
    }
    let algorithms = base.signature_verification_algorithms;
    let provider = Arc::new(CryptoProvider { cipher_suites: suites, ..base });
    let pin = match ssl.string(SSLCertificatePin) {
        "" => None,
        p => Some(certinfo::normalise_fingerprint(p).ok_or_else(|| {
            config_error(format!("SSLCertificatePin {p:?} is not a SHA-256 fingerprint (64 hex digits)"))
        })?),
    };
    let crl_path = ssl.string(SSLCRLFile);
    let revocation = Revocation {
        crls: if crl_path.is_empty() { Vec::new() } else { load_crls(crl_path, log)? },
        end_entity_only: ssl.flag(SSLRevocationCheckEnd) || !ssl.flag(SSLRevocationCheckAll),
        allow_unknown: ssl.flag(SSLRevocationIgnoreNRC),
        allow_expired_crl: ssl.flag(SSLRevocationIgnoreRO),
    };
    let policy = VerifyPolicy {
        no_name_check: ssl.flag(SSLNoServerNameCheck),
        no_validation: ssl.flag(SSLNoServerCertificateValidation),
        pin,
        revocation,
        validator,
    };
    let verifier = Arc::new(RecordingVerifier::new(Arc::new(load_roots(ssl)?), algorithms, policy));
    let builder = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&versions)
        .map_err(|e| config_error(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone());
    let mut config = match client_identity(ssl, log)? {
        Some(id) => builder
            .with_client_auth_cert(id.chain, id.key)
            .map_err(|e| config_error(format!("client certificate {}: {e}", id.source.display())))?,
        None => builder.with_no_client_auth(),
    };
    config.resumption = Resumption::store(sessions.clone());
    Ok(TlsClientConfig { rustls: Arc::new(config), verifier, compat })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{find, OptValue};

    fn asking(protocols: &[i32]) -> SslState {
        let mut ssl = SslState::new();
        let (i, _) = find(SSLConnectionProtocolIn).unwrap();
        ssl.values[i] = OptValue::Array(protocols.to_vec());
        ssl
    }

    #[cfg(feature = "compat")]
    #[test]
    fn compat_range_spans_the_protocols_asked() {
        let range = |p: &[i32]| compat_range(&asking(p)).map(|r| (r.min, r.max)).unwrap();
        assert_eq!(range(&[]), (SSL_TLS1, SSL_TLS13));
        assert_eq!(range(&[SSL_TLS12]), (SSL_TLS12, SSL_TLS12));
        assert_eq!(range(&[SSL_TLS13, SSL_TLS11]), (SSL_TLS11, SSL_TLS13));
    }

    #[cfg(not(feature = "compat"))]
    #[test]
    fn without_the_backend_asking_for_it_is_a_configuration_error() {
        let e = compat_range(&asking(&[])).unwrap_err();
        assert_eq!((e.result, e.eex), (error::CSMAIL_E_TLS_CONFIG, error::eexTlsConfig));
        assert!(e.text.contains("no compatibility backend"), "{}", e.text);
    }
}
