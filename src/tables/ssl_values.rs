// The values the SSLInfo options and Mode take. Protocol and algorithm values are the Windows
// SChannel numbers the legacy library almost certainly passed through (SP_PROT_*_CLIENT,
// CALG_*); key-exchange groups use IANA code points; values for algorithms SChannel had no
// number for are new and marked so. Included by src/options.rs and build.rs.

constants! { SSL_MODES, "SSLInfo.Mode (the legacy type SSL_MODE)";
    /// Establish a secure channel: the whole session is TLS from the first byte (ports 465, 995).
    /// Default.
    MODE_CHANNEL = 0;
    /// Use the protocol extensions: plain connect, then STARTTLS (SMTP) or STLS (POP3). TLS stays
    /// required.
    MODE_STARTTLS = 1;
}

constants! { SSL_PROTOCOLS, "Protocols (SChannel SP_PROT_*_CLIENT bits): SSLConnectionProtocolIn, SSLConnectionProtocolOut";
    /// Private Communications Technology 1.0 (refused: eexLegacyValue).
    SSL_PCT1 = 0x0002;
    /// Secure Sockets Layer 2.0 (refused: eexLegacyValue).
    SSL_SSL2 = 0x0008;
    /// Secure Sockets Layer 3.0 (refused: eexLegacyValue).
    SSL_SSL3 = 0x0020;
    /// Transport Layer Security 1.0 (compatibility backend only).
    SSL_TLS1 = 0x0080;
    /// New: TLS 1.1 (compatibility backend only).
    SSL_TLS11 = 0x0200;
    /// New: TLS 1.2.
    SSL_TLS12 = 0x0800;
    /// New: TLS 1.3.
    SSL_TLS13 = 0x2000;
}

constants! { SSL_CIPHERS, "Bulk ciphers (CALG_*): SSLConnectionCipherIn, SSLConnectionCipherOut";
    /// RC2 block encryption algorithm (refused: eexLegacyValue).
    SSL_RC2 = 0x6602;
    /// RC4 stream encryption algorithm (refused: eexLegacyValue).
    SSL_RC4 = 0x6801;
    /// DES encryption algorithm (refused: eexLegacyValue).
    SSL_DES = 0x6601;
    /// Skipjack block encryption algorithm (refused: eexLegacyValue).
    SSL_SKIPJACK = 0x660A;
    /// New: triple DES (CALG_3DES). Refused like the other legacy ciphers.
    SSL_3DES = 0x6603;
    /// New: AES-128 in GCM mode (CALG_AES_128).
    SSL_AES128_GCM = 0x660E;
    /// New: AES-256 in GCM mode (CALG_AES_256).
    SSL_AES256_GCM = 0x6610;
    /// New: AES-128 in CBC mode (compatibility backend only; csmail's own number).
    SSL_AES128_CBC = 0x6621;
    /// New: AES-256 in CBC mode (compatibility backend only; csmail's own number).
    SSL_AES256_CBC = 0x6622;
    /// New: ChaCha20-Poly1305 (no CALG exists; csmail's own number).
    SSL_CHACHA20_POLY1305 = 0x6820;
}

constants! { SSL_HASHES, "Hashes (CALG_*): SSLHash";
    /// MD5 hashing algorithm.
    SSL_MD5 = 0x8003;
    /// SHA(-1) hashing algorithm.
    SSL_SHA = 0x8004;
    /// New: SHA-256 (CALG_SHA_256).
    SSL_SHA256 = 0x800C;
    /// New: SHA-384 (CALG_SHA_384).
    SSL_SHA384 = 0x800D;
}

constants! { SSL_EXCHANGES, "Key exchange (CALG_*): SSLExchange";
    /// RSA key exchange.
    SSL_RSA = 0xA400;
    /// Diffie-Hellman key exchange.
    SSL_DH = 0xAA02;
    /// New: ephemeral elliptic-curve Diffie-Hellman (CALG_ECDH_EPHEM).
    SSL_ECDHE = 0xAE06;
}

constants! { SSL_GROUPS, "Key-exchange groups (new; IANA TLS Supported Groups): SSLExchangeGroup";
    /// NIST P-256.
    SSL_GROUP_SECP256R1 = 0x0017;
    /// NIST P-384.
    SSL_GROUP_SECP384R1 = 0x0018;
    /// NIST P-521.
    SSL_GROUP_SECP521R1 = 0x0019;
    /// X25519.
    SSL_GROUP_X25519 = 0x001D;
    /// X448.
    SSL_GROUP_X448 = 0x001E;
    /// The hybrid post-quantum group X25519 + ML-KEM-768.
    SSL_GROUP_X25519MLKEM768 = 0x11EC;
}

constants! { CERT_POLICY_FLAGS, "Certificate policy errors (flags; the values of .NET's SslPolicyErrors): SSLCertificatePolicyErrors";
    /// The server sent no certificate.
    CERT_POLICY_NOT_AVAILABLE = 1;
    /// The certificate's names do not match the host.
    CERT_POLICY_NAME_MISMATCH = 2;
    /// The chain does not validate (untrusted, expired, revoked, malformed).
    CERT_POLICY_CHAIN_ERRORS = 4;
}

constants! { CERTIFICATE_STATUSES, "CertificateStatus (seed 000): SSLCertificateStatus";
    /// No certificate information is available: a secure connection was not established.
    CERTIFICATE_NONE = 0, legacy mailCertificateNone;
    /// The certificate is valid.
    CERTIFICATE_VALID = 1, legacy mailCertificateValid;
    /// The certificate is valid, but its names do not match the host connected to.
    CERTIFICATE_NO_MATCH = 2, legacy mailCertificateNoMatch;
    /// The certificate has expired and is no longer valid (or is not valid yet).
    CERTIFICATE_EXPIRED = 3, legacy mailCertificateExpired;
    /// The certificate has been revoked.
    CERTIFICATE_REVOKED = 4, legacy mailCertificateRevoked;
    /// The certificate was not issued by a trusted authority.
    CERTIFICATE_UNTRUSTED = 5, legacy mailCertificateUntrusted;
    /// The certificate is invalid: its structure is damaged.
    CERTIFICATE_INVALID = 6, legacy mailCertificateInvalid;
}

constants! { OPTION_TYPES, "Option value types (csmail_sslinfo_option_type)";
    /// Not an option index.
    CSMAIL_OPTION_UNKNOWN = 0;
    /// A boolean, read and written with csmail_sslinfo_get_int / set_int (0 or 1).
    CSMAIL_OPTION_BOOL = 1;
    /// An integer (csmail_sslinfo_get_int / set_int).
    CSMAIL_OPTION_INT = 2;
    /// An array of integers (csmail_sslinfo_get_int_array / set_int_array).
    CSMAIL_OPTION_INT_ARRAY = 3;
    /// A string (csmail_sslinfo_get_str / set_str).
    CSMAIL_OPTION_STRING = 4;
}
