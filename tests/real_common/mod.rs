//! What the tests against real servers share (tests/real_servers.rs: Postfix and Dovecot;
//! tests/real_aiosmtpd_pop3d.rs: aiosmtpd and GNU pop3d; tests/real_exim.rs: Exim): clients with
//! their log, tagged messages, finding, retrieving and deleting them over POP3, and the checks of
//! TLS outputs and errors.
//!
//! The test file that includes this module names its servers with a few items of its own:
//! `fn ca_file() -> String` (the CA that signed the servers' certificate), `fn via_pop3s() ->
//! Pop3Via` (how to look into a mailbox), `QUEUED: &str` and `QUEUED_ENHANCED: &str` (how the server's 250
//! after the data begins, and its enhanced status code) and
//! `fn check_uid(uid: &str, message: &[u8])` (what the server's UIDL looks like).
// Shared result collectors in tests are spelled out where they are used; not every test file
// uses every helper.
#![allow(clippy::type_complexity, dead_code)]

pub mod cases;
pub mod imap;

#[allow(unused_imports)] // real_imap uses none of the SMTP and POP3 cases.
pub use cases::*;
#[path = "../common/sasl.rs"]
mod sasl;

use crate::{ca_file, check_uid, via_pop3s, QUEUED, QUEUED_ENHANCED};
use csmail::api::client::Protocol;
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, ImapClient, LogHandler, Pop3Client, SmtpClient, SslInfo};
use csmail::error::*;
use csmail::options::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const SENDER: &str = "alice@example.com";
pub const BOB_ADDR: &str = "bob@example.com";
pub const ALICE_ADDR: &str = "alice@example.com";
/// A wrong password, distinctive enough to look for in the logs.
pub const WRONG: &str = "Wr0ng-Pa55";

/// How long a delivery may take to show up in the mailbox (it takes well under a second).
pub const DELIVERY_WAIT: Duration = Duration::from_secs(5);

// ---- clients ----

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Security {
    /// No SSLInfo.
    Plain,
    /// MODE_STARTTLS: STARTTLS / STLS.
    StartTls,
    /// MODE_CHANNEL: implicit TLS.
    Implicit,
}

/// An SSLInfo in `mode` that trusts the test CA only.
pub fn sslinfo(mode: i32) -> Arc<SslInfo> {
    let ssl = Arc::new(SslInfo::new());
    ssl.set_mode(mode).unwrap();
    ssl.set_str(SSLCAFile, &ca_file()).unwrap();
    ssl.set_int(SSLNoSystemRoots, 1).unwrap();
    ssl
}

pub type LogLines = Arc<Mutex<Vec<String>>>;

/// A client with everything attached: its SSLInfo (if any) and a log collecting every line.
pub struct Client<C> {
    pub c: C,
    pub ssl: Option<Arc<SslInfo>>,
    pub log: LogLines,
}

impl<C> Client<C> {
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
    /// The log, for failure messages.
    pub fn transcript(&self) -> String {
        self.log().join("\n")
    }
    pub fn ssl(&self) -> &SslInfo {
        self.ssl.as_deref().expect("this client has an SSLInfo")
    }
    #[track_caller]
    pub fn assert_logged(&self, line: &str) {
        assert!(self.log().iter().any(|l| l == line), "no log line {line:?} in:\n{}", self.transcript());
    }
    #[track_caller]
    pub fn assert_not_logged_prefix(&self, prefix: &str) {
        let log = self.log();
        assert!(!log.iter().any(|l| l.starts_with(prefix)), "a log line starts with {prefix:?}:\n{}", log.join("\n"));
    }
    /// Neither the password nor an encoding of it reached the log.
    #[track_caller]
    pub fn assert_no_secret_logged(&self, user: &str, password: &str) {
        let forms = [password.to_owned(), sasl::b64(password.as_bytes()), sasl::plain(user, password)];
        for l in self.log() {
            for f in &forms {
                assert!(!l.contains(f.as_str()), "the log shows a secret ({f:?}): {l:?}");
            }
        }
    }
}

/// A client of protocol `P` on `host`:`port` with a 10 s timeout, its SSLInfo for `tls` (trusting
/// the test CA only) and a LogHandler collecting every line; `login` sets User and Password.
pub fn attached<P: Protocol>(
    host: &str,
    port: u16,
    tls: Security,
    login: Option<(&str, &str)>,
) -> Client<csmail::api::Client<P>> {
    let c = csmail::api::Client::<P>::new();
    c.set_str(CSMAIL_PROP_HOST, host).unwrap();
    c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000).unwrap();
    let ssl = match tls {
        Security::Plain => None,
        Security::StartTls => Some(sslinfo(MODE_STARTTLS)),
        Security::Implicit => Some(sslinfo(MODE_CHANNEL)),
    };
    if let Some(s) = &ssl {
        c.set_advanced_handler(AdvancedHandler::Ssl(s.clone())).unwrap();
    }
    let lines: LogLines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    let log = Arc::new(LogHandler::new());
    log.set_callback(Some(Arc::new(move |_sev, _fac, m: &str| l.lock().unwrap().push(m.to_owned())))).unwrap();
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    if let Some((user, password)) = login {
        c.set_str(CSMAIL_PROP_USER, user).unwrap();
        c.set_str(CSMAIL_PROP_PASSWORD, password).unwrap();
    }
    Client { c, ssl, log: lines }
}

