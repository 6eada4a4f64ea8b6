//! Bad input from the application: CR/LF/NUL injection into command lines, malformed envelope
//! addresses, out-of-range properties, misuse of the call sequence, unusable TLS settings, a
//! failing message source. Each is refused with the exact result and eex, and nothing reaches
//! the server that should not.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, Pop3Client, SmtpClient, SslInfo};
use csmail::error::*;
use csmail::log::*;
use csmail::options::*;
use csmail::source::FnSource;
use std::net::TcpListener;
use std::sync::Arc;

// =============================================================================================
// Envelope addresses: refused before anything is sent
// =============================================================================================

/// Connects to smtp_connected_only (EHLO with SIZE 100 and nothing else), tries one send that
/// must fail with `result`/`eex` before any command, checks that the connection is still usable,
/// disconnects, and checks that the server saw nothing but EHLO and QUIT.
fn bad_send(from: &str, rcpts: &[&str], body: &[u8], result: i32, eex: i32) -> Error {
    let s = Scripted::start("smtp_connected_only", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(c.send(from, rcpts, &mut &body[..]), result, eex);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1, "a refused argument must not cost the connection");
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
    e
}

#[test]
fn sender_with_crlf_command_injection() {
    let e =
        bad_send("a@b>\r\nRCPT TO:<x@y", &["c@example.com"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    assert!(e.text.contains("sender"), "{e}");
}

#[test]
fn recipient_with_lf_command_injection() {
    let e = bad_send("a@example.com", &["x@y\nRCPT TO:<z@w>"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    assert!(e.text.contains("recipient"), "{e}");
}

#[test]
fn recipient_with_bare_cr() {
    bad_send("a@example.com", &["x@y\rDATA"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
}

#[test]
fn recipient_with_nul() {
    bad_send("a@example.com", &["x@y\0z"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
}

/// One bad recipient among good ones: nothing at all is sent, not even MAIL FROM.
#[test]
fn later_recipient_bad_refuses_whole_send() {
    bad_send(
        "a@example.com",
        &["good@example.com", "x@y\r\nQUIT"],
        b"x",
        CSMAIL_E_INVALID_ARGUMENT,
        eexForbiddenCharacter,
    );
}

#[test]
fn sender_with_angle_brackets() {
    let e = bad_send("<a@example.com>", &["b@example.com"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert!(e.text.contains("sender"), "{e}");
}

#[test]
fn recipient_with_closing_bracket_and_parameters() {
    bad_send("a@example.com", &["b@example.com> NOTIFY=NEVER"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
}

#[test]
fn recipient_with_control_character() {
    bad_send("a@example.com", &["b@exa\tmple.com"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
}

#[test]
fn address_longer_than_256_octets() {
    let long = format!("{}@example.com", "a".repeat(250));
    let e = bad_send(&long, &["b@example.com"], b"x", CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert!(e.text.contains("256"), "{e}");
}

#[test]
fn no_recipients() {
    bad_send("a@example.com", &[], b"x", CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
}

#[test]
fn empty_recipient() {
    bad_send("a@example.com", &["b@example.com", ""], b"x", CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
}

#[test]
fn non_ascii_address_without_smtputf8() {
    let e = bad_send("jörg@example.com", &["b@example.com"], b"x", CSMAIL_E_REFUSED_LOCALLY, eexSmtpUtf8Required);
    assert_eq!(e.text, "an address is not ASCII and the server does not offer SMTPUTF8");
}

#[test]
fn message_larger_than_advertised_size() {
    // 101 bytes and the CRLF the last line gets: 103 as RFC 1870 counts.
    let body = vec![b'x'; 101];
    let e = bad_send("a@example.com", &["b@example.com"], &body, CSMAIL_E_REFUSED_LOCALLY, eexMessageTooLarge);
    assert_eq!(e.text, "the message has 103 bytes; the server accepts at most 100 (SIZE)");
}

// =============================================================================================
// Properties
// =============================================================================================

#[test]
fn smtp_string_properties_refuse_cr_lf_nul() {
    let c = SmtpClient::new();
    for (prop, name) in [
        (CSMAIL_PROP_HOST, "Host"),
        (CSMAIL_PROP_USER, "User"),
        (CSMAIL_PROP_PASSWORD, "Password"),
        (CSMAIL_PROP_EHLO_NAME, "EHLO name"),
    ] {
        if prop != CSMAIL_PROP_PASSWORD {
            c.set_str(prop, "good").unwrap();
        }
        for bad in ["a\rb", "a\nb", "a\0b", "a\r\nMAIL FROM:<x@y>"] {
            let e = expect_err(c.set_str(prop, bad), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
            assert!(e.text.contains(name), "{name}: {e}");
            if prop != CSMAIL_PROP_PASSWORD {
                assert_eq!(c.get_str(prop).unwrap(), "good", "{name} changed by a refused value");
            }
        }
    }
}

#[test]
fn pop3_string_properties_refuse_cr_lf_nul() {
    let c = Pop3Client::new();
    for prop in [CSMAIL_PROP_HOST, CSMAIL_PROP_USER, CSMAIL_PROP_PASSWORD] {
        if prop != CSMAIL_PROP_PASSWORD {
            c.set_str(prop, "good").unwrap();
        }
        for bad in ["a\rb", "a\nb", "a\0b", "u\r\nDELE 1"] {
            expect_err(c.set_str(prop, bad), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
            if prop != CSMAIL_PROP_PASSWORD {
                assert_eq!(c.get_str(prop).unwrap(), "good");
            }
        }
    }
}

/// A password with CR/LF refused at set time is never sent: the earlier one is used.
#[test]
fn refused_password_keeps_previous_one() {
    let s = Scripted::start("pop3_stls_not_offered_plaintext_ok", false);
    let c = s.pop3(1500);
    expect_err(c.set_str(CSMAIL_PROP_PASSWORD, "p\r\nDELE 1"), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    c.connect().unwrap();
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn host_and_ehlo_name_refuse_white_space() {
    let c = SmtpClient::new();
    expect_err(c.set_str(CSMAIL_PROP_HOST, "mail example.com"), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(c.set_str(CSMAIL_PROP_EHLO_NAME, "client test"), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(c.set_str(CSMAIL_PROP_EHLO_NAME, "client\ttest"), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(c.get_str(CSMAIL_PROP_HOST).unwrap(), "");
    assert_eq!(c.get_str(CSMAIL_PROP_EHLO_NAME).unwrap(), "");
}

#[test]
fn unknown_and_read_only_properties() {
    let smtp = SmtpClient::new();
    expect_err(smtp.set_str(999, "x"), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.set_int(999, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.get_str(999), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.get_int(999), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.set_int(CSMAIL_PROP_CONNECTED, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.set_int(CSMAIL_PROP_REPLY_CODE, 250), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.set_str(CSMAIL_PROP_REPLY_TEXT, "x"), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.set_str(CSMAIL_PROP_PORT, "25"), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.set_int(CSMAIL_PROP_HOST, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.get_str(CSMAIL_PROP_PASSWORD), CSMAIL_E_NOT_SUPPORTED, eexNotSupported);
    assert_eq!(smtp.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    let pop = Pop3Client::new();
    expect_err(pop.set_str(CSMAIL_PROP_EHLO_NAME, "x"), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(pop.get_str(CSMAIL_PROP_EHLO_NAME), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(pop.get_str(CSMAIL_PROP_PASSWORD), CSMAIL_E_NOT_SUPPORTED, eexNotSupported);
    expect_err(pop.set_int(CSMAIL_PROP_TLS_ACTIVE, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(pop.get_int(999), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
}

#[test]
fn integer_properties_out_of_range() {
    let c = SmtpClient::new();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 1234).unwrap();
    for bad in [0, -1, i32::MIN, 86_400_001, i32::MAX] {
        expect_err(c.set_int(CSMAIL_PROP_TIMEOUT_MS, bad), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        assert_eq!(c.get_int(CSMAIL_PROP_TIMEOUT_MS).unwrap(), 1234);
    }
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 1).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 86_400_000).unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_TIMEOUT_MS).unwrap(), 86_400_000);

    c.set_int(CSMAIL_PROP_PORT, 2525).unwrap();
    for bad in [-1, 65_536, i32::MAX] {
        expect_err(c.set_int(CSMAIL_PROP_PORT, bad), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        assert_eq!(c.get_int(CSMAIL_PROP_PORT).unwrap(), 2525);
    }
    c.set_int(CSMAIL_PROP_PORT, 65_535).unwrap();
    c.set_int(CSMAIL_PROP_PORT, 0).unwrap();
}

#[test]
fn authentication_mechanism_must_fit_the_protocol() {
    let smtp = SmtpClient::new();
    for bad in [CSMAIL_AUTH_USER_PASS, CSMAIL_AUTH_APOP, 99, -1] {
        expect_err(smtp.set_int(CSMAIL_PROP_AUTH_MECH, bad), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    }
    assert_eq!(smtp.get_int(CSMAIL_PROP_AUTH_MECH).unwrap(), CSMAIL_AUTH_AUTO);
    let pop = Pop3Client::new();
    for bad in [99, 8, -1] {
        expect_err(pop.set_int(CSMAIL_PROP_AUTH_MECH, bad), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    }
    assert_eq!(pop.get_int(CSMAIL_PROP_AUTH_MECH).unwrap(), CSMAIL_AUTH_AUTO);
    // POP3 speaks every SASL mechanism through AUTH (RFC 5034), and SMTP the OAuth2 ones.
    for good in [CSMAIL_AUTH_LOGIN, CSMAIL_AUTH_CRAM_MD5, CSMAIL_AUTH_XOAUTH2, CSMAIL_AUTH_OAUTHBEARER] {
        pop.set_int(CSMAIL_PROP_AUTH_MECH, good).unwrap();
        assert_eq!(pop.get_int(CSMAIL_PROP_AUTH_MECH).unwrap(), good);
    }
    smtp.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_OAUTHBEARER).unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_AUTH_MECH).unwrap(), CSMAIL_AUTH_OAUTHBEARER);
}

// =============================================================================================
// Call sequence
// =============================================================================================

/// A loopback listener that never accepts: after a call, `accept` tells whether the client
/// connected at all.
fn silent_listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let port = l.local_addr().unwrap().port();
    (l, port)
}

#[track_caller]
fn assert_no_connection(l: &TcpListener) {
    match l.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Err(e) => panic!("accept: {e}"),
        Ok((_, peer)) => panic!("the client connected ({peer}) although the call was refused"),
    }
}

#[test]
fn smtp_connect_without_host() {
    let c = SmtpClient::new();
    let e = expect_err(c.connect(), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert!(e.text.contains("Host"), "{e}");
    assert_info(&c.extended_error(), &e);
}

#[test]
fn pop3_connect_without_user_makes_no_connection() {
    let (l, port) = silent_listener();
    let c = Pop3Client::new();
    c.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 500).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert!(e.text.contains("User"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_no_connection(&l);
}

#[test]
fn smtp_connect_twice_keeps_the_first_connection() {
    let s = Scripted::start("smtp_connected_only", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_INVALID_ARGUMENT, eexAlreadyConnected);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn pop3_connect_twice_keeps_the_first_connection() {
    let s = Scripted::start("pop3_stls_not_offered_plaintext_ok", false);
    let c = s.pop3(1500);
    c.connect().unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_INVALID_ARGUMENT, eexAlreadyConnected);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn smtp_operations_need_a_connection() {
    let c = SmtpClient::new();
    let e = expect_err(
        c.send("a@example.com", &["b@example.com"], &mut &b"x"[..]),
        CSMAIL_E_NOT_CONNECTED,
        eexNotConnected,
    );
    assert_info(&c.extended_error(), &e);
    let e = expect_err(c.reset(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    assert_info(&c.extended_error(), &e);
    // Disconnecting an unconnected client is not an error, and clears ErrorInfo.
    c.disconnect().unwrap();
    assert_eq!(c.extended_error().number, 0);
}

#[test]
fn pop3_operations_need_a_connection() {
    let c = Pop3Client::new();
    let mut sink = Vec::new();
    expect_err(c.stat(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.retrieve(1, &mut sink), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.top(1, 0, &mut sink), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.delete(1), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.message_size(1), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.uid(1), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.uids(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    expect_err(c.reset(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    let e = expect_err(c.noop(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    assert_info(&c.extended_error(), &e);
    assert!(!c.disconnect().unwrap());
    assert!(sink.is_empty());
}

#[test]
fn pop3_message_number_zero_is_refused() {
    let c = Pop3Client::new();
    let mut sink = Vec::new();
    let e = expect_err(c.retrieve(0, &mut sink), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_info(&c.extended_error(), &e);
    expect_err(c.top(0, 5, &mut sink), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(c.delete(0), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(c.message_size(0), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(c.uid(0), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    let e = expect_err(
        c.retrieve_many(&[1, 0, 2], false, &mut |_| Box::new(Vec::new())),
        CSMAIL_E_INVALID_ARGUMENT,
        eexInvalidArgument,
    );
    assert_info(&c.extended_error(), &e);
}

/// The message source fails after DATA was accepted: CSMAIL_E_IO, and the half-begun
/// transaction is ended by closing the connection (no terminator, nothing delivered).
#[test]
fn failing_message_source() {
    let s = Scripted::start("smtp_source_fails", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let mut src = FnSource(|_: &mut [u8]| -> std::io::Result<usize> { Err(std::io::Error::other("disk on fire")) });
    let e = expect_err(c.send("a@example.com", &["b@example.com"], &mut src), CSMAIL_E_IO, eexMessageSource);
    assert!(e.text.contains("disk on fire"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(
        out.received,
        b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n",
        "{}",
        show(&out.received)
    );
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

// =============================================================================================
// TLS settings: refused before any connection is made
// =============================================================================================

fn tls_client(port: u16, ssl: Arc<SslInfo>) -> SmtpClient {
    let c = scripted_smtp(port, 500);
    c.set_advanced_handler(AdvancedHandler::Ssl(ssl)).unwrap();
    c
}

#[test]
fn unreadable_ca_file_is_tls_config_error_before_connecting() {
    let (l, port) = silent_listener();
    let ssl = Arc::new(SslInfo::new());
    ssl.set_str(SSLCAFile, "/nonexistent/csmail-ca.pem").unwrap();
    let c = tls_client(port, ssl);
    let e = expect_err(c.connect(), CSMAIL_E_TLS_CONFIG, eexTlsConfig);
    assert!(e.text.contains("/nonexistent/csmail-ca.pem"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_no_connection(&l);
}

#[test]
fn ca_file_without_certificates_is_tls_config_error() {
    let (l, port) = silent_listener();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.pem");
    std::fs::write(&path, "not a certificate\n").unwrap();
    let ssl = Arc::new(SslInfo::new());
    ssl.set_str(SSLCAFile, path.to_str().unwrap()).unwrap();
    let c = tls_client(port, ssl);
    expect_err(c.connect(), CSMAIL_E_TLS_CONFIG, eexTlsConfig);
    assert_no_connection(&l);
}

#[test]
fn only_tls10_allowed_is_tls_config_error() {
    let (l, port) = silent_listener();
    let ssl = Arc::new(SslInfo::new());
    ssl.set_array(SSLConnectionProtocolIn, &[SSL_TLS1, SSL_TLS11]).unwrap();
    let c = tls_client(port, ssl);
    let e = expect_err(c.connect(), CSMAIL_E_TLS_CONFIG, eexTlsConfig);
    assert_info(&c.extended_error(), &e);
    assert_no_connection(&l);
}

#[test]
fn no_cipher_left_is_tls_config_error() {
    let (l, port) = silent_listener();
    let ssl = Arc::new(SslInfo::new());
    ssl.set_array(SSLConnectionCipherIn, &[SSL_AES128_GCM]).unwrap();
    ssl.set_int(SSLMinCipherStrength, 256).unwrap();
    let c = tls_client(port, ssl);
    let e = expect_err(c.connect(), CSMAIL_E_TLS_CONFIG, eexTlsConfig);
    assert_info(&c.extended_error(), &e);
    assert_no_connection(&l);
}

#[test]
fn sslinfo_refuses_bad_values_and_keeps_old_ones() {
    let ssl = SslInfo::new();
    expect_err(ssl.set_mode(2), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(ssl.set_mode(-1), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(ssl.mode(), MODE_CHANNEL);

    ssl.set_int(SSLMinCipherStrength, 128).unwrap();
    expect_err(ssl.set_int(SSLMinCipherStrength, -1), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(ssl.get_int(SSLMinCipherStrength).unwrap(), 128);

    // Wrong value type for the option.
    expect_err(ssl.set_int(SSLConnectionProtocolIn, SSL_TLS12), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(ssl.set_str(SSLMinCipherStrength, "128"), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(ssl.set_array(SSLCAFile, &[1]), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(ssl.get_str(SSLMinCipherStrength), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(ssl.get_int(SSLCAFile), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);

    ssl.set_str(SSLCAFile, "/tmp/ca.pem").unwrap();
    expect_err(ssl.set_str(SSLCAFile, "/tmp/a\0b"), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    assert_eq!(ssl.get_str(SSLCAFile).unwrap(), "/tmp/ca.pem");

    // Outputs are read-only; unknown indices are unknown.
    for out in [SSLConnectionProtocolOut, SSLCipherSuite, SSLCertificateStatus, SSLExchangeGroup] {
        expect_err(ssl.set_int(out, 1), CSMAIL_E_INVALID_ARGUMENT, eexReadOnlyOption);
        assert_eq!(ssl.get_int(out).unwrap(), 0);
    }
    for bad in [-1, 20, 9999, 65_536, i32::MAX, i32::MIN] {
        expect_err(ssl.set_int(bad, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
        expect_err(ssl.get_int(bad), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    }

    // Legacy protocols and ciphers, alone or mixed with good ones; the array stays as it was.
    ssl.set_array(SSLConnectionProtocolIn, &[SSL_TLS13]).unwrap();
    for legacy in [SSL_SSL2, SSL_SSL3, SSL_PCT1] {
        expect_err(
            ssl.set_array(SSLConnectionProtocolIn, &[SSL_TLS12, legacy]),
            CSMAIL_E_INVALID_ARGUMENT,
            eexLegacyValue,
        );
    }
    assert_eq!(ssl.get_array(SSLConnectionProtocolIn).unwrap(), vec![SSL_TLS13]);
    for legacy in [SSL_RC4, SSL_RC2, SSL_DES, SSL_3DES, SSL_SKIPJACK] {
        expect_err(ssl.set_array(SSLConnectionCipherIn, &[legacy]), CSMAIL_E_INVALID_ARGUMENT, eexLegacyValue);
    }
    assert!(ssl.get_array(SSLConnectionCipherIn).unwrap().is_empty());
    // Unknown (not legacy) values are plain invalid arguments.
    expect_err(ssl.set_array(SSLConnectionProtocolIn, &[0x1234]), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    expect_err(ssl.set_array(SSLConnectionCipherIn, &[0x1234]), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
}

#[test]
fn loghandler_refuses_bad_level_and_facility() {
    let h = LogHandler::new();
    assert!(h.set_level(LOG_S_WARNING));
    for bad in [0, 4, -1] {
        assert!(!h.set_level(bad));
        assert_eq!(h.level(), LOG_S_WARNING);
    }
    assert!(h.set_facility(LOG_F_PROTOCOL | LOG_F_SSL));
    for bad in [16, LOG_F_ALL | 32, -1] {
        assert!(!h.set_facility(bad));
        assert_eq!(h.facility(), LOG_F_PROTOCOL | LOG_F_SSL);
    }
}
