//! Maps what rustls negotiated onto the SSLInfo output constants, and tells it in the log line
//! both backends write.

use super::suites;
use super::verifier::Verdict;
use crate::options::*;
use rustls::{CipherSuite, ClientConnection, ProtocolVersion};

/// What a TLS connect negotiated, written into the output options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Negotiated {
    pub protocol: i32,
    pub cipher: i32,
    pub cipher_strength: i32,
    pub hash: i32,
    pub hash_strength: i32,
    pub exchange: i32,
    pub exchange_strength: i32,
    pub group: i32,
    pub suite: i32,
    /// What the verifier recorded about the server's certificate.
    pub certificate: Verdict,
}

/// Reads the negotiated parameters off an established connection.
pub fn describe(conn: &ClientConnection, certificate: Verdict) -> Negotiated {
    let protocol = match conn.protocol_version() {
        Some(ProtocolVersion::TLSv1_3) => SSL_TLS13,
        Some(ProtocolVersion::TLSv1_2) => SSL_TLS12,
        _ => 0,
    };
    let suite = conn.negotiated_cipher_suite().map(|s| s.suite());
    let parts = suite.map(suites::parts).unwrap_or_default();
    let group = conn.negotiated_key_exchange_group().map(|g| g.name());
    Negotiated {
        protocol,
        cipher: parts.cipher,
        cipher_strength: cipher_bits(parts.cipher),
        hash: parts.hash,
        hash_strength: suites::hash_bits(parts.hash),
        // Every suite rustls offers uses ephemeral (EC)DH: the group says which.
        exchange: group.map(suites::group_exchange).unwrap_or(0),
        exchange_strength: group.map(suites::group_bits).unwrap_or(0),
        group: group.map(|g| i32::from(u16::from(g))).unwrap_or(0),
        suite: suite.map(|s| i32::from(u16::from(s))).unwrap_or(0),
        certificate,
    }
}

/// The protocol's name as people write it.
fn protocol_name(protocol: i32) -> &'static str {
    match protocol {
        SSL_TLS1 => "TLS 1.0",
        SSL_TLS11 => "TLS 1.1",
        SSL_TLS12 => "TLS 1.2",
        SSL_TLS13 => "TLS 1.3",
        _ => "TLS (unknown version)",
    }
}

/// The log line after a handshake, the same from rustls and the compatibility backend (the
/// handshake's first line says which backend): everything the outputs hold, by the IANA names
/// of the suite and the group.
pub fn established_line(n: &Negotiated) -> String {
    let group = match n.group {
        0 => "none".to_owned(),
        g => format!("{:?}", rustls::NamedGroup::from(g as u16)),
    };
    format!(
        "TLS established: {} {} (cipher {:#x}/{} bits, hash {:#x}/{} bits, exchange {:#x} group {}/{} bits), \
         certificate status {}, subject {:?}, issuer {:?}, expires {}, SHA-256 {}",
        protocol_name(n.protocol),
        suites::name(CipherSuite::from(n.suite as u16)),
        n.cipher,
        n.cipher_strength,
        n.hash,
        n.hash_strength,
        n.exchange,
        group,
        n.exchange_strength,
        n.certificate.status,
        n.certificate.details.subject,
        n.certificate.details.issuer,
        n.certificate.details.expires,
        n.certificate.details.fingerprint,
    )
}
