//! The clients against thousands of seeded random hostile sessions of the bundled server's
//! scripted mode (`csmail_server::Script::random`): random codes, truncated, huge and endless
//! lines, bare LF and CR, NUL, invalid UTF-8, bad numbers, replies cut off in the middle, slow
//! drip, silence and hang-ups.
//!
//! Every session runs through the C ABI, as an application would: connect, then each operation
//! of the protocol, then disconnect and release. The outcome asserted for every call of every
//! session: never CSMAIL_E_PANIC (a caught panic is a defect), only result codes and eex numbers
//! of the tables, and no session held beyond its deadlines (the client's timeout is 200 ms a
//! step; a session that takes more than 20 s hangs). The seeds are fixed, so a failure names the
//! seed that reproduces it (`csmail_server::random_text` prints its script).

use csmail::api::properties::*;
use csmail::error::*;
use csmail::ffi::common::csmail_last_eex;
use csmail::ffi::pop3::*;
use csmail::ffi::smtp::*;
use csmail_server::{random_text, Dialect, Script, ScriptedServer};
use std::collections::BTreeMap;
use std::ffi::{c_void, CString};
use std::time::{Duration, Instant};

/// Sessions per protocol; the seeds are 0..SESSIONS.
const SESSIONS: u64 = 1500;
const TIMEOUT_MS: i32 = 200;
/// Far beyond any session's deadlines: the steps of a session are each bounded by the timeout.
const HANG: Duration = Duration::from_secs(20);

const MSG: &[u8] = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\n\r\nhello\r\n.dot\r\n";

