//! Interoperability with a second pair of real servers: Python's aiosmtpd (SMTP) and GNU
//! Mailutils pop3d (POP3) on loopback, configured by scripts/aiosmtpd-pop3d.sh. Every test is
//! ignored by default. Run them with
//!
//! ```sh
//! bash scripts/test-aiosmtpd-pop3d.sh          # installs, starts, tests, stops
//! # or, with the servers already running (scripts/aiosmtpd-pop3d.sh start):
//! cargo test --test real_aiosmtpd_pop3d -- --ignored --test-threads=1
//! ```
//!
//! The state directory (CA certificate in pki/ca.pem) is `$CSMAIL_AIOSMTPD_POP3D_DIR`, by default
//! /tmp/csmail-aiosmtpd-pop3d, and the ports are those of the script (`$CSMAIL_AIOSMTPD_PORT`
//! and the others named there), as in the script.
//!
//! What the servers do to a message: aiosmtpd's handler (scripts/aiosmtpd_server.py) stores the
//! data exactly as received behind Return-Path, Delivered-To, Received and X-UIDL header fields;
//! pop3d hands it back unchanged and reports the X-UIDL value as the UIDL. So the retrieved
//! message is exactly those four header fields followed by the bytes that were sent.
// Shared result collectors in tests are spelled out where they are used.
#![allow(clippy::type_complexity)]

mod real_common;

use csmail::api::properties::*;
use csmail::error::*;
use real_common::*;

// ---- the servers, as scripts/aiosmtpd-pop3d.sh sets them up ----

real_common::ports! {
    /// aiosmtpd, STARTTLS offered, AUTH only after STARTTLS.
    smtp_starttls = "CSMAIL_AIOSMTPD_PORT", 3525;
    /// aiosmtpd with implicit TLS.
    smtps = "CSMAIL_AIOSMTPD_SMTPS_PORT", 3465;
    /// aiosmtpd, STARTTLS required before anything else.
    smtp_tls_required = "CSMAIL_AIOSMTPD_REQUIRED_PORT", 3587;
    /// pop3d, STLS offered (on 127.0.0.2 STLS is required before any login).
    pop3_port = "CSMAIL_POP3D_PORT", 3110;
    /// pop3d with implicit TLS.
    pop3s = "CSMAIL_POP3D_POP3S_PORT", 3995;
}

const STRICT_POP3_HOST: &str = "127.0.0.2";
/// aiosmtpd's data_size_limit, announced as EHLO SIZE.
const SIZE_LIMIT: u64 = 1_048_576;

/// aiosmtpd's users.
const SMTP_ALICE: (&str, &str) = ("alice", "alicepass");
/// pop3d's users log in with their address. alice's APOP secret is her password; bob's is
/// another one (popauth keeps APOP secrets apart from passwords).
const ALICE: (&str, &str) = ("alice@example.com", "alicepass");
const BOB: (&str, &str) = ("bob@example.com", "bobpass");
const BOB_APOP_SECRET: &str = "bobapopsecret";

/// The default way to look into a mailbox: POP3S by name.
fn via_pop3s() -> Pop3Via {
    Pop3Via { host: "localhost", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO }
}

/// How the handler's 250 after the data begins.
const QUEUED_ENHANCED: &str = "2.0.0";
const QUEUED: &str = "2.0.0 OK: queued";

/// pop3d's UIDL is the X-UIDL the handler wrote into the message (32 hex digits).
fn check_uid(uid: &str, message: &[u8]) {
    assert!(uid.len() == 32 && uid.bytes().all(|b| b.is_ascii_hexdigit()), "UIDL: {uid:?}");
    assert!(contains(message, format!("\r\nX-UIDL: {uid}\r\n").as_bytes()), "UIDL {uid} is the message's X-UIDL");
}

/// The CA that signed the servers' certificate.
fn ca_file() -> String {
    ca_file_in("CSMAIL_AIOSMTPD_POP3D_DIR", "/tmp/csmail-aiosmtpd-pop3d", "scripts/aiosmtpd-pop3d.sh start")
}

/// The retrieved message is what the handler prepends, followed by exactly the bytes sent.
#[track_caller]
fn assert_delivered(got: &[u8], sent: &[u8], rcpt: &str, with: &str) {
    let fields = delivered_fields(got, sent, &["Return-Path", "Delivered-To", "Received", "X-UIDL"]);
    assert_eq!(fields[0].1, format!("<{SENDER}>"));
    assert_eq!(fields[1].1, rcpt);
    let received = &fields[2].1;
    assert!(
        received.contains(&format!(" ([127.0.0.1]) by smtp.example.test (aiosmtpd) with {with} for <{rcpt}>; ")),
        "{received}"
    );
}

