//! Interoperability with real OpenSMTPD (Debian's opensmtpd 6.8.0p2) on loopback, IN PLAINTEXT
//! ONLY: Debian 12's build cannot complete any TLS handshake with OpenSSL 3 (alert 80, with
//! `openssl s_client` too), and it offers AUTH only over TLS. Its deliveries are fetched with
//! GNU Mailutils pop3d. Every test is ignored by default; OpenSMTPD conflicts with Postfix, so
//! only scripts/test-opensmtpd.sh runs them (install, configure and start under a temporary
//! folder, `cargo test --test real_opensmtpd -- --ignored --test-threads=1`, restore).
//!
//! Port: `$CSMAIL_OPENSMTPD_PORT` (5525); pop3d and its CA as in scripts/aiosmtpd-pop3d.sh
//! (`$CSMAIL_AIOSMTPD_POP3D_DIR`).
//!
//! What the servers do to a message: OpenSMTPD prepends Return-Path, Delivered-To and its
//! Received header; the script's delivery agent prepends X-UIDL (which pop3d reports as the
//! UIDL); pop3d hands the message back unchanged. So the retrieved message is exactly those four
//! header fields followed by the bytes that were sent.
// Shared result collectors in tests are spelled out where they are used.
#![allow(clippy::type_complexity)]

mod real_common;

use csmail::api::properties::*;
use csmail::error::*;
use real_common::*;

// ---- the servers, as scripts/test-opensmtpd.sh sets them up ----

real_common::ports! {
    /// OpenSMTPD, plaintext, no AUTH.
    smtp_port = "CSMAIL_OPENSMTPD_PORT", 5525;
    /// pop3d with implicit TLS.
    pop3s = "CSMAIL_POP3D_POP3S_PORT", 3995;
}

/// OpenSMTPD's max-message-size, announced as EHLO SIZE.
const SIZE_LIMIT: u64 = 1_048_576;

/// pop3d's users log in with their address.
const BOB: (&str, &str) = ("bob@example.com", "bobpass");

fn via_pop3s() -> Pop3Via {
    Pop3Via { host: "localhost", port: pop3s(), tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO }
}

/// OpenSMTPD's 250 after the data.
const QUEUED_ENHANCED: &str = "2.0.0";
const QUEUED: &str = "2.0.0 ";

/// pop3d's UIDL is the X-UIDL the delivery agent wrote into the message (32 hex digits).
fn check_uid(uid: &str, message: &[u8]) {
    assert!(uid.len() == 32 && uid.bytes().all(|b| b.is_ascii_hexdigit()), "UIDL: {uid:?}");
    assert!(message.starts_with(format!("X-UIDL: {uid}\r\n").as_bytes()), "UIDL {uid} is the message's X-UIDL");
}

/// The CA that signed the servers' certificate.
fn ca_file() -> String {
    ca_file_in("CSMAIL_AIOSMTPD_POP3D_DIR", "/tmp/csmail-aiosmtpd-pop3d", "scripts/test-opensmtpd.sh")
}

/// The retrieved message is what OpenSMTPD and the delivery agent prepend, followed by exactly
/// the bytes sent.
#[track_caller]
fn assert_delivered(got: &[u8], sent: &[u8], rcpt: &str) {
    let fields = delivered_fields(got, sent, &["X-UIDL", "Return-Path", "Delivered-To", "Received"]);
    assert_eq!(fields[1].1, format!("<{SENDER}>"));
    assert_eq!(fields[2].1, rcpt);
    // ESMTP: neither TLS nor authentication.
    let received = &fields[3].1;
    assert!(
        received.contains(" (localhost [127.0.0.1]) by mail.example.test (OpenSMTPD) with ESMTP id "),
        "{received}"
    );
    assert!(received.contains(&format!(" for <{rcpt}>; ")), "{received}");
}

// =============================================================================================
// End to end, in plaintext
// =============================================================================================

/// alice -> OpenSMTPD (plaintext, no AUTH) -> Maildir -> pop3d (POP3S): the bytes arrive
/// unchanged behind the trace headers; DELE + QUIT removes the message for good.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn opensmtpd_delivers_to_pop3d_byte_for_byte_then_delete() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    let caps = ["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE 1048576", "DSN"];
    case_delivers_byte_for_byte_then_delete(s, false, &caps, via_pop3s(), BOB, &assert_delivered);
}

/// Neither STARTTLS nor AUTH is offered (OpenSMTPD offers AUTH only over TLS).
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn no_starttls_and_no_auth_offered() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let caps = s.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    assert!(!caps.lines().any(|c| c.starts_with("STARTTLS") || c.starts_with("AUTH")), "{caps:?}");
    s.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn plaintext_by_ip() {
    let s = smtp("127.0.0.1", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(via_pop3s(), BOB, &tag), &sent, BOB_ADDR);
}

/// TLS asked for: OpenSMTPD (configured without TLS here) does not offer STARTTLS, and the
/// client refuses to go on in plaintext.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn starttls_asked_for_but_not_offered() {
    let s = smtp("localhost", smtp_port(), Security::StartTls, None);
    let e = expect_err(s.c.connect(), CSMAIL_E_CONNECT, eexStartTlsNotOffered, s.c.extended_error());
    assert_eq!(e.text, "TLS is required and the server does not offer STARTTLS");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    s.assert_not_logged_prefix("C: STARTTLS");
}

/// A user set, but no AUTH offered (OpenSMTPD offers it only over TLS).
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn login_without_auth_offered() {
    case_no_auth_offered(&smtp("localhost", smtp_port(), Security::Plain, Some(("alice", "alicepass"))));
}

#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn rejected_recipient() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let refusal = "550 Invalid recipient: <nobody@example.com>";
    case_rejected_recipient(&s, refusal, "", BOB, &assert_delivered);
}

/// One good and one refused recipient: nobody gets the message ("every recipient or none").
/// OpenSMTPD does not offer PIPELINING, so the client learns of the refusal before DATA and
/// leaves the transaction with RSET; the session stays usable.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn one_refused_recipient_means_no_delivery() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let refusal = "550 Invalid recipient: <nobody@example.com>";
    case_one_refused_recipient(s, refusal, "", BOB, &assert_delivered);
}

/// A message over the advertised SIZE: refused locally, the session stays usable.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn message_over_advertised_size() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    case_over_advertised_size(&s, SIZE_LIMIT, BOB, &assert_delivered);
}

/// A message of unknown length over SIZE: OpenSMTPD refuses it after the data.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn message_over_size_of_unknown_length_is_refused_by_opensmtpd() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    case_over_size_of_unknown_length(
        &s,
        SIZE_LIMIT,
        BOB,
        "554 5.3.4 Message too big for system: Transaction failed, message too big",
    );
}

// =============================================================================================
// Larger transfers
// =============================================================================================

/// Twelve messages fetched and deleted with the pipelined batch.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn pop3_pipelined_batch_retrieve_and_delete() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    case_pipelined_batch_retrieve_and_delete(s, BOB, &assert_delivered);
}

/// A message just under the size limit, from a file and back into a file.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn large_message_under_the_limit() {
    let s = smtp("127.0.0.1", smtp_port(), Security::Plain, None);
    s.connect_ok();
    case_large_message_under_the_limit(s, SIZE_LIMIT, BOB, &assert_delivered);
}
