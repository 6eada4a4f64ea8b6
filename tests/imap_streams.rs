//! IMAPClient's long-running exchanges: IDLE ended by an abort from another thread (DONE, the
//! session kept), APPEND of messages with bare line ends, of unknown size (spooled, memory flat)
//! and with NUL bytes, APPEND refused before the literal, and the operation deadline and the
//! low-speed limit on IMAP commands and FETCH bodies.
//!
//! Durations in scripts only shape the exchange (a server that answers late or drips); the
//! assertions are on result codes, eex numbers, texts, the bytes on the wire and the spool path.

mod common;
use common::*;
use csmail::api::imap_client::IdleOutcome;
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, ImapClient, LogHandler};
use csmail::error::*;
use csmail::log::*;
use csmail::options::*;
use csmail::source::{FileSource, FnSink, FnSource};
use csmail_server::{Script, ScriptOutcome};
use parking_lot::Mutex;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::{mpsc, Arc};
use std::time::Duration;

// ---------------------------------------------------------------------------------------------
// Heap use of the calling thread: APPEND runs on it, so its peak shows whether memory grew with
// the message (the bundled server's threads are not counted).
// ---------------------------------------------------------------------------------------------

struct ThreadCounting;

thread_local! {
    static NET: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn note(delta: i64) {
    let _ = NET.try_with(|n| {
        let v = n.get() + delta;
        n.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

// SAFETY: every call goes to the system allocator unchanged; the counters are plain
// thread-local cells, which allocate nothing.
unsafe impl GlobalAlloc for ThreadCounting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            note(l.size() as i64);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        note(-(l.size() as i64));
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            note(new as i64 - l.size() as i64);
        }
        q
    }
}

#[global_allocator]
static ALLOC: ThreadCounting = ThreadCounting;

/// The most this thread's heap grew over its level at the start, while `f` ran.
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, i64) {
    let base = NET.with(|n| n.get());
    PEAK.with(|p| p.set(base));
    let r = f();
    (r, PEAK.with(|p| p.get()) - base)
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A log that collects the protocol lines and signals when one starts with `signal`.
fn signalling_log(signal: &'static str) -> (Arc<LogHandler>, Arc<Mutex<Vec<String>>>, mpsc::Receiver<()>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel();
    let l = lines.clone();
    let tx = Mutex::new(tx);
    let h = Arc::new(LogHandler::new());
    h.set_level(LOG_S_INFORMATION);
    h.set_callback(Some(Arc::new(move |_, _, m: &str| {
        if m.starts_with(signal) {
            let _ = tx.lock().send(());
        }
        l.lock().push(m.to_owned());
    })))
    .unwrap();
    (h, lines, rx)
}

/// Waits for the log's signal (a hang guard far beyond what the exchange needs).
fn await_signal(rx: &mpsc::Receiver<()>) {
    rx.recv_timeout(Duration::from_secs(60)).expect("the signal line was logged");
}

/// Logs `c`'s protocol lines (set before connect: a session keeps the log it began with);
/// `idle_aborted` aborts IDLE once a line that starts with `signal` is logged.
fn watched(c: &ImapClient, signal: &'static str) -> (Arc<Mutex<Vec<String>>>, mpsc::Receiver<()>) {
    let (log, lines, seen) = signalling_log(signal);
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    (lines, seen)
}

/// IDLE on another thread, aborted from this one at the signal of `watched`.
fn idle_aborted(c: &Arc<ImapClient>, seen: &mpsc::Receiver<()>) -> csmail::Result<IdleOutcome> {
    let c2 = c.clone();
    let t = std::thread::spawn(move || c2.idle(Duration::from_secs(120)));
    await_signal(seen);
    c.abort();
    t.join().unwrap()
}

/// A read callback that hands out `bytes` at most `piece` at a time.
fn pieces(bytes: &'static [u8], piece: usize) -> impl csmail::source::MessageSource {
    let mut rest = bytes;
    FnSource(move |buf: &mut [u8]| {
        let n = buf.len().min(piece).min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        rest = &rest[n..];
        Ok(n)
    })
}

const GREETING: &str = "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] ready";

fn scripted(port: u16) -> ImapClient {
    scripted_imap(port, 5000)
}

/// A script: logged in (A0001) with `caps` after login, INBOX selected (A0002), then `rest`.
/// The session survived: CONNECTED is 1, a NOOP and LOGOUT go as the script has them, and the
/// script ran to its end without a mismatch.
fn still_usable_to_the_end(c: &ImapClient, s: Scripted) -> ScriptOutcome {
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.noop().unwrap();
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert!(out.completed);
    out
}

fn selected(caps: &str, rest: &str) -> Scripted {
    let text = format!(
        "{GREETING}\nC: A0001 AUTHENTICATE PLAIN {}\nS: A0001 OK [CAPABILITY IMAP4rev1 {caps}] Logged in\n\
         C: A0002 SELECT INBOX\nS: * 1 EXISTS\nS: A0002 OK [READ-WRITE] SELECT completed\n{rest}",
        sasl::plain("bob", "bobpass")
    );
    Scripted::start_script(Script::parse(&text).expect("script parses"), false)
}

/// The bundled server, with big messages allowed and LOGIN on the plain port (no TLS: these
/// tests are about the data, and TLS would only cost CPU on a shared machine).
fn big_fixture() -> Fixture {
    Fixture::with(|o| {
        o.max_message_size = 64 << 20;
        o.imap_login_disabled = false;
        o.sync_delivery = false;
    })
}

fn plain_imap(fx: &Fixture) -> ImapClient {
    let c = fx.imap(fx.server.imap_port, None, "bob", "bobpass");
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_USER_PASS).unwrap();
    c
}

