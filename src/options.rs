//! The SSLInfo option table: one table from which validation, defaults, the header constants and
//! the README's option list all come.
//!
//! The supplement gives the option names and meanings but not their numbers (the pages with the
//! values are lost, see reference/csmail-api.md §9.2). Indices follow the order in which seed 002
//! lists the options, starting at 0; options added by csmail start at 100 (inputs) and 200
//! (outputs). Value constants (SSL_TLS1, SSL_RC4, ...) are the Windows SChannel numbers the
//! legacy library almost certainly passed through (SP_PROT_*_CLIENT, CALG_*), and IANA code
//! points for key-exchange groups; values for algorithms SChannel had no number for are new and
//! marked so.
#![allow(non_upper_case_globals)]

// ---- SSLInfo.Mode ----
/// Implicit TLS: the whole session is TLS from the first byte (ports 465, 995). Default.
pub const MODE_CHANNEL: i32 = 0;
/// Plain connect, then STARTTLS (SMTP) or STLS (POP3). TLS stays required.
pub const MODE_STARTTLS: i32 = 1;

// ---- protocols (SChannel SP_PROT_*_CLIENT bits) ----
pub const SSL_PCT1: i32 = 0x0002;
pub const SSL_SSL2: i32 = 0x0008;
pub const SSL_SSL3: i32 = 0x0020;
pub const SSL_TLS1: i32 = 0x0080;
/// New: TLS 1.1.
pub const SSL_TLS11: i32 = 0x0200;
/// New: TLS 1.2.
pub const SSL_TLS12: i32 = 0x0800;
/// New: TLS 1.3.
pub const SSL_TLS13: i32 = 0x2000;

// ---- symmetric ciphers (CALG_*) ----
pub const SSL_RC2: i32 = 0x6602;
pub const SSL_RC4: i32 = 0x6801;
pub const SSL_DES: i32 = 0x6601;
pub const SSL_SKIPJACK: i32 = 0x660A;
/// New: triple DES (CALG_3DES). Refused like the other legacy ciphers.
pub const SSL_3DES: i32 = 0x6603;
/// New: AES-128 in GCM mode (CALG_AES_128).
pub const SSL_AES128_GCM: i32 = 0x660E;
/// New: AES-256 in GCM mode (CALG_AES_256).
pub const SSL_AES256_GCM: i32 = 0x6610;
/// New: AES-128 in CBC mode (compatibility backend only; csmail's own number).
pub const SSL_AES128_CBC: i32 = 0x6621;
/// New: AES-256 in CBC mode (compatibility backend only; csmail's own number).
pub const SSL_AES256_CBC: i32 = 0x6622;
/// New: ChaCha20-Poly1305 (no CALG exists; csmail's own number).
pub const SSL_CHACHA20_POLY1305: i32 = 0x6820;

// ---- hashes (CALG_*) ----
pub const SSL_MD5: i32 = 0x8003;
pub const SSL_SHA: i32 = 0x8004;
/// New: SHA-256 (CALG_SHA_256).
pub const SSL_SHA256: i32 = 0x800C;
/// New: SHA-384 (CALG_SHA_384).
pub const SSL_SHA384: i32 = 0x800D;

// ---- key exchange (CALG_*) ----
pub const SSL_RSA: i32 = 0xA400;
pub const SSL_DH: i32 = 0xAA02;
/// New: ephemeral elliptic-curve Diffie-Hellman (CALG_ECDH_EPHEM).
pub const SSL_ECDHE: i32 = 0xAE06;

// ---- key-exchange groups (new; IANA TLS Supported Groups code points) ----
pub const SSL_GROUP_SECP256R1: i32 = 0x0017;
pub const SSL_GROUP_SECP384R1: i32 = 0x0018;
pub const SSL_GROUP_SECP521R1: i32 = 0x0019;
pub const SSL_GROUP_X25519: i32 = 0x001D;
pub const SSL_GROUP_X448: i32 = 0x001E;
pub const SSL_GROUP_X25519MLKEM768: i32 = 0x11EC;