// =============================================================================================
// End to end
// =============================================================================================

/// alice -> aiosmtpd (STARTTLS, AUTH) -> Maildir -> pop3d (STLS): the bytes arrive unchanged
/// behind the handler's trace headers; DELE + QUIT removes the message for good.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn aiosmtpd_delivers_to_pop3d_byte_for_byte_then_delete() {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(SMTP_ALICE));
    let caps = ["SIZE 1048576", "8BITMIME", "SMTPUTF8", "AUTH LOGIN PLAIN"];
    let via = Pop3Via { host: "localhost", port: pop3_port(), tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO };
    case_delivers_byte_for_byte_then_delete(s, true, &caps, via, BOB, &|g, m, r| assert_delivered(g, m, r, "ESMTPSA"));
}

// =============================================================================================
// Every TLS mode of each protocol, by name and by address
// =============================================================================================

/// Connects with `tls` and sends to bob (see case_smtp_tls_roundtrip); the handler's Received
/// says ESMTPSA after STARTTLS and ESMTPA on the implicit-TLS listener (aiosmtpd counts only
/// STARTTLS as TLS).
fn smtp_tls_roundtrip(host: &str, port: u16, tls: Security) {
    let with = if tls == Security::StartTls { "ESMTPSA" } else { "ESMTPA" };
    let s = smtp(host, port, tls, Some(SMTP_ALICE));
    case_smtp_tls_roundtrip(s, tls, BOB, &|g, m, r| assert_delivered(g, m, r, with));
}

