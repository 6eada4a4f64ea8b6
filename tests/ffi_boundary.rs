//! The C ABI at its edges, called through the `extern "system"` functions with raw pointers: NULL,
//! released and wrong-type handles, bad strings, caller buffers, non-handler objects, SSLInfo
//! option checks, reference counting, the static texts, and the thread's last error.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::proxyinfo::CSMAIL_PROXY_SOCKS5;
use csmail::error::*;
use csmail::ffi::common::{csmail_last_eex, csmail_last_error_text, csmail_strerror, csmail_version};
use csmail::ffi::errorinfo::*;
use csmail::ffi::loghandler::*;
use csmail::ffi::message::*;
use csmail::ffi::pop3::*;
use csmail::ffi::proxyinfo::*;
use csmail::ffi::section::*;
use csmail::ffi::smtp::*;
use csmail::ffi::sslinfo::*;
use csmail::log::{LOG_F_SSL, LOG_S_FATAL, LOG_S_INFORMATION};
use csmail::options::*;
use std::ffi::{c_char, c_void, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::Mutex;

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// This thread's last error text, read through a sized buffer.
fn last_text() -> String {
    let mut needed = 0usize;
    // SAFETY: NULL buffer asks only the size; needed is a local.
    assert_eq!(unsafe { csmail_last_error_text(null_mut(), 0, &mut needed) }, CSMAIL_OK);
    let mut buf = vec![0 as c_char; needed];
    // SAFETY: buf has `needed` bytes.
    assert_eq!(unsafe { csmail_last_error_text(buf.as_mut_ptr(), buf.len(), null_mut()) }, CSMAIL_OK);
    // SAFETY: NUL-terminated by the call.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

/// Makes a successful call so the thread's last error is 0 again.
fn clear_last() {
    let l = csmail_loghandler_new();
    assert_eq!(csmail_loghandler_set_level(l, LOG_S_INFORMATION), CSMAIL_OK);
    assert_eq!(csmail_loghandler_release(l), CSMAIL_OK);
    assert_eq!(csmail_last_eex(), 0);
    assert_eq!(last_text(), "");
}

/// Asserts one call's result, and that this thread's last error says the same.
#[track_caller]
fn check(name: &str, rc: i32, result: i32, eex: i32) {
    assert_eq!(rc, result, "{name}: result (last error: {})", last_text());
    assert_eq!(csmail_last_eex(), eex, "{name}: csmail_last_eex ({})", last_text());
}

/// A client's ErrorInfo (through csmail_*_extended_error) as (number, text, os_error).
fn smtp_info(h: *const csmail_smtp) -> (i32, String, i32) {
    let mut info: *mut csmail_errorinfo = null_mut();
    // SAFETY: info is a local out-pointer.
    assert_eq!(unsafe { csmail_smtp_extended_error(h, &mut info) }, CSMAIL_OK);
    let r = read_info(info);
    assert_eq!(csmail_errorinfo_release(info), CSMAIL_OK);
    r
}

fn pop3_info(h: *const csmail_pop3) -> (i32, String, i32) {
    let mut info: *mut csmail_errorinfo = null_mut();
    // SAFETY: info is a local out-pointer.
    assert_eq!(unsafe { csmail_pop3_extended_error(h, &mut info) }, CSMAIL_OK);
    let r = read_info(info);
    assert_eq!(csmail_errorinfo_release(info), CSMAIL_OK);
    r
}

fn read_info(info: *const csmail_errorinfo) -> (i32, String, i32) {
    let (mut number, mut os) = (0, 0);
    let mut needed = 0usize;
    // SAFETY: local out-pointers; buffer sized by the first call.
    unsafe {
        assert_eq!(csmail_errorinfo_number(info, &mut number), CSMAIL_OK);
        assert_eq!(csmail_errorinfo_os_error(info, &mut os), CSMAIL_OK);
        assert_eq!(csmail_errorinfo_text(info, null_mut(), 0, &mut needed), CSMAIL_OK);
        let mut buf = vec![0 as c_char; needed];
        assert_eq!(csmail_errorinfo_text(info, buf.as_mut_ptr(), buf.len(), null_mut()), CSMAIL_OK);
        (number, CStr::from_ptr(buf.as_ptr()).to_str().unwrap().to_owned(), os)
    }
}

// ---- every function of each object, called with one token ----

/// (function, its result, this thread's last eex right after it, last error text).
type Calls = Vec<(&'static str, i32, i32, String)>;

/// Records one call: `rc` is evaluated (the call made) before this reads the last error.
fn rec(name: &'static str, rc: i32) -> (&'static str, i32, i32, String) {
    (name, rc, csmail_last_eex(), last_text())
}

fn smtp_calls(t: usize) -> Calls {
    let h = t as *const csmail_smtp;
    let mut i = 0i32;
    let mut n = 0usize;
    let mut buf = [0 as c_char; 64];
    let mut info: *mut csmail_errorinfo = null_mut();
    let host = cs("127.0.0.1");
    let from = cs("a@example.com");
    let rcpt = cs("b@example.com");
    let rcpts = [rcpt.as_ptr()];
    let other = csmail_loghandler_new();
    // SAFETY: every pointer argument is a valid local; the handle is what is under test.
    let calls = unsafe {
        vec![
            rec("csmail_smtp_addref", csmail_smtp_addref(h)),
            rec("csmail_smtp_set_str", csmail_smtp_set_str(h, CSMAIL_PROP_HOST, host.as_ptr())),
            rec("csmail_smtp_get_str", csmail_smtp_get_str(h, CSMAIL_PROP_HOST, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_smtp_set_int", csmail_smtp_set_int(h, CSMAIL_PROP_PORT, 25)),
            rec("csmail_smtp_get_int", csmail_smtp_get_int(h, CSMAIL_PROP_PORT, &mut i)),
            rec("csmail_smtp_set_advanced_handler", csmail_smtp_set_advanced_handler(h, other as *const c_void)),
            rec("csmail_smtp_remove_advanced_handler", csmail_smtp_remove_advanced_handler(h, other as *const c_void)),
            rec("csmail_smtp_extended_error", csmail_smtp_extended_error(h, &mut info)),
            rec("csmail_smtp_set_progress_callback", csmail_smtp_set_progress_callback(h, None, null_mut())),
            rec("csmail_smtp_connect", csmail_smtp_connect(h)),
            rec("csmail_smtp_send_mem", csmail_smtp_send_mem(h, from.as_ptr(), rcpts.as_ptr(), 1, b"x".as_ptr(), 1)),
            rec("csmail_smtp_reset", csmail_smtp_reset(h)),
            rec("csmail_smtp_disconnect", csmail_smtp_disconnect(h)),
            rec("csmail_smtp_abort", csmail_smtp_abort(h)),
            rec("csmail_smtp_release", csmail_smtp_release(h)),
        ]
    };
    assert!(info.is_null(), "an ErrorInfo was made for an invalid handle");
    assert_eq!(csmail_loghandler_release(other), CSMAIL_OK);
    calls
}

fn pop3_calls(t: usize) -> Calls {
    let h = t as *const csmail_pop3;
    let (mut i, mut count, mut size, mut committed) = (0i32, 0u32, 0u64, 0i32);
    let mut n = 0usize;
    let mut buf = [0 as c_char; 64];
    let mut msg: *mut csmail_message = null_mut();
    let host = cs("127.0.0.1");
    // SAFETY: as in smtp_calls.
    let calls = unsafe {
        vec![
            rec("csmail_pop3_addref", csmail_pop3_addref(h)),
            rec("csmail_pop3_set_str", csmail_pop3_set_str(h, CSMAIL_PROP_HOST, host.as_ptr())),
            rec("csmail_pop3_get_str", csmail_pop3_get_str(h, CSMAIL_PROP_HOST, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_pop3_set_int", csmail_pop3_set_int(h, CSMAIL_PROP_PORT, 110)),
            rec("csmail_pop3_get_int", csmail_pop3_get_int(h, CSMAIL_PROP_PORT, &mut i)),
            rec("csmail_pop3_connect", csmail_pop3_connect(h)),
            rec("csmail_pop3_stat", csmail_pop3_stat(h, &mut count, &mut size)),
            rec("csmail_pop3_message_size", csmail_pop3_message_size(h, 1, &mut size)),
            rec("csmail_pop3_retrieve", csmail_pop3_retrieve(h, 1, &mut msg)),
            rec("csmail_pop3_delete", csmail_pop3_delete(h, 1)),
            rec("csmail_pop3_noop", csmail_pop3_noop(h)),
            rec("csmail_pop3_reset", csmail_pop3_reset(h)),
            rec("csmail_pop3_disconnect", csmail_pop3_disconnect(h, &mut committed)),
            rec("csmail_pop3_abort", csmail_pop3_abort(h)),
            rec("csmail_pop3_release", csmail_pop3_release(h)),
        ]
    };
    assert!(msg.is_null());
    calls
}

fn ssl_calls(t: usize) -> Calls {
    let h = t as *const csmail_sslinfo;
    let mut i = 0i32;
    let mut n = 0usize;
    let mut buf = [0 as c_char; 64];
    let mut arr = [0i32; 4];
    let path = cs("/tmp/ca.pem");
    // SAFETY: as in smtp_calls.
    unsafe {
        vec![
            rec("csmail_sslinfo_addref", csmail_sslinfo_addref(h)),
            rec("csmail_sslinfo_set_mode", csmail_sslinfo_set_mode(h, MODE_STARTTLS)),
            rec("csmail_sslinfo_get_mode", csmail_sslinfo_get_mode(h, &mut i)),
            rec("csmail_sslinfo_set_int", csmail_sslinfo_set_int(h, SSLNoServerNameCheck, 1)),
            rec("csmail_sslinfo_get_int", csmail_sslinfo_get_int(h, SSLNoServerNameCheck, &mut i)),
            rec("csmail_sslinfo_set_str", csmail_sslinfo_set_str(h, SSLCAFile, path.as_ptr())),
            rec("csmail_sslinfo_get_str", csmail_sslinfo_get_str(h, SSLCAFile, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec(
                "csmail_sslinfo_set_int_array",
                csmail_sslinfo_set_int_array(h, SSLConnectionProtocolIn, [SSL_TLS13].as_ptr(), 1),
            ),
            rec(
                "csmail_sslinfo_get_int_array",
                csmail_sslinfo_get_int_array(h, SSLConnectionProtocolIn, arr.as_mut_ptr(), arr.len(), &mut n),
            ),
            rec("csmail_sslinfo_release", csmail_sslinfo_release(h)),
        ]
    }
}

fn log_calls(t: usize) -> Calls {
    let h = t as *const csmail_loghandler;
    let mut i = 0i32;
    // SAFETY: as in smtp_calls.
    unsafe {
        vec![
            rec("csmail_loghandler_addref", csmail_loghandler_addref(h)),
            rec("csmail_loghandler_set_level", csmail_loghandler_set_level(h, LOG_S_FATAL)),
            rec("csmail_loghandler_get_level", csmail_loghandler_get_level(h, &mut i)),
            rec("csmail_loghandler_set_facility", csmail_loghandler_set_facility(h, LOG_F_SSL)),
            rec("csmail_loghandler_get_facility", csmail_loghandler_get_facility(h, &mut i)),
            rec("csmail_loghandler_set_callback", csmail_loghandler_set_callback(h, None, null_mut())),
            rec("csmail_loghandler_set_log_secrets", csmail_loghandler_set_log_secrets(h, 1)),
            rec("csmail_loghandler_release", csmail_loghandler_release(h)),
        ]
    }
}

fn errorinfo_calls(t: usize) -> Calls {
    let h = t as *const csmail_errorinfo;
    let mut i = 0i32;
    let mut n = 0usize;
    let mut buf = [0 as c_char; 64];
    // SAFETY: as in smtp_calls.
    unsafe {
        vec![
            rec("csmail_errorinfo_addref", csmail_errorinfo_addref(h)),
            rec("csmail_errorinfo_number", csmail_errorinfo_number(h, &mut i)),
            rec("csmail_errorinfo_os_error", csmail_errorinfo_os_error(h, &mut i)),
            rec("csmail_errorinfo_text", csmail_errorinfo_text(h, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_errorinfo_release", csmail_errorinfo_release(h)),
        ]
    }
}

fn message_calls(t: usize) -> Calls {
    let h = t as *const csmail_message;
    let mut data: *const u8 = null();
    let (mut len, mut n, mut n2) = (0usize, 0usize, 0usize);
    let mut i = 0i32;
    let (mut buf, mut buf2) = ([0 as c_char; 64], [0 as c_char; 64]);
    let mut sec: *mut csmail_section = null_mut();
    let (subject, to, addr, text, file) = (cs("Subject"), cs("To"), cs("b@example.com"), cs("hi"), cs("x.txt"));
    let (cid, path) = (cs("cid1"), cs("no-such-dir/x.eml"));
    // SAFETY: as in smtp_calls.
    let calls = unsafe {
        vec![
            rec("csmail_message_addref", csmail_message_addref(h)),
            rec("csmail_message_data", csmail_message_data(h, &mut data, &mut len)),
            rec("csmail_message_load_mem", csmail_message_load_mem(h, b"x".as_ptr(), 1)),
            rec("csmail_message_load_from_file", csmail_message_load_from_file(h, path.as_ptr())),
            rec("csmail_message_save_to_file", csmail_message_save_to_file(h, path.as_ptr())),
            rec(
                "csmail_message_get_header",
                csmail_message_get_header(h, subject.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut n),
            ),
            rec("csmail_message_set_header", csmail_message_set_header(h, subject.as_ptr(), text.as_ptr())),
            rec("csmail_message_add_header", csmail_message_add_header(h, subject.as_ptr(), text.as_ptr())),
            rec("csmail_message_header_count", csmail_message_header_count(h, &mut n)),
            rec(
                "csmail_message_header_at",
                csmail_message_header_at(
                    h,
                    0,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut n,
                    buf2.as_mut_ptr(),
                    buf2.len(),
                    &mut n2,
                ),
            ),
            rec("csmail_message_add_address", csmail_message_add_address(h, to.as_ptr(), null(), addr.as_ptr())),
            rec("csmail_message_address_count", csmail_message_address_count(h, to.as_ptr(), &mut n)),
            rec(
                "csmail_message_address_at",
                csmail_message_address_at(
                    h,
                    to.as_ptr(),
                    0,
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut n,
                    buf2.as_mut_ptr(),
                    buf2.len(),
                    &mut n2,
                ),
            ),
            rec("csmail_message_get_text_body", csmail_message_get_text_body(h, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_message_get_html_body", csmail_message_get_html_body(h, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_message_set_text_body", csmail_message_set_text_body(h, text.as_ptr())),
            rec("csmail_message_set_html_body", csmail_message_set_html_body(h, text.as_ptr())),
            rec("csmail_message_get_priority", csmail_message_get_priority(h, &mut i)),
            rec("csmail_message_set_priority", csmail_message_set_priority(h, 1)),
            rec(
                "csmail_message_add_attachment_file",
                csmail_message_add_attachment_file(h, path.as_ptr(), null(), null(), &mut sec),
            ),
            rec(
                "csmail_message_add_attachment_mem",
                csmail_message_add_attachment_mem(h, file.as_ptr(), b"x".as_ptr(), 1, null(), &mut sec),
            ),
            rec(
                "csmail_message_add_inline_mem",
                csmail_message_add_inline_mem(h, cid.as_ptr(), file.as_ptr(), b"x".as_ptr(), 1, null(), &mut sec),
            ),
            rec(
                "csmail_message_add_inline_file",
                csmail_message_add_inline_file(h, cid.as_ptr(), path.as_ptr(), null(), &mut sec),
            ),
            rec("csmail_message_section_count", csmail_message_section_count(h, &mut n)),
            rec("csmail_message_section", csmail_message_section(h, 0, &mut sec)),
            rec("csmail_message_attachment_count", csmail_message_attachment_count(h, &mut n)),
            rec("csmail_message_attachment", csmail_message_attachment(h, 0, &mut sec)),
            rec("csmail_message_body", csmail_message_body(h, &mut sec)),
            rec("csmail_message_add_section", csmail_message_add_section(h, null())),
            rec("csmail_message_remove_section", csmail_message_remove_section(h, null())),
            rec("csmail_message_limits_exceeded", csmail_message_limits_exceeded(h, &mut i)),
            rec("csmail_message_release", csmail_message_release(h)),
        ]
    };
    assert!(data.is_null());
    assert!(sec.is_null(), "a Section was made for an invalid Message handle");
    calls
}

fn section_calls(t: usize) -> Calls {
    let h = t as *const csmail_section;
    let (mut n, mut size) = (0usize, 0u64);
    let mut i = 0i32;
    let mut buf = [0 as c_char; 64];
    let mut bytes = [0u8; 64];
    let mut child: *mut csmail_section = null_mut();
    let (name, value, folder) = (cs("X-Tag"), cs("v"), cs("no-such-dir"));
    // Property 0 is no section property: the handle is checked before the property.
    // SAFETY: as in smtp_calls.
    let calls = unsafe {
        vec![
            rec("csmail_section_addref", csmail_section_addref(h)),
            rec("csmail_section_get_str", csmail_section_get_str(h, 0, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_section_set_str", csmail_section_set_str(h, 0, value.as_ptr())),
            rec(
                "csmail_section_get_param",
                csmail_section_get_param(h, name.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut n),
            ),
            rec("csmail_section_set_param", csmail_section_set_param(h, name.as_ptr(), value.as_ptr())),
            rec(
                "csmail_section_get_header",
                csmail_section_get_header(h, name.as_ptr(), buf.as_mut_ptr(), buf.len(), &mut n),
            ),
            rec("csmail_section_set_header", csmail_section_set_header(h, name.as_ptr(), value.as_ptr())),
            rec("csmail_section_size", csmail_section_size(h, &mut size)),
            rec("csmail_section_is_attachment", csmail_section_is_attachment(h, &mut i)),
            rec("csmail_section_content", csmail_section_content(h, bytes.as_mut_ptr(), bytes.len(), &mut n)),
            rec("csmail_section_text", csmail_section_text(h, buf.as_mut_ptr(), buf.len(), &mut n)),
            rec("csmail_section_content_cb", csmail_section_content_cb(h, None, null_mut())),
            rec("csmail_section_save_to_file", csmail_section_save_to_file(h, folder.as_ptr(), name.as_ptr())),
            rec("csmail_section_set_content_mem", csmail_section_set_content_mem(h, b"x".as_ptr(), 1)),
            rec("csmail_section_set_content_file", csmail_section_set_content_file(h, folder.as_ptr())),
            rec("csmail_section_set_text", csmail_section_set_text(h, value.as_ptr())),
            rec("csmail_section_child_count", csmail_section_child_count(h, &mut n)),
            rec("csmail_section_child", csmail_section_child(h, 0, &mut child)),
            rec("csmail_section_add_child", csmail_section_add_child(h, null())),
            rec("csmail_section_release", csmail_section_release(h)),
        ]
    };
    assert!(child.is_null(), "a Section was made for an invalid Section handle");
    calls
}

fn proxy_calls(t: usize) -> Calls {
    let h = t as *const csmail_proxyinfo;
    let mut i = 0i32;
    let mut n = 0usize;
    let mut buf = [0 as c_char; 64];
    let host = cs("127.0.0.1");
    // SAFETY: as in smtp_calls.
    unsafe {
        vec![
            rec("csmail_proxyinfo_addref", csmail_proxyinfo_addref(h)),
            rec("csmail_proxyinfo_set_str", csmail_proxyinfo_set_str(h, CSMAIL_PROP_HOST, host.as_ptr())),
            rec(
                "csmail_proxyinfo_get_str",
                csmail_proxyinfo_get_str(h, CSMAIL_PROP_HOST, buf.as_mut_ptr(), buf.len(), &mut n),
            ),
            rec("csmail_proxyinfo_set_int", csmail_proxyinfo_set_int(h, CSMAIL_PROP_PORT, 1080)),
            rec("csmail_proxyinfo_get_int", csmail_proxyinfo_get_int(h, CSMAIL_PROP_PORT, &mut i)),
            rec("csmail_proxyinfo_release", csmail_proxyinfo_release(h)),
        ]
    }
}

/// Every call of the batch must have failed with CSMAIL_E_INVALID_HANDLE and left
/// eexInvalidHandle (and a text naming the handle) as this thread's last error.
#[track_caller]
fn assert_all_invalid(what: &str, calls: impl Fn(usize) -> Calls, token: usize) {
    let results = calls(token);
    assert!(!results.is_empty());
    for (name, rc, eex, text) in &results {
        assert_eq!(*rc, CSMAIL_E_INVALID_HANDLE, "{what}: {name} returned {rc} ({text})");
        assert_eq!(*eex, eexInvalidHandle, "{what}: {name}: csmail_last_eex ({text})");
        assert!(text.contains("handle"), "{what}: {name}: {text}");
    }
}

/// Each object's name and the function that lists its calls for a handle.
type CallTable = [(&'static str, fn(usize) -> Calls); 8];

fn all_calls() -> CallTable {
    [
        ("SMTPClient", smtp_calls),
        ("POP3Client", pop3_calls),
        ("SSLInfo", ssl_calls),
        ("LogHandler", log_calls),
        ("ErrorInfo", errorinfo_calls),
        ("Message", message_calls),
        ("Section", section_calls),
        ("ProxyInfo", proxy_calls),
    ]
}

/// A Message handle, made the only way the C API makes one: RETR from a (scripted) server.
fn retrieved_message() -> *mut csmail_message {
    let s = Scripted::start("pop3_retr_one", false);
    let p = csmail_pop3_new();
    let (host, user, pass) = (cs("127.0.0.1"), cs("u"), cs("p"));
    let mut msg: *mut csmail_message = null_mut();
    let mut committed = 0;
    // SAFETY: valid handle and local pointers.
    unsafe {
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_PORT, s.port() as i32), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_TIMEOUT_MS, 1500), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_connect(p), CSMAIL_OK, "{}", last_text());
        assert_eq!(csmail_pop3_retrieve(p, 1, &mut msg), CSMAIL_OK, "{}", last_text());
        assert_eq!(csmail_pop3_disconnect(p, &mut committed), CSMAIL_OK);
    }
    assert_eq!(committed, 1);
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    let out = s.finish();
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
    let (mut data, mut len) = (null(), 0usize);
    // SAFETY: valid handle, local out-pointers; data is valid while the handle lives.
    unsafe {
        assert_eq!(csmail_message_data(msg, &mut data, &mut len), CSMAIL_OK);
        assert_eq!(std::slice::from_raw_parts(data, len), b"Subject: one\r\n\r\nbody\r\n");
    }
    msg
}

/// A free-standing text/plain Section.
fn new_section() -> *mut csmail_section {
    let mut s: *mut csmail_section = null_mut();
    // SAFETY: NULL content type (text/plain), local out-pointer.
    assert_eq!(unsafe { csmail_section_new(null(), &mut s) }, CSMAIL_OK);
    assert!(!s.is_null());
    s
}

/// One live handle of each object type, as tokens.
fn one_of_each() -> [(&'static str, usize); 8] {
    let smtp = csmail_smtp_new();
    let mut info: *mut csmail_errorinfo = null_mut();
    // SAFETY: valid handle, local out-pointer.
    assert_eq!(unsafe { csmail_smtp_extended_error(smtp, &mut info) }, CSMAIL_OK);
    [
        ("SMTPClient", smtp as usize),
        ("POP3Client", csmail_pop3_new() as usize),
        ("SSLInfo", csmail_sslinfo_new() as usize),
        ("LogHandler", csmail_loghandler_new() as usize),
        ("ErrorInfo", info as usize),
        ("Message", retrieved_message() as usize),
        ("Section", new_section() as usize),
        ("ProxyInfo", csmail_proxyinfo_new(CSMAIL_PROXY_SOCKS5) as usize),
    ]
}

fn release_token(kind: &str, t: usize) -> i32 {
    match kind {
        "SMTPClient" => csmail_smtp_release(t as *const _),
        "POP3Client" => csmail_pop3_release(t as *const _),
        "SSLInfo" => csmail_sslinfo_release(t as *const _),
        "LogHandler" => csmail_loghandler_release(t as *const _),
        "ErrorInfo" => csmail_errorinfo_release(t as *const _),
        "Message" => csmail_message_release(t as *const _),
        "Section" => csmail_section_release(t as *const _),
        "ProxyInfo" => csmail_proxyinfo_release(t as *const _),
        _ => unreachable!(),
    }
}

fn addref_token(kind: &str, t: usize) -> i32 {
    match kind {
        "SMTPClient" => csmail_smtp_addref(t as *const _),
        "POP3Client" => csmail_pop3_addref(t as *const _),
        "SSLInfo" => csmail_sslinfo_addref(t as *const _),
        "LogHandler" => csmail_loghandler_addref(t as *const _),
        "ErrorInfo" => csmail_errorinfo_addref(t as *const _),
        "Message" => csmail_message_addref(t as *const _),
        "Section" => csmail_section_addref(t as *const _),
        "ProxyInfo" => csmail_proxyinfo_addref(t as *const _),
        _ => unreachable!(),
    }
}

/// A harmless call that succeeds on a live handle of the kind.
fn probe(kind: &str, t: usize) -> i32 {
    let mut i = 0i32;
    let mut data: *const u8 = null();
    let mut len = 0usize;
    let mut size = 0u64;
    // SAFETY: local out-pointers.
    unsafe {
        match kind {
            "SMTPClient" => csmail_smtp_get_int(t as *const _, CSMAIL_PROP_PORT, &mut i),
            "POP3Client" => csmail_pop3_get_int(t as *const _, CSMAIL_PROP_PORT, &mut i),
            "SSLInfo" => csmail_sslinfo_get_mode(t as *const _, &mut i),
            "LogHandler" => csmail_loghandler_get_level(t as *const _, &mut i),
            "ErrorInfo" => csmail_errorinfo_number(t as *const _, &mut i),
            "Message" => csmail_message_data(t as *const _, &mut data, &mut len),
            "Section" => csmail_section_size(t as *const _, &mut size),
            "ProxyInfo" => csmail_proxyinfo_get_int(t as *const _, CSMAIL_PROP_PORT, &mut i),
            _ => unreachable!(),
        }
    }
}

// =============================================================================================
// Invalid handles
// =============================================================================================

#[test]
fn null_handles_are_invalid_for_every_function() {
    for (what, calls) in all_calls() {
        clear_last();
        assert_all_invalid(what, calls, 0);
    }
}

#[test]
fn released_handles_are_invalid_for_every_function() {
    let objects = one_of_each();
    for (kind, t) in objects {
        assert_eq!(release_token(kind, t), CSMAIL_OK, "{kind}");
        let (_, calls) = all_calls().into_iter().find(|(k, _)| *k == kind).unwrap();
        clear_last();
        assert_all_invalid(kind, calls, t);
    }
}

#[test]
fn wrong_type_handles_are_invalid_and_leave_the_object_alone() {
    let objects = one_of_each();
    for (kind, t) in objects {
        for (other, calls) in all_calls() {
            if other == kind {
                continue;
            }
            clear_last();
            assert_all_invalid(&format!("{kind} handle as {other}"), calls, t);
            // Not released nor changed by the other type's release/addref.
            assert_eq!(probe(kind, t), CSMAIL_OK, "{kind} after {other} calls");
        }
        assert_eq!(release_token(kind, t), CSMAIL_OK, "{kind}: exactly one reference left");
        assert_eq!(probe(kind, t), CSMAIL_E_INVALID_HANDLE);
    }
}

#[test]
fn garbage_pointer_values_are_invalid() {
    for t in [1usize, 8, 0xdead_beef, usize::MAX, 0x0010_0000] {
        for (what, calls) in all_calls() {
            clear_last();
            assert_all_invalid(&format!("{what} {t:#x}"), calls, t);
        }
    }
}

#[test]
fn addref_release_counting() {
    for (kind, t) in one_of_each() {
        // One reference from creation, one more from addref.
        assert_eq!(addref_token(kind, t), CSMAIL_OK, "{kind}");
        assert_eq!(release_token(kind, t), CSMAIL_OK, "{kind}: first release");
        assert_eq!(probe(kind, t), CSMAIL_OK, "{kind}: alive after one of two releases");
        assert_eq!(release_token(kind, t), CSMAIL_OK, "{kind}: second release");
        clear_last();
        check(&format!("{kind}: third release"), release_token(kind, t), CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);
        clear_last();
        check(&format!("{kind}: use after release"), probe(kind, t), CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);
        clear_last();
        check(
            &format!("{kind}: addref after release"),
            addref_token(kind, t),
            CSMAIL_E_INVALID_HANDLE,
            eexInvalidHandle,
        );
    }
}

#[test]
fn handles_are_never_reused() {
    let a = csmail_sslinfo_new();
    assert_eq!(csmail_sslinfo_release(a), CSMAIL_OK);
    let b = csmail_sslinfo_new();
    assert_ne!(a, b);
    assert_eq!(probe("SSLInfo", a as usize), CSMAIL_E_INVALID_HANDLE);
    assert_eq!(probe("SSLInfo", b as usize), CSMAIL_OK);
    assert_eq!(csmail_sslinfo_release(b), CSMAIL_OK);
}

// =============================================================================================
// Strings in
// =============================================================================================

#[test]
fn invalid_utf8_strings_are_refused() {
    let bad = c"\xff\xfe".as_ptr();
    let smtp = csmail_smtp_new();
    // SAFETY: bad is NUL-terminated.
    let rc = unsafe { csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, bad) };
    check("csmail_smtp_set_str", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidUtf8);
    let text = last_text();
    assert!(text.contains("UTF-8"), "{text}");
    assert_eq!(smtp_info(smtp), (eexInvalidUtf8, text, 0));

    let pop = csmail_pop3_new();
    // SAFETY: as above.
    let rc = unsafe { csmail_pop3_set_str(pop, CSMAIL_PROP_USER, bad) };
    check("csmail_pop3_set_str", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidUtf8);
    assert_eq!(pop3_info(pop).0, eexInvalidUtf8);

    let ssl = csmail_sslinfo_new();
    // SAFETY: as above.
    let rc = unsafe { csmail_sslinfo_set_str(ssl, SSLCAFile, bad) };
    check("csmail_sslinfo_set_str", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidUtf8);

    // In the envelope of a send: refused before the connection is even looked at.
    let good = cs("b@example.com");
    let rcpts_bad = [bad];
    let rcpts_good = [good.as_ptr()];
    // SAFETY: NUL-terminated strings, one-element arrays, 1-byte data.
    unsafe {
        let rc = csmail_smtp_send_mem(smtp, bad, rcpts_good.as_ptr(), 1, b"x".as_ptr(), 1);
        check("send_mem bad from", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidUtf8);
        assert_eq!(smtp_info(smtp).0, eexInvalidUtf8);
        let rc = csmail_smtp_send_mem(smtp, good.as_ptr(), rcpts_bad.as_ptr(), 1, b"x".as_ptr(), 1);
        check("send_mem bad recipient", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidUtf8);
    }
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
    assert_eq!(csmail_pop3_release(pop), CSMAIL_OK);
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
}

#[test]
fn null_and_forbidden_strings_are_refused() {
    let smtp = csmail_smtp_new();
    // SAFETY: NULL is allowed by the contract and must be refused.
    let rc = unsafe { csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, null()) };
    check("set_str NULL", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(smtp_info(smtp).0, eexInvalidArgument);
    for v in ["mail.example.com\r\nQUIT", "u\nx"] {
        let c = cs(v);
        // SAFETY: NUL-terminated.
        let rc = unsafe { csmail_smtp_set_str(smtp, CSMAIL_PROP_USER, c.as_ptr()) };
        check("set_str CR/LF", rc, CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
        assert_eq!(smtp_info(smtp).0, eexForbiddenCharacter);
    }
    // A later successful property call clears this thread's last error but leaves ErrorInfo:
    // reading or setting a property must not erase why the last call failed.
    let ok = cs("user");
    // SAFETY: NUL-terminated.
    assert_eq!(unsafe { csmail_smtp_set_str(smtp, CSMAIL_PROP_USER, ok.as_ptr()) }, CSMAIL_OK);
    assert_eq!(csmail_last_eex(), 0);
    assert_eq!(smtp_info(smtp).0, eexForbiddenCharacter);
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
}

#[test]
fn null_arrays_and_out_pointers_are_refused() {
    let smtp = csmail_smtp_new();
    let from = cs("a@example.com");
    // SAFETY: NULL pointers are what is under test; counts say they would be read.
    unsafe {
        let rc = csmail_smtp_send_mem(smtp, from.as_ptr(), null(), 1, b"x".as_ptr(), 1);
        check("send_mem NULL recipients", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rcpt = cs("b@example.com");
        let rcpts = [rcpt.as_ptr()];
        let rc = csmail_smtp_send_mem(smtp, from.as_ptr(), rcpts.as_ptr(), 1, null(), 5);
        check("send_mem NULL data", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        assert_eq!(smtp_info(smtp).0, eexInvalidArgument);
        let rc = csmail_smtp_send_cb(smtp, from.as_ptr(), rcpts.as_ptr(), 1, None, null_mut());
        check("send_cb NULL callback", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_PORT, null_mut());
        check("get_int NULL out", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rc = csmail_smtp_extended_error(smtp, null_mut());
        check("extended_error NULL out", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        // Valid arguments, no connection.
        let rc = csmail_smtp_send_mem(smtp, from.as_ptr(), rcpts.as_ptr(), 1, b"x".as_ptr(), 1);
        check("send_mem unconnected", rc, CSMAIL_E_NOT_CONNECTED, eexNotConnected);
        let path = cs("/nonexistent/csmail/message.eml");
        let rc = csmail_smtp_send_file(smtp, from.as_ptr(), rcpts.as_ptr(), 1, path.as_ptr());
        check("send_file missing file", rc, CSMAIL_E_IO, eexMessageSource);
        let (n, _, os) = smtp_info(smtp);
        assert_eq!((n, os), (eexMessageSource, libc::ENOENT));
    }
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);

    let pop = csmail_pop3_new();
    let mut size = 0u64;
    // SAFETY: as above.
    unsafe {
        let rc = csmail_pop3_retrieve(pop, 1, null_mut());
        check("retrieve NULL out", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rc = csmail_pop3_message_size(pop, 1, null_mut());
        check("message_size NULL out", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rc = csmail_pop3_retrieve_many(pop, null(), 2, 0, None, null_mut());
        check("retrieve_many NULL callback", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rc = csmail_pop3_message_size(pop, 0, &mut size);
        check("message_size 0", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
        let rc = csmail_pop3_message_size(pop, 1, &mut size);
        check("message_size unconnected", rc, CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    }
    assert_eq!(csmail_pop3_release(pop), CSMAIL_OK);
}

// =============================================================================================
// Strings out: caller buffers
// =============================================================================================

#[test]
fn get_str_buffer_sizing() {
    let smtp = csmail_smtp_new();
    let host = cs("example.org");
    // SAFETY: valid handle and local buffers with the stated lengths.
    unsafe {
        assert_eq!(csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        // NULL buffer: only the size (with the NUL).
        let mut needed = 0usize;
        assert_eq!(csmail_smtp_get_str(smtp, CSMAIL_PROP_HOST, null_mut(), 0, &mut needed), CSMAIL_OK);
        assert_eq!(needed, 12);
        // One byte short: refused, buffer untouched, size still reported.
        let mut small = [0x55 as c_char; 11];
        needed = 0;
        let rc = csmail_smtp_get_str(smtp, CSMAIL_PROP_HOST, small.as_mut_ptr(), small.len(), &mut needed);
        check("get_str too small", rc, CSMAIL_E_BUFFER_TOO_SMALL, eexBufferTooSmall);
        assert!(small.iter().all(|&b| b == 0x55), "a too-small buffer was written: {small:?}");
        assert_eq!(needed, 12);
        assert_eq!(smtp_info(smtp).0, eexBufferTooSmall);
        // Zero-length non-NULL buffer: too small as well.
        let rc = csmail_smtp_get_str(smtp, CSMAIL_PROP_HOST, small.as_mut_ptr(), 0, null_mut());
        check("get_str len 0", rc, CSMAIL_E_BUFFER_TOO_SMALL, eexBufferTooSmall);
        assert!(small.iter().all(|&b| b == 0x55));
        // Exact size.
        let mut exact = [0x55 as c_char; 12];
        let rc = csmail_smtp_get_str(smtp, CSMAIL_PROP_HOST, exact.as_mut_ptr(), exact.len(), null_mut());
        assert_eq!(rc, CSMAIL_OK);
        assert_eq!(csmail_last_eex(), 0);
        assert_eq!(CStr::from_ptr(exact.as_ptr()).to_bytes(), b"example.org");
        // Larger: the string, its NUL, and nothing written past it.
        let mut big = [0x55 as c_char; 32];
        assert_eq!(csmail_smtp_get_str(smtp, CSMAIL_PROP_HOST, big.as_mut_ptr(), big.len(), null_mut()), CSMAIL_OK);
        assert_eq!(big[11], 0);
        assert!(big[12..].iter().all(|&b| b == 0x55));
        // An empty string needs one byte.
        assert_eq!(csmail_smtp_get_str(smtp, CSMAIL_PROP_EHLO_NAME, null_mut(), 0, &mut needed), CSMAIL_OK);
        assert_eq!(needed, 1);
        let mut one = [0x55 as c_char; 1];
        assert_eq!(csmail_smtp_get_str(smtp, CSMAIL_PROP_EHLO_NAME, one.as_mut_ptr(), 1, null_mut()), CSMAIL_OK);
        assert_eq!(one[0], 0);
        // The write-only password is not readable at any size.
        let rc = csmail_smtp_get_str(smtp, CSMAIL_PROP_PASSWORD, null_mut(), 0, &mut needed);
        check("get_str password", rc, CSMAIL_E_NOT_SUPPORTED, eexNotSupported);
    }
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
}

#[test]
fn errorinfo_and_last_error_text_sizing() {
    let smtp = csmail_smtp_new();
    // SAFETY: valid handle; NUL-terminated string.
    assert_eq!(unsafe { csmail_smtp_set_str(smtp, 999, cs("x").as_ptr()) }, CSMAIL_E_INVALID_ARGUMENT);
    assert_eq!(csmail_last_eex(), eexUnknownOption);
    let text = last_text();
    assert!(!text.is_empty());
    let mut info: *mut csmail_errorinfo = null_mut();
    // SAFETY: local out-pointers and buffers with the stated lengths.
    unsafe {
        assert_eq!(csmail_smtp_extended_error(smtp, &mut info), CSMAIL_OK);
        let mut needed = 0usize;
        assert_eq!(csmail_errorinfo_text(info, null_mut(), 0, &mut needed), CSMAIL_OK);
        assert_eq!(needed, text.len() + 1);
        let mut small = vec![0x55 as c_char; needed - 1];
        let rc = csmail_errorinfo_text(info, small.as_mut_ptr(), small.len(), null_mut());
        check("errorinfo_text too small", rc, CSMAIL_E_BUFFER_TOO_SMALL, eexBufferTooSmall);
        assert!(small.iter().all(|&b| b == 0x55));
        // csmail_last_error_text does not change the last error, even when it fails.
        let mut tiny = [0x55 as c_char; 2];
        assert_eq!(csmail_last_error_text(tiny.as_mut_ptr(), 2, &mut needed), CSMAIL_E_BUFFER_TOO_SMALL);
        assert!(tiny.iter().all(|&b| b == 0x55));
        assert_eq!(csmail_last_eex(), eexBufferTooSmall);
        let mut n = 0;
        assert_eq!(csmail_errorinfo_number(info, &mut n), CSMAIL_OK);
        assert_eq!(n, eexUnknownOption);
        let rc = csmail_errorinfo_number(info, null_mut());
        check("errorinfo_number NULL out", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    }
    assert_eq!(csmail_errorinfo_release(info), CSMAIL_OK);
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
}

// =============================================================================================
// Advanced handlers
// =============================================================================================

#[test]
fn set_advanced_handler_refuses_objects_that_are_not_handlers() {
    let smtp = csmail_smtp_new();
    let pop = csmail_pop3_new();
    let mut info: *mut csmail_errorinfo = null_mut();
    // SAFETY: local out-pointer.
    assert_eq!(unsafe { csmail_smtp_extended_error(smtp, &mut info) }, CSMAIL_OK);
    let msg = retrieved_message();
    for (what, h) in [
        ("ErrorInfo", info as *const c_void),
        ("Message", msg as *const c_void),
        ("POP3Client", pop as *const c_void),
        ("the SMTPClient itself", smtp as *const c_void),
    ] {
        clear_last();
        check(
            &format!("smtp <- {what}"),
            csmail_smtp_set_advanced_handler(smtp, h),
            CSMAIL_E_NOT_SUPPORTED,
            eexNotSupported,
        );
        assert_eq!(smtp_info(smtp).0, eexNotSupported);
        clear_last();
        check(
            &format!("pop3 <- {what}"),
            csmail_pop3_set_advanced_handler(pop, h),
            CSMAIL_E_NOT_SUPPORTED,
            eexNotSupported,
        );
        clear_last();
        check(
            &format!("smtp remove {what}"),
            csmail_smtp_remove_advanced_handler(smtp, h),
            CSMAIL_E_NOT_SUPPORTED,
            eexNotSupported,
        );
    }
    // NULL and released handlers are invalid handles.
    clear_last();
    check("smtp <- NULL", csmail_smtp_set_advanced_handler(smtp, null()), CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);
    let ssl = csmail_sslinfo_new();
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
    clear_last();
    check(
        "smtp <- released SSLInfo",
        csmail_smtp_set_advanced_handler(smtp, ssl as *const c_void),
        CSMAIL_E_INVALID_HANDLE,
        eexInvalidHandle,
    );
    // Real handlers are accepted, and the caller may release its reference at once.
    let ssl = csmail_sslinfo_new();
    let log = csmail_loghandler_new();
    assert_eq!(csmail_smtp_set_advanced_handler(smtp, ssl as *const c_void), CSMAIL_OK);
    assert_eq!(csmail_smtp_set_advanced_handler(smtp, log as *const c_void), CSMAIL_OK);
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
    assert_eq!(csmail_loghandler_release(log), CSMAIL_OK);
    for h in [info as usize, msg as usize, pop as usize, smtp as usize] {
        let kind = match h {
            x if x == info as usize => "ErrorInfo",
            x if x == msg as usize => "Message",
            x if x == pop as usize => "POP3Client",
            _ => "SMTPClient",
        };
        assert_eq!(release_token(kind, h), CSMAIL_OK, "{kind}");
    }
}

// =============================================================================================
// SSLInfo options through the C API
// =============================================================================================

#[test]
fn sslinfo_legacy_values_are_refused() {
    let ssl = csmail_sslinfo_new();
    // SAFETY: valid handle; one-element arrays.
    unsafe {
        for v in [SSL_SSL2, SSL_SSL3, SSL_PCT1] {
            clear_last();
            let rc = csmail_sslinfo_set_int_array(ssl, SSLConnectionProtocolIn, [SSL_TLS13, v].as_ptr(), 2);
            check(&format!("protocol {v:#x}"), rc, CSMAIL_E_INVALID_ARGUMENT, eexLegacyValue);
        }
        for v in [SSL_RC4, SSL_RC2, SSL_DES, SSL_3DES, SSL_SKIPJACK] {
            clear_last();
            let rc = csmail_sslinfo_set_int_array(ssl, SSLConnectionCipherIn, [v].as_ptr(), 1);
            check(&format!("cipher {v:#x}"), rc, CSMAIL_E_INVALID_ARGUMENT, eexLegacyValue);
        }
        // Nothing was stored.
        let mut count = 99usize;
        assert_eq!(csmail_sslinfo_get_int_array(ssl, SSLConnectionProtocolIn, null_mut(), 0, &mut count), CSMAIL_OK);
        assert_eq!(count, 0);
        assert_eq!(csmail_sslinfo_get_int_array(ssl, SSLConnectionCipherIn, null_mut(), 0, &mut count), CSMAIL_OK);
        assert_eq!(count, 0);
        // NULL values with a count.
        let rc = csmail_sslinfo_set_int_array(ssl, SSLConnectionCipherIn, null(), 2);
        check("NULL values", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    }
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
}

#[test]
fn sslinfo_output_options_are_read_only() {
    let ssl = csmail_sslinfo_new();
    for idx in [
        SSLConnectionProtocolOut,
        SSLConnectionCipherOut,
        SSLCipherStrength,
        SSLHash,
        SSLHashStrength,
        SSLExchange,
        SSLExchangeStrength,
        SSLExchangeGroup,
        SSLCipherSuite,
        SSLCertificateStatus,
    ] {
        clear_last();
        check(
            &format!("set output {idx}"),
            csmail_sslinfo_set_int(ssl, idx, 1),
            CSMAIL_E_INVALID_ARGUMENT,
            eexReadOnlyOption,
        );
        let mut v = 7;
        // SAFETY: local out-pointer.
        assert_eq!(unsafe { csmail_sslinfo_get_int(ssl, idx, &mut v) }, CSMAIL_OK);
        assert_eq!(v, 0, "output {idx} before any connect");
    }
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
}

#[test]
fn sslinfo_unknown_option_index() {
    let ssl = csmail_sslinfo_new();
    let mut v = 0;
    let mut n = 0usize;
    let s = cs("x");
    for idx in [-1, 20, 9999, i32::MAX] {
        // SAFETY: local out-pointers, NUL-terminated string.
        unsafe {
            clear_last();
            check("set_int", csmail_sslinfo_set_int(ssl, idx, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
            clear_last();
            check("get_int", csmail_sslinfo_get_int(ssl, idx, &mut v), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
            clear_last();
            check("set_str", csmail_sslinfo_set_str(ssl, idx, s.as_ptr()), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
            clear_last();
            let rc = csmail_sslinfo_get_str(ssl, idx, null_mut(), 0, &mut n);
            check("get_str", rc, CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
            clear_last();
            let rc = csmail_sslinfo_set_int_array(ssl, idx, [SSL_TLS13].as_ptr(), 1);
            check("set_int_array", rc, CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);
        }
        assert_eq!(csmail_sslinfo_option_type(idx), CSMAIL_OPTION_UNKNOWN);
        assert!(csmail_sslinfo_option_name(idx).is_null());
    }
    // SAFETY: static NUL-terminated names.
    unsafe {
        assert_eq!(CStr::from_ptr(csmail_sslinfo_option_name(SSLCAFile)).to_str().unwrap(), "SSLCAFile");
        assert_eq!(
            CStr::from_ptr(csmail_sslinfo_option_name(SSLNoServerNameCheck)).to_str().unwrap(),
            "SSLNoServerNameCheck"
        );
    }
    assert_eq!(csmail_sslinfo_option_type(SSLConnectionProtocolIn), CSMAIL_OPTION_INT_ARRAY);
    assert_eq!(csmail_sslinfo_option_type(SSLCAFile), CSMAIL_OPTION_STRING);
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
}

#[test]
fn sslinfo_int_array_sizing() {
    let ssl = csmail_sslinfo_new();
    // SAFETY: local arrays with the stated lengths.
    unsafe {
        let vals = [SSL_TLS12, SSL_TLS13];
        assert_eq!(csmail_sslinfo_set_int_array(ssl, SSLConnectionProtocolIn, vals.as_ptr(), 2), CSMAIL_OK);
        let mut count = 0usize;
        assert_eq!(csmail_sslinfo_get_int_array(ssl, SSLConnectionProtocolIn, null_mut(), 0, &mut count), CSMAIL_OK);
        assert_eq!(count, 2);
        let mut small = [-7i32; 1];
        let rc = csmail_sslinfo_get_int_array(ssl, SSLConnectionProtocolIn, small.as_mut_ptr(), 1, &mut count);
        check("get_int_array too small", rc, CSMAIL_E_BUFFER_TOO_SMALL, eexBufferTooSmall);
        assert_eq!(last_text(), "the buffer has 1 entries; 2 are needed");
        assert_eq!(small, [-7]);
        assert_eq!(count, 2);
        let mut exact = [0i32; 2];
        assert_eq!(
            csmail_sslinfo_get_int_array(ssl, SSLConnectionProtocolIn, exact.as_mut_ptr(), 2, null_mut()),
            CSMAIL_OK
        );
        assert_eq!(exact, vals);
        // count 0 restores the default (empty).
        assert_eq!(csmail_sslinfo_set_int_array(ssl, SSLConnectionProtocolIn, null(), 0), CSMAIL_OK);
        assert_eq!(csmail_sslinfo_get_int_array(ssl, SSLConnectionProtocolIn, null_mut(), 0, &mut count), CSMAIL_OK);
        assert_eq!(count, 0);
    }
    assert_eq!(csmail_sslinfo_release(ssl), CSMAIL_OK);
}

// =============================================================================================
// Static texts and the thread's last error
// =============================================================================================

#[test]
fn strerror_for_every_code() {
    let codes = [
        CSMAIL_OK,
        CSMAIL_E_INVALID_HANDLE,
        CSMAIL_E_INVALID_ARGUMENT,
        CSMAIL_E_BUFFER_TOO_SMALL,
        CSMAIL_E_NOT_SUPPORTED,
        CSMAIL_E_REENTRANT,
        CSMAIL_E_BUSY,
        CSMAIL_E_PANIC,
        CSMAIL_E_NOT_CONNECTED,
        CSMAIL_E_CONNECT,
        CSMAIL_E_AUTH,
        CSMAIL_E_SERVER,
        CSMAIL_E_NETWORK,
        CSMAIL_E_TIMEOUT,
        CSMAIL_E_ABORTED,
        CSMAIL_E_DELIVERY_UNKNOWN,
        CSMAIL_E_PROTOCOL,
        CSMAIL_E_IO,
        CSMAIL_E_TLS_CONFIG,
        CSMAIL_E_REFUSED_LOCALLY,
    ];
    let mut seen = std::collections::HashSet::new();
    for code in codes {
        let p = csmail_strerror(code);
        assert!(!p.is_null(), "code {code}");
        // SAFETY: static NUL-terminated text.
        let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap();
        assert_eq!(s, result_text(code));
        assert_ne!(s, "unknown result code", "code {code} has no text");
        assert!(seen.insert(s.to_owned()), "code {code} shares its text {s:?}");
        // The same static pointer every time.
        assert_eq!(csmail_strerror(code), p);
    }
    for code in [-1, 9, 21, 31, 32, 1000, i32::MIN, i32::MAX] {
        let p = csmail_strerror(code);
        assert!(!p.is_null());
        // SAFETY: static NUL-terminated text.
        assert_eq!(unsafe { CStr::from_ptr(p) }.to_str().unwrap(), "unknown result code", "code {code}");
    }
    // SAFETY: static NUL-terminated text.
    assert_eq!(unsafe { CStr::from_ptr(csmail_version()) }.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
}

#[test]
fn last_error_is_per_thread() {
    clear_last();
    check("here", csmail_smtp_connect(null()), CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);
    let other = std::thread::spawn(|| {
        let before = csmail_last_eex();
        let ssl = csmail_sslinfo_new();
        let rc = csmail_sslinfo_set_int(ssl, SSLCipherSuite, 1);
        let after = csmail_last_eex();
        csmail_sslinfo_release(ssl);
        (before, rc, after)
    })
    .join()
    .unwrap();
    assert_eq!(other, (0, CSMAIL_E_INVALID_ARGUMENT, eexReadOnlyOption));
    assert_eq!(csmail_last_eex(), eexInvalidHandle);
}

// =============================================================================================
// Through the C API against a scripted server: ErrorInfo, callbacks
// =============================================================================================

#[test]
fn connect_refused_through_c_api() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let smtp = csmail_smtp_new();
    let host = cs("127.0.0.1");
    // SAFETY: NUL-terminated.
    assert_eq!(unsafe { csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host.as_ptr()) }, CSMAIL_OK);
    assert_eq!(csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, port as i32), CSMAIL_OK);
    check("connect", csmail_smtp_connect(smtp), CSMAIL_E_CONNECT, eexTCPConnect);
    let last = last_text();
    assert!(last.contains(&format!("127.0.0.1:{port}")), "{last}");
    let (n, text, os) = smtp_info(smtp);
    assert_eq!((n, os), (eexTCPConnect, libc::ECONNREFUSED));
    assert_eq!(text, last);
    let mut connected = 9;
    // SAFETY: local out-pointer.
    assert_eq!(unsafe { csmail_smtp_get_int(smtp, CSMAIL_PROP_CONNECTED, &mut connected) }, CSMAIL_OK);
    assert_eq!(connected, 0);
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
}

struct ProgressSeen {
    calls: AtomicUsize,
    total: AtomicI64,
}

unsafe extern "system" fn stop_at_first(ud: *mut c_void, _done: u64, total: i64) -> i32 {
    // SAFETY: ud is the test's ProgressSeen, alive for the call.
    let seen = unsafe { &*(ud as *const ProgressSeen) };
    seen.calls.fetch_add(1, Ordering::SeqCst);
    seen.total.store(total, Ordering::SeqCst);
    1
}

unsafe extern "system" fn collect_log(ud: *mut c_void, _severity: i32, _facility: i32, message: *const c_char) {
    // SAFETY: ud is the test's Mutex<Vec<String>>; message is NUL-terminated for the call.
    let lines = unsafe { &*(ud as *const Mutex<Vec<String>>) };
    lines.lock().unwrap().push(unsafe { CStr::from_ptr(message) }.to_string_lossy().into_owned());
}

/// A C progress callback returning non-zero stops the send: CSMAIL_E_ABORTED, connection
/// closed, no terminator sent. The log callback sees the dialogue.
#[test]
fn c_progress_callback_stops_send() {
    let s = Scripted::start("smtp_progress_stop", false);
    let smtp = csmail_smtp_new();
    let log = csmail_loghandler_new();
    let lines: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let seen = ProgressSeen { calls: AtomicUsize::new(0), total: AtomicI64::new(0) };
    let body: Vec<u8> = (0..200_000).map(|i| if i % 80 == 79 { b'\n' } else { b'y' }).collect();
    let (host, ehlo, from, rcpt) = (cs("127.0.0.1"), cs(EHLO_NAME), cs("a@example.com"), cs("b@example.com"));
    let rcpts = [rcpt.as_ptr()];
    // SAFETY: valid handles, NUL-terminated strings; `lines` and `seen` outlive the calls.
    unsafe {
        assert_eq!(csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_str(smtp, CSMAIL_PROP_EHLO_NAME, ehlo.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, s.port() as i32), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(smtp, CSMAIL_PROP_TIMEOUT_MS, 1500), CSMAIL_OK);
        assert_eq!(
            csmail_loghandler_set_callback(log, Some(collect_log), &lines as *const _ as *mut c_void),
            CSMAIL_OK
        );
        assert_eq!(csmail_smtp_set_advanced_handler(smtp, log as *const c_void), CSMAIL_OK);
        assert_eq!(
            csmail_smtp_set_progress_callback(smtp, Some(stop_at_first), &seen as *const _ as *mut c_void),
            CSMAIL_OK
        );
        assert_eq!(csmail_smtp_connect(smtp), CSMAIL_OK, "{}", last_text());
        let rc = csmail_smtp_send_mem(smtp, from.as_ptr(), rcpts.as_ptr(), 1, body.as_ptr(), body.len());
        check("send_mem stopped", rc, CSMAIL_E_ABORTED, eexAborted);
        assert_eq!(smtp_info(smtp).0, eexAborted);
        let mut connected = 9;
        assert_eq!(csmail_smtp_get_int(smtp, CSMAIL_PROP_CONNECTED, &mut connected), CSMAIL_OK);
        assert_eq!(connected, 0);
    }
    assert_eq!(seen.calls.load(Ordering::SeqCst), 1);
    assert_eq!(seen.total.load(Ordering::SeqCst), body.len() as i64);
    assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
    assert_eq!(csmail_loghandler_release(log), CSMAIL_OK);
    let out = s.finish();
    let data_at = out.received.windows(6).position(|w| w == b"DATA\r\n").expect("DATA sent") + 6;
    assert!(!contains(&out.received[data_at..], b"\r\n.\r\n"), "the stopped message was terminated");
    let lines = lines.into_inner().unwrap();
    assert!(lines.iter().any(|l| l == "C: EHLO client.test"), "{lines:#?}");
    assert!(lines.iter().any(|l| l == "C: DATA"), "{lines:#?}");
}

/// Sets HOST 127.0.0.1, PORT, TIMEOUT 1500 and (POP3) user u / password p on a C handle.
fn ffi_pop3(port: u16) -> *mut csmail_pop3 {
    let p = csmail_pop3_new();
    let (host, user, pass) = (cs("127.0.0.1"), cs("u"), cs("p"));
    // SAFETY: valid handle, NUL-terminated strings.
    unsafe {
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_PORT, port as i32), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_TIMEOUT_MS, 1500), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
    }
    p
}

fn ffi_smtp(port: u16) -> *mut csmail_smtp {
    let h = csmail_smtp_new();
    let (host, ehlo) = (cs("127.0.0.1"), cs(EHLO_NAME));
    // SAFETY: valid handle, NUL-terminated strings.
    unsafe {
        assert_eq!(csmail_smtp_set_str(h, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_str(h, CSMAIL_PROP_EHLO_NAME, ehlo.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(h, CSMAIL_PROP_PORT, port as i32), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(h, CSMAIL_PROP_TIMEOUT_MS, 1500), CSMAIL_OK);
    }
    h
}

/// csmail_pop3_release: "the last one closes the connection WITHOUT QUIT (deletions are not
/// committed)".
#[test]
fn pop3_last_release_closes_without_quit() {
    let s = Scripted::start("pop3_dele_then_eof", false);
    let p = ffi_pop3(s.port());
    assert_eq!(csmail_pop3_connect(p), CSMAIL_OK, "{}", last_text());
    assert_eq!(csmail_pop3_delete(p, 1), CSMAIL_OK, "{}", last_text());
    assert_eq!(csmail_pop3_addref(p), CSMAIL_OK);
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    // One reference left: still connected.
    let mut connected = 0;
    // SAFETY: local out-pointer.
    assert_eq!(unsafe { csmail_pop3_get_int(p, CSMAIL_PROP_CONNECTED, &mut connected) }, CSMAIL_OK);
    assert_eq!(connected, 1);
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nDELE 1\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// csmail_smtp_release: "the last one closes the connection (without QUIT)".
#[test]
fn smtp_last_release_closes_without_quit() {
    let s = Scripted::start("smtp_no_auth", false);
    let h = ffi_smtp(s.port());
    assert_eq!(csmail_smtp_connect(h), CSMAIL_OK, "{}", last_text());
    assert_eq!(csmail_smtp_release(h), CSMAIL_OK);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

unsafe extern "system" fn refuse_data(_ud: *mut c_void, _data: *const u8, _len: usize) -> i32 {
    5
}

/// A write callback that fails ends the retrieval with CSMAIL_E_IO (eexMessageSink). The
/// callback gets pieces of at least 16 KiB, so this small message reaches it whole, after its
/// terminator: the session is still in step and stays connected (a refusal in the middle of a
/// big message closes the connection, the rest being in flight). Release closes without QUIT.
#[test]
fn failing_write_callback() {
    let s = Scripted::start("pop3_retr_then_eof", false);
    let p = ffi_pop3(s.port());
    assert_eq!(csmail_pop3_connect(p), CSMAIL_OK, "{}", last_text());
    let rc = csmail_pop3_retrieve_cb(p, 1, Some(refuse_data), null_mut());
    check("retrieve_cb refused", rc, CSMAIL_E_IO, eexMessageSink);
    let text = last_text();
    assert!(text.contains("returned 5"), "{text}");
    assert_eq!(pop3_info(p), (eexMessageSink, text, 0));
    let mut connected = 9;
    // SAFETY: local out-pointer.
    assert_eq!(unsafe { csmail_pop3_get_int(p, CSMAIL_PROP_CONNECTED, &mut connected) }, CSMAIL_OK);
    assert_eq!(connected, 1);
    // NULL callback: refused before anything.
    let rc = csmail_pop3_retrieve_cb(p, 1, None, null_mut());
    check("retrieve_cb NULL", rc, CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument);
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nRETR 1\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// csmail_smtp_send_file: "A file that cannot be opened gives CSMAIL_E_IO (eexMessageSource)
/// before anything is sent" — on a live connection, which stays usable.
#[test]
fn send_file_unopenable_sends_nothing() {
    let s = Scripted::start("smtp_connected_only", false);
    let h = ffi_smtp(s.port());
    assert_eq!(csmail_smtp_connect(h), CSMAIL_OK, "{}", last_text());
    let (from, rcpt, path) = (cs("a@example.com"), cs("b@example.com"), cs("/nonexistent/csmail/x.eml"));
    let rcpts = [rcpt.as_ptr()];
    // SAFETY: NUL-terminated strings, one-element array.
    let rc = unsafe { csmail_smtp_send_file(h, from.as_ptr(), rcpts.as_ptr(), 1, path.as_ptr()) };
    check("send_file", rc, CSMAIL_E_IO, eexMessageSource);
    let mut connected = 0;
    // SAFETY: local out-pointer.
    assert_eq!(unsafe { csmail_smtp_get_int(h, CSMAIL_PROP_CONNECTED, &mut connected) }, CSMAIL_OK);
    assert_eq!(connected, 1);
    assert_eq!(csmail_smtp_disconnect(h), CSMAIL_OK);
    assert_eq!(csmail_smtp_release(h), CSMAIL_OK);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

/// The same malformed status through the C API: a CSMAIL_E_CONNECT, not a caught panic.
#[test]
fn malformed_utf8_status_is_not_a_panic() {
    let s = Scripted::start("pop3_greeting_malformed_utf8", false);
    let p = ffi_pop3(s.port());
    check("connect", csmail_pop3_connect(p), CSMAIL_E_CONNECT, eexMalformedReply);
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    s.finish();
}

/// Defect 7: releasing the last reference from eight threads at once gives exactly one
/// CSMAIL_OK; the others get CSMAIL_E_INVALID_HANDLE (lookup and release are one step).
#[test]
fn concurrent_over_release_succeeds_once() {
    for round in 0..300 {
        let h = csmail_smtp_new() as usize;
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let b = barrier.clone();
                std::thread::spawn(move || {
                    b.wait();
                    csmail_smtp_release(h as *const csmail_smtp)
                })
            })
            .collect();
        let mut results: Vec<i32> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        results.sort();
        let mut expected = vec![CSMAIL_E_INVALID_HANDLE; 7];
        expected.insert(0, CSMAIL_OK);
        assert_eq!(results, expected, "round {round}");
    }
}

/// Defect 8: handles are not sequential, so a value computed from a live handle is not another
/// object: every h ± 16·k around two handles made one after the other is refused.
#[test]
fn computed_handles_are_refused() {
    let a = csmail_smtp_new();
    let b = csmail_smtp_new();
    let mut v = 0;
    // SAFETY: live handles and a local out-value.
    unsafe {
        assert_eq!(csmail_smtp_get_int(a, CSMAIL_PROP_CONNECTED, &mut v), CSMAIL_OK);
        for h in [a as usize, b as usize] {
            for k in 1..=256usize {
                for t in [h.wrapping_sub(16 * k), h.wrapping_add(16 * k), h ^ (16 * k)] {
                    assert_eq!(
                        csmail_smtp_get_int(t as *const csmail_smtp, CSMAIL_PROP_CONNECTED, &mut v),
                        CSMAIL_E_INVALID_HANDLE,
                        "{t:#x} computed from {h:#x}"
                    );
                }
            }
        }
    }
    assert_eq!(csmail_smtp_release(a), CSMAIL_OK);
    assert_eq!(csmail_smtp_release(b), CSMAIL_OK);
}

/// Defect 8: `csmail_message_data` with one NULL out-pointer writes nothing to the other.
#[test]
fn message_data_writes_nothing_on_failure() {
    let msg = retrieved_message();
    let sentinel = 0x5a5a_usize as *const u8;
    let (mut data, mut len) = (sentinel, 77usize);
    // SAFETY: a live handle and local out-values (one of them NULL on purpose).
    unsafe {
        assert_eq!(csmail_message_data(msg, &mut data, null_mut()), CSMAIL_E_INVALID_ARGUMENT);
        assert_eq!(data, sentinel);
        assert_eq!(csmail_message_data(msg, null_mut(), &mut len), CSMAIL_E_INVALID_ARGUMENT);
        assert_eq!(len, 77);
    }
    assert_eq!(csmail_message_release(msg), CSMAIL_OK);
}

/// Issue 8 §2: the text of CSMAIL_E_DELIVERY_UNKNOWN covers a timeout after the end of data too.
#[test]
fn delivery_unknown_text_covers_a_timeout() {
    // SAFETY: csmail_strerror returns a static NUL-terminated string.
    let text = unsafe { CStr::from_ptr(csmail_strerror(CSMAIL_E_DELIVERY_UNKNOWN)) }.to_str().unwrap();
    assert_eq!(
        text,
        "delivery unknown: the message was sent, but the connection ended or timed out before the server's final reply"
    );
}