// ---- option indices: inputs of seed 002 ----
pub const SSLNoServerNameCheck: i32 = 0;
pub const SSLNoServerCertificateValidation: i32 = 1;
pub const SSLRevocationCheckAll: i32 = 2;
pub const SSLRevocationCheckEnd: i32 = 3;
pub const SSLRevocationExcludeRoot: i32 = 4;
pub const SSLRevocationIgnoreNRC: i32 = 5;
pub const SSLRevocationIgnoreRO: i32 = 6;
pub const SSLMinCipherStrength: i32 = 7;
pub const SSLMaxCipherStrength: i32 = 8;
pub const SSLConnectionProtocolIn: i32 = 9;
pub const SSLConnectionCipherIn: i32 = 10;
pub const SSLConfidentiality: i32 = 11;
pub const SSLClientCertificateName: i32 = 12;
// ---- outputs of seed 002 ----
pub const SSLConnectionProtocolOut: i32 = 13;
pub const SSLConnectionCipherOut: i32 = 14;
pub const SSLCipherStrength: i32 = 15;
pub const SSLHash: i32 = 16;
pub const SSLHashStrength: i32 = 17;
pub const SSLExchange: i32 = 18;
pub const SSLExchangeStrength: i32 = 19;
// ---- new inputs ----
/// A PEM file of CA certificates trusted in addition to (or, with SSLNoSystemRoots, instead of)
/// the system's roots.
pub const SSLCAFile: i32 = 100;
/// Trust only SSLCAFile, not the system's roots.
pub const SSLNoSystemRoots: i32 = 101;
/// MODE_STARTTLS only: go on in plaintext when the server does not offer STARTTLS/STLS.
/// Off by default; an explicit, logged downgrade for legacy servers.
pub const SSLAllowPlaintext: i32 = 102;
/// A CRL file (PEM or DER) or a directory of them; with CRLs, revocation is checked as the
/// SSLRevocation* options say.
pub const SSLCRLFile: i32 = 103;
/// Pins the server certificate by its SHA-256 fingerprint (hex, ':' allowed): only that
/// certificate is trusted, whatever CA issued it; the name is still checked.
pub const SSLCertificatePin: i32 = 104;
/// The name TLS uses (SNI and the name check) instead of the host connected to, as curl's
/// --connect-to allows.
pub const SSLServerName: i32 = 105;
/// The client certificate store: a directory of PEM or PKCS#12 files, or one file.
pub const SSLClientCertificateStore: i32 = 106;
/// Use the compatibility backend (OpenSSL) for servers rustls cannot talk to.
pub const SSLCompatibilityBackend: i32 = 107;
/// The password of PKCS#12 files in the client certificate store (write-only).
pub const SSLClientCertificatePassword: i32 = 108;
// ---- new outputs ----
/// The key-exchange group (SSL_GROUP_*).
pub const SSLExchangeGroup: i32 = 200;
/// The negotiated cipher suite's IANA number (e.g. 0x1302 for TLS_AES_256_GCM_SHA384).
pub const SSLCipherSuite: i32 = 201;
/// The CertificateStatus of the last handshake (CERTIFICATE_* values).
pub const SSLCertificateStatus: i32 = 202;

/// The policy errors of the last handshake (CERT_POLICY_* flags, as .NET's SslPolicyErrors).
pub const SSLCertificatePolicyErrors: i32 = 203;
/// CertificateSubject: "CN=..., O=..." of the server certificate.
pub const SSLCertificateSubject: i32 = 204;
/// CertificateIssuer.
pub const SSLCertificateIssuer: i32 = 205;
/// CertificateIssued: notBefore, ISO 8601 UTC.
pub const SSLCertificateIssued: i32 = 206;
/// CertificateExpires: notAfter, ISO 8601 UTC.
pub const SSLCertificateExpires: i32 = 207;
/// SHA-256 fingerprint of the server certificate, 64 lowercase hex digits.
pub const SSLCertificateFingerprint: i32 = 208;
/// How many certificates the server sent (read them with csmail_sslinfo_get_certificate_der).
pub const SSLCertificateCount: i32 = 209;