fn pop3_tls_roundtrip(via: Pop3Via) {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(SMTP_ALICE));
    case_pop3_tls_roundtrip(s, via, ALICE, &|g, m, r| assert_delivered(g, m, r, "ESMTPA"));
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_starttls_by_name() {
    smtp_tls_roundtrip("localhost", smtp_starttls(), Security::StartTls);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_starttls_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", smtp_starttls(), Security::StartTls);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_implicit_tls_by_name() {
    smtp_tls_roundtrip("localhost", smtps(), Security::Implicit);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_implicit_tls_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", smtps(), Security::Implicit);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_starttls_required_by_name() {
    smtp_tls_roundtrip("localhost", smtp_tls_required(), Security::StartTls);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_starttls_required_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", smtp_tls_required(), Security::StartTls);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_stls_by_name() {
    pop3_tls_roundtrip(Pop3Via {
        host: "localhost",
        port: pop3_port(),
        tls: Security::StartTls,
        mech: CSMAIL_AUTH_AUTO,
    });
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_stls_by_ip() {
    pop3_tls_roundtrip(Pop3Via {
        host: "127.0.0.1",
        port: pop3_port(),
        tls: Security::StartTls,
        mech: CSMAIL_AUTH_AUTO,
    });
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3s_by_name() {
    pop3_tls_roundtrip(Pop3Via { host: "localhost", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3s_by_ip() {
    pop3_tls_roundtrip(Pop3Via { host: "127.0.0.1", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

/// The STLS-required listener: STLS then login works.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_stls_required_listener() {
    pop3_tls_roundtrip(Pop3Via {
        host: STRICT_POP3_HOST,
        port: pop3_port(),
        tls: Security::StartTls,
        mech: CSMAIL_AUTH_USER_PASS,
    });
}

/// The servers' CA is not among the system's roots: the handshake fails, and the outputs say why;
/// with SSLNoServerCertificateValidation the same chain is accepted and reported untrusted.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn untrusted_ca_is_refused_unless_validation_is_off() {
    case_untrusted_ca_smtp(smtp("localhost", smtps(), Security::Implicit, Some(SMTP_ALICE)));
    case_untrusted_ca_pop3(pop3("localhost", pop3s(), Security::Implicit, BOB, CSMAIL_AUTH_AUTO));
}

// =============================================================================================
// Authentication mechanisms
// =============================================================================================

/// SMTP AUTH with one mechanism over STARTTLS; the 250 after the data proves the session is
/// authenticated (aiosmtpd refuses MAIL otherwise).
fn smtp_auth_with(mech: i32, first_command: &str) {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(SMTP_ALICE));
    let reply = ("2.7.0", "2.7.0 Authentication successful");
    let delivered = |g: &[u8], m: &[u8], r: &str| assert_delivered(g, m, r, "ESMTPSA");
    case_smtp_auth(s, mech, first_command, "S: 250-AUTH LOGIN PLAIN", reply, BOB, &delivered);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_auth_plain() {
    smtp_auth_with(CSMAIL_AUTH_PLAIN, "C: AUTH PLAIN <redacted>");
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_auth_login() {
    smtp_auth_with(CSMAIL_AUTH_LOGIN, "C: AUTH LOGIN");
}

/// AUTO over TLS picks PLAIN although aiosmtpd lists LOGIN first: PLAIN takes one round trip.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_auth_auto_over_tls_is_plain() {
    smtp_auth_with(CSMAIL_AUTH_AUTO, "C: AUTH PLAIN <redacted>");
}

/// POP3 login with one mechanism, then STAT works.
fn pop3_login_with(host: &'static str, tls: Security, mech: i32, first_command: &str) {
    case_pop3_login(pop3(host, pop3_port(), tls, ALICE, mech), tls, first_command, "S: +OK POP3 Ready <");
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_user_pass() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_USER_PASS, "C: PASS <redacted>");
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_apop() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_APOP, "C: APOP alice@example.com <redacted>");
}

/// AUTO: pop3d lists USER and no SASL: USER/PASS over TLS; APOP in the clear (the greeting has
/// a timestamp).
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_auto_choices() {
    pop3_login_with("localhost", Security::StartTls, CSMAIL_AUTH_AUTO, "C: PASS <redacted>");
    pop3_login_with("localhost", Security::Plain, CSMAIL_AUTH_AUTO, "C: APOP alice@example.com <redacted>");
}

// =============================================================================================
// Failures
// =============================================================================================

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn smtp_wrong_password() {
    for (port, tls) in [(smtp_starttls(), Security::StartTls), (smtps(), Security::Implicit)] {
        let s = smtp("localhost", port, tls, Some((SMTP_ALICE.0, WRONG)));
        let refusal = "535 5.7.8 Authentication credentials invalid";
        case_smtp_wrong_password(s, CSMAIL_AUTH_AUTO, refusal, "5.7.8", "S: 221 Bye");
    }
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_wrong_password() {
    for (tls, mech, name) in [
        (Security::StartTls, CSMAIL_AUTH_USER_PASS, "USER/PASS"),
        (Security::StartTls, CSMAIL_AUTH_APOP, "APOP"),
        // AUTO over TLS: pop3d lists no SASL, so USER/PASS.
        (Security::Implicit, CSMAIL_AUTH_AUTO, "USER/PASS"),
    ] {
        let port = if tls == Security::Implicit { pop3s() } else { pop3_port() };
        let p = pop3("localhost", port, tls, (BOB.0, WRONG), mech);
        case_pop3_wrong_password(p, name, "-ERR [AUTH] Bad login", "S: +OK");
    }
}

/// bob's APOP secret is not his password: APOP with the password fails, USER/PASS with it works,
/// and APOP with the APOP secret works.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_separate_apop_secret() {
    let p = pop3("localhost", pop3_port(), Security::StartTls, BOB, CSMAIL_AUTH_APOP);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert_eq!(e.text, "APOP login failed: -ERR [AUTH] Bad login");

    // AUTO in the clear picks APOP (the greeting has a timestamp): refused, it says which
    // mechanism failed and why, and does not fall back to USER/PASS in the clear.
    let p = pop3("localhost", pop3_port(), Security::Plain, BOB, CSMAIL_AUTH_AUTO);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert_eq!(
        e.text,
        "APOP login failed: -ERR [AUTH] Bad login (AUTO chose APOP because the connection is not \
         encrypted and APOP keeps the password off the wire; it does not fall back to USER/PASS, \
         which would send the password in the clear: use TLS, or ask for USER/PASS explicitly)"
    );
    p.assert_logged("C: APOP bob@example.com <redacted>");
    p.assert_not_logged_prefix("C: USER");
    p.assert_not_logged_prefix("C: PASS");
    p.assert_logged("C: QUIT");

    let p = pop3("localhost", pop3_port(), Security::StartTls, BOB, CSMAIL_AUTH_USER_PASS);
    p.connect_ok();
    assert!(p.c.disconnect().unwrap());

    let p = pop3("localhost", pop3_port(), Security::StartTls, (BOB.0, BOB_APOP_SECRET), CSMAIL_AUTH_APOP);
    p.connect_ok();
    p.assert_logged("C: APOP bob@example.com <redacted>");
    assert!(p.c.disconnect().unwrap());
}

/// The STARTTLS-required listener without TLS and with a user: aiosmtpd offers AUTH only after
/// STARTTLS.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn starttls_required_without_tls_and_with_user() {
    case_no_auth_offered(&smtp("localhost", smtp_tls_required(), Security::Plain, Some(SMTP_ALICE)));
}

/// The STARTTLS-required listener without TLS and without a user: the connect works, MAIL gets
/// 530 (aiosmtpd's has no enhanced code).
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn starttls_required_without_tls_send_is_refused() {
    let s = smtp("localhost", smtp_tls_required(), Security::Plain, None);
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    case_envelope_refused(&s, "MAIL FROM refused: 530 Must issue a STARTTLS command first", "", BOB);
}

/// Without authentication aiosmtpd refuses MAIL (and without TLS there is no AUTH to do).
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn unauthenticated_mail_is_refused() {
    let s = smtp("localhost", smtp_starttls(), Security::Plain, None);
    s.connect_ok();
    case_envelope_refused(&s, "MAIL FROM refused: 530 5.7.0 Authentication required", "5.7.0", BOB);
}

/// The STLS-required listener refuses USER before STLS; the client does not send PASS.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_server_refuses_plaintext_login() {
    let p = pop3(STRICT_POP3_HOST, pop3_port(), Security::Plain, BOB, CSMAIL_AUTH_USER_PASS);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert_eq!(e.text, "USER/PASS login failed: -ERR Incorrect state");
    p.assert_not_logged_prefix("C: PASS");
    assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn rejected_recipient() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(SMTP_ALICE));
    s.connect_ok();
    let refusal = "550 5.1.1 <nobody@example.com>: no such mailbox here";
    case_rejected_recipient(&s, refusal, "5.1.1", BOB, &|g, m, r| assert_delivered(g, m, r, "ESMTPA"));
}

/// One good and one refused recipient: nobody gets the message ("every recipient or none").
/// aiosmtpd does not offer PIPELINING, so the client learns of the refusal before DATA and
/// leaves the transaction with RSET; the session stays usable.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn one_refused_recipient_means_no_delivery() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(SMTP_ALICE));
    s.connect_ok();
    let refusal = "550 5.1.1 <nobody@example.com>: no such mailbox here";
    case_one_refused_recipient(s, refusal, "", BOB, &|g, m, r| assert_delivered(g, m, r, "ESMTPA"));
}

