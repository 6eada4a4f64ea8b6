// The SSLInfo option table (csmail_sslinfo_set_* / get_*): index, type, access, default, meaning.
// The supplement gives the option names and meanings but not their numbers (the pages with the
// values are lost): indices follow the order in which seed 002 lists the options, from 0; options
// added by csmail start at 100 (inputs) and 200 (outputs). Included by src/options.rs and build.rs.
ssl_options! {
    /// Accept a certificate whose names do not match the host; the chain is still validated.
    SSLNoServerNameCheck = 0, Bool, ReadWrite, 0;
    /// Accept a chain that does not validate (untrusted, expired, self-signed); the name is still
    /// checked unless SSLNoServerNameCheck; the handshake signature is always checked.
    SSLNoServerCertificateValidation = 1, Bool, ReadWrite, 0;
    /// With CRLs (SSLCRLFile): check every certificate of the chain for revocation (webpki depth
    /// `Chain`).
    SSLRevocationCheckAll = 2, Bool, ReadWrite, 1;
    /// With CRLs: check only the server's own certificate (webpki depth `EndEntity`); wins over
    /// SSLRevocationCheckAll.
    SSLRevocationCheckEnd = 3, Bool, ReadWrite, 0;
    /// Accepted; trust anchors are never checked for revocation by webpki, so the root is always
    /// excluded.
    SSLRevocationExcludeRoot = 4, Bool, ReadWrite, 0;
    /// A certificate no CRL covers is accepted (webpki `UnknownStatusPolicy::Allow`); 0 refuses it
    /// (status CERTIFICATE_UNTRUSTED).
    SSLRevocationIgnoreNRC = 5, Bool, ReadWrite, 1;
    /// An expired CRL still counts (`ExpirationPolicy::Ignore`) and is reported in the log at
    /// WARNING; 0 refuses the connection (CERTIFICATE_UNTRUSTED).
    SSLRevocationIgnoreRO = 6, Bool, ReadWrite, 1;
    /// Minimum bulk cipher key length in bits (128 or 256); 0 lets the library choose.
    SSLMinCipherStrength = 7, Int, ReadWrite, 0;
    /// Maximum bulk cipher key length in bits; 0 lets the library choose.
    SSLMaxCipherStrength = 8, Int, ReadWrite, 0;
    /// Allowed protocols: SSL_TLS12, SSL_TLS13; empty = both. SSL_TLS1 and SSL_TLS11 are accepted
    /// and kept for the compatibility backend (with rustls alone they leave nothing:
    /// CSMAIL_E_TLS_CONFIG); SSL_SSL2, SSL_SSL3 and SSL_PCT1 are refused (eexLegacyValue).
    SSLConnectionProtocolIn = 9, IntArray, ReadWrite, 0;
    /// Allowed bulk ciphers: SSL_AES128_GCM, SSL_AES256_GCM, SSL_CHACHA20_POLY1305 (and
    /// SSL_AES128_CBC, SSL_AES256_CBC, meaningful with the compatibility backend); empty = all.
    /// SSL_RC2, SSL_RC4, SSL_DES, SSL_3DES and SSL_SKIPJACK are refused (eexLegacyValue).
    SSLConnectionCipherIn = 10, IntArray, ReadWrite, 0;
    /// Require an encrypted session (SChannel's ISC_REQ_CONFIDENTIALITY). Every suite either
    /// backend negotiates encrypts and with an SSLInfo attached TLS is required, so this always
    /// holds; 0 changes nothing.
    SSLConfidentiality = 11, Bool, ReadWrite, 1;
    /// The client certificate: a name chosen from SSLClientCertificateStore by the seed-003 rules,
    /// or, without a store, the path of a PEM or PKCS#12 file.
    SSLClientCertificateName = 12, Str, ReadWrite, 0;
    /// The negotiated protocol: SSL_TLS12 or SSL_TLS13 (SSL_TLS1, SSL_TLS11 with the
    /// compatibility backend); 0 before a TLS connect.
    SSLConnectionProtocolOut = 13, Int, ReadOnly, 0;
    /// The negotiated bulk cipher: SSL_AES128_GCM, SSL_AES256_GCM, SSL_CHACHA20_POLY1305.
    SSLConnectionCipherOut = 14, Int, ReadOnly, 0;
    /// The bulk cipher's key length in bits: 128 or 256.
    SSLCipherStrength = 15, Int, ReadOnly, 0;
    /// The hash of the suite: SSL_SHA256 or SSL_SHA384.
    SSLHash = 16, Int, ReadOnly, 0;
    /// The hash's output length in bits: 256 or 384.
    SSLHashStrength = 17, Int, ReadOnly, 0;
    /// The key exchange: SSL_ECDHE (SSL_DH, SSL_RSA with the compatibility backend).
    SSLExchange = 18, Int, ReadOnly, 0;
    /// The key exchange's strength in bits, the group's size: 255 (X25519), 256, 384, 521.
    SSLExchangeStrength = 19, Int, ReadOnly, 0;
    /// A PEM file of CA certificates trusted in addition to (or, with SSLNoSystemRoots, instead
    /// of) the system's roots.
    SSLCAFile = 100, Str, ReadWrite, 0;
    /// Trust only SSLCAFile, not the system's roots.
    SSLNoSystemRoots = 101, Bool, ReadWrite, 0;
    /// MODE_STARTTLS only: go on WITHOUT TLS when the server does not offer STARTTLS/STLS (logged
    /// as a warning). Off by default; an explicit downgrade for legacy servers.
    SSLAllowPlaintext = 102, Bool, ReadWrite, 0;
    /// A CRL file (PEM or DER) or a directory of them; with CRLs, revocation is checked as the
    /// SSLRevocation* options say, without them no revocation check is made.
    SSLCRLFile = 103, Str, ReadWrite, 0;
    /// The SHA-256 fingerprint (64 hex digits, ':' allowed) the server certificate must have: it
    /// replaces CA trust (a self-signed certificate can be pinned); the name is still checked; a
    /// different certificate is CERTIFICATE_UNTRUSTED.
    SSLCertificatePin = 104, Str, ReadWrite, 0;
    /// The name TLS uses (SNI and the name check) instead of the host or address connected to, as
    /// curl's --connect-to allows.
    SSLServerName = 105, Str, ReadWrite, 0;
    /// The client certificate store: a directory of PEM files (certificate chain and private key
    /// in one file) and PKCS#12 files (.p12, .pfx), or one file.
    SSLClientCertificateStore = 106, Str, ReadWrite, 0;
    /// Use the OpenSSL compatibility backend, for legacy servers rustls cannot talk to (TLS
    /// 1.0/1.1, CBC-only, DHE-only, static RSA).
    SSLCompatibilityBackend = 107, Bool, ReadWrite, 0;
    /// The password of the PKCS#12 files in SSLClientCertificateStore (write-only).
    SSLClientCertificatePassword = 108, Str, WriteOnly, 0;
    /// The key-exchange group: SSL_GROUP_X25519, SSL_GROUP_SECP256R1, SSL_GROUP_SECP384R1,
    /// SSL_GROUP_X25519MLKEM768, ... (IANA numbers).
    SSLExchangeGroup = 200, Int, ReadOnly, 0;
    /// The IANA number of the negotiated cipher suite (e.g. 0x1302 for TLS_AES_256_GCM_SHA384).
    SSLCipherSuite = 201, Int, ReadOnly, 0;
    /// The CertificateStatus of the last handshake: CERTIFICATE_NONE .. CERTIFICATE_INVALID.
    SSLCertificateStatus = 202, Int, ReadOnly, 0;
    /// The policy errors of the last handshake, flags as .NET's SslPolicyErrors:
    /// CERT_POLICY_NOT_AVAILABLE, CERT_POLICY_NAME_MISMATCH, CERT_POLICY_CHAIN_ERRORS.
    SSLCertificatePolicyErrors = 203, Int, ReadOnly, 0;
    /// CertificateSubject: "TAG=value, ..." in the certificate's order (CN, O, OU, L, S, C, E;
    /// other attributes as OID.n.n=value), values with a comma or quote in double quotes (inner
    /// quotes doubled).
    SSLCertificateSubject = 204, Str, ReadOnly, 0;
    /// CertificateIssuer, in the format of SSLCertificateSubject.
    SSLCertificateIssuer = 205, Str, ReadOnly, 0;
    /// CertificateIssued: notBefore, ISO 8601 UTC (2025-01-31T23:59:59Z).
    SSLCertificateIssued = 206, Str, ReadOnly, 0;
    /// CertificateExpires: notAfter, ISO 8601 UTC.
    SSLCertificateExpires = 207, Str, ReadOnly, 0;
    /// The SHA-256 fingerprint of the server certificate's DER, 64 lowercase hex digits.
    SSLCertificateFingerprint = 208, Str, ReadOnly, 0;
    /// How many certificates the server sent; csmail_sslinfo_get_certificate_der(ssl, i, ...)
    /// gives each DER (0 = the server's own).
    SSLCertificateCount = 209, Int, ReadOnly, 0;
    /// 1 when the last handshake resumed an earlier TLS session of this client (an abbreviated
    /// handshake in which the server sends no certificate; the certificate outputs are then
    /// those of the handshake that made the session), else 0. A client keeps its sessions while
    /// its SSLInfo inputs stay the same.
    SSLSessionResumed = 210, Bool, ReadOnly, 0;
}
