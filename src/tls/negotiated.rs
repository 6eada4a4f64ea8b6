//! Maps what rustls negotiated onto the SSLInfo output constants.

use super::suites;
use super::verifier::Verdict;
use crate::options::*;
use rustls::{ClientConnection, HandshakeKind, ProtocolVersion};

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
    /// What the verifier recorded about the server's certificate (for a resumed session: what
    /// it recorded in the handshake that made the session).
    pub certificate: Verdict,
    /// The handshake resumed an earlier session: abbreviated, the server sent no certificate.
    pub resumed: bool,
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
        resumed: conn.handshake_kind() == Some(HandshakeKind::Resumed),
    }
}
