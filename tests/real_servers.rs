//! Interoperability with real servers: Debian's Postfix (SMTP) and Dovecot (POP3) on loopback,
//! configured by scripts/mailservers.sh. Every test is ignored by default. Run them with
//!
//! ```sh
//! bash scripts/test-real-servers.sh            # installs, starts, tests, stops
//! # or, with the servers already running (scripts/mailservers.sh start):
//! cargo test --test real_servers -- --ignored --test-threads=1
//! ```
//!
//! The state directory (CA certificate in pki/ca.pem) is `$CSMAIL_MAILSRV_DIR`, by default
//! /tmp/csmail-mailsrv, as in the script.
//!
//! The mailboxes are shared state: every message carries a unique tag (process id, counter,
//! time) in its Subject and is found by that tag, then deleted.
//!
//! What the servers do to a message, and what "byte for byte" means here: Postfix prepends its
//! Received header, Dovecot's LMTP prepends Return-Path, Delivered-To and its own Received
//! header; nothing else changes, as long as the message has Date and Message-ID (Postfix adds
//! those at the end of the header section when they are missing). So the retrieved message is
//! exactly those four header fields followed by the bytes that were sent.
// Shared result collectors in tests are spelled out where they are used.
#![allow(clippy::type_complexity)]

mod real_common;

use csmail::api::properties::*;
use csmail::error::*;
use csmail::options::*;
use real_common::*;

// ---- the servers, as scripts/mailservers.sh sets them up ----

// Each port from the variable scripts/mailservers.sh reads (and writes into ports.env), with
// the same default.

real_common::ports! {
    /// SMTP, STARTTLS offered, AUTH only after STARTTLS.
    smtp_starttls = "CSMAIL_MAILSRV_SMTP_PORT", 2525;
    /// SMTP with implicit TLS.
    smtps = "CSMAIL_MAILSRV_SMTPS_PORT", 2465;
    /// SMTP, STARTTLS required before MAIL (and AUTH only after it).
    smtp_tls_required = "CSMAIL_MAILSRV_SUBMISSION_PORT", 2587;
    /// POP3, STLS offered. On 127.0.0.1 Dovecot allows plaintext logins (it counts loopback as
    /// secured); on 127.0.0.2 it refuses them before STLS.
    pop3_port = "CSMAIL_MAILSRV_POP3_PORT", 1110;
    /// POP3 with implicit TLS.
    pop3s = "CSMAIL_MAILSRV_POP3S_PORT", 1995;
}

const STRICT_POP3_HOST: &str = "127.0.0.2";
/// Postfix's message_size_limit, announced as EHLO SIZE.
const SIZE_LIMIT: u64 = 1_048_576;

const ALICE: (&str, &str) = ("alice", "alicepass");
const BOB: (&str, &str) = ("bob", "bobpass");

/// The default way to look into a mailbox: POP3S by name.
fn via_pop3s() -> Pop3Via {
    Pop3Via { host: "localhost", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO }
}

/// How Postfix's 250 after the data begins.
const QUEUED_ENHANCED: &str = "2.0.0";
const QUEUED: &str = "2.0.0 Ok: queued as ";

/// Dovecot's UIDL, as pop3_uidl_format = %08Xu%08Xv makes it.
fn check_uid(uid: &str, _message: &[u8]) {
    assert!(uid.len() == 16 && uid.bytes().all(|b| b.is_ascii_hexdigit()), "UIDL %08Xu%08Xv: {uid:?}");
}

/// The CA that signed the servers' certificate.
fn ca_file() -> String {
    ca_file_in("CSMAIL_MAILSRV_DIR", "/tmp/csmail-mailsrv", "scripts/mailservers.sh start")
}

/// The retrieved message is what Dovecot and Postfix prepend, followed by exactly the bytes sent.
/// `client` is how Postfix names the connecting address: "127.0.0.1" or "IPv6:::1".
#[track_caller]
fn assert_delivered(got: &[u8], sent: &[u8], rcpt: &str, client: &str) {
    let fields = delivered_fields(got, sent, &["Return-Path", "Delivered-To", "Received", "Received"]);
    assert_eq!(fields[0].1, format!("<{SENDER}>"));
    assert_eq!(fields[1].1, rcpt);
    // Dovecot LMTP's Received: from Postfix's lmtp client.
    let lmtp = &fields[2].1;
    assert!(lmtp.starts_with("from mail.example.test ([127.0.0.1]) by pop.example.test with LMTP id "), "{lmtp}");
    assert!(lmtp.contains(&format!("(envelope-from <{SENDER}>) for <{rcpt}>; ")), "{lmtp}");
    // Postfix's Received: ESMTPSA = ESMTP, TLS, authenticated.
    let smtpd = &fields[3].1;
    assert!(smtpd.contains(&format!(" [{client}]) by mail.example.test (Postfix) with ESMTPSA id ")), "{smtpd}");
    assert!(smtpd.contains(&format!(" for <{rcpt}>; ")), "{smtpd}");
}