fn fetch(c: &ImapClient, uid: u32) -> Vec<u8> {
    let mut got = Vec::new();
    c.fetch_body(uid, true, "", &mut got).unwrap();
    got
}

// =============================================================================================
// 1. IDLE ended by an abort
// =============================================================================================

const IDLE_ABORTED: &str = "IDLE was aborted: DONE was sent and the server confirmed it, so the session is still open";

/// The abort comes while the server waits for changes: DONE on the wire, the tagged OK read,
/// CSMAIL_E_ABORTED, and the session goes on (NOOP, then a FETCH of a message delivered meanwhile).
#[test]
fn an_abort_during_idle_sends_done_and_the_session_goes_on() {
    let fx = Fixture::start();
    let c = Arc::new(fx.imap(fx.server.imaps_port, Some(fx.ssl(MODE_CHANNEL)), "bob", "bobpass"));
    let (lines, seen) = watched(&c, "S: + idling");
    c.connect().unwrap();
    assert_eq!(c.select("INBOX").unwrap().exists, 0);
    let e = expect_err(idle_aborted(&c, &seen), CSMAIL_E_ABORTED, eexAborted);
    assert_eq!(e.text, IDLE_ABORTED);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "OK IDLE terminated");
    {
        let logged = lines.lock();
        let idle = logged.iter().position(|l| l == "C: A0003 IDLE").expect("IDLE logged");
        let error = format!("error {eexAborted}: {IDLE_ABORTED}");
        assert_eq!(logged[idle..], ["C: A0003 IDLE", "S: + idling", "C: DONE", "S: A0003 OK IDLE terminated", &error]);
    }
    c.noop().unwrap();
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "OK NOOP completed");
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    let msg = b"From: a@example.com\r\nTo: bob@example.com\r\nSubject: after idle\r\n\r\nbody\r\n";
    smtp.send("a@example.com", &["bob@example.com"], &mut &msg[..]).unwrap();
    smtp.disconnect().unwrap();
    assert_eq!(c.select("INBOX").unwrap().exists, 1);
    let mut got = Vec::new();
    c.fetch_body(1, false, "", &mut got).unwrap();
    assert_eq!(got, msg);
    c.disconnect().unwrap();
}

/// An abort while the server's "+" is still due: the client waits for it, then DONE.
#[test]
fn an_abort_before_the_idle_continuation_still_ends_in_order() {
    let s = selected(
        "IDLE",
        "C: A0003 IDLE\nSLEEP 300\nS: + idling\nC: DONE\nS: A0003 OK IDLE terminated\n\
         C: A0004 NOOP\nS: A0004 OK NOOP completed\nC: A0005 LOGOUT\nS: * BYE bye\nS: A0005 OK bye\n",
    );
    let c = Arc::new(scripted(s.port()));
    let (_, seen) = watched(&c, "C: A0003 IDLE");
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    let e = expect_err(idle_aborted(&c, &seen), CSMAIL_E_ABORTED, eexAborted);
    assert_eq!(e.text, IDLE_ABORTED);
    let out = still_usable_to_the_end(&c, s);
    assert!(contains(&out.received, b"A0003 IDLE\r\nDONE\r\nA0004 NOOP\r\n"), "{}", show(&out.received));
}

