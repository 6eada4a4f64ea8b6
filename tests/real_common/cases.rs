//! The cases every server pair gets, on clients the test file makes: each test file names its
//! servers (ports, logins, the texts of their replies) and calls these, so a case is written
//! once and each file is a list of calls.

use super::*;
use crate::via_pop3s;
use csmail::api::properties::*;
use csmail::api::{Pop3Client, SmtpClient};
use csmail::error::*;
use csmail::options::*;
use csmail::source::{FnSink, FnSource, MessageSink};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ---- SMTP, on a client the test file connects ----

/// A message over the advertised SIZE is refused by the client before MAIL FROM, as a local
/// refusal with no server reply shown; the session stays usable and the next message arrives.
/// `bob` is the POP3 login of bob@example.com.
pub fn case_over_advertised_size(s: &Client<SmtpClient>, limit: u64, bob: (&str, &str), delivered: Delivered) {
    s.assert_logged(&format!("S: 250-SIZE {limit}"));
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    while (msg.len() as u64) <= limit {
        msg.extend_from_slice(&[b'x'; 76]);
        msg.extend_from_slice(b"\r\n");
    }
    let e = expect_err(
        s.c.send(SENDER, &[BOB_ADDR], &mut &msg[..]),
        CSMAIL_E_REFUSED_LOCALLY,
        eexMessageTooLarge,
        s.c.extended_error(),
    );
    assert_eq!(e.text, format!("the message has {} bytes; the server accepts at most {limit} (SIZE)", msg.len()));
    // No server reply belongs to a refusal made before sending: the 235 of AUTH (or the EHLO)
    // does not stay visible as if it did.
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 0);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "");
    s.assert_not_logged_prefix("C: MAIL");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag2, sent) = send_tagged(s, BOB_ADDR);
    s.c.disconnect().unwrap();
    delivered(&take_tagged(via_pop3s(), bob, &tag2), &sent, BOB_ADDR);
    assert_absent(bob, &tag, Duration::ZERO);
}

/// A message of unknown length (a read callback) cannot be checked against SIZE beforehand; the
/// server refuses it after the data with `refusal` (code `code`), and nothing is delivered.
pub fn case_over_size_of_unknown_length(s: &Client<SmtpClient>, limit: u64, bob: (&str, &str), refusal: &str) {
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    while (msg.len() as u64) <= limit + 64 * 1024 {
        msg.extend_from_slice(&[b'y'; 998]);
        msg.extend_from_slice(b"\r\n");
    }
    let mut rest = &msg[..];
    let mut source = FnSource(move |buf: &mut [u8]| std::io::Read::read(&mut rest, buf));
    let e =
        expect_err(s.c.send(SENDER, &[BOB_ADDR], &mut source), CSMAIL_E_SERVER, eexSmtpServer, s.c.extended_error());
    let code: i32 = refusal[..3].parse().expect("a reply code");
    if offers_chunking(s) {
        // The chunk that crosses the limit is refused (Postfix: "552 5.3.4 Chunk exceeds
        // message size limit").
        assert!(e.text.starts_with(&format!("a BDAT chunk was refused: {code} ")), "{}", e.text);
    } else {
        assert_eq!(e.text, format!("the message was refused: {refusal}"));
    }
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), code);
    s.assert_logged(&message_log_line(s, None));
    s.c.disconnect().unwrap();
    assert_absent(bob, &tag, Duration::from_millis(500));
}

/// Twelve messages on one session, fetched with the pipelined batch (the POP3 server offers
/// PIPELINING) and deleted in the same batch; all arrive unchanged and are gone afterwards.
pub fn case_pipelined_batch_retrieve_and_delete(s: Client<SmtpClient>, bob: (&str, &str), delivered: Delivered) {
    let sent: Vec<(String, Vec<u8>)> = (0..12).map(|_| send_tagged(&s, BOB_ADDR)).collect();
    s.c.disconnect().unwrap();
    // Servers may deliver in parallel: not necessarily in the order sent.
    let tags: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    let (p, numbers) = await_all(via_pop3s(), bob, &tags);
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
        delivered(&got[n], msg, BOB_ADDR);
    }
    let p = connect_pop3(via_pop3s(), bob);
    for (tag, _) in &sent {
        assert_eq!(find_tagged(&p, tag), None, "{tag} deleted by the batch");
    }
    p.c.disconnect().unwrap();
}

