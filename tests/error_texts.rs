//! The first failures a new user meets, and the exact ErrorInfo each leaves: a text that says
//! what happened and what to set, without Rust's names for things (NotValidForName,
//! UnknownIssuer, InvalidContentType) or the standard library's "(os error N)".
//!
//! All against the bundled server on loopback (its certificate names localhost, 127.0.0.1 and
//! ::1 and is issued by "csmail test CA"), or a scripted server where a server must misbehave.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, SslInfo};
use csmail::error::*;
use csmail::options::*;
use csmail_server::Script;
use std::sync::Arc;

/// The words no text may contain: Rust's names for TLS and socket conditions.
const RUST_WORDS: [&str; 8] = [
    "NotValidForName",
    "UnknownIssuer",
    "BadSignature",
    "InvalidContentType",
    "DnsName(",
    "os error",
    "AlertReceived",
    "InvalidCertificate",
];

#[track_caller]
fn assert_plain(text: &str) {
    for w in RUST_WORDS {
        assert!(!text.contains(w), "{w:?} in {text:?}");
    }
}

/// An SSLInfo that trusts nothing (no system roots, no CA file).
fn ssl_trusting_nothing(mode: i32) -> Arc<SslInfo> {
    let ssl = Arc::new(SslInfo::new());
    ssl.set_mode(mode).unwrap();
    ssl.set_int(SSLNoSystemRoots, 1).unwrap();
    ssl
}

const NAME_ADVICE: &str = "connect by a name it is valid for, set SSLServerName to the name it should be checked against, or set SSLNoServerNameCheck to accept the mismatch";
const ISSUER: &str = "CN=csmail test CA, O=csmail";

#[test]
fn name_mismatch_names_the_host_checked_and_the_certificates_names() {
    let f = Fixture::start();
    let ssl = f.ssl(MODE_CHANNEL);
    ssl.set_str(SSLServerName, "mail.example.test").unwrap();
    let c = f.smtp(f.server.smtps_port, Some(ssl.clone()));
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLCertName);
    assert_eq!(
        e.text,
        format!("the server's certificate is refused: it is not valid for the name \"mail.example.test\" (it is valid for localhost, 127.0.0.1, ::1): {NAME_ADVICE}")
    );
    assert_eq!(e.os_error, 0);
    assert_info(&c.extended_error(), &e);
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_NO_MATCH);
}

#[test]
fn untrusted_chain_says_not_trusted_names_the_issuer_and_points_to_the_ca_file() {
    let f = Fixture::start();
    let ssl = ssl_trusting_nothing(MODE_STARTTLS);
    let c = f.smtp(f.server.smtp_port, Some(ssl.clone()));
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLCertificate);
    assert_eq!(
        e.text,
        format!("the server's certificate is not trusted: its issuer \"{ISSUER}\" is not a trusted CA; if you trust that CA, add its certificate to SSLCAFile")
    );
    assert_info(&c.extended_error(), &e);
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_UNTRUSTED);
    assert_eq!(ssl.get_int(SSLCertificatePolicyErrors).unwrap(), CERT_POLICY_CHAIN_ERRORS);
}

#[test]
fn untrusted_chain_and_wrong_name_say_both() {
    let f = Fixture::start();
    let ssl = ssl_trusting_nothing(MODE_CHANNEL);
    ssl.set_str(SSLServerName, "mail.example.test").unwrap();
    let c = f.pop3(f.server.pop3s_port, Some(ssl.clone()), "alice", "alicepass");
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLCertificate);
    assert_eq!(
        e.text,
        format!("the server's certificate is not trusted: its issuer \"{ISSUER}\" is not a trusted CA; if you trust that CA, add its certificate to SSLCAFile; also, it is not valid for the name \"mail.example.test\" (it is valid for localhost, 127.0.0.1, ::1): {NAME_ADVICE}")
    );
    assert_info(&c.extended_error(), &e);
    assert_eq!(ssl.get_int(SSLCertificatePolicyErrors).unwrap(), CERT_POLICY_CHAIN_ERRORS | CERT_POLICY_NAME_MISMATCH);
}

