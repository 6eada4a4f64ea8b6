//! Maps what rustls negotiated onto the SSLInfo output constants.

use super::config::suite_cipher;
use super::verifier::Verdict;
use crate::options::*;
use rustls::{ClientConnection, NamedGroup, ProtocolVersion};

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

fn group_bits(group: NamedGroup) -> i32 {
    match group {
        NamedGroup::X25519 => 255,
        NamedGroup::X448 => 448,
        NamedGroup::secp256r1 => 256,
        NamedGroup::secp384r1 => 384,
        NamedGroup::secp521r1 => 521,
        // The hybrid's classical half; ML-KEM-768 is rated at about AES-192.
        NamedGroup::X25519MLKEM768 => 255,
        _ => 0,
    }
}

/// Reads the negotiated parameters off an established connection.
pub fn describe(conn: &ClientConnection, certificate: Verdict) -> Negotiated {
    let protocol = match conn.protocol_version() {
        Some(ProtocolVersion::TLSv1_3) => SSL_TLS13,
        Some(ProtocolVersion::TLSv1_2) => SSL_TLS12,
        _ => 0,
    };
    let suite = conn.negotiated_cipher_suite();
    let cipher = suite.map(suite_cipher).unwrap_or(0);
    let name = suite.map(|s| format!("{:?}", s.suite())).unwrap_or_default();
    let (hash, hash_strength) = if name.ends_with("SHA384") {
        (SSL_SHA384, 384)
    } else if name.ends_with("SHA256") {
        (SSL_SHA256, 256)
    } else {
        (0, 0)
    };
    let group = conn.negotiated_key_exchange_group().map(|g| g.name());
    Negotiated {
        protocol,
        cipher,
        cipher_strength: cipher_bits(cipher),
        hash,
        hash_strength,
        // Every suite rustls offers uses ephemeral (EC)DH; FFDHE groups would be SSL_DH.
        exchange: match group {
            Some(g) if format!("{g:?}").starts_with("FFDHE") => SSL_DH,
            Some(_) => SSL_ECDHE,
            None => 0,
        },
        exchange_strength: group.map(group_bits).unwrap_or(0),
        group: group.map(|g| u16::from(g) as i32).unwrap_or(0),
        suite: suite.map(|s| u16::from(s.suite()) as i32).unwrap_or(0),
        certificate,
    }
}