/// A message just under the size limit (many TLS records and write chunks, long lines, leading
/// dots) goes through unchanged, from a file and back into a file.
pub fn case_large_message_under_the_limit(s: Client<SmtpClient>, limit: u64, bob: (&str, &str), delivered: Delivered) {
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    let mut i = 0u32;
    // Room for the servers' trace headers: some count them against the limit too.
    while msg.len() < (limit - 8 * 1024) as usize {
        let line = format!(
            "{}line {i} {}\r\n",
            if i.is_multiple_of(7) { "." } else { "" },
            "z".repeat((i as usize * 37) % 900)
        );
        msg.extend_from_slice(line.as_bytes());
        i += 1;
    }
    let dir = std::env::temp_dir().join(format!("csmail-real-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("out.eml");
    std::fs::write(&src, &msg).unwrap();

    let mut source = csmail::source::FileSource::open(src.to_str().unwrap()).unwrap();
    if let Err(e) = s.c.send(SENDER, &[BOB_ADDR], &mut source) {
        panic!("send failed: {e}\n{}", s.transcript());
    }
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    s.assert_logged(&message_log_line(&s, Some(msg.len())));
    s.c.disconnect().unwrap();

    let (p, n) = await_tagged(via_pop3s(), bob, &tag);
    let dst = dir.join("back.eml");
    p.c.retrieve_file(n, dst.to_str().unwrap(), None).unwrap();
    let got = std::fs::read(&dst).unwrap();
    assert_eq!(p.c.message_size(n).unwrap(), got.len() as u64);
    delivered(&got, &msg, BOB_ADDR);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Connects `s` with `tls`, checks the TLS outputs and whether STARTTLS was used, sends to bob
/// and finds the message in his mailbox unchanged.
pub fn case_smtp_tls_roundtrip(s: Client<SmtpClient>, tls: Security, bob: (&str, &str), delivered: Delivered) {
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_tls13_valid(s.ssl());
    match tls {
        Security::StartTls => s.assert_logged("C: STARTTLS"),
        _ => s.assert_not_logged_prefix("C: STARTTLS"),
    }
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    delivered(&take_tagged(via_pop3s(), bob, &tag), &sent, BOB_ADDR);
}

/// An unknown recipient of the server's own domain is refused with `refusal` (its enhanced
/// code `enhanced`); DATA is not reached, so the session stays usable for the next message.
pub fn case_rejected_recipient(
    s: &Client<SmtpClient>,
    refusal: &str,
    enhanced: &str,
    bob: (&str, &str),
    delivered: Delivered,
) {
    let tag = unique_tag();
    let msg = message(&tag, "nobody@example.com");
    let e = expect_err(
        s.c.send(SENDER, &["nobody@example.com"], &mut &msg[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
        s.c.extended_error(),
    );
    assert_eq!(e.text, format!("RCPT TO:<nobody@example.com> refused: {refusal}"));
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), enhanced);
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag, sent) = send_tagged(s, BOB_ADDR);
    s.c.disconnect().unwrap();
    delivered(&take_tagged(via_pop3s(), bob, &tag), &sent, BOB_ADDR);
}

/// A user is set but the server offers no AUTH (before STARTTLS): no mechanism to use, nothing
/// sent for it, and the refusal is local.
pub fn case_no_auth_offered(s: &Client<SmtpClient>) {
    let e = expect_err(s.c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported, s.c.extended_error());
    assert_eq!(e.text, "the server offers no usable AUTH mechanism (offered: [])");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    s.assert_not_logged_prefix("C: AUTH");
    s.assert_not_logged_prefix("C: MAIL");
    // The state is clean: QUIT.
    s.assert_logged("C: QUIT");
}

/// A send the server refuses in the envelope (MAIL or RCPT) with `refusal` and the enhanced
/// code `enhanced`: no data is sent, the session stays usable, nothing arrives.
pub fn case_envelope_refused(s: &Client<SmtpClient>, refusal: &str, enhanced: &str, bob: (&str, &str)) {
    let tag = unique_tag();
    let msg = message(&tag, BOB_ADDR);
    let e =
        expect_err(s.c.send(SENDER, &[BOB_ADDR], &mut &msg[..]), CSMAIL_E_SERVER, eexSmtpServer, s.c.extended_error());
    assert_eq!(e.text, refusal);
    let code: i32 = refusal.split_once(" refused: ").and_then(|(_, r)| r[..3].parse().ok()).expect("a reply code");
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), code);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), enhanced);
    s.assert_not_logged_prefix("C: <message data");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    s.c.disconnect().unwrap();
    assert_absent(bob, &tag, Duration::from_millis(500));
}

