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

use super::negotiated::Negotiated;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_SSL};
use crate::options::*;
use crate::transport::abort::Abort;
use crate::transport::stream::TlsContext;
use openssl::ssl::{SslConnector, SslMethod, SslStream, SslVerifyMode, SslVersion};
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use std::net::TcpStream;
use std::time::Duration;

/// The protocol range the compatibility backend may negotiate.
#[derive(Clone, Copy, Debug)]
pub struct CompatSettings {
    pub min: SslVersion,
    pub max: SslVersion,
}

/// From SSLConnectionProtocolIn: the lowest and highest version listed; empty = TLS 1.0 .. 1.3.
pub fn settings(ssl: &SslState) -> CompatSettings {
    let order = [
        (SSL_TLS1, SslVersion::TLS1),
        (SSL_TLS11, SslVersion::TLS1_1),
        (SSL_TLS12, SslVersion::TLS1_2),
        (SSL_TLS13, SslVersion::TLS1_3),
    ];
    let asked = ssl.array(SSLConnectionProtocolIn);
    let allowed: Vec<SslVersion> =
        order.iter().filter(|(c, _)| asked.is_empty() || asked.contains(c)).map(|(_, v)| *v).collect();
    CompatSettings {
        min: *allowed.first().unwrap_or(&SslVersion::TLS1),
        max: *allowed.last().unwrap_or(&SslVersion::TLS1_3),
    }
}

fn field<'a>(description: &'a str, key: &str) -> &'a str {
    description.split_whitespace().find_map(|w| w.strip_prefix(key)).unwrap_or("")
}

/// Reads the negotiated parameters off an OpenSSL session.
fn describe(s: &SslStream<TcpStream>, certificate: super::verifier::Verdict) -> Negotiated {
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
    let d = cipher.description();
    let enc = field(&d, "Enc=");
    let bits = cipher.bits().secret;
    let cipher_code = if enc.starts_with("AESGCM") {
        if bits >= 256 {
            SSL_AES256_GCM
        } else {
            SSL_AES128_GCM
        }
    } else if enc.starts_with("AES(") {
        if bits >= 256 {
            SSL_AES256_CBC
        } else {
            SSL_AES128_CBC
        }
    } else if enc.starts_with("CHACHA20") {
        SSL_CHACHA20_POLY1305
    } else if enc.starts_with("3DES") {
        SSL_3DES
    } else {
        0
    };
    let name = cipher.name();
    let (hash, hash_strength) = match field(&d, "Mac=") {
        "SHA1" => (SSL_SHA, 160),
        "MD5" => (SSL_MD5, 128),
        "SHA256" => (SSL_SHA256, 256),
        "SHA384" => (SSL_SHA384, 384),
        // AEAD suites name their PRF hash at the end.
        _ if name.ends_with("SHA384") => (SSL_SHA384, 384),
        _ if name.ends_with("SHA256") || protocol == SSL_TLS13 => (SSL_SHA256, 256),
        _ => (0, 0),
    };
    let exchange = match field(&d, "Kx=") {
        "RSA" => SSL_RSA,
        "DH" => SSL_DH,
        "ECDH" | "any" => SSL_ECDHE,
        _ => 0,
    };
    let exchange_strength = if exchange == SSL_RSA {
        ssl.peer_certificate().and_then(|c| c.public_key().ok()).map(|k| k.bits() as i32).unwrap_or(0)
    } else {
        0
    };
    let suite = cipher.protocol_id();
    Negotiated {
        protocol,
        cipher: cipher_code,
        cipher_strength: bits,
        hash,
        hash_strength,
        exchange,
        exchange_strength,
        group: 0,
        suite: i32::from(u16::from_be_bytes(suite)),
        certificate,
    }
}

fn failure(eex: i32, text: String) -> Error {
    Error::new(error::CSMAIL_E_CONNECT, eex, text)
}

/// Runs the client side of a TLS handshake with OpenSSL, then judges the certificate.
pub fn handshake(
    tcp: TcpStream,
    ctx: &TlsContext,
    settings: CompatSettings,
    timeout: Duration,
    abort: &Abort,
    log: &Logger,
) -> Result<(SslStream<TcpStream>, Negotiated)> {
    let config_err = |e: openssl::error::ErrorStack| {
        Error::new(error::CSMAIL_E_TLS_CONFIG, error::eexTlsConfig, format!("OpenSSL: {e}"))
    };
    let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(config_err)?;
    b.set_security_level(0);
    b.set_cipher_list("ALL:@SECLEVEL=0").map_err(config_err)?;
    b.set_min_proto_version(Some(settings.min)).map_err(config_err)?;
    b.set_max_proto_version(Some(settings.max)).map_err(config_err)?;
    // The recording verifier judges the certificate after the handshake, like rustls's.
    b.set_verify(SslVerifyMode::NONE);
    let connector = b.build();
    let mut cfg = connector.configure().map_err(config_err)?;
    cfg.set_verify_hostname(false);
    let is_ip = ctx.server_name.parse::<std::net::IpAddr>().is_ok();
    cfg.set_use_server_name_indication(!is_ip);
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    log.info(LOG_F_SSL, || {
        format!(
            "TLS handshake with {} (compatibility backend, OpenSSL {})",
            ctx.server_name,
            openssl::version::version()
        )
    });
    let stream = cfg.connect(&ctx.server_name, tcp).map_err(|e| {
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
    let name = ServerName::try_from(ctx.server_name.clone())
        .map_err(|_| failure(error::eexSSLCertName, format!("{:?} is not a valid TLS server name", ctx.server_name)))?;
    let verdict_result = ctx.setup.verifier.verify_server_cert(leaf, intermediates, &name, &[], UnixTime::now());
    let verdict = ctx.setup.verifier.verdict();
    if let Err(e) = verdict_result {
        (ctx.record)(&Negotiated { certificate: verdict, ..Negotiated::default() });
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
    (ctx.record)(&n);
    log.info(LOG_F_SSL, || {
        format!(
            "TLS established (compatibility backend): {:?} {} (cipher {:#x}/{} bits, hash {:#x}, exchange {:#x}), certificate status {}",
            stream.ssl().version2(),
            stream.ssl().current_cipher().map(|c| c.name()).unwrap_or(""),
            n.cipher,
            n.cipher_strength,
            n.hash,
            n.exchange,
            n.certificate.status
        )
    });
    Ok((stream, n))
}
