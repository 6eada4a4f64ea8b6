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
use csmail::source::{FnSink, FnSource, MessageSink};
use real_common::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---- the servers, as scripts/test-opensmtpd.sh sets them up ----

fn port(var: &str, default: u16) -> u16 {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => p.parse().unwrap_or_else(|_| panic!("{var}={p:?} is not a port")),
        _ => default,
    }
}

/// OpenSMTPD, plaintext, no AUTH.
fn smtp_port() -> u16 {
    port("CSMAIL_OPENSMTPD_PORT", 5525)
}
/// pop3d with implicit TLS.
fn pop3s() -> u16 {
    port("CSMAIL_POP3D_POP3S_PORT", 3995)
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

fn state_dir() -> PathBuf {
    match std::env::var_os("CSMAIL_AIOSMTPD_POP3D_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from("/tmp/csmail-aiosmtpd-pop3d"),
    }
}

fn ca_file() -> String {
    let ca = state_dir().join("pki").join("ca.pem");
    assert!(ca.is_file(), "{} is missing: run scripts/test-opensmtpd.sh", ca.display());
    ca.to_str().expect("UTF-8 path").to_owned()
}

/// The retrieved message is what OpenSMTPD and the delivery agent prepend, followed by exactly
/// the bytes sent.
#[track_caller]
fn assert_delivered(got: &[u8], sent: &[u8], rcpt: &str) {
    assert!(
        got.ends_with(sent),
        "the retrieved message does not end with the bytes sent\n sent: {}\n  got: {}",
        show(sent),
        show(got)
    );
    let prefix = &got[..got.len() - sent.len()];
    let fields = header_fields(prefix);
    let names: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["X-UIDL", "Return-Path", "Delivered-To", "Received"], "prefix: {}", show(prefix));
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

/// One header field of the prefix the servers added: (name, value with folding whitespace
/// collapsed to single spaces).
fn header_fields(prefix: &[u8]) -> Vec<(String, String)> {
    let text = std::str::from_utf8(prefix).expect("ASCII headers");
    assert!(text.ends_with("\r\n"), "the added prefix is whole lines: {text:?}");
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in text[..text.len() - 2].split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let last = fields.last_mut().expect("a continuation follows a field");
            last.1.push(' ');
            last.1.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':').unwrap_or_else(|| panic!("not a header field: {line:?}"));
            fields.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    for f in &mut fields {
        f.1 = f.1.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    fields
}

// =============================================================================================
// End to end, in plaintext
// =============================================================================================

/// alice -> OpenSMTPD (plaintext, no AUTH) -> Maildir -> pop3d (STLS): the bytes arrive
/// unchanged behind the trace headers; DELE + QUIT removes the message for good.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn opensmtpd_delivers_to_pop3d_byte_for_byte_then_delete() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    let caps = s.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    let caps: Vec<&str> = caps.lines().collect();
    for line in ["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE 1048576", "DSN"] {
        assert!(caps.contains(&line), "{line} not in {caps:?}");
    }
    assert!(!caps.iter().any(|c| c.starts_with("STARTTLS") || c.starts_with("AUTH")), "{caps:?}");
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();

    let (p, n) = await_tagged(via_pop3s(), BOB, &tag);
    let (count_before, _) = p.c.stat().unwrap();
    let got = retrieve_checked(&p, n);
    assert_delivered(&got, &sent, BOB_ADDR);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap(), "QUIT confirmed");

    let p = connect_pop3(via_pop3s(), BOB);
    assert_eq!(find_tagged(&p, &tag), None, "deleted and gone after reconnect");
    assert_eq!(p.c.stat().unwrap().0, count_before - 1);
    assert!(p.c.disconnect().unwrap());
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
    let s = smtp("localhost", smtp_port(), Security::Plain, Some(("alice", "alicepass")));
    let e = expect_err(s.c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported, s.c.extended_error());
    assert_eq!(e.text, "the server offers no usable AUTH mechanism (offered: [])");
    s.assert_not_logged_prefix("C: AUTH");
}

#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn rejected_recipient() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let tag = unique_tag();
    let msg = message(&tag, "nobody@example.com");
    let e = expect_err(
        s.c.send(SENDER, &["nobody@example.com"], &mut &msg[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
        s.c.extended_error(),
    );
    assert_eq!(e.text, "RCPT TO:<nobody@example.com> refused: 550 Invalid recipient: <nobody@example.com>");
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(via_pop3s(), BOB, &tag), &sent, BOB_ADDR);
}

/// One good and one refused recipient: nobody gets the message ("every recipient or none").
/// OpenSMTPD does not offer PIPELINING, so the client learns of the refusal before DATA and
/// leaves the transaction with RSET; the session stays usable.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn one_refused_recipient_means_no_delivery() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let tag = unique_tag();
    let msg = message(&tag, BOB_ADDR);
    let e = expect_err(
        s.c.send(SENDER, &[BOB_ADDR, "nobody@example.com"], &mut &msg[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
        s.c.extended_error(),
    );
    assert_eq!(e.text, "RCPT TO:<nobody@example.com> refused: 550 Invalid recipient: <nobody@example.com>");
    s.assert_not_logged_prefix("C: DATA");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag2, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(via_pop3s(), BOB, &tag2), &sent, BOB_ADDR);
    assert_absent(BOB, &tag, Duration::ZERO);
}