/// `assert_delivered` for a client on 127.0.0.1.
#[track_caller]
fn delivered_v4(got: &[u8], sent: &[u8], rcpt: &str) {
    assert_delivered(got, sent, rcpt, "127.0.0.1");
}

// =============================================================================================
// End to end
// =============================================================================================

/// alice -> Postfix (STARTTLS, AUTH) -> LMTP -> Dovecot -> POP3 (STLS): the bytes arrive
/// unchanged behind the servers' trace headers; DELE + QUIT removes the message for good.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn postfix_delivers_to_dovecot_byte_for_byte_then_delete() {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(ALICE));
    // The EHLO lines as Postfix sent them, parameters included.
    let caps =
        ["PIPELINING", "SIZE 1048576", "AUTH PLAIN LOGIN CRAM-MD5", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8"];
    let via = Pop3Via { host: "localhost", port: pop3_port(), tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO };
    case_delivers_byte_for_byte_then_delete(s, true, &caps, via, BOB, &delivered_v4);
}

// =============================================================================================
// Every TLS mode of each protocol, by name and by address
// =============================================================================================

/// Connects with `tls` to an SMTP listener and sends to bob (see case_smtp_tls_roundtrip);
/// `client` is how Postfix names the connecting address: "127.0.0.1" or "IPv6:::1".
fn smtp_tls_roundtrip(host: &str, port: u16, tls: Security, client: &str) {
    let s = smtp(host, port, tls, Some(ALICE));
    case_smtp_tls_roundtrip(s, tls, BOB, &|g, m, r| assert_delivered(g, m, r, client));
}