// ---- policy errors (flags; the values of .NET's SslPolicyErrors) ----
pub const CERT_POLICY_NOT_AVAILABLE: i32 = 1;
pub const CERT_POLICY_NAME_MISMATCH: i32 = 2;
pub const CERT_POLICY_CHAIN_ERRORS: i32 = 4;

// ---- CertificateStatus (seed 000) ----
pub const CERTIFICATE_NONE: i32 = 0;
pub const CERTIFICATE_VALID: i32 = 1;
pub const CERTIFICATE_NO_MATCH: i32 = 2;
pub const CERTIFICATE_EXPIRED: i32 = 3;
pub const CERTIFICATE_REVOKED: i32 = 4;
pub const CERTIFICATE_UNTRUSTED: i32 = 5;
pub const CERTIFICATE_INVALID: i32 = 6;

// ---- option value types (csmail_sslinfo_option_type) ----
pub const CSMAIL_OPTION_UNKNOWN: i32 = 0;
pub const CSMAIL_OPTION_BOOL: i32 = 1;
pub const CSMAIL_OPTION_INT: i32 = 2;
pub const CSMAIL_OPTION_INT_ARRAY: i32 = 3;
pub const CSMAIL_OPTION_STRING: i32 = 4;

/// The type of an option's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Int,
    IntArray,
    Str,
}