/// What the calls of all sessions returned: (call, result, eex) → count.
type Tally = BTreeMap<(&'static str, i32, i32), u32>;

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Checks one call's result: a code of the table, never a panic; a failure's eex is in the
/// table too.
fn check(seed: u64, dialect: Dialect, call: &'static str, rc: i32, tally: &mut Tally) {
    let eex = if rc == CSMAIL_OK { 0 } else { csmail_last_eex() };
    let again = || random_text(seed, dialect, seed.is_multiple_of(3));
    assert_ne!(rc, CSMAIL_E_PANIC, "seed {seed}: {call} panicked; the script:\n{}", again());
    assert!(result_row(rc).is_some(), "seed {seed}: {call} returned {rc}, not a documented code:\n{}", again());
    if rc != CSMAIL_OK {
        assert!(eex_row(eex).is_some(), "seed {seed}: {call} left eex {eex}, not a documented number:\n{}", again());
    }
    *tally.entry((call, rc, eex)).or_default() += 1;
}

fn session(seed: u64, dialect: Dialect, tally: &mut Tally) {
    let login = seed.is_multiple_of(3);
    let server = ScriptedServer::start(Script::random(seed, dialect, login), None, false).unwrap();
    let started = Instant::now();
    let host = cs("127.0.0.1");
    let user = cs("alice");
    let pass = cs("alicepass");
    match dialect {
        Dialect::Smtp => {
            let c = csmail_smtp_new();
            // SAFETY: c is a live handle; the strings outlive the calls.
            unsafe {
                assert_eq!(csmail_smtp_set_str(c, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
                assert_eq!(csmail_smtp_set_int(c, CSMAIL_PROP_PORT, i32::from(server.port)), CSMAIL_OK);
                assert_eq!(csmail_smtp_set_int(c, CSMAIL_PROP_TIMEOUT_MS, TIMEOUT_MS), CSMAIL_OK);
                if login {
                    assert_eq!(csmail_smtp_set_str(c, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
                    assert_eq!(csmail_smtp_set_str(c, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
                }
                check(seed, dialect, "smtp connect", csmail_smtp_connect(c), tally);
                let from = cs("a@example.com");
                let to = cs("b@example.com");
                let rcpts = [to.as_ptr()];
                let rc = csmail_smtp_send_mem(c, from.as_ptr(), rcpts.as_ptr(), 1, MSG.as_ptr(), MSG.len());
                check(seed, dialect, "smtp send", rc, tally);
                check(seed, dialect, "smtp disconnect", csmail_smtp_disconnect(c), tally);
                assert_eq!(csmail_smtp_release(c), CSMAIL_OK);
            }
        }
        Dialect::Pop3 => {
            let c = csmail_pop3_new();
            unsafe extern "system" fn sink(userdata: *mut c_void, _data: *const u8, len: usize) -> i32 {
                // SAFETY: userdata is the &mut usize given with the call below.
                unsafe { *(userdata as *mut usize) += len };
                0
            }
            // SAFETY: c is a live handle; strings, buffers and out-values outlive the calls.
            unsafe {
                assert_eq!(csmail_pop3_set_str(c, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
                assert_eq!(csmail_pop3_set_int(c, CSMAIL_PROP_PORT, i32::from(server.port)), CSMAIL_OK);
                assert_eq!(csmail_pop3_set_int(c, CSMAIL_PROP_TIMEOUT_MS, TIMEOUT_MS), CSMAIL_OK);
                assert_eq!(csmail_pop3_set_str(c, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
                assert_eq!(csmail_pop3_set_str(c, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
                check(seed, dialect, "pop3 connect", csmail_pop3_connect(c), tally);
                let (mut count, mut size) = (0u32, 0u64);
                check(seed, dialect, "pop3 stat", csmail_pop3_stat(c, &mut count, &mut size), tally);
                check(seed, dialect, "pop3 size", csmail_pop3_message_size(c, 1, &mut size), tally);
                let mut buf = [0 as std::ffi::c_char; 128];
                let mut needed = 0usize;
                let rc = csmail_pop3_uid(c, 1, buf.as_mut_ptr(), buf.len(), &mut needed);
                check(seed, dialect, "pop3 uid", rc, tally);
                let mut got = 0usize;
                let ud = &mut got as *mut usize as *mut c_void;
                check(seed, dialect, "pop3 retrieve", csmail_pop3_retrieve_cb(c, 1, Some(sink), ud), tally);
                check(seed, dialect, "pop3 top", csmail_pop3_top_cb(c, 1, 2, Some(sink), ud), tally);
                check(seed, dialect, "pop3 delete", csmail_pop3_delete(c, 1), tally);
                let mut committed = 0i32;
                check(seed, dialect, "pop3 disconnect", csmail_pop3_disconnect(c, &mut committed), tally);
                assert_eq!(csmail_pop3_release(c), CSMAIL_OK);
            }
        }
        // The generator has an IMAP dialect for the IMAP client's tests; `run` is not called
        // with it here.
        Dialect::Imap => unreachable!("no IMAP session in this test"),
    }
    let took = started.elapsed();
    assert!(
        took < HANG,
        "seed {seed}: the {dialect:?} session hung for {took:?}:\n{}",
        random_text(seed, dialect, login)
    );
    let outcome = server.finish();
    assert!(
        !outcome.mismatches.iter().any(|m| m.contains("did not finish")),
        "seed {seed}: the script never ended: {:?}",
        outcome.mismatches
    );
}

fn run(dialect: Dialect) {
    let mut tally = Tally::new();
    for seed in 0..SESSIONS {
        session(seed, dialect, &mut tally);
    }
    // The spread of outcomes, for the log (`cargo test -- --nocapture`): a generator that
    // stopped producing faults would show as a wall of CSMAIL_OK.
    for ((call, rc, eex), n) in &tally {
        println!("{call:16} {:28} eex {eex:5} x{n}", result_row(*rc).map_or("?", |r| r.name));
    }
    let calls: u32 = tally.values().sum();
    let failures: u32 = tally.iter().filter(|(k, _)| k.1 != CSMAIL_OK).map(|(_, n)| n).sum();
    let connects_ok: u32 =
        tally.iter().filter(|(k, _)| k.0.ends_with(" connect") && k.1 == CSMAIL_OK).map(|(_, n)| n).sum();
    // Both kinds of outcome occur: the sessions are hostile, but not all of them at the first
    // reply.
    assert!(failures > calls / 10, "only {failures} of {calls} calls failed");
    assert!(connects_ok > 0 && u64::from(connects_ok) < SESSIONS, "{connects_ok} connects of {SESSIONS} succeeded");
}

#[test]
fn smtp_survives_random_hostile_sessions() {
    run(Dialect::Smtp);
}

#[test]
fn pop3_survives_random_hostile_sessions() {
    run(Dialect::Pop3);
}
