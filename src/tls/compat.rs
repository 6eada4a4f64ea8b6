//! The compatibility backend: OpenSSL (the system's libssl), for servers rustls cannot talk to —
//! TLS 1.0/1.1, CBC-only, DHE-only and static-RSA servers. Selected by SSLCompatibilityBackend;
//! rustls stays the default.
//!
//! It uses the `openssl` crate rather than native-tls: native-tls offers no way to lower
//! OpenSSL 3's security level, and at Debian's default level 2 none of those servers can be
//! reached at all. Level 0 is set here, and only here.
//!
//! Certificates are judged by the same recording verifier as with rustls (chain with CRLs,
//! name, pin, callback), on the chain the server sent, after OpenSSL's handshake; OpenSSL
//! itself checks the handshake signature. Status, properties and outputs are the same.

use super::config::{CompatRange, TlsHandshakeParams};
use super::negotiated::Negotiated;
use super::suites;
use super::verifier::Verdict;
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_SSL};
use crate::options::*;
use openssl::nid::Nid;
use openssl::pkey::Id;
use openssl::ssl::{SslConnector, SslMethod, SslRef, SslStream, SslVerifyMode, SslVersion};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CipherSuite, NamedGroup};
use std::net::TcpStream;
use std::time::Duration;

/// OpenSSL's version for an SSL_TLS* constant.
fn ssl_version(protocol: i32) -> SslVersion {
    match protocol {
        SSL_TLS1 => SslVersion::TLS1,
        SSL_TLS11 => SslVersion::TLS1_1,
        SSL_TLS12 => SslVersion::TLS1_2,
        _ => SslVersion::TLS1_3,
    }
}

/// The key-exchange group, read off the server's ephemeral key, and the exchange's strength in
/// bits: the group's (as with rustls) when it is a named one, else the key's size (finite-field
/// DHE with the server's own parameters).
fn key_exchange(ssl: &SslRef) -> (Option<NamedGroup>, i32) {
    let Ok(key) = ssl.peer_tmp_key() else {
        return (None, 0);
    };
    let group = match key.id() {
        Id::X25519 => Some(NamedGroup::X25519),
        Id::X448 => Some(NamedGroup::X448),
        Id::EC => match key.ec_key().ok().and_then(|k| k.group().curve_name()) {
            Some(Nid::X9_62_PRIME256V1) => Some(NamedGroup::secp256r1),
            Some(Nid::SECP384R1) => Some(NamedGroup::secp384r1),
            Some(Nid::SECP521R1) => Some(NamedGroup::secp521r1),
            _ => None,
        },
        _ => None,
    };
    match group {
        Some(g) => (Some(g), suites::group_bits(g)),
        None => (None, key.bits() as i32),
    }
}

/// Reads the negotiated parameters off an OpenSSL session: the suite by its IANA number through
/// the same mapping as rustls's, the strengths as OpenSSL reports them.
fn describe(s: &SslStream<TcpStream>, certificate: Verdict) -> Negotiated {
    let ssl = s.ssl();
    let protocol = match ssl.version2() {
        Some(v) if v == SslVersion::TLS1 => SSL_TLS1,
        Some(v) if v == SslVersion::TLS1_1 => SSL_TLS11,
        Some(v) if v == SslVersion::TLS1_2 => SSL_TLS12,
        Some(v) if v == SslVersion::TLS1_3 => SSL_TLS13,
        _ => 0,
    };
    let Some(cipher) = ssl.current_cipher() else {
        return Negotiated { protocol, certificate, ..Negotiated::default() };
    };
    let suite = u16::from_be_bytes(cipher.protocol_id());
    let parts = suites::parts(CipherSuite::from(suite));
    let (group, group_strength) = key_exchange(ssl);
    // TLS 1.3 suites leave the key exchange to the group; a TLS 1.2 suite names it.
    let exchange = match (protocol, group) {
        (SSL_TLS13, Some(g)) => suites::group_exchange(g),
        (SSL_TLS13, None) => SSL_ECDHE,
        _ => parts.exchange,
    };
    // Static RSA: the strength is the server key's.
    let exchange_strength = if exchange == SSL_RSA {
        ssl.peer_certificate().and_then(|c| c.public_key().ok()).map(|k| k.bits() as i32).unwrap_or(0)
    } else {
        group_strength
    };
    Negotiated {
        protocol,
        cipher: parts.cipher,
        cipher_strength: cipher.bits().secret,
        hash: parts.hash,
        hash_strength: suites::hash_bits(parts.hash),
        exchange,
        exchange_strength,
        group: group.map(|g| i32::from(u16::from(g))).unwrap_or(0),
        suite: i32::from(suite),
        certificate,
    }
}

