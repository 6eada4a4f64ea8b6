//! The abort rule and the operation's limits (README "Abort, timeouts and limits"):
//! - an abort that races with the start of an operation is not lost;
//! - after an abort, CONNECTED tells the truth: 0 means the next call gets NOT_CONNECTED, 1 means
//!   the connection still works;
//! - releasing the last C reference aborts an operation running on another thread;
//! - CSMAIL_PROP_OPERATION_TIMEOUT_MS bounds a whole operation, CSMAIL_PROP_LOW_SPEED_LIMIT /
//!   _TIME_MS a dripping message body, and TIMEOUT_MS a whole reply;
//! - a timeout's OSError is ETIMEDOUT, never EAGAIN.
//!
//! Durations are only hang guards far from the limits the tests set (a 60 s timeout against an
//! abort, say); the assertions are on result codes, eex numbers, texts and bytes.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::{Pop3Client, SmtpClient};
use csmail::error::*;
use csmail::ffi::errorinfo::*;
use csmail::ffi::message::csmail_message_release;
use csmail::ffi::pop3::*;
use csmail::ffi::smtp::*;
use csmail_server::Script;
use std::net::{TcpListener, TcpStream};
use std::ptr::null_mut;
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

#[cfg(unix)]
const ETIMEDOUT: i32 = libc::ETIMEDOUT;
#[cfg(windows)]
const ETIMEDOUT: i32 = 10060;

/// Far longer than any test here needs: an operation that gets anywhere near it was not ended
/// by what the test did.
const GENEROUS_MS: i32 = 60_000;

fn hang_guard(started: Instant) {
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}: not ended promptly", started.elapsed());
}

/// A listener that accepts connections and never says anything; each accepted connection is
/// reported on the channel and kept open until the listener's thread ends with the test.
fn silent_listener() -> (u16, mpsc::Receiver<TcpStream>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for s in l.incoming() {
            if tx.send(s.unwrap()).is_err() {
                return;
            }
        }
    });
    (port, rx)
}

