//! C functions of the proxy handlers (SOCK4ProxyInfo, SOCK5ProxyInfo, HTTP CONNECT,
//! POP3ProxyInfo, SMTPProxyInfo).

use super::common::guard;
use super::object;
use crate::api::ProxyInfo;
use std::ffi::c_char;

/// A proxy handler; its kind (CSMAIL_PROXY_*) is fixed at creation.
pub struct csmail_proxyinfo {
    _private: [u8; 0],
}

impl object::Handle for csmail_proxyinfo {
    type Object = ProxyInfo;
}

/// Creates a proxy handler of `kind`: CSMAIL_PROXY_SOCKS4 (SOCK4ProxyInfo), _SOCKS4A,
/// _SOCKS5 (SOCK5ProxyInfo), _HTTP (HTTP CONNECT), _POP3 (POP3ProxyInfo), _SMTP
/// (SMTPProxyInfo), with one reference (release with `csmail_proxyinfo_release`).
/// Attach it with `csmail_smtp_set_advanced_handler` / `csmail_pop3_set_advanced_handler`.
///
/// Returns NULL for an unknown kind (and `csmail_last_eex()` is eexInvalidArgument).
#[no_mangle]
pub extern "C" fn csmail_proxyinfo_new(kind: i32) -> *mut csmail_proxyinfo {
    let mut proxy = std::ptr::null_mut();
    guard(|| {
        let p = ProxyInfo::new(kind)
            .ok_or_else(|| crate::error::Error::invalid_arg(format!("unknown proxy kind {kind}")))?;
        proxy = object::new(p);
        Ok(())
    });
    proxy
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_proxyinfo_addref(proxy: *const csmail_proxyinfo) -> i32 {
    object::addref(proxy)
}

/// Releases a reference. Clients it is attached to keep their own.
#[no_mangle]
pub extern "C" fn csmail_proxyinfo_release(proxy: *const csmail_proxyinfo) -> i32 {
    object::release(proxy)
}

/// Sets CSMAIL_PROP_HOST, _USER (SOCKS4 user id, SOCKS5/HTTP user; SMTP relay login) or
/// _PASSWORD (never logged). CR, LF and NUL are refused.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn csmail_proxyinfo_set_str(
    proxy: *const csmail_proxyinfo,
    property: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::set_str(proxy, value, "value", |p, v| p.set_str(property, v)) }
}

/// Reads CSMAIL_PROP_HOST or _USER into a caller buffer (the password is write-only).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_proxyinfo_get_str(
    proxy: *const csmail_proxyinfo,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_str(proxy, buf, len, needed_out, |p| p.get_str(property)) }
}

/// Sets CSMAIL_PROP_PORT (0 = 1080 for SOCKS, 8080 for HTTP, the protocol's port for the
/// application proxies) or CSMAIL_PROP_PROXY_REMOTE_DNS (SOCKS5; default 1).
#[no_mangle]
pub extern "C" fn csmail_proxyinfo_set_int(proxy: *const csmail_proxyinfo, property: i32, value: i32) -> i32 {
    object::on(proxy, |p| p.set_int(property, value))
}

/// Reads CSMAIL_PROP_PORT or CSMAIL_PROP_PROXY_REMOTE_DNS.
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_proxyinfo_get_int(
    proxy: *const csmail_proxyinfo,
    property: i32,
    value_out: *mut i32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(proxy, value_out, "value_out", |p| p.get_int(property)) }
}
