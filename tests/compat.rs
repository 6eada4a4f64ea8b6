//! The compatibility backend against a real legacy-only server: `openssl s_server` speaking
//! only TLS 1.0 with a static-RSA CBC suite, started by the test. rustls cannot reach it and
//! says so; the OpenSSL backend can, with the same status, properties and outputs.
#![cfg(feature = "compat")]

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::options::*;
use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct LegacyServer {
    child: Child,
    port: u16,
}

impl Drop for LegacyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new("openssl").current_dir(dir).args(args).output().expect("openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// An RSA CA and an RSA leaf for localhost (static-RSA suites need an RSA key, which ring
/// cannot generate): legacy-ca.pem, legacy-chain.pem, legacy-key.pem in `dir`.
fn rsa_pki(dir: &std::path::Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "legacy-ca.key",
            "-out",
            "legacy-ca.pem",
            "-days",
            "30",
            "-subj",
            "/CN=legacy test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "legacy-key.pem",
            "-out",
            "legacy.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("legacy.ext"),
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "legacy.csr",
            "-CA",
            "legacy-ca.pem",
            "-CAkey",
            "legacy-ca.key",
            "-CAcreateserial",
            "-out",
            "legacy-leaf.pem",
            "-days",
            "30",
            "-sha256",
            "-extfile",
            "legacy.ext",
        ],
    );
    let chain = std::fs::read_to_string(dir.join("legacy-leaf.pem")).unwrap()
        + &std::fs::read_to_string(dir.join("legacy-ca.pem")).unwrap();
    std::fs::write(dir.join("legacy-chain.pem"), chain).unwrap();
}

/// s_server for one connection: TLS 1.0 only, AES128-SHA (static RSA, CBC), replying with
/// `replies` (LF becomes CRLF) as the client's commands come.
fn legacy_server(fx: &Fixture, replies: &str) -> LegacyServer {
    legacy_server_with(fx, replies, &["-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0"])
}