/// A POP3Client made through the C API for 127.0.0.1:`port` (user "u", password "p", the
/// generous timeout); the handle as a number, so that threads can share it.
fn c_pop3(port: u16) -> usize {
    let h = csmail_pop3_new() as usize;
    // SAFETY: a live handle and NUL-terminated strings.
    unsafe {
        assert_eq!(csmail_pop3_set_str(h as *const _, CSMAIL_PROP_HOST, c"127.0.0.1".as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(h as *const _, CSMAIL_PROP_USER, c"u".as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(h as *const _, CSMAIL_PROP_PASSWORD, c"p".as_ptr()), CSMAIL_OK);
    }
    assert_eq!(csmail_pop3_set_int(h as *const _, CSMAIL_PROP_PORT, port as i32), CSMAIL_OK);
    assert_eq!(csmail_pop3_set_int(h as *const _, CSMAIL_PROP_TIMEOUT_MS, GENEROUS_MS), CSMAIL_OK);
    h
}

/// An SMTPClient made through the C API for 127.0.0.1:`port` with the generous timeout.
fn c_smtp(port: u16) -> usize {
    let h = csmail_smtp_new() as usize;
    // SAFETY: a live handle and a NUL-terminated string.
    unsafe {
        assert_eq!(csmail_smtp_set_str(h as *const _, CSMAIL_PROP_HOST, c"127.0.0.1".as_ptr()), CSMAIL_OK);
    }
    assert_eq!(csmail_smtp_set_int(h as *const _, CSMAIL_PROP_PORT, port as i32), CSMAIL_OK);
    assert_eq!(csmail_smtp_set_int(h as *const _, CSMAIL_PROP_TIMEOUT_MS, GENEROUS_MS), CSMAIL_OK);
    h
}

/// Waits until the silent listener accepted the client's connection: its connect is under way
/// (a connect that failed at once shows its result instead of a hang).
fn await_accept(
    accepted: &mpsc::Receiver<TcpStream>,
    worker: thread::JoinHandle<i32>,
) -> (TcpStream, thread::JoinHandle<i32>) {
    match accepted.recv_timeout(Duration::from_secs(30)) {
        Ok(conn) => (conn, worker),
        Err(_) => panic!("the client did not connect: result {}", worker.join().unwrap()),
    }
}

/// A POP3 script: login, then RETR 1 answered "+OK" and `body` sent one byte per `gap_ms`.
fn pop3_drip_script(body: &[u8], gap_ms: u64) -> Script {
    let mut s = String::from("S: +OK ready\nC: CAPA\nS: -ERR no\nC: USER u\nS: +OK\nC: PASS p\nS: +OK in\n");
    s.push_str("C: RETR 1\nS: +OK\n");
    for b in body {
        s.push_str(&format!("SLEEP {gap_ms}\nRAW: \\x{b:02x}\n"));
    }
    s.push_str("HANG\n");
    Script::parse(&s).unwrap()
}

// =============================================================================================
// (a) An abort racing with the start of connect is not lost
// =============================================================================================

/// The abort comes at the first moment it finds the other thread's connect entered (usually
/// before that operation has begun): connect still ends with ABORTED, long before its timeout.
#[test]
fn abort_right_after_connect_starts_is_not_lost() {
    let (port, accepted) = silent_listener();
    for round in 0..20 {
        let c = Arc::new(scripted_smtp(port, GENEROUS_MS));
        let c2 = c.clone();
        let started = Instant::now();
        let h = thread::spawn(move || c2.connect());
        while !c.abort() {
            thread::yield_now();
            assert!(!h.is_finished(), "round {round}: connect ended before any abort found it");
        }
        let e = expect_err(h.join().unwrap(), CSMAIL_E_ABORTED, eexAborted);
        hang_guard(started);
        assert_eq!(e.text, "the operation was aborted");
        assert_info(&c.extended_error(), &e);
        assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
        expect_err(c.reset(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    }
    drop(accepted);
}

/// The same through the C API against a listener that accepted and stays silent: the abort
/// ends the wait for the greeting, and the client says disconnected.
#[test]
fn c_abort_during_a_silent_greeting_returns_aborted_and_disconnected() {
    let (port, accepted) = silent_listener();
    let h = c_pop3(port);
    let started = Instant::now();
    let (_conn, t) = await_accept(&accepted, thread::spawn(move || csmail_pop3_connect(h as *const _)));
    assert_eq!(csmail_pop3_abort(h as *const _), CSMAIL_OK);
    assert_eq!(t.join().unwrap(), CSMAIL_E_ABORTED);
    hang_guard(started);
    let mut connected = -1;
    // SAFETY: a live handle and a local out-value.
    unsafe {
        assert_eq!(csmail_pop3_get_int(h as *const _, CSMAIL_PROP_CONNECTED, &mut connected), CSMAIL_OK);
    }
    assert_eq!(connected, 0);
    assert_eq!(csmail_pop3_noop(h as *const _), CSMAIL_E_NOT_CONNECTED);
    let mut info = null_mut();
    let mut number = 0;
    // SAFETY: live handles and local out-values.
    unsafe {
        assert_eq!(csmail_pop3_extended_error(h as *const _, &mut info), CSMAIL_OK);
        assert_eq!(csmail_errorinfo_number(info, &mut number), CSMAIL_OK);
    }
    assert_eq!(number, eexNotConnected);
    assert_eq!(csmail_errorinfo_release(info), CSMAIL_OK);
    assert_eq!(csmail_pop3_release(h as *const _), CSMAIL_OK);
}

/// An abort with no call in progress does nothing and is not remembered: the next operation
/// runs.
#[test]
fn abort_with_nothing_running_does_nothing() {
    let fx = Fixture::start();
    let c = fx.smtp(fx.server.smtp_port, None);
    assert!(!c.abort());
    c.connect().unwrap();
    assert!(!c.abort());
    c.reset().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.disconnect().unwrap();
}

// =============================================================================================
// (b) An abort landing around completion: CONNECTED always tells the truth
// =============================================================================================

#[test]
fn abort_around_completion_leaves_connected_true() {
    let fx = Fixture::start();
    let c = Arc::new(fx.smtp(fx.server.smtp_port, None));
    c.connect().unwrap();
    // (operation's result, CONNECTED afterwards) -> rounds.
    let mut seen = std::collections::BTreeMap::<(&str, i32), u32>::new();
    for round in 0..200u32 {
        let c2 = c.clone();
        let go = Arc::new(std::sync::Barrier::new(2));
        let go2 = go.clone();
        let h = thread::spawn(move || {
            go2.wait();
            c2.reset()
        });
        // Land the abort at a different moment of RSET each round: before it begins, while it
        // waits for the reply, as the reply arrives, after it returned.
        go.wait();
        let at = Instant::now() + Duration::from_micros(u64::from(round % 50) * 4);
        while Instant::now() < at {
            std::hint::spin_loop();
        }
        c.abort();
        let outcome = match h.join().unwrap() {
            Ok(()) => "ok",
            Err(e) => {
                assert_eq!((e.result, e.eex), (CSMAIL_E_ABORTED, eexAborted), "round {round}: {e}");
                "aborted"
            }
        };
        let connected = c.get_int(CSMAIL_PROP_CONNECTED).unwrap();
        *seen.entry((outcome, connected)).or_default() += 1;
        match connected {
            0 => {
                expect_err(c.reset(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
                c.connect().unwrap();
            }
            1 => c.reset().unwrap_or_else(|e| panic!("round {round}: CONNECTED=1 but RSET failed: {e}")),
            v => panic!("CONNECTED = {v}"),
        }
    }
    eprintln!("abort around completion, (result, CONNECTED) -> rounds: {seen:?}");
    c.disconnect().unwrap();
}

// =============================================================================================
// (c) Releasing the last reference aborts the running operation
// =============================================================================================

#[test]
fn releasing_the_last_reference_aborts_a_running_connect() {
    let (port, accepted) = silent_listener();
    let h = c_smtp(port);
    let started = Instant::now();
    let (_conn, t) = await_accept(&accepted, thread::spawn(move || csmail_smtp_connect(h as *const _)));
    assert_eq!(csmail_smtp_release(h as *const _), CSMAIL_OK);
    assert_eq!(t.join().unwrap(), CSMAIL_E_ABORTED);
    hang_guard(started);
    // The handle is gone.
    assert_eq!(csmail_smtp_reset(h as *const _), CSMAIL_E_INVALID_HANDLE);
}

#[test]
fn releasing_the_last_reference_aborts_a_running_retrieve() {
    let s = Scripted::start("pop3_retr_stall", false);
    let h = c_pop3(s.port());
    assert_eq!(csmail_pop3_connect(h as *const _), CSMAIL_OK);
    let started = Instant::now();
    let t = thread::spawn(move || {
        let mut m = null_mut();
        // SAFETY: a handle (live or released: both are checked) and a local out-value.
        let rc = unsafe { csmail_pop3_retrieve(h as *const _, 1, &mut m) };
        assert!(m.is_null(), "no message from a failed retrieve");
        if !m.is_null() {
            csmail_message_release(m);
        }
        rc
    });
    // Whether the release comes while RETR waits for the rest of the body or, on a slow
    // machine, before the retrieve began: either way it ends with ABORTED.
    thread::sleep(Duration::from_millis(300));
    assert_eq!(csmail_pop3_release(h as *const _), CSMAIL_OK);
    assert_eq!(t.join().unwrap(), CSMAIL_E_ABORTED);
    hang_guard(started);
    assert_eq!(csmail_pop3_noop(h as *const _), CSMAIL_E_INVALID_HANDLE);
    let out = s.finish();
    assert!(out.received.starts_with(b"CAPA\r\nUSER u\r\nPASS p\r\n"), "{}", show(&out.received));
}

// =============================================================================================
// (d)-(g) The operation's deadline, the low-speed limit, the reply bound, the OS error
// =============================================================================================

/// Each byte comes well within the 2 s read timeout, so only the 3 s operation deadline ends
/// the retrieve of a body that would take 12 s.
#[test]
fn operation_deadline_ends_a_dripping_retr() {
    let body = b"Subject: drip\r\n\r\nslow body\r\n.\r\n";
    let s = Scripted::start_script(pop3_drip_script(body, 400), false);
    let c = s.pop3(2000);
    c.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, 3000).unwrap();
    let started = Instant::now();
    c.connect().unwrap();
    let mut got = Vec::new();
    let e = expect_err(c.retrieve(1, &mut got), CSMAIL_E_TIMEOUT, eexTimeout);
    hang_guard(started);
    assert_eq!(
        e.text,
        "the operation ran longer than CSMAIL_PROP_OPERATION_TIMEOUT_MS allows (3000 ms) and stopped while receiving the message; raise CSMAIL_PROP_OPERATION_TIMEOUT_MS, or set it to 0 for no limit"
    );
    assert_eq!(e.os_error, ETIMEDOUT);
    assert_info(&c.extended_error(), &e);
    assert!(body.starts_with(&got) && got.len() < body.len() - 3, "{}", show(&got));
    // The rest of the body may still come: the session cannot go on.
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    expect_err(c.noop(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
}

/// The deadline covers connect too: a server that accepts and never greets meets it, not the
/// far longer step timeout.
#[test]
fn operation_deadline_ends_a_connect_without_greeting() {
    let (port, _accepted) = silent_listener();
    let c = scripted_pop3(port, GENEROUS_MS);
    c.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, 500).unwrap();
    let started = Instant::now();
    let e = expect_err(c.connect(), CSMAIL_E_TIMEOUT, eexTimeout);
    hang_guard(started);
    assert_eq!(
        e.text,
        "the operation ran longer than CSMAIL_PROP_OPERATION_TIMEOUT_MS allows (500 ms) and stopped while waiting for the server's greeting; raise CSMAIL_PROP_OPERATION_TIMEOUT_MS, or set it to 0 for no limit"
    );
    assert_eq!(e.os_error, ETIMEDOUT);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

/// 1 byte per 300 ms keeps every read within the timeout, but 100 bytes/s over 1 s is not met.
#[test]
fn low_speed_limit_ends_a_slow_drip() {
    let body = b"Subject: drip\r\n\r\nslow body\r\n.\r\n";
    let s = Scripted::start_script(pop3_drip_script(body, 300), false);
    let c = s.pop3(2000);
    c.set_int(CSMAIL_PROP_LOW_SPEED_LIMIT, 100).unwrap();
    c.set_int(CSMAIL_PROP_LOW_SPEED_TIME_MS, 1000).unwrap();
    let started = Instant::now();
    c.connect().unwrap();
    let mut got = Vec::new();
    let e = expect_err(c.retrieve(1, &mut got), CSMAIL_E_TIMEOUT, eexTimeout);
    hang_guard(started);
    let head = "the transfer was slower than CSMAIL_PROP_LOW_SPEED_LIMIT (100 bytes/s) over CSMAIL_PROP_LOW_SPEED_TIME_MS (1000 ms) while receiving the message: ";
    let tail =
        " bytes arrived, 100 were needed; lower CSMAIL_PROP_LOW_SPEED_LIMIT, or set it to 0 to turn the check off";
    let count = e.text.strip_prefix(head).and_then(|r| r.strip_suffix(tail)).unwrap_or_else(|| panic!("{e}"));
    let count: usize = count.parse().unwrap();
    assert!(count < 100 && count <= got.len() + 5, "{count} bytes counted, {} delivered", got.len());
    assert_eq!(e.os_error, 0, "a speed limit is no OS condition");
    assert_info(&c.extended_error(), &e);
    assert!(body.starts_with(&got) && got.len() < body.len() - 3, "{}", show(&got));
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

/// A message that comes at once passes the low-speed limit and the deadline.
#[test]
fn limits_let_a_prompt_retrieve_through() {
    let fx = Fixture::start();
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    let msg = format!("Subject: big\r\n\r\n{}", "0123456789abcdef\r\n".repeat(20_000));
    smtp.send("a@example.com", &["alice@example.com"], &mut msg.as_bytes()).unwrap();
    smtp.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, GENEROUS_MS).unwrap();
    smtp.disconnect().unwrap();
    let c = fx.pop3(fx.server.pop3_port, None, "alice", "alicepass");
    c.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, GENEROUS_MS).unwrap();
    c.set_int(CSMAIL_PROP_LOW_SPEED_LIMIT, 1).unwrap();
    c.set_int(CSMAIL_PROP_LOW_SPEED_TIME_MS, 1).unwrap();
    c.connect().unwrap();
    let mut got = Vec::new();
    c.retrieve(1, &mut got).unwrap();
    assert!(got.ends_with(msg.as_bytes().split_at(msg.len() - 100).1), "the message arrived whole");
    c.disconnect().unwrap();
}

/// A reply is bounded as a whole by the timeout: an EHLO reply dripped one byte per 500 ms
/// (each within the 2 s timeout) fails as a timeout of the reply.
#[test]
fn smtp_reply_dripped_byte_by_byte_times_out_as_a_whole() {
    let mut script = String::from("S: 220 ready\nC: EHLO client.test\n");
    for b in b"250 drip.example\r\n" {
        script.push_str(&format!("SLEEP 500\nRAW: \\x{b:02x}\n"));
    }
    let s = Scripted::start_script(Script::parse(&script).unwrap(), false);
    let c = s.smtp(2000);
    let started = Instant::now();
    let e = expect_err(c.connect(), CSMAIL_E_TIMEOUT, eexTimeout);
    hang_guard(started);
    assert_eq!(e.text, "timed out while waiting for the reply to EHLO");
    assert_eq!(e.os_error, ETIMEDOUT, "ETIMEDOUT, not EAGAIN");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

/// (g) A read timeout's OSError is ETIMEDOUT, not the EAGAIN a socket timeout shows as on Unix.
#[test]
fn a_read_timeout_reports_etimedout() {
    let s = Scripted::start("pop3_greeting_hang", false);
    let c = s.pop3(300);
    let e = expect_err(c.connect(), CSMAIL_E_TIMEOUT, eexTimeout);
    assert_eq!(
        e.text,
        format!("timed out while waiting for the server's greeting on port {}: if the server expects TLS from the first byte (implicit TLS), attach an SSLInfo with MODE_CHANNEL", s.port())
    );
    assert_eq!(e.os_error, ETIMEDOUT);
    assert_eq!(c.extended_error().os_error, ETIMEDOUT);
}

// =============================================================================================
// The properties
// =============================================================================================

#[test]
fn limit_properties_have_defaults_ranges_and_owners() {
    let (smtp, pop3) = (SmtpClient::new(), Pop3Client::new());
    assert_eq!(smtp.get_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS).unwrap(), 0);
    assert_eq!(pop3.get_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS).unwrap(), 0);
    assert_eq!(pop3.get_int(CSMAIL_PROP_LOW_SPEED_LIMIT).unwrap(), 0);
    assert_eq!(pop3.get_int(CSMAIL_PROP_LOW_SPEED_TIME_MS).unwrap(), 30_000);
    pop3.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, 1234).unwrap();
    assert_eq!(pop3.get_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS).unwrap(), 1234);
    let e =
        expect_err(pop3.set_int(CSMAIL_PROP_OPERATION_TIMEOUT_MS, -1), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(e.text, "operation timeout -1 ms is not 0..86400000");
    let e = expect_err(pop3.set_int(CSMAIL_PROP_LOW_SPEED_TIME_MS, 0), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(e.text, "low-speed time 0 ms is not 1..86400000");
    let e = expect_err(pop3.set_int(CSMAIL_PROP_LOW_SPEED_LIMIT, -5), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(e.text, "low-speed limit -5 bytes/s is negative");
    // SMTP receives no message data: the low-speed limit is POP3's.
    expect_err(smtp.set_int(CSMAIL_PROP_LOW_SPEED_LIMIT, 10), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
    expect_err(smtp.get_int(CSMAIL_PROP_LOW_SPEED_TIME_MS), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
}