/// Delivers a tagged message to alice (over SMTPS), then fetches it with `via`, checking TLS.
fn pop3_tls_roundtrip(via: Pop3Via) {
    case_pop3_tls_roundtrip(smtp("localhost", smtps(), Security::Implicit, Some(ALICE)), via, ALICE, &delivered_v4);
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_2525_by_name() {
    smtp_tls_roundtrip("localhost", smtp_starttls(), Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_2525_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", smtp_starttls(), Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_implicit_tls_2465_by_name() {
    smtp_tls_roundtrip("localhost", smtps(), Security::Implicit, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_implicit_tls_2465_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", smtps(), Security::Implicit, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_required_2587_by_name() {
    smtp_tls_roundtrip("localhost", smtp_tls_required(), Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_required_2587_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", smtp_tls_required(), Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_stls_1110_by_name() {
    pop3_tls_roundtrip(Pop3Via {
        host: "localhost",
        port: pop3_port(),
        tls: Security::StartTls,
        mech: CSMAIL_AUTH_AUTO,
    });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_stls_1110_by_ip() {
    pop3_tls_roundtrip(Pop3Via {
        host: "127.0.0.1",
        port: pop3_port(),
        tls: Security::StartTls,
        mech: CSMAIL_AUTH_AUTO,
    });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3s_1995_by_name() {
    pop3_tls_roundtrip(Pop3Via { host: "localhost", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3s_1995_by_ip() {
    pop3_tls_roundtrip(Pop3Via { host: "127.0.0.1", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_smtps_2465() {
    smtp_tls_roundtrip("[::1]", smtps(), Security::Implicit, "IPv6:::1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_smtp_starttls_2525() {
    smtp_tls_roundtrip("::1", smtp_starttls(), Security::StartTls, "IPv6:::1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_pop3s_1995() {
    pop3_tls_roundtrip(Pop3Via { host: "[::1]", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_pop3_stls_1110() {
    pop3_tls_roundtrip(Pop3Via { host: "::1", port: pop3_port(), tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO });
}

/// What rustls and the servers' OpenSSL 3.0 settle on, in every SSLInfo output.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn tls_negotiated_outputs() {
    let s = smtp("localhost", smtps(), Security::Implicit, None);
    s.connect_ok();
    let p = pop3("127.0.0.1", pop3_port(), Security::StartTls, ALICE, CSMAIL_AUTH_AUTO);
    p.connect_ok();
    for ssl in [s.ssl(), p.ssl()] {
        let n = ssl.negotiated();
        assert_eq!(n.protocol, SSL_TLS13, "{n:?}");
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
        assert_eq!(n.suite, 0x1302, "TLS_AES_256_GCM_SHA384: {n:?}");
        assert_eq!((n.cipher, n.cipher_strength), (SSL_AES256_GCM, 256), "{n:?}");
        assert_eq!((n.hash, n.hash_strength), (SSL_SHA384, 384), "{n:?}");
        assert_eq!((n.exchange, n.group, n.exchange_strength), (SSL_ECDHE, SSL_GROUP_X25519, 255), "{n:?}");
        for (index, value) in [
            (SSLConnectionProtocolOut, n.protocol),
            (SSLConnectionCipherOut, n.cipher),
            (SSLCipherStrength, n.cipher_strength),
            (SSLHash, n.hash),
            (SSLHashStrength, n.hash_strength),
            (SSLExchange, n.exchange),
            (SSLExchangeStrength, n.exchange_strength),
            (SSLExchangeGroup, n.group),
            (SSLCipherSuite, n.suite),
        ] {
            assert_eq!(ssl.get_int(index).unwrap(), value, "option {index}");
        }
    }
    assert!(
        s.log().iter().any(|l| l.starts_with("TLS established: TLS 1.3 TLS13_AES_256_GCM_SHA384")),
        "{}",
        s.transcript()
    );
    s.c.disconnect().unwrap();
    p.c.disconnect().unwrap();
}

/// TLS 1.2 only: the servers allow it, and the outputs say so.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn tls12_when_asked_for() {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(ALICE));
    s.ssl().set_array(SSLConnectionProtocolIn, &[SSL_TLS12]).unwrap();
    s.connect_ok();
    let n = s.ssl().negotiated();
    assert_eq!(n.protocol, SSL_TLS12, "{n:?}");
    assert_eq!(s.ssl().get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
    assert_eq!(n.exchange, SSL_ECDHE, "{n:?}");
    s.c.disconnect().unwrap();
}

/// The servers' CA is not among the system's roots: the handshake fails, and the outputs say why;
/// with SSLNoServerCertificateValidation the same chain is accepted and reported untrusted.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn untrusted_ca_is_refused_unless_validation_is_off() {
    case_untrusted_ca_smtp(smtp("localhost", smtps(), Security::Implicit, Some(ALICE)));
    case_untrusted_ca_pop3(pop3("localhost", pop3s(), Security::Implicit, BOB, CSMAIL_AUTH_AUTO));
}

// =============================================================================================
// Authentication mechanisms
// =============================================================================================

/// SMTP AUTH with one mechanism over STARTTLS; the 250 for bob proves the session is
/// authenticated (Postfix refuses every recipient otherwise).
fn smtp_auth_with(mech: i32, first_command: &str) {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(ALICE));
    let reply = ("2.7.0", "2.7.0 Authentication successful");
    case_smtp_auth(s, mech, first_command, "S: 250-AUTH PLAIN LOGIN CRAM-MD5", reply, BOB, &delivered_v4);
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_auth_plain() {
    smtp_auth_with(CSMAIL_AUTH_PLAIN, "C: AUTH PLAIN <redacted>");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_auth_login() {
    smtp_auth_with(CSMAIL_AUTH_LOGIN, "C: AUTH LOGIN");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_auth_cram_md5() {
    smtp_auth_with(CSMAIL_AUTH_CRAM_MD5, "C: AUTH CRAM-MD5");
}

/// AUTO over TLS picks PLAIN, the first of what Postfix offers.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_auth_auto_over_tls_is_plain() {
    smtp_auth_with(CSMAIL_AUTH_AUTO, "C: AUTH PLAIN <redacted>");
}

/// POP3 login with one mechanism, then STAT works.
fn pop3_login_with(host: &'static str, tls: Security, mech: i32, first_command: &str) {
    case_pop3_login(pop3(host, pop3_port(), tls, ALICE, mech), tls, first_command, "S: +OK Dovecot (Debian) ready. <");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_user_pass() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_USER_PASS, "C: PASS <redacted>");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_apop() {
    // Dovecot's greeting has an APOP timestamp (auth_mechanisms includes apop).
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_APOP, "C: APOP alice <redacted>");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_sasl_plain() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_PLAIN, "C: AUTH PLAIN <redacted>");
}

/// SASL LOGIN and CRAM-MD5 through POP3 AUTH (RFC 5034), each payload redacted.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_sasl_login_and_cram_md5() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_LOGIN, "C: AUTH LOGIN");
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_CRAM_MD5, "C: AUTH CRAM-MD5");
    pop3_login_with("127.0.0.1", Security::Plain, CSMAIL_AUTH_CRAM_MD5, "C: AUTH CRAM-MD5");
}

/// AUTO: SASL PLAIN over TLS; APOP in the clear (the greeting has a timestamp).
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_auto_choices() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_AUTO, "C: AUTH PLAIN <redacted>");
    pop3_login_with("localhost", Security::Plain, CSMAIL_AUTH_AUTO, "C: APOP alice <redacted>");
}

/// Each mechanism in the clear on 127.0.0.1, which Dovecot counts as secured.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_mechanisms_in_the_clear_on_loopback() {
    pop3_login_with("127.0.0.1", Security::Plain, CSMAIL_AUTH_USER_PASS, "C: PASS <redacted>");
    pop3_login_with("127.0.0.1", Security::Plain, CSMAIL_AUTH_APOP, "C: APOP alice <redacted>");
    pop3_login_with("127.0.0.1", Security::Plain, CSMAIL_AUTH_PLAIN, "C: AUTH PLAIN <redacted>");
}

// =============================================================================================
// Failures
// =============================================================================================

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_wrong_password() {
    for mech in [CSMAIL_AUTH_PLAIN, CSMAIL_AUTH_LOGIN, CSMAIL_AUTH_CRAM_MD5] {
        let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some((ALICE.0, WRONG)));
        let refusal = "535 5.7.8 Error: authentication failed: (reason unavailable)";
        case_smtp_wrong_password(s, mech, refusal, "5.7.8", "S: 221 2.0.0 Bye");
    }
}

/// After a refused login the last-reply properties describe the server's refusal, as after any
/// other refused command.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn last_reply_after_refused_login() {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some((ALICE.0, WRONG)));
    expect_err(s.c.connect(), CSMAIL_E_AUTH, eexSmtpServer, s.c.extended_error());
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 535, "REPLY_CODE after a refused AUTH");
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "5.7.8");
    assert_eq!(
        s.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(),
        "5.7.8 Error: authentication failed: (reason unavailable)"
    );

    let p = pop3("localhost", pop3s(), Security::Implicit, (BOB.0, WRONG), CSMAIL_AUTH_USER_PASS);
    expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert_eq!(
        p.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(),
        "-ERR [AUTH] Authentication failed.",
        "REPLY_TEXT after a refused PASS"
    );
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_wrong_password() {
    for (tls, mech, name) in [
        (Security::StartTls, CSMAIL_AUTH_USER_PASS, "USER/PASS"),
        (Security::StartTls, CSMAIL_AUTH_APOP, "APOP"),
        (Security::StartTls, CSMAIL_AUTH_PLAIN, "SASL PLAIN"),
        // AUTO over TLS: SASL PLAIN, which Dovecot lists.
        (Security::Implicit, CSMAIL_AUTH_AUTO, "SASL PLAIN"),
    ] {
        let port = if tls == Security::Implicit { pop3s() } else { pop3_port() };
        let p = pop3("localhost", port, tls, (BOB.0, WRONG), mech);
        case_pop3_wrong_password(p, name, "-ERR [AUTH] Authentication failed.", "S: +OK Logging out");
    }
}

/// 2587 without TLS and with a user: Postfix offers AUTH only after STARTTLS.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn starttls_required_without_tls_and_with_user() {
    case_no_auth_offered(&smtp("localhost", smtp_tls_required(), Security::Plain, Some(ALICE)));
}

/// 2587 without TLS and without a user: the connect works, MAIL gets 530.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn starttls_required_without_tls_send_is_refused() {
    let s = smtp("localhost", smtp_tls_required(), Security::Plain, None);
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    case_envelope_refused(&s, "MAIL FROM refused: 530 5.7.0 Must issue a STARTTLS command first", "5.7.0", BOB);
}

/// Without authentication Postfix refuses every recipient (and on 2525 without TLS there is no
/// AUTH to do).
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn unauthenticated_recipient_is_refused() {
    let s = smtp("localhost", smtp_starttls(), Security::Plain, None);
    s.connect_ok();
    case_envelope_refused(
        &s,
        "RCPT TO:<bob@example.com> refused: 554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied",
        "5.7.1",
        BOB,
    );
}

/// The strict listener refuses USER/PASS before TLS; after STLS the same login works.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_server_refuses_plaintext_login() {
    let p = pop3(STRICT_POP3_HOST, pop3_port(), Security::Plain, BOB, CSMAIL_AUTH_USER_PASS);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert!(e.text.contains("Plaintext authentication disallowed"), "{}", e.text);
    assert_eq!(
        e.text,
        "USER/PASS login failed: -ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
    );
    p.assert_not_logged_prefix("C: PASS");
    assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    let p = pop3(STRICT_POP3_HOST, pop3_port(), Security::StartTls, BOB, CSMAIL_AUTH_USER_PASS);
    p.connect_ok();
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_tls13_valid(p.ssl());
    p.c.stat().unwrap();
    assert!(p.c.disconnect().unwrap());
}

/// On the strict listener before TLS, Dovecot offers SASL CRAM-MD5 only: SASL PLAIN is refused
/// by the client before anything is sent.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_sasl_plain_not_offered_in_the_clear() {
    let p = pop3(STRICT_POP3_HOST, pop3_port(), Security::Plain, BOB, CSMAIL_AUTH_PLAIN);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported, p.c.extended_error());
    assert_eq!(
        e.text,
        "the server does not offer SASL PLAIN (its CAPA lists SASL: CRAM-MD5); no credentials were sent. \
         Set CSMAIL_PROP_AUTH_MECH to a mechanism the server offers"
    );
    p.assert_not_logged_prefix("C: AUTH");
}

/// AUTO on the strict listener without TLS uses APOP, which is not a plaintext mechanism, so
/// Dovecot accepts it.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_auto_in_the_clear_uses_apop_on_strict_listener() {
    let p = pop3(STRICT_POP3_HOST, pop3_port(), Security::Plain, BOB, CSMAIL_AUTH_AUTO);
    p.connect_ok();
    p.assert_logged("C: APOP bob <redacted>");
    p.assert_not_logged_prefix("C: PASS");
    p.c.stat().unwrap();
    assert!(p.c.disconnect().unwrap());
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn rejected_recipient() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(ALICE));
    s.connect_ok();
    let refusal = "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table";
    case_rejected_recipient(&s, refusal, "5.1.1", BOB, &delivered_v4);
}

