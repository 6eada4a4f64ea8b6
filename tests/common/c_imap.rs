//! Helpers of the tests that drive the IMAPClient through its C functions: C strings, strings
//! out through the ask-then-read convention, this thread's last error text, and a C client
//! logged in as bob on the bundled server's plain IMAP port.

use super::Fixture;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::ffi::imap::*;
use std::ffi::{c_char, CString};
use std::ptr::null_mut;

pub fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// A string out of a `(buf, len, needed_out)` function: asks the size, then reads.
pub fn string_out(f: impl Fn(*mut c_char, usize, *mut usize) -> i32) -> String {
    let mut needed = 0usize;
    let rc = f(null_mut(), 0, &mut needed);
    assert!(rc == CSMAIL_OK || rc == CSMAIL_E_BUFFER_TOO_SMALL, "{rc}");
    let mut buf = vec![0u8; needed];
    assert_eq!(f(buf.as_mut_ptr() as *mut c_char, needed, null_mut()), CSMAIL_OK);
    buf.pop();
    String::from_utf8(buf).unwrap()
}

/// This thread's last error text.
pub fn last_text() -> String {
    // SAFETY: buffers from string_out.
    string_out(|b, n, needed| unsafe { csmail::ffi::common::csmail_last_error_text(b, n, needed) })
}

/// A fixture whose plain IMAP port allows login without TLS.
pub fn plain_imap_fixture() -> Fixture {
    Fixture::with(|o| o.imap_login_disabled = false)
}

/// A C IMAPClient connected as bob on the plain IMAP port.
pub fn connected_c_imap(fx: &Fixture) -> *mut csmail_imap {
    let h = csmail_imap_new();
    // SAFETY: a valid handle and NUL-terminated strings.
    unsafe {
        assert_eq!(csmail_imap_set_str(h, CSMAIL_PROP_HOST, cs("127.0.0.1").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_imap_set_int(h, CSMAIL_PROP_PORT, fx.server.imap_port as i32), CSMAIL_OK);
        assert_eq!(csmail_imap_set_str(h, CSMAIL_PROP_USER, cs("bob").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_imap_set_str(h, CSMAIL_PROP_PASSWORD, cs("bobpass").as_ptr()), CSMAIL_OK);
    }
    assert_eq!(csmail_imap_connect(h), CSMAIL_OK);
    h
}

/// SELECT (`read_only`: EXAMINE) of a mailbox on a C client, every count ignored.
pub fn c_select(h: *const csmail_imap, mailbox: &str, read_only: bool) {
    let none = null_mut();
    // SAFETY: a valid handle and string; NULL out pointers are allowed.
    let rc = unsafe { csmail_imap_select(h, cs(mailbox).as_ptr(), i32::from(read_only), none, none, none, none) };
    assert_eq!(rc, CSMAIL_OK);
}
