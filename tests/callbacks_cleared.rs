//! Defect 9: once `csmail_loghandler_set_callback(log, NULL, ...)` (or the progress or
//! validation setter) returns, the old callback never runs again, so the application may free
//! its userdata. Through the C ABI, with a real operation on the bundled server: the callback
//! is cleared from another thread while the old one is running; the setter must wait for it,
//! and nothing is called afterwards although the operation goes on logging.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::ffi::loghandler::*;
use csmail::ffi::smtp::*;
use std::ffi::{c_char, c_void, CString};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Watch {
    calls: AtomicUsize,
    inside: AtomicBool,
    set_returned: AtomicBool,
    /// The setter returned while the old callback was still running (the defect).
    saw_set_return_inside: AtomicBool,
}

unsafe extern "system" fn log_cb(userdata: *mut c_void, _severity: i32, _facility: i32, _message: *const c_char) {
    // SAFETY: userdata is the &Watch given with the callback; it outlives the client.
    let w = unsafe { &*(userdata as *const Watch) };
    if w.calls.fetch_add(1, Ordering::SeqCst) == 0 {
        w.inside.store(true, Ordering::SeqCst);
        // Wait (boundedly) for the other thread's setter: a setter that does not wait for this
        // call returns within this window; one that does cannot return before it ends.
        let until = Instant::now() + Duration::from_secs(2);
        while Instant::now() < until {
            if w.set_returned.load(Ordering::SeqCst) {
                w.saw_set_return_inside.store(true, Ordering::SeqCst);
                break;
            }
            std::thread::yield_now();
        }
    }
}

#[test]
fn a_cleared_log_callback_never_runs_again() {
    let f = Fixture::start();
    let watch: &'static Watch = Box::leak(Box::default());
    let log = csmail_loghandler_new();
    let smtp = csmail_smtp_new();
    let host = CString::new("127.0.0.1").unwrap();
    // SAFETY: live handles; the strings and the watch outlive the calls.
    unsafe {
        assert_eq!(csmail_loghandler_set_callback(log, Some(log_cb), watch as *const Watch as *mut c_void), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, i32::from(f.server.smtp_port)), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_advanced_handler(smtp, log as *const c_void), CSMAIL_OK);
    }
    let token = smtp as usize;
    let operation = std::thread::spawn(move || {
        let smtp = token as *const csmail_smtp;
        // Connect and disconnect log many lines (connect, greeting, EHLO, its reply, QUIT ...).
        assert_eq!(csmail_smtp_connect(smtp), CSMAIL_OK);
        assert_eq!(csmail_smtp_disconnect(smtp), CSMAIL_OK);
    });
    while !watch.inside.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    assert_eq!(csmail_loghandler_set_callback(log, None, null_mut()), CSMAIL_OK);
    watch.set_returned.store(true, Ordering::SeqCst);
    let calls_when_cleared = watch.calls.load(Ordering::SeqCst);
    operation.join().unwrap();
    assert!(!watch.saw_set_return_inside.load(Ordering::SeqCst), "the setter returned while the old callback ran");
    assert_eq!(watch.calls.load(Ordering::SeqCst), calls_when_cleared, "the cleared callback ran again");
    assert_eq!(calls_when_cleared, 1);
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
    assert_eq!(csmail_loghandler_release(log), CSMAIL_OK);
}

/// A callback that clears itself gets CSMAIL_E_REENTRANT instead of waiting for itself.
#[test]
fn a_callback_clearing_itself_is_refused() {
    static RESULT: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);
    static LOG: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "system" fn clears_itself(_: *mut c_void, _: i32, _: i32, _: *const c_char) {
        let log = LOG.load(Ordering::SeqCst) as *const csmail_loghandler;
        let rc = csmail_loghandler_set_callback(log, None, null_mut());
        let _ = RESULT.compare_exchange(-1, rc, Ordering::SeqCst, Ordering::SeqCst);
    }
    let f = Fixture::start();
    let log = csmail_loghandler_new();
    LOG.store(log as usize, Ordering::SeqCst);
    let smtp = csmail_smtp_new();
    let host = CString::new("127.0.0.1").unwrap();
    // SAFETY: live handles; the string outlives the calls.
    unsafe {
        assert_eq!(csmail_loghandler_set_callback(log, Some(clears_itself), null_mut()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, i32::from(f.server.smtp_port)), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_advanced_handler(smtp, log as *const c_void), CSMAIL_OK);
    }
    assert_eq!(csmail_smtp_connect(smtp), CSMAIL_OK);
    assert_eq!(RESULT.load(Ordering::SeqCst), CSMAIL_E_REENTRANT);
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
    assert_eq!(csmail_loghandler_release(log), CSMAIL_OK);
}
