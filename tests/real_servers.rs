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

#[path = "common/sasl.rs"]
mod sasl;

use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, LogHandler, Pop3Client, SmtpClient, SslInfo};
use csmail::error::*;
use csmail::options::*;
use csmail::source::{FnSink, FnSource, MessageSink};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

// ---- the servers, as scripts/mailservers.sh sets them up ----

/// SMTP, STARTTLS offered, AUTH only after STARTTLS.
const SMTP_STARTTLS: u16 = 2525;
/// SMTP with implicit TLS.
const SMTPS: u16 = 2465;
/// SMTP, STARTTLS required before MAIL (and AUTH only after it).
const SMTP_TLS_REQUIRED: u16 = 2587;
/// POP3, STLS offered. On 127.0.0.1 Dovecot allows plaintext logins (it counts loopback as
/// secured); on 127.0.0.2 it refuses them before STLS.
const POP3: u16 = 1110;
/// POP3 with implicit TLS.
const POP3S: u16 = 1995;
const STRICT_POP3_HOST: &str = "127.0.0.2";
/// Postfix's message_size_limit, announced as EHLO SIZE.
const SIZE_LIMIT: u64 = 1_048_576;

const ALICE: (&str, &str) = ("alice", "alicepass");
const BOB: (&str, &str) = ("bob", "bobpass");
const SENDER: &str = "alice@example.com";
const BOB_ADDR: &str = "bob@example.com";
const ALICE_ADDR: &str = "alice@example.com";
/// A wrong password, distinctive enough to look for in the logs.
const WRONG: &str = "Wr0ng-Pa55";

/// How long a delivery may take to show up in the mailbox (it takes well under a second).
const DELIVERY_WAIT: Duration = Duration::from_secs(5);

fn state_dir() -> PathBuf {
    match std::env::var_os("CSMAIL_MAILSRV_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from("/tmp/csmail-mailsrv"),
    }
}

fn ca_file() -> String {
    let ca = state_dir().join("pki").join("ca.pem");
    assert!(ca.is_file(), "{} is missing: run scripts/mailservers.sh start first", ca.display());
    ca.to_str().expect("UTF-8 path").to_owned()
}

// ---- clients ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Security {
    /// No SSLInfo.
    Plain,
    /// MODE_STARTTLS: STARTTLS / STLS.
    StartTls,
    /// MODE_CHANNEL: implicit TLS.
    Implicit,
}

/// An SSLInfo in `mode` that trusts the test CA only.
fn sslinfo(mode: i32) -> Arc<SslInfo> {
    let ssl = Arc::new(SslInfo::new());
    ssl.set_mode(mode).unwrap();
    ssl.set_str(SSLCAFile, &ca_file()).unwrap();
    ssl.set_int(SSLNoSystemRoots, 1).unwrap();
    ssl
}

type LogLines = Arc<Mutex<Vec<String>>>;

/// A client with everything attached: its SSLInfo (if any) and a log collecting every line.
struct Client<C> {
    c: C,
    ssl: Option<Arc<SslInfo>>,
    log: LogLines,
}

impl<C> Client<C> {
    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
    /// The log, for failure messages.
    fn transcript(&self) -> String {
        self.log().join("\n")
    }
    fn ssl(&self) -> &SslInfo {
        self.ssl.as_deref().expect("this client has an SSLInfo")
    }
    #[track_caller]
    fn assert_logged(&self, line: &str) {
        assert!(self.log().iter().any(|l| l == line), "no log line {line:?} in:\n{}", self.transcript());
    }
    #[track_caller]
    fn assert_not_logged_prefix(&self, prefix: &str) {
        let log = self.log();
        assert!(!log.iter().any(|l| l.starts_with(prefix)), "a log line starts with {prefix:?}:\n{}", log.join("\n"));
    }
    /// Neither the password nor an encoding of it reached the log.
    #[track_caller]
    fn assert_no_secret_logged(&self, user: &str, password: &str) {
        let forms = [password.to_owned(), sasl::b64(password.as_bytes()), sasl::plain(user, password)];
        for l in self.log() {
            for f in &forms {
                assert!(!l.contains(f.as_str()), "the log shows a secret ({f:?}): {l:?}");
            }
        }
    }
}