#[test]
fn untrusted_chain_waived_leaves_the_name_with_its_advice() {
    let f = Fixture::start();
    let ssl = ssl_trusting_nothing(MODE_CHANNEL);
    ssl.set_int(SSLNoServerCertificateValidation, 1).unwrap();
    ssl.set_str(SSLServerName, "mail.example.test").unwrap();
    let c = f.smtp(f.server.smtps_port, Some(ssl));
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLCertName);
    assert_eq!(
        e.text,
        format!("the server's certificate is refused: it is not valid for the name \"mail.example.test\" (it is valid for localhost, 127.0.0.1, ::1): {NAME_ADVICE}")
    );
}

#[test]
fn channel_mode_on_a_plaintext_port_says_use_starttls() {
    let f = Fixture::start();
    let port = f.server.smtp_port;
    let c = f.smtp(port, Some(f.ssl(MODE_CHANNEL)));
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLProtocol);
    assert_eq!(
        e.text,
        format!("the server answered in plain text, not TLS; port {port} probably expects STARTTLS: use MODE_STARTTLS (MODE_CHANNEL is for implicit-TLS ports such as 465 and 995)")
    );
    assert_plain(&e.text);
    assert_info(&c.extended_error(), &e);
    // POP3 the same.
    let port = f.server.pop3_port;
    let c = f.pop3(port, Some(f.ssl(MODE_CHANNEL)), "alice", "alicepass");
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLProtocol);
    assert!(e.text.starts_with(&format!("the server answered in plain text, not TLS; port {port} probably")), "{e}");
}

/// MODE_STARTTLS on the bundled server's implicit-TLS listener: the server waits for our
/// handshake and says nothing. The port is a random one (not 465/995), so the whole timeout
/// applies and its text names the likely cause; the OS error is ETIMEDOUT, never EAGAIN.
#[test]
fn starttls_mode_on_an_implicit_tls_port_that_stays_silent_suggests_channel_mode() {
    let f = Fixture::start();
    let port = f.server.smtps_port;
    let c = f.smtp(port, Some(f.ssl(MODE_STARTTLS)));
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 1000).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_TIMEOUT, eexTimeout);
    assert_eq!(
        e.text,
        format!("timed out while waiting for the server's greeting on port {port}: if the server expects TLS from the first byte (implicit TLS), use MODE_CHANNEL")
    );
    assert!(e.os_error == libc::ETIMEDOUT || e.os_error == 0, "OSError {}", e.os_error);
    assert_info(&c.extended_error(), &e);
    // Without an SSLInfo the advice is to attach one.
    let port = f.server.pop3s_port;
    let c = f.pop3(port, None, "alice", "alicepass");
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 1000).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_TIMEOUT, eexTimeout);
    assert_eq!(
        e.text,
        format!("timed out while waiting for the server's greeting on port {port}: if the server expects TLS from the first byte (implicit TLS), attach an SSLInfo with MODE_CHANNEL")
    );
    assert!(e.os_error == libc::ETIMEDOUT || e.os_error == 0, "OSError {}", e.os_error);
}

/// A server that gives up waiting for our handshake and sends a TLS alert (here at once):
/// recognised by its bytes on any port, without waiting for the timeout.
#[test]
fn starttls_mode_answered_with_a_tls_alert_suggests_channel_mode() {
    // A TLS 1.2 record: alert, fatal, handshake_failure.
    let script = Script::parse("RAW: \\x15\\x03\\x03\\x00\\x02\\x02\\x28\nHANG\n").unwrap();
    let s = Scripted::start_script(script, false);
    let c = s.smtp(10_000);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLProtocol);
    assert_eq!(
        e.text,
        format!("the server answered in TLS, not with a greeting in plain text: port {} expects TLS from the first byte (implicit TLS): use MODE_CHANNEL", s.port())
    );
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"", "nothing is sent to a server that speaks TLS");
}

#[test]
fn refused_connection_text_has_no_os_error_suffix() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let c = scripted_smtp(port, 2000);
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexTCPConnect);
    assert_eq!(e.os_error, libc::ECONNREFUSED);
    assert_plain(&e.text);
    assert_eq!(
        e.text,
        format!("cannot connect to 127.0.0.1:{port}: Connection refused: nothing accepts connections there; check Host and Port, and that the server runs")
    );
}
