//! C functions of the proxy handlers (SOCK4ProxyInfo, SOCK5ProxyInfo, HTTP CONNECT,
//! POP3ProxyInfo, SMTPProxyInfo).

use super::common::{guard, out, str_arg, write_str};
use super::handles::{self, Object};
use crate::api::ProxyInfo;
use std::ffi::c_char;
use std::sync::Arc;

/// A proxy handler; its kind (CSMAIL_PROXY_*) is fixed at creation.
pub struct csmail_proxyinfo {
    _private: [u8; 0],
}

fn is_proxy(o: &Object) -> bool {
    matches!(o, Object::Proxy(_))
}

/// Creates a proxy handler of `kind`: CSMAIL_PROXY_SOCKS4 (SOCK4ProxyInfo), _SOCKS4A,
/// _SOCKS5 (SOCK5ProxyInfo), _HTTP (HTTP CONNECT), _POP3 (POP3ProxyInfo), _SMTP
/// (SMTPProxyInfo), with one reference (release with `csmail_proxyinfo_release`).
/// Attach it with `csmail_smtp_set_advanced_handler` / `csmail_pop3_set_advanced_handler`.
///
/// Returns NULL for an unknown kind (and `csmail_last_eex()` is eexInvalidArgument).
#[no_mangle]
pub extern "system" fn csmail_proxyinfo_new(kind: i32) -> *mut csmail_proxyinfo {
    let mut token = 0usize;
    guard(|| {
        let p = ProxyInfo::new(kind)
            .ok_or_else(|| crate::error::Error::invalid_arg(format!("unknown proxy kind {kind}")))?;
        token = handles::register(Object::Proxy(Arc::new(p)));
        Ok(())
    });
    token as *mut csmail_proxyinfo
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_proxyinfo_addref(proxy: *const csmail_proxyinfo) -> i32 {
    guard(|| handles::addref_typed(proxy, is_proxy, "ProxyInfo handle"))
}

/// Releases a reference. Clients it is attached to keep their own.
#[no_mangle]
pub extern "system" fn csmail_proxyinfo_release(proxy: *const csmail_proxyinfo) -> i32 {
    guard(|| handles::release_typed(proxy, is_proxy, "ProxyInfo handle"))
}

/// Sets CSMAIL_PROP_HOST, _USER (SOCKS4 user id, SOCKS5/HTTP user; SMTP relay login) or
/// _PASSWORD (never logged). CR, LF and NUL are refused.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_proxyinfo_set_str(
    proxy: *const csmail_proxyinfo,
    property: i32,
    value: *const c_char,
) -> i32 {
    guard(|| {
        let p = handles::proxy(proxy)?;
        // SAFETY: caller contract.
        p.set_str(property, unsafe { str_arg(value, "value") }?)
    })
}

/// Reads CSMAIL_PROP_HOST or _USER into a caller buffer (the password is write-only).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_proxyinfo_get_str(
    proxy: *const csmail_proxyinfo,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let v = handles::proxy(proxy)?.get_str(property)?;
        // SAFETY: caller contract.
        unsafe { write_str(&v, buf, len, needed_out) }
    })
}

/// Sets CSMAIL_PROP_PORT (0 = 1080 for SOCKS, 8080 for HTTP, the protocol's port for the
/// application proxies) or CSMAIL_PROP_PROXY_REMOTE_DNS (SOCKS5; default 1).
#[no_mangle]
pub extern "system" fn csmail_proxyinfo_set_int(proxy: *const csmail_proxyinfo, property: i32, value: i32) -> i32 {
    guard(|| handles::proxy(proxy)?.set_int(property, value))
}

/// Reads CSMAIL_PROP_PORT or CSMAIL_PROP_PROXY_REMOTE_DNS.
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_proxyinfo_get_int(
    proxy: *const csmail_proxyinfo,
    property: i32,
    value_out: *mut i32,
) -> i32 {
    guard(|| {
        let v = handles::proxy(proxy)?.get_int(property)?;
        // SAFETY: caller contract.
        unsafe { out(value_out, v, "value_out") }
    })
}