impl Kind {
    pub fn code(self) -> i32 {
        match self {
            Kind::Bool => CSMAIL_OPTION_BOOL,
            Kind::Int => CSMAIL_OPTION_INT,
            Kind::IntArray => CSMAIL_OPTION_INT_ARRAY,
            Kind::Str => CSMAIL_OPTION_STRING,
        }
    }
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct OptionDef {
    pub index: i32,
    pub name: &'static str,
    pub kind: Kind,
    /// Output options are filled by the library after a TLS connect and refuse to be set.
    pub output: bool,
    /// Default for Bool and Int options.
    pub default: i32,
    /// What the option does, for documentation.
    pub doc: &'static str,
}

const fn opt(index: i32, name: &'static str, kind: Kind, output: bool, default: i32, doc: &'static str) -> OptionDef {
    OptionDef { index, name, kind, output, default, doc }
}

/// Every SSLInfo option.
pub static OPTIONS: &[OptionDef] = &[
    opt(SSLNoServerNameCheck, "SSLNoServerNameCheck", Kind::Bool, false, 0,
        "Accept a certificate whose names do not match the host; the chain is still validated."),
    opt(SSLNoServerCertificateValidation, "SSLNoServerCertificateValidation", Kind::Bool, false, 0,
        "Accept a certificate whose chain cannot be validated (untrusted, expired, self-signed); the name is still checked unless SSLNoServerNameCheck; the handshake signature is always checked."),
    opt(SSLRevocationCheckAll, "SSLRevocationCheckAll", Kind::Bool, false, 1,
        "Check every certificate of the chain for revocation (CRLs come with the certificates issue; stored now)."),
    opt(SSLRevocationCheckEnd, "SSLRevocationCheckEnd", Kind::Bool, false, 0,
        "Check only the server's own certificate for revocation (stored now)."),
    opt(SSLRevocationExcludeRoot, "SSLRevocationExcludeRoot", Kind::Bool, false, 0,
        "Do not check the root for revocation (stored now)."),
    opt(SSLRevocationIgnoreNRC, "SSLRevocationIgnoreNRC", Kind::Bool, false, 1,
        "An unknown revocation status is not an error (stored now)."),
    opt(SSLRevocationIgnoreRO, "SSLRevocationIgnoreRO", Kind::Bool, false, 1,
        "An unreachable revocation source is not an error (stored now)."),
    opt(SSLMinCipherStrength, "SSLMinCipherStrength", Kind::Int, false, 0,
        "Minimum symmetric key length in bits; 0 lets the library choose."),
    opt(SSLMaxCipherStrength, "SSLMaxCipherStrength", Kind::Int, false, 0,
        "Maximum symmetric key length in bits; 0 lets the library choose."),
    opt(SSLConnectionProtocolIn, "SSLConnectionProtocolIn", Kind::IntArray, false, 0,
        "Allowed protocols (SSL_TLS12, SSL_TLS13; SSL_TLS1 and SSL_TLS11 are kept for the compatibility backend); empty = TLS 1.2 and 1.3. SSL2, SSL3 and PCT1 are refused."),
    opt(SSLConnectionCipherIn, "SSLConnectionCipherIn", Kind::IntArray, false, 0,
        "Allowed bulk ciphers (SSL_AES128_GCM, SSL_AES256_GCM, SSL_CHACHA20_POLY1305); empty = all. RC2, RC4, DES, 3DES and SKIPJACK are refused."),
    opt(SSLConfidentiality, "SSLConfidentiality", Kind::Bool, false, 1,
        "Require an encrypted session. Every suite csmail negotiates encrypts, so this is always met; setting it to false changes nothing."),
    opt(SSLClientCertificateName, "SSLClientCertificateName", Kind::Str, false, 0,
        "Client certificate: a name chosen from SSLClientCertificateStore by the seed-003 rules, or a file path."),
    opt(SSLConnectionProtocolOut, "SSLConnectionProtocolOut", Kind::Int, true, 0,
        "Negotiated protocol (SSL_TLS12, SSL_TLS13); 0 before a TLS connect."),
    opt(SSLConnectionCipherOut, "SSLConnectionCipherOut", Kind::Int, true, 0,
        "Negotiated bulk cipher (SSL_AES128_GCM, SSL_AES256_GCM, SSL_CHACHA20_POLY1305)."),
    opt(SSLCipherStrength, "SSLCipherStrength", Kind::Int, true, 0, "Bulk cipher key length in bits."),
    opt(SSLHash, "SSLHash", Kind::Int, true, 0, "Hash of the suite (SSL_SHA256, SSL_SHA384)."),
    opt(SSLHashStrength, "SSLHashStrength", Kind::Int, true, 0, "Hash output length in bits."),
    opt(SSLExchange, "SSLExchange", Kind::Int, true, 0, "Key exchange (SSL_ECDHE, SSL_DH)."),
    opt(SSLExchangeStrength, "SSLExchangeStrength", Kind::Int, true, 0,
        "Key exchange strength in bits (the group's size: 255 for X25519, 256 for P-256, ...)."),
    opt(SSLCAFile, "SSLCAFile", Kind::Str, false, 0,
        "PEM file of extra trusted CA certificates."),
    opt(SSLNoSystemRoots, "SSLNoSystemRoots", Kind::Bool, false, 0,
        "Trust only SSLCAFile, not the system roots."),
    opt(SSLAllowPlaintext, "SSLAllowPlaintext", Kind::Bool, false, 0,
        "MODE_STARTTLS: continue in plaintext when STARTTLS/STLS is not offered (logged as a warning). Off by default."),
    opt(SSLCRLFile, "SSLCRLFile", Kind::Str, false, 0, "CRL file (PEM or DER) or directory of CRLs."),
    opt(SSLCertificatePin, "SSLCertificatePin", Kind::Str, false, 0,
        "SHA-256 fingerprint the server certificate must have; replaces CA trust, the name is still checked."),
    opt(SSLServerName, "SSLServerName", Kind::Str, false, 0,
        "Name for SNI and the name check instead of the host connected to."),
    opt(SSLClientCertificateStore, "SSLClientCertificateStore", Kind::Str, false, 0,
        "Client certificate store: a directory of PEM/PKCS#12 files or one file."),
    opt(SSLCompatibilityBackend, "SSLCompatibilityBackend", Kind::Bool, false, 0,
        "Use the OpenSSL compatibility backend for legacy servers."),
    opt(SSLClientCertificatePassword, "SSLClientCertificatePassword", Kind::Str, false, 0,
        "Password of PKCS#12 files in the store (write-only)."),
    opt(SSLExchangeGroup, "SSLExchangeGroup", Kind::Int, true, 0,
        "Key-exchange group (SSL_GROUP_X25519, SSL_GROUP_SECP256R1, ...)."),
    opt(SSLCipherSuite, "SSLCipherSuite", Kind::Int, true, 0, "IANA number of the negotiated cipher suite."),
    opt(SSLCertificateStatus, "SSLCertificateStatus", Kind::Int, true, 0,
        "CertificateStatus of the last handshake (CERTIFICATE_NONE .. CERTIFICATE_INVALID)."),
    opt(SSLCertificatePolicyErrors, "SSLCertificatePolicyErrors", Kind::Int, true, 0,
        "Policy errors of the last handshake: CERT_POLICY_NOT_AVAILABLE, _NAME_MISMATCH, _CHAIN_ERRORS."),
    opt(SSLCertificateSubject, "SSLCertificateSubject", Kind::Str, true, 0, "CertificateSubject: TAG=value, ..."),
    opt(SSLCertificateIssuer, "SSLCertificateIssuer", Kind::Str, true, 0, "CertificateIssuer: TAG=value, ..."),
    opt(SSLCertificateIssued, "SSLCertificateIssued", Kind::Str, true, 0, "CertificateIssued: notBefore, ISO 8601 UTC."),
    opt(SSLCertificateExpires, "SSLCertificateExpires", Kind::Str, true, 0, "CertificateExpires: notAfter, ISO 8601 UTC."),
    opt(SSLCertificateFingerprint, "SSLCertificateFingerprint", Kind::Str, true, 0, "SHA-256 fingerprint, lowercase hex."),
    opt(SSLCertificateCount, "SSLCertificateCount", Kind::Int, true, 0, "Certificates the server sent."),
];

/// The table row for an index.
pub fn find(index: i32) -> Option<(usize, &'static OptionDef)> {
    OPTIONS.iter().enumerate().find(|(_, d)| d.index == index)
}

/// The bits of key a bulk cipher constant stands for.
pub fn cipher_bits(cipher: i32) -> i32 {
    match cipher {
        SSL_AES128_GCM | SSL_AES128_CBC => 128,
        SSL_AES256_GCM | SSL_AES256_CBC | SSL_CHACHA20_POLY1305 => 256,
        SSL_3DES => 168,
        _ => 0,
    }
}

/// One option's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptValue {
    Int(i32),
    Array(Vec<i32>),
    Str(String),
}