/// A server that never answers DONE: the abort's short wait ends, the connection is closed, and
/// the text says so.
#[test]
fn an_abort_during_idle_with_a_server_that_never_confirms_done_closes_the_connection() {
    let s = selected("IDLE", "C: A0003 IDLE\nS: + idling\nC: DONE\nHANG\n");
    let c = Arc::new(scripted(s.port()));
    let (_, seen) = watched(&c, "S: + idling");
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    let e = expect_err(idle_aborted(&c, &seen), CSMAIL_E_ABORTED, eexAborted);
    assert_eq!(
        e.text,
        "IDLE was aborted and the server did not end it within 2000 ms while waiting for the reply to DONE, so the connection was closed"
    );
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    expect_err(c.noop(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert!(out.received.ends_with(b"A0003 IDLE\r\nDONE\r\n"), "{}", show(&out.received));
}

// =============================================================================================
// 2. APPEND
// =============================================================================================

/// Bare LF and bare CR become CRLF and a missing last line end is added, whatever the source:
/// memory, a file (both measured first), a read callback (spooled); fetched back byte for byte.
#[test]
fn append_sends_bare_line_ends_as_crlf_and_they_come_back_so() {
    let fx = big_fixture();
    let c = plain_imap(&fx);
    c.connect().unwrap();
    let raw: &[u8] = b"From: a@example.com\nSubject: bare\n\nline one\nline two\rline three\r\n.dot\nend";
    let canonical: &[u8] =
        b"From: a@example.com\r\nSubject: bare\r\n\r\nline one\r\nline two\r\nline three\r\n.dot\r\nend\r\n";
    let uid_mem = c.append("INBOX", &[], &mut &raw[..]).unwrap();
    let path = fx.dir.path().join("bare.eml");
    std::fs::write(&path, raw).unwrap();
    let mut file = FileSource::open(path.to_str().unwrap()).unwrap();
    let uid_file = c.append("INBOX", &[], &mut file).unwrap();
    // Three bytes at a time: a CR and its LF fall into different reads.
    let mut cb = pieces(raw, 3);
    let uid_cb = c.append("INBOX", &[], &mut cb).unwrap();
    assert_eq!((uid_mem, uid_file, uid_cb), (1, 2, 3));
    c.select("INBOX").unwrap();
    for uid in [uid_mem, uid_file, uid_cb] {
        assert_eq!(show(&fetch(&c, uid)), show(canonical), "UID {uid}");
    }
    c.disconnect().unwrap();
}

/// The 20 MiB message of the callback below, line `i` of it: 63 bytes and an LF as the callback
/// gives it, CRLF as the server must store it.
fn big_line(i: u64, crlf: bool) -> Vec<u8> {
    let mut l = format!("{i:010} the message of unknown size goes on and on and on ....").into_bytes();
    l.truncate(63);
    l.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
    l
}

const BIG_LINES: u64 = 20 * 1024 * 1024 / 64;

/// A 20 MiB callback source of unknown size, with bare LF line ends: spooled to a temporary file
/// (the log says so), the literal announces the size after the conversion, and the calling
/// thread's heap grows by less than 2 MiB. The message comes back byte for byte.
#[test]
fn append_of_20_mib_of_unknown_size_spools_to_a_file_and_memory_stays_flat() {
    let fx = big_fixture();
    let c = plain_imap(&fx);
    let (lines, _never) = watched(&c, "\u{0}");
    c.connect().unwrap();
    let (mut line, mut at, mut current) = (0u64, 0usize, Vec::new());
    let mut source = FnSource(move |buf: &mut [u8]| {
        let mut n = 0;
        while n < buf.len() {
            if at == current.len() {
                if line == BIG_LINES {
                    break;
                }
                current = big_line(line, false);
                line += 1;
                at = 0;
            }
            let take = (current.len() - at).min(buf.len() - n);
            buf[n..n + take].copy_from_slice(&current[at..at + take]);
            at += take;
            n += take;
        }
        Ok(n)
    });
    let (uid, growth) = peak_growth(|| c.append("INBOX", &["\\Seen"], &mut source));
    let uid = uid.unwrap();
    let size = BIG_LINES * 65;
    assert!(growth < 2 << 20, "the heap grew by {growth} bytes for a {size}-byte message");
    {
        let logged = lines.lock();
        let spooled =
            format!("the message source has no size: spooled its {size} bytes to a temporary file to measure them");
        assert!(logged.contains(&spooled), "{:#?}", &logged[logged.len().saturating_sub(6)..]);
        assert!(logged.iter().any(|l| l.ends_with(&format!("APPEND INBOX (\\Seen) {{{size}+}}"))), "LITERAL+");
    }
    // Back byte for byte, compared as it streams (no 20 MiB copy in the test either).
    let (mut want_line, mut pos, mut mismatch) = (0u64, 0usize, None::<u64>);
    let mut expected = big_line(0, true);
    let mut total = 0u64;
    let mut sink = FnSink(|data: &[u8]| {
        for &b in data {
            if pos == expected.len() {
                want_line += 1;
                expected = big_line(want_line, true);
                pos = 0;
            }
            if mismatch.is_none() && expected[pos] != b {
                mismatch = Some(total);
            }
            pos += 1;
            total += 1;
        }
        Ok(())
    });
    c.select("INBOX").unwrap();
    assert_eq!(c.fetch_body(uid, true, "", &mut sink).unwrap(), size);
    assert_eq!((mismatch, total, want_line + 1), (None, size, BIG_LINES));
    c.disconnect().unwrap();
}

/// A NUL byte cannot go in a literal: refused before APPEND is sent (memory: measured; callback:
/// found while spooling), the session goes on.
#[test]
fn append_of_a_message_with_nul_is_refused_before_anything_is_sent() {
    let fx = big_fixture();
    let c = plain_imap(&fx);
    let (lines, _never) = watched(&c, "\u{0}");
    c.connect().unwrap();
    let msg: &[u8] = b"Subject: nul\r\n\r\nbinary \0 byte\r\n";
    let e = expect_err(c.append("INBOX", &[], &mut &msg[..]), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    assert_eq!(
        e.text,
        "the message has a NUL byte, which IMAP cannot append (RFC 9051 4.3); encode that part (base64) or remove the byte"
    );
    assert_info(&c.extended_error(), &e);
    let mut cb = pieces(msg, usize::MAX);
    let e = expect_err(c.append("INBOX", &[], &mut cb), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    assert_eq!(
        e.text,
        "the message has a NUL byte at byte 23, which IMAP cannot append (RFC 9051 4.3); encode that part (base64) or remove the byte"
    );
    assert!(!lines.lock().iter().any(|l| l.contains("APPEND")), "nothing was sent");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(c.status("INBOX").unwrap().messages, Some(0));
    c.disconnect().unwrap();
}

/// Without LITERAL+ the client waits for the "+": a tagged NO instead ([TOOBIG]) is the
/// server's refusal, in its words; no message byte went, and the session goes on.
#[test]
fn append_refused_before_the_continuation_reports_the_server_and_sends_nothing() {
    let s = selected(
        "UIDPLUS",
        "C: A0003 APPEND INBOX {20}\nS: A0003 NO [TOOBIG] the message is too big for this mailbox\n\
         C: A0004 NOOP\nS: A0004 OK NOOP completed\nC: A0005 LOGOUT\nS: * BYE bye\nS: A0005 OK bye\n",
    );
    let c = scripted(s.port());
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    let msg: &[u8] = b"Subject: x\n\nbody\n";
    let e = expect_err(c.append("INBOX", &[], &mut &msg[..]), CSMAIL_E_SERVER, eexImapNo);
    assert_eq!(e.text, "the server refused APPEND: NO [TOOBIG] the message is too big for this mailbox");
    assert_info(&c.extended_error(), &e);
    let out = still_usable_to_the_end(&c, s);
    assert!(!contains(&out.received, b"Subject"), "{}", show(&out.received));
}

/// A server that completes APPEND with OK before the message went has not stored it: an error,
/// never a success.
#[test]
fn append_completed_before_the_continuation_is_not_a_success() {
    let s =
        selected("", "C: A0003 APPEND INBOX {20}\nS: A0003 OK stored (it says)\nC: A0004 LOGOUT\nS: A0004 OK bye\n");
    let c = scripted(s.port());
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    let e = expect_err(c.append("INBOX", &[], &mut &b"Subject: x\n\nbody\n"[..]), CSMAIL_E_PROTOCOL, eexMalformedReply);
    assert_eq!(e.text, "the server completed APPEND before it received the message; the message was not stored");
    c.disconnect().unwrap();
    assert_eq!(s.finish().mismatches, Vec::<String>::new());
}

/// A callback of a stated size that gives another count: an error before APPEND is sent.
#[test]
fn append_from_a_callback_that_breaks_its_stated_size_sends_nothing() {
    let fx = big_fixture();
    let c = plain_imap(&fx);
    c.connect().unwrap();
    let msg: &[u8] = b"Subject: short\r\n\r\nbody\r\n";
    let mut sized = csmail::source::SizedSource(pieces(msg, usize::MAX), Some(100));
    let e = expect_err(c.append("INBOX", &[], &mut sized), CSMAIL_E_IO, eexMessageSource);
    assert_eq!(e.text, "the message source gave 24 bytes, not the 100 it stated; nothing was sent");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(c.status("INBOX").unwrap().messages, Some(0));
    c.disconnect().unwrap();
}

// =============================================================================================
// 3. The operation deadline and the low-speed limit
// =============================================================================================

/// A FETCH literal dripped a byte per 250 ms: every read is within the 5 s timeout, but 100
/// bytes/s over 1 s is not met.
#[test]
fn low_speed_limit_ends_a_dripping_fetch_body() {
    let mut drip = String::from("C: A0003 UID FETCH 1 (UID BODY.PEEK[])\nRAW: * 1 FETCH (UID 1 BODY[] {100}\\r\\n\n");
    for _ in 0..100 {
        drip.push_str("SLEEP 250\nRAW: x\n");
    }
    let s = selected("", &drip);
    let c = scripted(s.port());
    c.set_int(CSMAIL_PROP_LOW_SPEED_LIMIT, 100).unwrap();
    c.set_int(CSMAIL_PROP_LOW_SPEED_TIME_MS, 1000).unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_LOW_SPEED_LIMIT).unwrap(), 100);
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    let mut got = Vec::new();
    let e = expect_err(c.fetch_body(1, true, "", &mut got), CSMAIL_E_TIMEOUT, eexTimeout);
    let head = "the transfer was slower than CSMAIL_PROP_LOW_SPEED_LIMIT (100 bytes/s) over CSMAIL_PROP_LOW_SPEED_TIME_MS (1000 ms) while receiving the message: ";
    let tail =
        " bytes arrived, 100 were needed; lower CSMAIL_PROP_LOW_SPEED_LIMIT, or set it to 0 to turn the check off";
    let count = e.text.strip_prefix(head).and_then(|r| r.strip_suffix(tail)).unwrap_or_else(|| panic!("{e}"));
    assert!(count.parse::<u32>().unwrap() < 100, "{count}");
    assert_eq!(e.os_error, 0, "a speed limit is no OS condition");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

const DEADLINE: &str =
    "the operation ran longer than CSMAIL_PROP_OPERATION_TIMEOUT_MS allows (1000 ms) and stopped while ";
const RAISE: &str = "; raise CSMAIL_PROP_OPERATION_TIMEOUT_MS, or set it to 0 for no limit";

/// A client connected to `selected(caps, rest)`, INBOX selected, then a 1 s operation deadline
/// under a 60 s step timeout (only the deadline can end what follows in time).
fn with_deadline(caps: &str, rest: &str) -> (Scripted, ImapClient) {
    let s = selected(caps, rest);
    let c = scripted(s.port());
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 60_000).unwrap();
    c.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, 1000).unwrap();
    (s, c)
}

/// A server that stalls after a command: the 1 s operation deadline ends it, not the timeout.
#[test]
fn operation_deadline_ends_a_stalled_imap_command() {
    let (_s, c) = with_deadline("", "C: A0003 NOOP\nHANG\n");
    let e = expect_err(c.noop(), CSMAIL_E_TIMEOUT, eexTimeout);
    assert_eq!(e.text, format!("{DEADLINE}waiting for the reply to NOOP{RAISE}"));
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

/// A FETCH body that stops half way: the deadline ends the streaming.
#[test]
fn operation_deadline_ends_a_stalled_fetch_body() {
    let (_s, c) = with_deadline(
        "",
        "C: A0003 UID FETCH 1 (UID BODY.PEEK[])\nRAW: * 1 FETCH (UID 1 BODY[] {100}\\r\\nSubject: half\\r\\n\nHANG\n",
    );
    let mut got = Vec::new();
    let e = expect_err(c.fetch_body(1, true, "", &mut got), CSMAIL_E_TIMEOUT, eexTimeout);
    assert_eq!(e.text, format!("{DEADLINE}receiving the message{RAISE}"));
    assert_eq!(got, b"Subject: half\r\n", "what came is in the sink");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

/// IDLE longer than the operation deadline: the deadline ends it as a timeout.
#[test]
fn operation_deadline_ends_an_idle_that_would_wait_longer() {
    let (_s, c) = with_deadline("IDLE", "C: A0003 IDLE\nS: + idling\nHANG\n");
    let e = expect_err(c.idle(Duration::from_secs(120)), CSMAIL_E_TIMEOUT, eexTimeout);
    assert_eq!(e.text, format!("{DEADLINE}idling{RAISE}"));
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}