/// An SMTP client; `login` sets User and Password (AUTH at connect).
pub fn smtp(host: &str, port: u16, tls: Security, login: Option<(&str, &str)>) -> Client<SmtpClient> {
    attached(host, port, tls, login)
}

/// An IMAP client logging in as `login` with the mechanism `mech` (CSMAIL_AUTH_*).
pub fn imap(host: &str, port: u16, tls: Security, login: (&str, &str), mech: i32) -> Client<ImapClient> {
    let c = attached(host, port, tls, Some(login));
    c.c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    c
}

/// A POP3 client logging in as `login` with the mechanism `mech` (CSMAIL_AUTH_*).
pub fn pop3(host: &str, port: u16, tls: Security, login: (&str, &str), mech: i32) -> Client<Pop3Client> {
    let c = attached(host, port, tls, Some(login));
    c.c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    c
}

impl Client<SmtpClient> {
    #[track_caller]
    pub fn connect_ok(&self) {
        if let Err(e) = self.c.connect() {
            panic!("SMTP connect failed: {e}\n{}", self.transcript());
        }
        assert_eq!(self.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    }
}

impl Client<Pop3Client> {
    #[track_caller]
    pub fn connect_ok(&self) {
        if let Err(e) = self.c.connect() {
            panic!("POP3 connect failed: {e}\n{}", self.transcript());
        }
        assert_eq!(self.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    }
}

// ---- messages ----

/// A tag no other test, run or process uses.
pub fn unique_tag() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    format!("{}-{n}-{}.{:09}", std::process::id(), t.as_secs(), t.subsec_nanos())
}

pub fn subject_line(tag: &str) -> String {
    format!("\r\nSubject: csmail real-servers {tag}\r\n")
}

/// A message with every header Postfix would otherwise add, and a body that exercises
/// dot-stuffing both ways (a lone ".", leading dots), 8-bit text, tabs and trailing spaces.
pub fn message(tag: &str, to: &str) -> Vec<u8> {
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

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

pub fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Sends a new tagged message from alice to `rcpt` on a connected client; returns (tag, bytes).
#[track_caller]
pub fn send_tagged(smtp: &Client<SmtpClient>, rcpt: &str) -> (String, Vec<u8>) {
    let tag = unique_tag();
    let msg = message(&tag, rcpt);
    if let Err(e) = smtp.c.send(SENDER, &[rcpt], &mut &msg[..]) {
        panic!("send failed: {e}\n{}", smtp.transcript());
    }
    assert_eq!(smtp.c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    assert_eq!(smtp.c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), QUEUED_ENHANCED);
    // The queue id is on the reply's last line: Exim answers BDAT LAST with
    // "250- 0 byte chunk, total 456" then "250 OK id=...".
    let text = smtp.c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap();
    let last = text.lines().last().unwrap_or_default();
    assert!(without_bdat_size(last).starts_with(QUEUED), "{text:?}");
    (tag, msg)
}

/// Whether the server offered CHUNKING: csmail then sends the message as BDAT chunks (after the
/// envelope was accepted), which changes the log line and the server's refusal texts.
pub fn offers_chunking(s: &Client<SmtpClient>) -> bool {
    s.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap().lines().any(|l| l.eq_ignore_ascii_case("CHUNKING"))
}

/// The log line of the message data: after DATA or as BDAT chunks.
pub fn message_log_line(s: &Client<SmtpClient>, bytes: Option<usize>) -> String {
    let how = if offers_chunking(s) { "message in BDAT chunks" } else { "message data" };
    format!("C: <{how}{}>", bytes.map(|n| format!(", {n} bytes")).unwrap_or_default())
}

/// Postfix answers BDAT LAST with "2.0.0 Ok: 456 bytes queued as X" where DATA gets
/// "2.0.0 Ok: queued as X": the reply without the byte count.
pub fn without_bdat_size(text: &str) -> String {
    if let Some((head, rest)) = text.split_once("Ok: ") {
        if let Some((n, tail)) = rest.split_once(" bytes ") {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                return format!("{head}Ok: {tail}");
            }
        }
    }
    text.to_owned()
}

// ---- mailboxes ----

/// Where and how to read a mailbox.
#[derive(Clone, Copy)]
pub struct Pop3Via {
    pub host: &'static str,
    pub port: u16,
    pub tls: Security,
    pub mech: i32,
}

pub fn connect_pop3(via: Pop3Via, login: (&str, &str)) -> Client<Pop3Client> {
    let p = pop3(via.host, via.port, via.tls, login, via.mech);
    p.connect_ok();
    p
}

/// The number of the message tagged `tag` in a connected session, looked up with TOP n 0.
pub fn find_tagged(p: &Client<Pop3Client>, tag: &str) -> Option<u32> {
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
pub fn await_all(via: Pop3Via, login: (&str, &str), tags: &[&str]) -> (Client<Pop3Client>, Vec<u32>) {
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
pub fn await_tagged(via: Pop3Via, login: (&str, &str), tag: &str) -> (Client<Pop3Client>, u32) {
    let (p, numbers) = await_all(via, login, &[tag]);
    (p, numbers[0])
}

/// Retrieves message `n`, checking that LIST announced its exact size and that TOP n 0 gives
/// exactly its header section.
pub fn retrieve_checked(p: &Client<Pop3Client>, n: u32) -> Vec<u8> {
    let mut got = Vec::new();
    let written = p.c.retrieve(n, &mut got).unwrap();
    assert_eq!(written, got.len() as u64);
    assert_eq!(p.c.message_size(n).unwrap(), got.len() as u64, "LIST size vs retrieved bytes");
    let end = got.windows(4).position(|w| w == b"\r\n\r\n").expect("a header section") + 4;
    let mut head = Vec::new();
    p.c.top(n, 0, &mut head).unwrap();
    assert_eq!(show(&head), show(&got[..end]), "TOP n 0 is the header section");
    check_uid(&p.c.uid(n).unwrap(), &got);
    got
}

/// Waits for the tagged message, retrieves it, deletes it (committed by QUIT) and returns it.
pub fn take_tagged(via: Pop3Via, login: (&str, &str), tag: &str) -> Vec<u8> {
    let (p, n) = await_tagged(via, login, tag);
    let got = retrieve_checked(&p, n);
    p.c.delete(n).unwrap();
    assert!(p.c.disconnect().unwrap(), "QUIT confirmed: the deletion is committed");
    got
}

/// Asserts that the tagged message is not in the mailbox (checked once, after `settle`).
pub fn assert_absent(login: (&str, &str), tag: &str, settle: Duration) {
    std::thread::sleep(settle);
    let p = connect_pop3(via_pop3s(), login);
    assert_eq!(find_tagged(&p, tag), None, "message {tag} is in {}'s mailbox", login.0);
    p.c.disconnect().unwrap();
}

/// One header field of the prefix the servers added: (name, value with folding whitespace
/// collapsed to single spaces).
pub fn header_fields(prefix: &[u8]) -> Vec<(String, String)> {
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

// ---- TLS ----

/// TLS 1.3 with a certificate the test CA vouches for, as the SSLInfo outputs tell it.
#[track_caller]
pub fn assert_tls13_valid(ssl: &SslInfo) {
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS13, "{n:?}");
    assert!(matches!(n.cipher, SSL_AES128_GCM | SSL_AES256_GCM | SSL_CHACHA20_POLY1305), "{n:?}");
    assert_eq!(n.exchange, SSL_ECDHE, "{n:?}");
    assert_eq!(ssl.get_int(SSLConnectionProtocolOut).unwrap(), SSL_TLS13);
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
}

/// An error's result code, eex and text, and the client's ErrorInfo agreeing with it.
#[track_caller]
pub fn expect_err<T: std::fmt::Debug>(
    r: csmail::Result<T>,
    result: i32,
    eex: i32,
    info: csmail::api::ErrorInfo,
) -> Error {
    let e = match r {
        Ok(v) => panic!("expected result {result} / eex {eex}, got Ok({v:?})"),
        Err(e) => e,
    };
    assert_eq!((e.result, e.eex), (result, eex), "wrong result/eex: {e}");
    assert_eq!(info.number, eex, "ErrorInfo.Number");
    assert_eq!(info.text, e.text, "ErrorInfo.Text");
    e
}

// ---- the server's view, as each test file names it ----

/// The port functions of a test file, one a line: `name = "VARIABLE", default;` makes
/// `fn name() -> u16` reading the variable the server's script reads, with its default.
macro_rules! ports {
    ($($(#[$doc:meta])* $name:ident = $var:literal, $default:literal;)*) => {
        $($(#[$doc])* fn $name() -> u16 { crate::real_common::env_port($var, $default) })*
    };
}
pub(crate) use ports;

/// A port from the environment variable `var`, or `default` (the scripts read the same ones).
pub fn env_port(var: &str, default: u16) -> u16 {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => p.parse().unwrap_or_else(|_| panic!("{var}={p:?} is not a port")),
        _ => default,
    }
}

/// The CA certificate in the state directory `$var` (or `default`) that `script` made.
pub fn ca_file_in(var: &str, default: &str, script: &str) -> String {
    let dir = match std::env::var_os(var) {
        Some(d) if !d.is_empty() => std::path::PathBuf::from(d),
        _ => std::path::PathBuf::from(default),
    };
    let ca = dir.join("pki").join("ca.pem");
    assert!(ca.is_file(), "{} is missing: run {script} first", ca.display());
    ca.to_str().expect("UTF-8 path").to_owned()
}

/// Checks a retrieved message against the bytes sent to `rcpt`: the server's prefix, then
/// exactly those bytes.
pub type Delivered<'a> = &'a dyn Fn(&[u8], &[u8], &str);