/// One good and one refused recipient: nobody gets the message ("every recipient or none").
/// Postfix offers PIPELINING (and CHUNKING where it is new enough): with CHUNKING the envelope
/// is refused before any chunk; with DATA pipelined, Postfix answers it with 354 because bob
/// was accepted, and the only way out of DATA is to drop the connection.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn one_refused_recipient_means_no_delivery() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(ALICE));
    s.connect_ok();
    let refusal = "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table";
    case_one_refused_recipient(s, refusal, "S: 354 End data with <CR><LF>.<CR><LF>", BOB, &delivered_v4);
}

/// A message over the advertised SIZE: refused locally, the session stays usable.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn message_over_advertised_size() {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(ALICE));
    s.connect_ok();
    case_over_advertised_size(&s, SIZE_LIMIT, BOB, &delivered_v4);
}

/// A message of unknown length over SIZE: Postfix refuses it after the data.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn message_over_size_of_unknown_length_is_refused_by_postfix() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(ALICE));
    s.connect_ok();
    case_over_size_of_unknown_length(&s, SIZE_LIMIT, BOB, "552 5.3.4 Error: message file too big");
}

// =============================================================================================
// Larger transfers
// =============================================================================================

/// Twelve messages fetched and deleted with the pipelined batch.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_pipelined_batch_retrieve_and_delete() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(ALICE));
    s.connect_ok();
    case_pipelined_batch_retrieve_and_delete(s, BOB, &delivered_v4);
}

/// A message just under the size limit, from a file and back into a file.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn large_message_under_the_limit() {
    let s = smtp("127.0.0.1", smtp_starttls(), Security::StartTls, Some(ALICE));
    s.connect_ok();
    case_large_message_under_the_limit(s, SIZE_LIMIT, BOB, &delivered_v4);
}