/// A message over the advertised SIZE: refused locally, the session stays usable.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn message_over_advertised_size() {
    let s = smtp("localhost", smtp_starttls(), Security::StartTls, Some(SMTP_ALICE));
    s.connect_ok();
    case_over_advertised_size(&s, SIZE_LIMIT, BOB, &|g, m, r| assert_delivered(g, m, r, "ESMTPSA"));
}

/// A message of unknown length over SIZE: aiosmtpd refuses it after the data.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn message_over_size_of_unknown_length_is_refused_by_aiosmtpd() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(SMTP_ALICE));
    s.connect_ok();
    case_over_size_of_unknown_length(&s, SIZE_LIMIT, BOB, "552 Error: Too much mail data");
}

// =============================================================================================
// Larger transfers
// =============================================================================================

/// Twelve messages fetched and deleted with the pipelined batch.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn pop3_pipelined_batch_retrieve_and_delete() {
    let s = smtp("localhost", smtps(), Security::Implicit, Some(SMTP_ALICE));
    s.connect_ok();
    case_pipelined_batch_retrieve_and_delete(s, BOB, &|g, m, r| assert_delivered(g, m, r, "ESMTPA"));
}

/// A message just under the size limit, from a file and back into a file.
#[test]
#[ignore = "needs scripts/aiosmtpd-pop3d.sh start"]
fn large_message_under_the_limit() {
    let s = smtp("127.0.0.1", smtp_starttls(), Security::StartTls, Some(SMTP_ALICE));
    s.connect_ok();
    case_large_message_under_the_limit(s, SIZE_LIMIT, BOB, &|g, m, r| assert_delivered(g, m, r, "ESMTPSA"));
}