/// s_server with the given protocol and cipher arguments.
fn legacy_server_with(fx: &Fixture, replies: &str, tls_args: &[&str]) -> LegacyServer {
    let dir = fx.dir.path();
    // One PKI per fixture: a second server of the same test presents the same certificate.
    if !dir.join("legacy-chain.pem").exists() {
        rsa_pki(dir);
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new("openssl")
        .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-quiet", "-naccept", "1", "-crlf"])
        .args(tls_args)
        .arg("-cert")
        .arg(dir.join("legacy-chain.pem"))
        .arg("-key")
        .arg(dir.join("legacy-key.pem"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    child.stdin.as_mut().unwrap().write_all(replies.as_bytes()).unwrap();
    wait_listening(port, &mut child);
    LegacyServer { child, port }
}

/// Waits until the port is in LISTEN state without connecting to it (a connection would use
/// up s_server's single accept).
fn wait_listening(port: u16, child: &mut Child) {
    let hex = format!(":{port:04X} ");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
        if tcp.lines().any(|l| l.contains(&hex) && l.split_whitespace().nth(3) == Some("0A")) {
            return;
        }
        assert!(child.try_wait().unwrap().is_none(), "s_server exited: bad arguments or OpenSSL refused the setup");
        assert!(Instant::now() < deadline, "s_server is not listening on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn client(fx: &Fixture, port: u16, compat: bool) -> (csmail::SmtpClient, std::sync::Arc<csmail::SslInfo>) {
    let ssl = fx.ssl(MODE_CHANNEL);
    ssl.set_str(SSLCAFile, fx.dir.path().join("legacy-ca.pem").to_str().unwrap()).unwrap();
    if compat {
        ssl.set_int(SSLCompatibilityBackend, 1).unwrap();
    }
    let smtp = fx.smtp(port, Some(ssl.clone()));
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 5000).unwrap();
    (smtp, ssl)
}

#[test]
fn rustls_refuses_a_legacy_server_and_points_to_the_compatibility_backend() {
    let fx = Fixture::start();
    let server = legacy_server(&fx, "220 legacy ESMTP\n");
    let (smtp, ssl) = client(&fx, server.port, false);
    let e = smtp.connect().unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexSSLLegacyServer), "{e}");
    assert!(e.text.contains("SSLCompatibilityBackend"), "{e}");
    assert_eq!(smtp.extended_error().number, eexSSLLegacyServer);
    assert_eq!(ssl.negotiated().protocol, 0);
}

#[test]
fn the_compatibility_backend_reaches_tls_1_0_with_the_same_outputs() {
    let fx = Fixture::start();
    let server = legacy_server(&fx, "220 legacy ESMTP\n250-legacy.example\n250 8BITMIME\n221 bye\n");
    let (smtp, ssl) = client(&fx, server.port, true);
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(csmail::api::AdvancedHandler::Log(log)).unwrap();
    smtp.connect().unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS1);
    assert_eq!((n.cipher, n.cipher_strength), (SSL_AES128_CBC, 128));
    assert_eq!((n.hash, n.hash_strength), (SSL_SHA, 160));
    assert_eq!((n.exchange, n.exchange_strength), (SSL_RSA, 2048));
    assert_eq!(n.suite, 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA");
    assert_eq!(n.certificate.status, CERTIFICATE_VALID);
    assert_eq!(n.certificate.policy_errors, 0);
    assert_eq!(n.certificate.details.subject, "CN=localhost");
    assert_eq!(ssl.get_int(SSLConnectionProtocolOut).unwrap(), SSL_TLS1);
    assert_eq!(ssl.get_str(SSLCertificateSubject).unwrap(), "CN=localhost");
    smtp.disconnect().unwrap();
    let line = established(&lines);
    assert!(
        line.starts_with(
            "TLS established: TLS 1.0 TLS_RSA_WITH_AES_128_CBC_SHA (cipher 0x6621/128 bits, hash 0x8004/160 bits, \
             exchange 0xa400 group none/2048 bits), certificate status 1, subject \"CN=localhost\", issuer \"CN=legacy test CA\""
        ),
        "{line}"
    );
}

#[test]
fn the_compatibility_backend_still_judges_the_certificate() {
    let fx = Fixture::start();
    let server = legacy_server(&fx, "220 legacy ESMTP\n");
    // Trust only the bundled server's CA, not the legacy server's: untrusted, refused.
    let ssl = fx.ssl(MODE_CHANNEL);
    ssl.set_int(SSLCompatibilityBackend, 1).unwrap();
    let smtp = fx.smtp(server.port, Some(ssl.clone()));
    let e = smtp.connect().unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexSSLCertificate), "{e}");
    assert_eq!(ssl.negotiated().certificate.status, CERTIFICATE_UNTRUSTED);
    assert_eq!(ssl.negotiated().certificate.policy_errors, CERT_POLICY_CHAIN_ERRORS);
}

/// A TLS 1.2 server that offers only finite-field DHE with CBC: rustls has neither.
#[test]
fn a_dhe_only_cbc_server_through_the_compatibility_backend() {
    let fx = Fixture::start();
    let args = ["-tls1_2", "-cipher", "DHE-RSA-AES256-SHA256:@SECLEVEL=0"];
    // Without the backend: the legacy hint.
    let server = legacy_server_with(&fx, "220 legacy ESMTP\n", &args);
    let (smtp, _) = client(&fx, server.port, false);
    let e = smtp.connect().unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexSSLLegacyServer), "{e}");
    drop(server);
    let server = legacy_server_with(&fx, "220 legacy ESMTP\n250 ok\n221 bye\n", &args);
    let (smtp, ssl) = client(&fx, server.port, true);
    smtp.connect().unwrap();
    let n = ssl.negotiated();
    assert_eq!((n.protocol, n.cipher, n.cipher_strength), (SSL_TLS12, SSL_AES256_CBC, 256));
    assert_eq!((n.hash, n.hash_strength, n.exchange), (SSL_SHA256, 256, SSL_DH));
    assert_eq!(n.suite, 0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256");
    assert_eq!(n.certificate.status, CERTIFICATE_VALID);
    smtp.disconnect().unwrap();
}

/// The "TLS established" log line of a connect.
fn established(lines: &LogLines) -> String {
    let lines = lines.lock();
    let found: Vec<&String> = lines.iter().map(|l| &l.2).filter(|m| m.starts_with("TLS established")).collect();
    assert_eq!(found.len(), 1, "one TLS established line: {found:?}");
    found[0].clone()
}