#[derive(Clone, Debug)]
pub struct SslState {
    pub mode: i32,
    pub(crate) values: Vec<OptValue>,
}

impl Default for SslState {
    fn default() -> Self {
        SslState::new()
    }
}

impl SslState {
    pub fn new() -> SslState {
        let values = OPTIONS
            .iter()
            .map(|d| match d.kind {
                Kind::Bool | Kind::Int => OptValue::Int(d.default),
                Kind::IntArray => OptValue::Array(Vec::new()),
                Kind::Str => OptValue::Str(String::new()),
            })
            .collect();
        SslState { mode: MODE_CHANNEL, values }
    }
    fn slot(&self, index: i32) -> &OptValue {
        let (i, _) = find(index).expect("option index from the table");
        &self.values[i]
    }
    pub fn int(&self, index: i32) -> i32 {
        match self.slot(index) {
            OptValue::Int(v) => *v,
            _ => 0,
        }
    }
    pub fn flag(&self, index: i32) -> bool {
        self.int(index) != 0
    }
    pub fn array(&self, index: i32) -> &[i32] {
        match self.slot(index) {
            OptValue::Array(v) => v,
            _ => &[],
        }
    }
    pub fn string(&self, index: i32) -> &str {
        match self.slot(index) {
            OptValue::Str(s) => s,
            _ => "",
        }
    }
}
