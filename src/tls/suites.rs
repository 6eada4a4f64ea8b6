//! What a cipher suite and a key-exchange group stand for in SSLInfo's terms (bulk cipher, hash,
//! key exchange, strengths): one mapping for both backends, on rustls's typed IANA code points.
//! rustls hands its suite over as a `CipherSuite`; the OpenSSL backend looks its suite up by the
//! IANA number OpenSSL reports.

use crate::options::*;
use rustls::{CipherSuite, NamedGroup};

/// A suite's parts as SSLInfo output constants (0: none that SSLInfo names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SuiteParts {
    /// SSL_AES128_GCM, SSL_CHACHA20_POLY1305, ...
    pub cipher: i32,
    /// SSL_SHA, SSL_SHA256, SSL_SHA384: the MAC of CBC suites, the PRF hash of AEAD suites.
    pub hash: i32,
    /// SSL_RSA, SSL_DH, SSL_ECDHE; 0 for TLS 1.3 suites, whose key exchange is the group's.
    pub exchange: i32,
}

/// One row of the table: the suite by its IANA name (which rustls's Debug does not give for
/// every suite it knows), and its parts.
macro_rules! row {
    ($suite:ident, $cipher:expr, $hash:expr, $exchange:expr) => {
        (CipherSuite::$suite, stringify!($suite), SuiteParts { cipher: $cipher, hash: $hash, exchange: $exchange })
    };
}

/// Every suite either backend can negotiate with csmail's settings: rustls's TLS 1.2 and 1.3
/// suites, and what OpenSSL's "ALL" list adds for legacy servers (CBC, DHE, static RSA, 3DES).
/// A suite not listed (CCM, CAMELLIA, ARIA, ...) reports 0 for each part.
static SUITES: &[(CipherSuite, &str, SuiteParts)] = &[
    // TLS 1.3
    row!(TLS13_AES_128_GCM_SHA256, SSL_AES128_GCM, SSL_SHA256, 0),
    row!(TLS13_AES_256_GCM_SHA384, SSL_AES256_GCM, SSL_SHA384, 0),
    row!(TLS13_CHACHA20_POLY1305_SHA256, SSL_CHACHA20_POLY1305, SSL_SHA256, 0),
    // TLS 1.2, ephemeral elliptic-curve Diffie-Hellman
    row!(TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, SSL_AES128_GCM, SSL_SHA256, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, SSL_AES256_GCM, SSL_SHA384, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, SSL_CHACHA20_POLY1305, SSL_SHA256, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, SSL_AES128_CBC, SSL_SHA, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, SSL_AES256_CBC, SSL_SHA, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, SSL_AES128_CBC, SSL_SHA256, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, SSL_AES256_CBC, SSL_SHA384, SSL_ECDHE),
    row!(TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA, SSL_3DES, SSL_SHA, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, SSL_AES128_GCM, SSL_SHA256, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, SSL_AES256_GCM, SSL_SHA384, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, SSL_CHACHA20_POLY1305, SSL_SHA256, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, SSL_AES128_CBC, SSL_SHA, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, SSL_AES256_CBC, SSL_SHA, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, SSL_AES128_CBC, SSL_SHA256, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, SSL_AES256_CBC, SSL_SHA384, SSL_ECDHE),
    row!(TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, SSL_3DES, SSL_SHA, SSL_ECDHE),
    // TLS 1.0-1.2, finite-field Diffie-Hellman (OpenSSL backend only)
    row!(TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, SSL_AES128_GCM, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, SSL_AES256_GCM, SSL_SHA384, SSL_DH),
    row!(TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256, SSL_CHACHA20_POLY1305, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_RSA_WITH_AES_128_CBC_SHA, SSL_AES128_CBC, SSL_SHA, SSL_DH),
    row!(TLS_DHE_RSA_WITH_AES_256_CBC_SHA, SSL_AES256_CBC, SSL_SHA, SSL_DH),
    row!(TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, SSL_AES128_CBC, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, SSL_AES256_CBC, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA, SSL_3DES, SSL_SHA, SSL_DH),
    row!(TLS_DHE_DSS_WITH_AES_128_GCM_SHA256, SSL_AES128_GCM, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_DSS_WITH_AES_256_GCM_SHA384, SSL_AES256_GCM, SSL_SHA384, SSL_DH),
    row!(TLS_DHE_DSS_WITH_AES_128_CBC_SHA, SSL_AES128_CBC, SSL_SHA, SSL_DH),
    row!(TLS_DHE_DSS_WITH_AES_256_CBC_SHA, SSL_AES256_CBC, SSL_SHA, SSL_DH),
    row!(TLS_DHE_DSS_WITH_AES_128_CBC_SHA256, SSL_AES128_CBC, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_DSS_WITH_AES_256_CBC_SHA256, SSL_AES256_CBC, SSL_SHA256, SSL_DH),
    row!(TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA, SSL_3DES, SSL_SHA, SSL_DH),
    // TLS 1.0-1.2, static RSA key transport (OpenSSL backend only)
    row!(TLS_RSA_WITH_AES_128_GCM_SHA256, SSL_AES128_GCM, SSL_SHA256, SSL_RSA),
    row!(TLS_RSA_WITH_AES_256_GCM_SHA384, SSL_AES256_GCM, SSL_SHA384, SSL_RSA),
    row!(TLS_RSA_WITH_AES_128_CBC_SHA, SSL_AES128_CBC, SSL_SHA, SSL_RSA),
    row!(TLS_RSA_WITH_AES_256_CBC_SHA, SSL_AES256_CBC, SSL_SHA, SSL_RSA),
    row!(TLS_RSA_WITH_AES_128_CBC_SHA256, SSL_AES128_CBC, SSL_SHA256, SSL_RSA),
    row!(TLS_RSA_WITH_AES_256_CBC_SHA256, SSL_AES256_CBC, SSL_SHA256, SSL_RSA),
    row!(TLS_RSA_WITH_3DES_EDE_CBC_SHA, SSL_3DES, SSL_SHA, SSL_RSA),
];