fn failure(eex: i32, text: String) -> Error {
    Error::new(error::CSMAIL_E_CONNECT, eex, text)
}

/// Runs the client side of a TLS handshake with OpenSSL, then judges the certificate.
pub fn handshake(
    tcp: TcpStream,
    params: &TlsHandshakeParams,
    range: CompatRange,
    timeout: Duration,
    abort: &Abort,
    log: &Logger,
) -> Result<SslStream<TcpStream>> {
    let config_err = |e: openssl::error::ErrorStack| {
        Error::new(error::CSMAIL_E_TLS_CONFIG, error::eexTlsConfig, format!("OpenSSL: {e}"))
    };
    let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(config_err)?;
    b.set_security_level(0);
    b.set_cipher_list("ALL:@SECLEVEL=0").map_err(config_err)?;
    b.set_min_proto_version(Some(ssl_version(range.min))).map_err(config_err)?;
    b.set_max_proto_version(Some(ssl_version(range.max))).map_err(config_err)?;
    // The recording verifier judges the certificate after the handshake, like rustls's.
    b.set_verify(SslVerifyMode::NONE);
    let connector = b.build();
    let mut cfg = connector.configure().map_err(config_err)?;
    cfg.set_verify_hostname(false);
    let is_ip = params.server_name.parse::<std::net::IpAddr>().is_ok();
    cfg.set_use_server_name_indication(!is_ip);
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    log.info(LOG_F_SSL, || {
        format!(
            "TLS handshake with {} (compatibility backend, OpenSSL {})",
            params.server_name,
            openssl::version::version()
        )
    });
    let stream = cfg.connect(&params.server_name, tcp).map_err(|e| {
        if abort.is_requested() {
            return Error::aborted();
        }
        let text = e.to_string();
        let err = if text.contains("timed out") || text.contains("Resource temporarily unavailable") {
            Error::timeout("in the TLS handshake")
        } else {
            failure(error::eexSSLProtocol, format!("TLS handshake failed (compatibility backend): {text}"))
        };
        log.fatal(LOG_F_SSL, || err.text.clone());
        err
    })?;
    let chain: Vec<CertificateDer<'static>> = stream
        .ssl()
        .peer_cert_chain()
        .map(|c| c.iter().filter_map(|x| x.to_der().ok()).map(CertificateDer::from).collect())
        .unwrap_or_default();
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err(failure(error::eexSSLCertificate, "the server sent no certificate".into()));
    };
    let name = ServerName::try_from(params.server_name.clone()).map_err(|_| {
        failure(error::eexSSLCertName, format!("{:?} is not a valid TLS server name", params.server_name))
    })?;
    let verdict_result = params.config.verifier.verify_server_cert(leaf, intermediates, &name, &[], UnixTime::now());
    let verdict = params.config.verifier.verdict();
    if let Err(e) = verdict_result {
        (params.record)(&Negotiated { certificate: verdict, ..Negotiated::default() });
        let eex = match e {
            rustls::Error::InvalidCertificate(
                rustls::CertificateError::NotValidForName | rustls::CertificateError::NotValidForNameContext { .. },
            ) => error::eexSSLCertName,
            _ => error::eexSSLCertificate,
        };
        let err = failure(eex, format!("the server's certificate was refused: {e}"));
        log.fatal(LOG_F_SSL, || err.text.clone());
        return Err(err);
    }
    let n = describe(&stream, verdict);
    (params.record)(&n);
    log.info(LOG_F_SSL, || super::negotiated::established_line(&n));
    Ok(stream)
}