/// A message over the advertised SIZE is refused by the client before MAIL FROM; the session
/// stays usable.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn message_over_advertised_size() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    s.assert_logged(&format!("S: 250-SIZE {SIZE_LIMIT}"));
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    while (msg.len() as u64) <= SIZE_LIMIT {
        msg.extend_from_slice(&[b'x'; 76]);
        msg.extend_from_slice(b"\r\n");
    }
    let e = expect_err(
        s.c.send(SENDER, &[BOB_ADDR], &mut &msg[..]),
        CSMAIL_E_REFUSED_LOCALLY,
        eexMessageTooLarge,
        s.c.extended_error(),
    );
    // No server reply belongs to a refusal made before sending: the 235 of AUTH (or the EHLO)
    // does not stay visible as if it did.
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 0);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "");
    assert_eq!(e.text, format!("the message has {} bytes; the server accepts at most {SIZE_LIMIT} (SIZE)", msg.len()));
    s.assert_not_logged_prefix("C: MAIL");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag2, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(via_pop3s(), BOB, &tag2), &sent, BOB_ADDR);
    assert_absent(BOB, &tag, Duration::ZERO);
}

/// A message of unknown length (a read callback) cannot be checked against SIZE beforehand;
/// OpenSMTPD refuses it after the data, and nothing is delivered.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn message_over_size_of_unknown_length_is_refused_by_opensmtpd() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    while (msg.len() as u64) <= SIZE_LIMIT + 64 * 1024 {
        msg.extend_from_slice(&[b'y'; 998]);
        msg.extend_from_slice(b"\r\n");
    }
    let mut rest = &msg[..];
    let mut source = FnSource(move |buf: &mut [u8]| std::io::Read::read(&mut rest, buf));
    let e =
        expect_err(s.c.send(SENDER, &[BOB_ADDR], &mut source), CSMAIL_E_SERVER, eexSmtpServer, s.c.extended_error());
    assert_eq!(
        e.text,
        "the message was refused: 554 5.3.4 Message too big for system: Transaction failed, message too big"
    );
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 554);
    s.assert_logged("C: <message data>");
    s.c.disconnect().unwrap();
    assert_absent(BOB, &tag, Duration::from_millis(500));
}

// =============================================================================================
// Larger transfers
// =============================================================================================

/// Several messages fetched with the pipelined batch (pop3d offers PIPELINING) and deleted in
/// the same batch; all of them arrive unchanged and are gone afterwards.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn pop3_pipelined_batch_retrieve_and_delete() {
    let s = smtp("localhost", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let sent: Vec<(String, Vec<u8>)> = (0..12).map(|_| send_tagged(&s, BOB_ADDR)).collect();
    s.c.disconnect().unwrap();

    let tags: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    let (p, numbers) = await_all(via_pop3s(), BOB, &tags);
    assert!(p.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap().lines().any(|l| l == "PIPELINING"));
    let got: Arc<Mutex<BTreeMap<u32, Vec<u8>>>> = Arc::default();
    let g = got.clone();
    let r = p.c.retrieve_many(&numbers, true, &mut |n| {
        let g = g.clone();
        Box::new(FnSink(move |d: &[u8]| {
            g.lock().unwrap().entry(n).or_default().extend_from_slice(d);
            Ok(())
        })) as Box<dyn MessageSink>
    });
    if let Err(e) = r {
        panic!("retrieve_many failed: {e}\n{}", p.transcript());
    }
    assert!(p.c.disconnect().unwrap(), "QUIT confirmed: the deletions are committed");
    let got = got.lock().unwrap();
    for ((_, msg), n) in sent.iter().zip(&numbers) {
        assert_delivered(&got[n], msg, BOB_ADDR);
    }
    let p = connect_pop3(via_pop3s(), BOB);
    for (tag, _) in &sent {
        assert_eq!(find_tagged(&p, tag), None, "{tag} deleted by the batch");
    }
    p.c.disconnect().unwrap();
}

/// A message just under the size limit goes through OpenSMTPD and pop3d unchanged, from a file
/// and back into a file.
#[test]
#[ignore = "needs scripts/test-opensmtpd.sh"]
fn large_message_under_the_limit() {
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    let mut i = 0u32;
    while msg.len() < (SIZE_LIMIT - 8 * 1024) as usize {
        let line = format!("{}line {i} {}\r\n", if i % 7 == 0 { "." } else { "" }, "z".repeat((i as usize * 37) % 900));
        msg.extend_from_slice(line.as_bytes());
        i += 1;
    }
    let dir = std::env::temp_dir().join(format!("csmail-real-opensmtpd-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("out.eml");
    std::fs::write(&src, &msg).unwrap();

    let s = smtp("127.0.0.1", smtp_port(), Security::Plain, None);
    s.connect_ok();
    let mut source = csmail::source::FileSource::open(src.to_str().unwrap()).unwrap();
    if let Err(e) = s.c.send(SENDER, &[BOB_ADDR], &mut source) {
        panic!("send failed: {e}\n{}", s.transcript());
    }
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    s.assert_logged(&format!("C: <message data, {} bytes>", msg.len()));
    s.c.disconnect().unwrap();

    let (p, n) = await_tagged(via_pop3s(), BOB, &tag);
    let dst = dir.join("back.eml");
    p.c.retrieve_file(n, dst.to_str().unwrap(), None).unwrap();
    let got = std::fs::read(&dst).unwrap();
    assert_eq!(p.c.message_size(n).unwrap(), got.len() as u64);
    assert_delivered(&got, &msg, BOB_ADDR);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