/// The end-to-end case: `s` connects (TLS active or not as `tls` says, every line of `caps`
/// among its EHLO lines, no STARTTLS offered over TLS), sends a tagged message to bob, `via`
/// finds it (TLS as asked), it arrives unchanged behind the servers' prefix, and DELE + QUIT
/// removes it for good.
pub fn case_delivers_byte_for_byte_then_delete(
    s: Client<SmtpClient>,
    tls: bool,
    caps: &[&str],
    via: Pop3Via,
    bob: (&str, &str),
    delivered: Delivered,
) {
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), tls as i32);
    let offered = s.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    let offered: Vec<&str> = offered.lines().collect();
    for line in caps {
        assert!(offered.contains(line), "{line} not in {offered:?}");
    }
    if tls {
        assert!(!offered.contains(&"STARTTLS"), "STARTTLS is not offered again after TLS: {offered:?}");
    }
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    let (p, n) = await_tagged(via, bob, &tag);
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), (via.tls != Security::Plain) as i32);
    let (count_before, _) = p.c.stat().unwrap();
    let got = retrieve_checked(&p, n);
    delivered(&got, &sent, BOB_ADDR);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap(), "QUIT confirmed");

    let p = connect_pop3(via_pop3s(), bob);
    assert_eq!(find_tagged(&p, &tag), None, "deleted and gone after reconnect");
    assert_eq!(p.c.stat().unwrap().0, count_before - 1);
    assert!(p.c.disconnect().unwrap());
}

/// SMTP AUTH with `mech` on `s` (User and Password set): the 235 (`reply`: its enhanced code and
/// text), the first AUTH line `first_command`, the EHLO line `offered`, no secret in the log;
/// the next message reaches bob, which proves the session is authenticated.
pub fn case_smtp_auth(
    s: Client<SmtpClient>,
    mech: i32,
    first_command: &str,
    offered: &str,
    reply: (&str, &str),
    bob: (&str, &str),
    delivered: Delivered,
) {
    s.c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 235, "{}", s.transcript());
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), reply.0);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), reply.1);
    s.assert_logged(first_command);
    s.assert_logged(offered);
    let user = s.c.get_str(CSMAIL_PROP_USER).unwrap();
    s.assert_no_secret_logged(&user, secret_of(&user));
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    delivered(&take_tagged(via_pop3s(), bob, &tag), &sent, BOB_ADDR);
}

/// The password of the test users (alice/alicepass, bob/bobpass), whatever the login's form.
fn secret_of(user: &str) -> &'static str {
    if user.starts_with("alice") {
        "alicepass"
    } else {
        "bobpass"
    }
}

/// A wrong password on `s` (with `mech` unless AUTO): refused with the server's line `refusal`
/// ("535 ..." with `enhanced`), not connected, no secret logged, and the state left clean with
/// QUIT and the server's `bye`.
pub fn case_smtp_wrong_password(s: Client<SmtpClient>, mech: i32, refusal: &str, enhanced: &str, bye: &str) {
    s.c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    let e = expect_err(s.c.connect(), CSMAIL_E_AUTH, eexSmtpServer, s.c.extended_error());
    assert_eq!(e.text, format!("authentication failed: {refusal}"), "mechanism {mech}");
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 535);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), enhanced);
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    s.assert_logged(&format!("S: {refusal}"));
    s.assert_no_secret_logged(&s.c.get_str(CSMAIL_PROP_USER).unwrap(), WRONG);
    s.assert_logged("C: QUIT");
    s.assert_logged(bye);
}

/// The server's CA is not among the system's roots: the handshake fails and the outputs say
/// why (`connect` and `info` are the client's connect and ErrorInfo).
pub fn case_untrusted_ca<C>(
    c: &Client<C>,
    connect: impl Fn() -> csmail::Result<()>,
    info: impl Fn() -> csmail::api::ErrorInfo,
) {
    c.ssl().set_str(SSLCAFile, "").unwrap();
    c.ssl().set_int(SSLNoSystemRoots, 0).unwrap();
    let e = expect_err(connect(), CSMAIL_E_CONNECT, eexSSLCertificate, info());
    assert!(e.text.starts_with("the server's certificate is not trusted: its issuer"), "{}", e.text);
    assert_eq!(c.ssl().get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_UNTRUSTED);
}

/// `case_untrusted_ca` over POP3S, then with SSLNoServerCertificateValidation the same chain is
/// accepted and reported untrusted.
pub fn case_untrusted_ca_pop3(p: Client<Pop3Client>) {
    case_untrusted_ca(&p, || p.c.connect(), || p.c.extended_error());
    assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    p.ssl().set_int(SSLNoServerCertificateValidation, 1).unwrap();
    p.connect_ok();
    assert_eq!(p.ssl().negotiated().protocol, SSL_TLS13);
    assert_eq!(p.ssl().get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_UNTRUSTED);
    p.c.disconnect().unwrap();
}