/// The parts of a suite; all 0 for a suite the table does not list.
pub fn parts(suite: CipherSuite) -> SuiteParts {
    SUITES.iter().find(|(s, _, _)| *s == suite).map(|(_, _, p)| *p).unwrap_or_default()
}

/// A suite's IANA name as the log writes it (rustls's spelling for TLS 1.3 suites), or its
/// number for a suite the table does not list.
pub fn name(suite: CipherSuite) -> String {
    match SUITES.iter().find(|(s, _, _)| *s == suite) {
        Some((_, name, _)) => (*name).to_owned(),
        None => format!("{:#06x}", u16::from(suite)),
    }
}

/// The output length in bits of a hash constant.
pub fn hash_bits(hash: i32) -> i32 {
    match hash {
        SSL_MD5 => 128,
        SSL_SHA => 160,
        SSL_SHA256 => 256,
        SSL_SHA384 => 384,
        _ => 0,
    }
}

/// The key exchange a group stands for: finite-field groups are SSL_DH, the rest elliptic-curve
/// (or hybrid) ephemeral Diffie-Hellman.
pub fn group_exchange(group: NamedGroup) -> i32 {
    match group {
        NamedGroup::FFDHE2048
        | NamedGroup::FFDHE3072
        | NamedGroup::FFDHE4096
        | NamedGroup::FFDHE6144
        | NamedGroup::FFDHE8192 => SSL_DH,
        _ => SSL_ECDHE,
    }
}

/// The strength in bits of a key-exchange group.
pub fn group_bits(group: NamedGroup) -> i32 {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every suite rustls offers is in the table, with a cipher SSLInfo names.
    #[test]
    fn every_rustls_suite_is_mapped() {
        for s in rustls::crypto::ring::default_provider().cipher_suites {
            let p = parts(s.suite());
            assert!(matches!(p.cipher, SSL_AES128_GCM | SSL_AES256_GCM | SSL_CHACHA20_POLY1305), "{:?}", s.suite());
            assert!(matches!(p.hash, SSL_SHA256 | SSL_SHA384), "{:?}", s.suite());
        }
    }

    #[test]
    fn legacy_suites_by_iana_number() {
        // What OpenSSL reports as the protocol id of AES128-SHA and DHE-RSA-AES256-SHA256.
        assert_eq!(
            parts(CipherSuite::from(0x002f)),
            SuiteParts { cipher: SSL_AES128_CBC, hash: SSL_SHA, exchange: SSL_RSA }
        );
        assert_eq!(
            parts(CipherSuite::from(0x006b)),
            SuiteParts { cipher: SSL_AES256_CBC, hash: SSL_SHA256, exchange: SSL_DH }
        );
        assert_eq!(parts(CipherSuite::from(0x1304)), SuiteParts::default());
        assert_eq!(hash_bits(SSL_SHA), 160);
        assert_eq!(group_exchange(NamedGroup::FFDHE2048), SSL_DH);
        assert_eq!(group_exchange(NamedGroup::X25519), SSL_ECDHE);
    }
}