/// Every SSLInfo output option, by index.
fn outputs(ssl: &csmail::SslInfo) -> Vec<(i32, i32)> {
    [
        SSLConnectionProtocolOut,
        SSLConnectionCipherOut,
        SSLCipherStrength,
        SSLHash,
        SSLHashStrength,
        SSLExchange,
        SSLExchangeStrength,
        SSLExchangeGroup,
        SSLCipherSuite,
        SSLCertificateStatus,
    ]
    .into_iter()
    .map(|i| (i, ssl.get_int(i).unwrap()))
    .collect()
}

/// Connects once with rustls and once with the compatibility backend to an s_server run with
/// `tls_args` (a new one for each: s_server takes one connection), and returns both backends'
/// outputs and log lines, after checking they are the same.
/// The rustls connect's SSLInfo comes back, for its negotiated parameters.
fn side_by_side(tls_args: &[&str]) -> (std::sync::Arc<csmail::SslInfo>, String) {
    let fx = Fixture::start();
    let mut seen = Vec::new();
    for compat in [false, true] {
        let server = legacy_server_with(&fx, "220 modern ESMTP\n250 ok\n221 bye\n", tls_args);
        let (smtp, ssl) = client(&fx, server.port, compat);
        let (log, lines) = collecting_log();
        smtp.set_advanced_handler(csmail::api::AdvancedHandler::Log(log)).unwrap();
        if let Err(e) = smtp.connect() {
            panic!("connect (compat {compat}): {e}");
        }
        smtp.disconnect().unwrap();
        seen.push((ssl.negotiated(), outputs(&ssl), established(&lines), ssl));
    }
    let (rustls, compat) = (&seen[0], &seen[1]);
    assert_eq!(rustls.0, compat.0, "the negotiated parameters, rustls vs the compatibility backend");
    assert_eq!(rustls.1, compat.1, "the output options, rustls vs the compatibility backend");
    assert_eq!(rustls.2, compat.2, "the log line, rustls vs the compatibility backend");
    (seen[0].3.clone(), seen[0].2.clone())
}

/// TLS 1.3 with X25519: both backends report the same group, strengths and log line.
#[test]
fn both_backends_report_tls13_alike() {
    let (ssl, line) = side_by_side(&["-tls1_3", "-groups", "X25519", "-ciphersuites", "TLS_AES_128_GCM_SHA256"]);
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS13);
    assert_eq!(n.suite, 0x1301, "TLS13_AES_128_GCM_SHA256");
    assert_eq!((n.cipher, n.cipher_strength, n.hash, n.hash_strength), (SSL_AES128_GCM, 128, SSL_SHA256, 256));
    assert_eq!((n.exchange, n.group, n.exchange_strength), (SSL_ECDHE, SSL_GROUP_X25519, 255));
    assert_eq!(n.certificate.status, CERTIFICATE_VALID);
    assert!(
        line.starts_with(
            "TLS established: TLS 1.3 TLS13_AES_128_GCM_SHA256 (cipher 0x660e/128 bits, hash 0x800c/256 bits, \
             exchange 0xae06 group X25519/255 bits), certificate status 1, subject \"CN=localhost\", \
             issuer \"CN=legacy test CA\", expires "
        ),
        "{line}"
    );
    assert!(line.contains(&format!(", SHA-256 {}", n.certificate.details.fingerprint)), "{line}");
}

/// TLS 1.2 ECDHE on P-256 with AES-GCM: the same from both backends.
#[test]
fn both_backends_report_tls12_ecdhe_alike() {
    let (ssl, line) = side_by_side(&["-tls1_2", "-groups", "P-256", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384"]);
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS12);
    assert_eq!(n.suite, 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assert_eq!((n.cipher, n.cipher_strength, n.hash, n.hash_strength), (SSL_AES256_GCM, 256, SSL_SHA384, 384));
    assert_eq!((n.exchange, n.group, n.exchange_strength), (SSL_ECDHE, 0x17, 256), "secp256r1");
    assert!(line.starts_with("TLS established: TLS 1.2 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 ("), "{line}");
    assert!(line.contains(" group secp256r1/256 bits)"), "{line}");
}