/// `case_untrusted_ca` over SMTPS.
pub fn case_untrusted_ca_smtp(s: Client<SmtpClient>) {
    case_untrusted_ca(&s, || s.c.connect(), || s.c.extended_error());
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

/// One good and one refused recipient (`refusal`, the server's 550 line): nobody gets the
/// message ("every recipient or none"). How the client gets out depends on what the server
/// offers: with CHUNKING the envelope is refused before any chunk (RSET, still connected);
/// with PIPELINING the server answers the pipelined DATA with 354 (`go_ahead`, its line) and
/// the connection is closed to cancel the data; without either the refusal comes before DATA
/// (RSET, still connected, and the next message goes through).
pub fn case_one_refused_recipient(
    s: Client<SmtpClient>,
    refusal: &str,
    go_ahead: &str,
    bob: (&str, &str),
    delivered: Delivered,
) {
    let tag = unique_tag();
    let msg = message(&tag, BOB_ADDR);
    let e = expect_err(
        s.c.send(SENDER, &[BOB_ADDR, "nobody@example.com"], &mut &msg[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
        s.c.extended_error(),
    );
    let refused = format!("RCPT TO:<nobody@example.com> refused: {refusal}");
    let pipelining = s.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap().lines().any(|l| l == "PIPELINING");
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    s.assert_not_logged_prefix("C: <message");
    if pipelining && !offers_chunking(&s) {
        assert_eq!(e.text, format!("{refused} (the connection was closed to cancel the pipelined DATA)"));
        assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
        s.assert_logged(go_ahead);
        assert_absent(bob, &tag, Duration::from_millis(1500));
        return;
    }
    assert_eq!(e.text, refused);
    s.assert_not_logged_prefix("C: DATA");
    s.assert_logged("C: RSET");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag2, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    delivered(&take_tagged(via_pop3s(), bob, &tag2), &sent, BOB_ADDR);
    assert_absent(bob, &tag, Duration::ZERO);
}

// ---- POP3 ----

/// Delivers a tagged message to alice through `s` (connected here), then fetches it with
/// `via` as `alice` (its POP3 login), checking TLS and STLS, and deletes it.
pub fn case_pop3_tls_roundtrip(s: Client<SmtpClient>, via: Pop3Via, alice: (&str, &str), delivered: Delivered) {
    s.connect_ok();
    let (tag, sent) = send_tagged(&s, ALICE_ADDR);
    s.c.disconnect().unwrap();

    let (p, n) = await_tagged(via, alice, &tag);
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_tls13_valid(p.ssl());
    match via.tls {
        Security::StartTls => p.assert_logged("C: STLS"),
        _ => p.assert_not_logged_prefix("C: STLS"),
    }
    let caps = p.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    assert!(!caps.lines().any(|l| l == "STLS"), "STLS is not offered again over TLS: {caps:?}");
    let got = retrieve_checked(&p, n);
    delivered(&got, &sent, ALICE_ADDR);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap());
    assert_absent(alice, &tag, Duration::ZERO);
}

/// A POP3 login on `p` (mechanism and TLS as made): connected, TLS as `tls` says, the first
/// login line `first_command`, no secret logged, a greeting starting with `greeting`; then
/// STAT and NOOP work.
pub fn case_pop3_login(p: Client<Pop3Client>, tls: Security, first_command: &str, greeting: &str) {
    p.connect_ok();
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), (tls != Security::Plain) as i32);
    p.assert_logged(first_command);
    let user = p.c.get_str(CSMAIL_PROP_USER).unwrap();
    p.assert_no_secret_logged(&user, secret_of(&user));
    assert!(p.log().iter().any(|l| l.starts_with(greeting)), "{}", p.transcript());
    p.c.stat().unwrap();
    p.c.noop().unwrap();
    assert!(p.c.disconnect().unwrap());
}

/// A wrong password on `p`: refused as `name` (the mechanism's name in the text) with the
/// server's `refusal`, not connected, no secret logged, QUIT and the server's `bye`.
pub fn case_pop3_wrong_password(p: Client<Pop3Client>, name: &str, refusal: &str, bye: &str) {
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert_eq!(e.text, format!("{name} login failed: {refusal}"));
    assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    p.assert_no_secret_logged(&p.c.get_str(CSMAIL_PROP_USER).unwrap(), WRONG);
    p.assert_logged("C: QUIT");
    p.assert_logged(bye);
}

// ---- what the servers prepend ----

/// Checks that `got` is a prefix of header fields named `names`, then exactly `sent`; returns
/// the prefix's fields for the caller's checks of their values.
#[track_caller]
pub fn delivered_fields(got: &[u8], sent: &[u8], names: &[&str]) -> Vec<(String, String)> {
    assert!(
        got.ends_with(sent),
        "the retrieved message does not end with the bytes sent\n sent: {}\n  got: {}",
        show(sent),
        show(got)
    );
    let prefix = &got[..got.len() - sent.len()];
    let fields = header_fields(prefix);
    let found: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(found, names, "prefix: {}", show(prefix));
    fields
}
