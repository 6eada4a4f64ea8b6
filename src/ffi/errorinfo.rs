//! C functions of the ErrorInfo object.

use super::object;
use std::ffi::c_char;

/// An ErrorInfo: Number (eex), Text and OSError of a client's last operation.
pub struct csmail_errorinfo {
    _private: [u8; 0],
}

impl object::Handle for csmail_errorinfo {
    type Object = crate::api::ErrorInfo;
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_errorinfo_addref(info: *const csmail_errorinfo) -> i32 {
    object::addref(info)
}

/// Releases a reference; the last one frees the ErrorInfo. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_errorinfo_release(info: *const csmail_errorinfo) -> i32 {
    object::release(info)
}

/// Number: the eex value (0 when the operation succeeded).
///
/// # Safety
/// `number_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_errorinfo_number(info: *const csmail_errorinfo, number_out: *mut i32) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(info, number_out, "number_out", |e| Ok(e.number)) }
}

/// OSError: errno (Windows: the WSA code) of the failure, or 0.
///
/// # Safety
/// `os_error_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_errorinfo_os_error(info: *const csmail_errorinfo, os_error_out: *mut i32) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(info, os_error_out, "os_error_out", |e| Ok(e.os_error)) }
}

/// Text: the description, UTF-8, into a caller buffer (NULL asks the size in `needed_out`).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_errorinfo_text(
    info: *const csmail_errorinfo,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_str(info, buf, len, needed_out, |e| Ok(e.text.clone())) }
}