fn attach_common(
    set_str: impl Fn(i32, &str),
    set_int: impl Fn(i32, i32),
    set_handler: impl Fn(AdvancedHandler),
    host: &str,
    port: u16,
    tls: Security,
) -> (Option<Arc<SslInfo>>, LogLines) {
    set_str(CSMAIL_PROP_HOST, host);
    set_int(CSMAIL_PROP_PORT, port as i32);
    set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000);
    let ssl = match tls {
        Security::Plain => None,
        Security::StartTls => Some(sslinfo(MODE_STARTTLS)),
        Security::Implicit => Some(sslinfo(MODE_CHANNEL)),
    };
    if let Some(s) = &ssl {
        set_handler(AdvancedHandler::Ssl(s.clone()));
    }
    let lines: LogLines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    let log = Arc::new(LogHandler::new());
    log.set_callback(Some(Arc::new(move |_sev, _fac, m: &str| l.lock().unwrap().push(m.to_owned())))).unwrap();
    set_handler(AdvancedHandler::Log(log));
    (ssl, lines)
}

/// An SMTP client; `login` sets User and Password (AUTH at connect).
fn smtp(host: &str, port: u16, tls: Security, login: Option<(&str, &str)>) -> Client<SmtpClient> {
    let c = SmtpClient::new();
    let (ssl, log) = attach_common(
        |p, v| c.set_str(p, v).unwrap(),
        |p, v| c.set_int(p, v).unwrap(),
        |h| c.set_advanced_handler(h).unwrap(),
        host,
        port,
        tls,
    );
    if let Some((user, password)) = login {
        c.set_str(CSMAIL_PROP_USER, user).unwrap();
        c.set_str(CSMAIL_PROP_PASSWORD, password).unwrap();
    }
    Client { c, ssl, log }
}

/// A POP3 client logging in as `login` with the mechanism `mech` (CSMAIL_AUTH_*).
fn pop3(host: &str, port: u16, tls: Security, login: (&str, &str), mech: i32) -> Client<Pop3Client> {
    let c = Pop3Client::new();
    let (ssl, log) = attach_common(
        |p, v| c.set_str(p, v).unwrap(),
        |p, v| c.set_int(p, v).unwrap(),
        |h| c.set_advanced_handler(h).unwrap(),
        host,
        port,
        tls,
    );
    c.set_str(CSMAIL_PROP_USER, login.0).unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, login.1).unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    Client { c, ssl, log }
}

impl Client<SmtpClient> {
    #[track_caller]
    fn connect_ok(&self) {
        if let Err(e) = self.c.connect() {
            panic!("SMTP connect failed: {e}\n{}", self.transcript());
        }
        assert_eq!(self.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    }
}

impl Client<Pop3Client> {
    #[track_caller]
    fn connect_ok(&self) {
        if let Err(e) = self.c.connect() {
            panic!("POP3 connect failed: {e}\n{}", self.transcript());
        }
        assert_eq!(self.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    }
}

// ---- messages ----

/// A tag no other test, run or process uses.
fn unique_tag() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!("{}-{n}-{}.{:09}", std::process::id(), t.as_secs(), t.subsec_nanos())
}

fn subject_line(tag: &str) -> String {
    format!("\r\nSubject: csmail real-servers {tag}\r\n")
}

/// A message with every header Postfix would otherwise add, and a body that exercises
/// dot-stuffing both ways (a lone ".", leading dots), 8-bit text, tabs and trailing spaces.
fn message(tag: &str, to: &str) -> Vec<u8> {
    format!(
        "From: Alice <{SENDER}>\r\nTo: <{to}>{subject}Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n\
         Message-ID: <{tag}@csmail.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         Hello, {tag}.\r\n.leading dot\r\n..two dots\r\n.\r\n. dot space\r\n\
         Gr\u{fc}\u{df}e aus K\u{f6}ln \u{2014} \u{1F4EC}\r\n\tindented, trailing spaces  \r\n\r\nlast line\r\n",
        subject = subject_line(tag),
    )
    .into_bytes()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Sends a new tagged message from alice to `rcpt` on a connected client; returns (tag, bytes).
#[track_caller]
fn send_tagged(smtp: &Client<SmtpClient>, rcpt: &str) -> (String, Vec<u8>) {
    let tag = unique_tag();
    let msg = message(&tag, rcpt);
    if let Err(e) = smtp.c.send(SENDER, &[rcpt], &mut &msg[..]) {
        panic!("send failed: {e}\n{}", smtp.transcript());
    }
    assert_eq!(smtp.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    assert_eq!(smtp.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "2.0.0");
    let text = smtp.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap();
    assert!(text.starts_with("2.0.0 Ok: queued as "), "{text:?}");
    (tag, msg)
}

// ---- mailboxes ----

/// Where and how to read a mailbox.
#[derive(Clone, Copy)]
struct Pop3Via {
    host: &'static str,
    port: u16,
    tls: Security,
    mech: i32,
}

/// The default way to look into a mailbox: POP3S by name.
const VIA_POP3S: Pop3Via = Pop3Via { host: "localhost", port: POP3S, tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO };

fn connect_pop3(via: Pop3Via, login: (&str, &str)) -> Client<Pop3Client> {
    let p = pop3(via.host, via.port, via.tls, login, via.mech);
    p.connect_ok();
    p
}

/// The number of the message tagged `tag` in a connected session, looked up with TOP n 0.
fn find_tagged(p: &Client<Pop3Client>, tag: &str) -> Option<u32> {
    let (count, _) = p.c.stat().unwrap();
    let subject = subject_line(tag);
    (1..=count).find(|&n| {
        let mut head = Vec::new();
        p.c.top(n, 0, &mut head).unwrap();
        contains(&head, subject.as_bytes())
    })
}

/// Waits (up to DELIVERY_WAIT, reconnecting: a POP3 session sees the mailbox as it was at login)
/// until every message tagged with one of `tags` is in the mailbox; returns the connected
/// session and their numbers, in the order of `tags`.
fn await_all(via: Pop3Via, login: (&str, &str), tags: &[&str]) -> (Client<Pop3Client>, Vec<u32>) {
    let start = Instant::now();
    loop {
        let p = connect_pop3(via, login);
        let found: Vec<Option<u32>> = tags.iter().map(|t| find_tagged(&p, t)).collect();
        if found.iter().all(Option::is_some) {
            return (p, found.into_iter().flatten().collect());
        }
        p.c.disconnect().unwrap();
        let missing: Vec<&str> = tags.iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(t, _)| *t).collect();
        assert!(
            start.elapsed() < DELIVERY_WAIT,
            "{missing:?} did not reach {}'s mailbox within {DELIVERY_WAIT:?}",
            login.0
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `await_all` for one message.
fn await_tagged(via: Pop3Via, login: (&str, &str), tag: &str) -> (Client<Pop3Client>, u32) {
    let (p, numbers) = await_all(via, login, &[tag]);
    (p, numbers[0])
}

/// Retrieves message `n`, checking that LIST announced its exact size and that TOP n 0 gives
/// exactly its header section.
fn retrieve_checked(p: &Client<Pop3Client>, n: u32) -> Vec<u8> {
    let mut got = Vec::new();
    let written = p.c.retrieve(n, &mut got).unwrap();
    assert_eq!(written, got.len() as u64);
    assert_eq!(p.c.message_size(n).unwrap(), got.len() as u64, "LIST size vs retrieved bytes");
    let end = got.windows(4).position(|w| w == b"\r\n\r\n").expect("a header section") + 4;
    let mut head = Vec::new();
    p.c.top(n, 0, &mut head).unwrap();
    assert_eq!(show(&head), show(&got[..end]), "TOP n 0 is the header section");
    let uid = p.c.uid(n).unwrap();
    assert!(uid.len() == 16 && uid.bytes().all(|b| b.is_ascii_hexdigit()), "UIDL %08Xu%08Xv: {uid:?}");
    got
}

/// Waits for the tagged message, retrieves it, deletes it (committed by QUIT) and returns it.
fn take_tagged(via: Pop3Via, login: (&str, &str), tag: &str) -> Vec<u8> {
    let (p, n) = await_tagged(via, login, tag);
    let got = retrieve_checked(&p, n);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap(), "QUIT confirmed: the deletion is committed");
    got
}

/// Asserts that the tagged message is not in the mailbox (checked once, after `settle`).
fn assert_absent(login: (&str, &str), tag: &str, settle: Duration) {
    std::thread::sleep(settle);
    let p = connect_pop3(VIA_POP3S, login);
    assert_eq!(find_tagged(&p, tag), None, "message {tag} is in {}'s mailbox", login.0);
    p.c.disconnect().unwrap();
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

/// The retrieved message is what Dovecot and Postfix prepend, followed by exactly the bytes sent.
/// `client` is how Postfix names the connecting address: "127.0.0.1" or "IPv6:::1".
#[track_caller]
fn assert_delivered(got: &[u8], sent: &[u8], rcpt: &str, client: &str) {
    assert!(
        got.ends_with(sent),
        "the retrieved message does not end with the bytes sent\n sent: {}\n  got: {}",
        show(sent),
        show(got)
    );
    let prefix = &got[..got.len() - sent.len()];
    let fields = header_fields(prefix);
    let names: Vec<&str> = fields.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["Return-Path", "Delivered-To", "Received", "Received"], "prefix: {}", show(prefix));
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

// ---- TLS ----

/// TLS 1.3 with a certificate the test CA vouches for, as the SSLInfo outputs tell it.
#[track_caller]
fn assert_tls13_valid(ssl: &SslInfo) {
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS13, "{n:?}");
    assert!(matches!(n.cipher, SSL_AES128_GCM | SSL_AES256_GCM | SSL_CHACHA20_POLY1305), "{n:?}");
    assert_eq!(n.exchange, SSL_ECDHE, "{n:?}");
    assert_eq!(ssl.get_int(SSLConnectionProtocolOut).unwrap(), SSL_TLS13);
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
}

/// An error's result code, eex and text, and the client's ErrorInfo agreeing with it.
#[track_caller]
fn expect_err<T: std::fmt::Debug>(r: csmail::Result<T>, result: i32, eex: i32, info: csmail::api::ErrorInfo) -> Error {
    let e = match r {
        Ok(v) => panic!("expected result {result} / eex {eex}, got Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!((e.result, e.eex), (result, eex), "wrong result/eex: {e}");
    assert_eq!(info.number, eex, "ErrorInfo.Number");
    assert_eq!(info.text, e.text, "ErrorInfo.Text");
    e
}

// =============================================================================================
// End to end
// =============================================================================================

/// alice -> Postfix (STARTTLS, AUTH) -> LMTP -> Dovecot -> POP3 (STLS): the bytes arrive
/// unchanged behind the servers' trace headers; DELE + QUIT removes the message for good.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn postfix_delivers_to_dovecot_byte_for_byte_then_delete() {
    let s = smtp("localhost", SMTP_STARTTLS, Security::StartTls, Some(ALICE));
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    let caps = s.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    let caps: Vec<&str> = caps.lines().collect();
    // The EHLO lines as Postfix sent them, parameters included.
    for line in
        ["PIPELINING", "SIZE 1048576", "AUTH PLAIN LOGIN CRAM-MD5", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8"]
    {
        assert!(caps.contains(&line), "{line} not in {caps:?}");
    }
    assert!(!caps.contains(&"STARTTLS"), "STARTTLS is not offered again after TLS: {caps:?}");
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    let via = Pop3Via { host: "localhost", port: POP3, tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO };
    let (p, n) = await_tagged(via, BOB, &tag);
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    let (count_before, _) = p.c.stat().unwrap();
    let got = retrieve_checked(&p, n);
    assert_delivered(&got, &sent, BOB_ADDR, "127.0.0.1");
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap(), "QUIT confirmed");

    let p = connect_pop3(VIA_POP3S, BOB);
    assert_eq!(find_tagged(&p, &tag), None, "deleted and gone after reconnect");
    assert_eq!(p.c.stat().unwrap().0, count_before - 1);
    assert!(p.c.disconnect().unwrap());
}

// =============================================================================================
// Every TLS mode of each protocol, by name and by address
// =============================================================================================

/// Connects with `tls` to an SMTP listener, checks the TLS outputs, sends to bob, and finds the
/// message in his mailbox unchanged.
fn smtp_tls_roundtrip(host: &str, port: u16, tls: Security, client: &str) {
    let s = smtp(host, port, tls, Some(ALICE));
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_tls13_valid(s.ssl());
    match tls {
        Security::StartTls => s.assert_logged("C: STARTTLS"),
        _ => s.assert_not_logged_prefix("C: STARTTLS"),
    }
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    let got = take_tagged(VIA_POP3S, BOB, &tag);
    assert_delivered(&got, &sent, BOB_ADDR, client);
}

/// Delivers a tagged message to alice (over SMTPS), then fetches it with `via`, checking TLS.
fn pop3_tls_roundtrip(via: Pop3Via) {
    let s = smtp("localhost", SMTPS, Security::Implicit, Some(ALICE));
    s.connect_ok();
    let (tag, sent) = send_tagged(&s, ALICE_ADDR);
    s.c.disconnect().unwrap();

    let (p, n) = await_tagged(via, ALICE, &tag);
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_tls13_valid(p.ssl());
    match via.tls {
        Security::StartTls => p.assert_logged("C: STLS"),
        _ => p.assert_not_logged_prefix("C: STLS"),
    }
    let caps = p.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    assert!(!caps.lines().any(|l| l == "STLS"), "STLS is not offered again over TLS: {caps:?}");
    let got = retrieve_checked(&p, n);
    assert_delivered(&got, &sent, ALICE_ADDR, "127.0.0.1");
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap());
    assert_absent(ALICE, &tag, Duration::ZERO);
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_2525_by_name() {
    smtp_tls_roundtrip("localhost", SMTP_STARTTLS, Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_2525_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", SMTP_STARTTLS, Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_implicit_tls_2465_by_name() {
    smtp_tls_roundtrip("localhost", SMTPS, Security::Implicit, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_implicit_tls_2465_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", SMTPS, Security::Implicit, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_required_2587_by_name() {
    smtp_tls_roundtrip("localhost", SMTP_TLS_REQUIRED, Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn smtp_starttls_required_2587_by_ip() {
    smtp_tls_roundtrip("127.0.0.1", SMTP_TLS_REQUIRED, Security::StartTls, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_stls_1110_by_name() {
    pop3_tls_roundtrip(Pop3Via { host: "localhost", port: POP3, tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_stls_1110_by_ip() {
    pop3_tls_roundtrip(Pop3Via { host: "127.0.0.1", port: POP3, tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3s_1995_by_name() {
    pop3_tls_roundtrip(Pop3Via { host: "localhost", port: POP3S, tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3s_1995_by_ip() {
    pop3_tls_roundtrip(Pop3Via { host: "127.0.0.1", port: POP3S, tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_smtps_2465() {
    smtp_tls_roundtrip("[::1]", SMTPS, Security::Implicit, "IPv6:::1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_smtp_starttls_2525() {
    smtp_tls_roundtrip("::1", SMTP_STARTTLS, Security::StartTls, "IPv6:::1");
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_pop3s_1995() {
    pop3_tls_roundtrip(Pop3Via { host: "[::1]", port: POP3S, tls: Security::Implicit, mech: CSMAIL_AUTH_AUTO });
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn ipv6_pop3_stls_1110() {
    pop3_tls_roundtrip(Pop3Via { host: "::1", port: POP3, tls: Security::StartTls, mech: CSMAIL_AUTH_AUTO });
}

/// What rustls and the servers' OpenSSL 3.0 settle on, in every SSLInfo output.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn tls_negotiated_outputs() {
    let s = smtp("localhost", SMTPS, Security::Implicit, None);
    s.connect_ok();
    let p = pop3("127.0.0.1", POP3, Security::StartTls, ALICE, CSMAIL_AUTH_AUTO);
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
    let s = smtp("localhost", SMTP_STARTTLS, Security::StartTls, Some(ALICE));
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
    let p = pop3("localhost", POP3S, Security::Implicit, BOB, CSMAIL_AUTH_AUTO);
    p.ssl().set_str(SSLCAFile, "").unwrap();
    p.ssl().set_int(SSLNoSystemRoots, 0).unwrap();
    let e = expect_err(p.c.connect(), CSMAIL_E_CONNECT, eexSSLCertificate, p.c.extended_error());
    assert!(e.text.starts_with("the server's certificate is invalid: UnknownIssuer"), "{}", e.text);
    assert_eq!(p.ssl().get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_UNTRUSTED);
    assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    p.ssl().set_int(SSLNoServerCertificateValidation, 1).unwrap();
    p.connect_ok();
    assert_eq!(p.ssl().negotiated().protocol, SSL_TLS13);
    assert_eq!(p.ssl().get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_UNTRUSTED);
    p.c.disconnect().unwrap();
}

// =============================================================================================
// Authentication mechanisms
// =============================================================================================

/// SMTP AUTH with one mechanism over STARTTLS; the 250 for bob proves the session is
/// authenticated (Postfix refuses every recipient otherwise).
fn smtp_auth_with(mech: i32, first_command: &str) {
    let s = smtp("localhost", SMTP_STARTTLS, Security::StartTls, Some(ALICE));
    s.c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 235, "{}", s.transcript());
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "2.7.0");
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "2.7.0 Authentication successful");
    s.assert_logged(first_command);
    s.assert_logged("S: 250-AUTH PLAIN LOGIN CRAM-MD5");
    s.assert_no_secret_logged(ALICE.0, ALICE.1);
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(VIA_POP3S, BOB, &tag), &sent, BOB_ADDR, "127.0.0.1");
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
    let p = pop3(host, POP3, tls, ALICE, mech);
    p.connect_ok();
    assert_eq!(p.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), (tls != Security::Plain) as i32);
    p.assert_logged(first_command);
    p.assert_no_secret_logged(ALICE.0, ALICE.1);
    assert!(p.log().iter().any(|l| l.starts_with("S: +OK Dovecot (Debian) ready. <")), "{}", p.transcript());
    p.c.stat().unwrap();
    p.c.noop().unwrap();
    assert!(p.c.disconnect().unwrap());
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
        let s = smtp("localhost", SMTP_STARTTLS, Security::StartTls, Some((ALICE.0, WRONG)));
        s.c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
        let e = expect_err(s.c.connect(), CSMAIL_E_AUTH, eexSmtpServer, s.c.extended_error());
        assert!(e.text.contains("535"), "{}", e.text);
        assert_eq!(
            e.text, "authentication failed: 535 5.7.8 Error: authentication failed: (reason unavailable)",
            "mechanism {mech}"
        );
        assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
        s.assert_logged("S: 535 5.7.8 Error: authentication failed: (reason unavailable)");
        s.assert_no_secret_logged(ALICE.0, WRONG);
    }
}

/// After a refused login the last-reply properties describe the server's refusal, as after any
/// other refused command.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn last_reply_after_refused_login() {
    let s = smtp("localhost", SMTP_STARTTLS, Security::StartTls, Some((ALICE.0, WRONG)));
    expect_err(s.c.connect(), CSMAIL_E_AUTH, eexSmtpServer, s.c.extended_error());
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 535, "REPLY_CODE after a refused AUTH");
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "5.7.8");
    assert_eq!(
        s.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(),
        "5.7.8 Error: authentication failed: (reason unavailable)"
    );

    let p = pop3("localhost", POP3S, Security::Implicit, (BOB.0, WRONG), CSMAIL_AUTH_USER_PASS);
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
    for (tls, mech) in [
        (Security::StartTls, CSMAIL_AUTH_USER_PASS),
        (Security::StartTls, CSMAIL_AUTH_APOP),
        (Security::StartTls, CSMAIL_AUTH_PLAIN),
        (Security::Implicit, CSMAIL_AUTH_AUTO),
    ] {
        let port = if tls == Security::Implicit { POP3S } else { POP3 };
        let p = pop3("localhost", port, tls, (BOB.0, WRONG), mech);
        let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
        assert!(e.text.contains("[AUTH]"), "{}", e.text);
        assert_eq!(e.text, "login failed: -ERR [AUTH] Authentication failed.", "mechanism {mech}");
        assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
        p.assert_no_secret_logged(BOB.0, WRONG);
    }
}

/// 2587 without TLS and with a user: Postfix offers AUTH only after STARTTLS, so there is no
/// mechanism to use.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn starttls_required_without_tls_and_with_user() {
    let s = smtp("localhost", SMTP_TLS_REQUIRED, Security::Plain, Some(ALICE));
    let e = expect_err(s.c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported, s.c.extended_error());
    assert_eq!(e.text, "the server offers no usable AUTH mechanism (offered: [])");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    s.assert_not_logged_prefix("C: AUTH");
    s.assert_not_logged_prefix("C: MAIL");
}

/// 2587 without TLS and without a user: the connect works, MAIL gets 530.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn starttls_required_without_tls_send_is_refused() {
    let s = smtp("localhost", SMTP_TLS_REQUIRED, Security::Plain, None);
    s.connect_ok();
    assert_eq!(s.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    let tag = unique_tag();
    let msg = message(&tag, BOB_ADDR);
    let e =
        expect_err(s.c.send(SENDER, &[BOB_ADDR], &mut &msg[..]), CSMAIL_E_SERVER, eexSmtpServer, s.c.extended_error());
    assert!(e.text.contains("530"), "{}", e.text);
    assert_eq!(e.text, "MAIL FROM refused: 530 5.7.0 Must issue a STARTTLS command first");
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 530);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "5.7.0");
    s.assert_not_logged_prefix("C: <message data");
    // The session is still in a known state.
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    s.c.disconnect().unwrap();
    assert_absent(BOB, &tag, Duration::from_millis(500));
}

/// Without authentication Postfix refuses every recipient (and on 2525 without TLS there is no
/// AUTH to do).
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn unauthenticated_recipient_is_refused() {
    let s = smtp("localhost", SMTP_STARTTLS, Security::Plain, None);
    s.connect_ok();
    let tag = unique_tag();
    let msg = message(&tag, BOB_ADDR);
    let e =
        expect_err(s.c.send(SENDER, &[BOB_ADDR], &mut &msg[..]), CSMAIL_E_SERVER, eexSmtpServer, s.c.extended_error());
    assert_eq!(
        e.text,
        "RCPT TO:<bob@example.com> refused: 554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied"
    );
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 554);
    s.c.disconnect().unwrap();
    assert_absent(BOB, &tag, Duration::from_millis(500));
}

/// The strict listener refuses USER/PASS before TLS; after STLS the same login works.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_server_refuses_plaintext_login() {
    let p = pop3(STRICT_POP3_HOST, POP3, Security::Plain, BOB, CSMAIL_AUTH_USER_PASS);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexPopServer, p.c.extended_error());
    assert!(e.text.contains("Plaintext authentication disallowed"), "{}", e.text);
    assert_eq!(
        e.text,
        "login failed: -ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections."
    );
    p.assert_not_logged_prefix("C: PASS");
    assert_eq!(p.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    let p = pop3(STRICT_POP3_HOST, POP3, Security::StartTls, BOB, CSMAIL_AUTH_USER_PASS);
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
    let p = pop3(STRICT_POP3_HOST, POP3, Security::Plain, BOB, CSMAIL_AUTH_PLAIN);
    let e = expect_err(p.c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported, p.c.extended_error());
    assert_eq!(e.text, "the server does not offer SASL PLAIN");
    p.assert_not_logged_prefix("C: AUTH");
}

/// AUTO on the strict listener without TLS uses APOP, which is not a plaintext mechanism, so
/// Dovecot accepts it.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_auto_in_the_clear_uses_apop_on_strict_listener() {
    let p = pop3(STRICT_POP3_HOST, POP3, Security::Plain, BOB, CSMAIL_AUTH_AUTO);
    p.connect_ok();
    p.assert_logged("C: APOP bob <redacted>");
    p.assert_not_logged_prefix("C: PASS");
    p.c.stat().unwrap();
    assert!(p.c.disconnect().unwrap());
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn rejected_recipient() {
    let s = smtp("localhost", SMTPS, Security::Implicit, Some(ALICE));
    s.connect_ok();
    let tag = unique_tag();
    let msg = message(&tag, "nobody@example.com");
    let e = expect_err(
        s.c.send(SENDER, &["nobody@example.com"], &mut &msg[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
        s.c.extended_error(),
    );
    assert_eq!(
        e.text,
        "RCPT TO:<nobody@example.com> refused: 550 5.1.1 <nobody@example.com>: Recipient address rejected: \
         User unknown in virtual mailbox table"
    );
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    assert_eq!(s.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "5.1.1");
    // DATA was refused too (no valid recipient), so the session stays usable.
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(VIA_POP3S, BOB, &tag), &sent, BOB_ADDR, "127.0.0.1");
}

/// One good and one refused recipient: nobody gets the message ("every recipient or none").
/// Postfix answers the pipelined DATA with 354 because bob was accepted; the client must not
/// send the message, and the only way out of DATA is to drop the connection.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn one_refused_recipient_means_no_delivery() {
    let s = smtp("localhost", SMTPS, Security::Implicit, Some(ALICE));
    s.connect_ok();
    let tag = unique_tag();
    let msg = message(&tag, BOB_ADDR);
    let e = expect_err(
        s.c.send(SENDER, &[BOB_ADDR, "nobody@example.com"], &mut &msg[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
        s.c.extended_error(),
    );
    assert_eq!(
        e.text,
        "RCPT TO:<nobody@example.com> refused: 550 5.1.1 <nobody@example.com>: Recipient address rejected: \
         User unknown in virtual mailbox table (the connection was closed to cancel the pipelined DATA)"
    );
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    s.assert_logged("S: 354 End data with <CR><LF>.<CR><LF>");
    s.assert_not_logged_prefix("C: <message data");
    assert_absent(BOB, &tag, Duration::from_millis(1500));
}

/// A message over the advertised SIZE is refused by the client before MAIL FROM; the session
/// stays usable.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn message_over_advertised_size() {
    let s = smtp("localhost", SMTP_STARTTLS, Security::StartTls, Some(ALICE));
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
        CSMAIL_E_SERVER,
        eexMessageTooLarge,
        s.c.extended_error(),
    );
    assert_eq!(e.text, format!("the message has {} bytes; the server accepts at most {SIZE_LIMIT} (SIZE)", msg.len()));
    s.assert_not_logged_prefix("C: MAIL");
    assert_eq!(s.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    let (tag2, sent) = send_tagged(&s, BOB_ADDR);
    s.c.disconnect().unwrap();
    assert_delivered(&take_tagged(VIA_POP3S, BOB, &tag2), &sent, BOB_ADDR, "127.0.0.1");
    assert_absent(BOB, &tag, Duration::ZERO);
}

/// A message of unknown length (a read callback) cannot be checked against SIZE beforehand;
/// Postfix refuses it after the data, and nothing is delivered.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn message_over_size_of_unknown_length_is_refused_by_postfix() {
    let s = smtp("localhost", SMTPS, Security::Implicit, Some(ALICE));
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
    assert_eq!(e.text, "the message was refused: 552 5.3.4 Error: message file too big");
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 552);
    s.assert_logged("C: <message data>");
    s.c.disconnect().unwrap();
    assert_absent(BOB, &tag, Duration::from_millis(500));
}

// =============================================================================================
// Larger transfers
// =============================================================================================

/// Several messages fetched with the pipelined batch (Dovecot offers PIPELINING) and deleted in
/// the same batch; all of them arrive unchanged and are gone afterwards.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn pop3_pipelined_batch_retrieve_and_delete() {
    let s = smtp("localhost", SMTPS, Security::Implicit, Some(ALICE));
    s.connect_ok();
    let sent: Vec<(String, Vec<u8>)> = (0..12).map(|_| send_tagged(&s, BOB_ADDR)).collect();
    s.c.disconnect().unwrap();

    // Postfix delivers in parallel: not necessarily in the order sent.
    let tags: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
    let (p, numbers) = await_all(VIA_POP3S, BOB, &tags);
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
        assert_delivered(&got[n], msg, BOB_ADDR, "127.0.0.1");
    }
    let p = connect_pop3(VIA_POP3S, BOB);
    for (tag, _) in &sent {
        assert_eq!(find_tagged(&p, tag), None, "{tag} deleted by the batch");
    }
    p.c.disconnect().unwrap();
}

/// A message just under the size limit (many TLS records, many write chunks, long lines) goes
/// through Postfix and Dovecot unchanged, from a file and back into a file.
#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn large_message_under_the_limit() {
    let tag = unique_tag();
    let mut msg = message(&tag, BOB_ADDR);
    let mut i = 0u32;
    // Room for the servers' trace headers: Postfix counts them against the limit too.
    while msg.len() < (SIZE_LIMIT - 8 * 1024) as usize {
        let line = format!("{}line {i} {}\r\n", if i % 7 == 0 { "." } else { "" }, "z".repeat((i as usize * 37) % 900));
        msg.extend_from_slice(line.as_bytes());
        i += 1;
    }
    let dir = std::env::temp_dir().join(format!("csmail-real-servers-{tag}"));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("out.eml");
    std::fs::write(&src, &msg).unwrap();

    let s = smtp("127.0.0.1", SMTP_STARTTLS, Security::StartTls, Some(ALICE));
    s.connect_ok();
    let mut source = csmail::source::FileSource::open(src.to_str().unwrap()).unwrap();
    if let Err(e) = s.c.send(SENDER, &[BOB_ADDR], &mut source) {
        panic!("send failed: {e}\n{}", s.transcript());
    }
    assert_eq!(s.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    s.assert_logged(&format!("C: <message data, {} bytes>", msg.len()));
    s.c.disconnect().unwrap();

    let (p, n) = await_tagged(VIA_POP3S, BOB, &tag);
    let dst = dir.join("back.eml");
    p.c.retrieve_file(n, dst.to_str().unwrap(), None).unwrap();
    let got = std::fs::read(&dst).unwrap();
    assert_eq!(p.c.message_size(n).unwrap(), got.len() as u64);
    assert_delivered(&got, &msg, BOB_ADDR, "127.0.0.1");
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
