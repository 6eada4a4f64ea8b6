//! The C functions every client object has (new, addref, release, properties, handlers,
//! ExtendedError, progress, connect, abort), written once for any protocol: each
//! `csmail_<client>_*` function is a one-line call into these.

use super::common::{guard, out, str_arg, write_str, UserData};
use super::handles::{self, RegisteredClient};
use super::object;
use super::{advanced_handler, csmail_errorinfo, csmail_progress_callback, progress_callback};
use crate::api::client::Client;
use crate::error::Result;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// Runs the body of a C function on the client behind `h`. The call counts as entered from the
/// moment its handle is found, so an abort (or the last release) that comes while it still
/// converts its arguments ends its operation as that begins.
pub(crate) fn on_client<P: RegisteredClient, T>(h: *const T, f: impl FnOnce(&Client<P>) -> Result<()>) -> i32 {
    guard(|| {
        let c = handles::get::<Client<P>, T>(h)?;
        let _call = c.enter();
        f(&c)
    })
}

/// Converted arguments of an operation: a conversion failure is recorded in the client's
/// ErrorInfo before the operation would have started.
pub(crate) fn checked<P: RegisteredClient, A>(c: &Client<P>, args: Result<A>) -> Result<A> {
    c.record_failure(args)
}

pub(crate) fn new<P: RegisteredClient>() -> usize {
    handles::register_as(Arc::new(Client::<P>::new()))
}

pub(crate) fn addref<P: RegisteredClient, T>(h: *const T) -> i32 {
    guard(|| handles::addref_as::<Client<P>, T>(h))
}

pub(crate) fn release<P: RegisteredClient, T>(h: *const T) -> i32 {
    guard(|| handles::release_as::<Client<P>, T>(h))
}

/// # Safety
/// `value` is NULL or a NUL-terminated string.
pub(crate) unsafe fn set_str<P: RegisteredClient, T>(h: *const T, property: i32, value: *const c_char) -> i32 {
    // SAFETY: forwarded caller contract.
    on_client::<P, T>(h, |c| c.record_failure(unsafe { str_arg(value, "value") }.and_then(|v| c.set_str(property, v))))
}

/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
pub(crate) unsafe fn get_str<P: RegisteredClient, T>(
    h: *const T,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    on_client::<P, T>(h, |c| {
        // SAFETY: forwarded caller contract.
        c.record_failure(c.get_str(property).and_then(|s| unsafe { write_str(&s, buf, len, needed_out) }))
    })
}

pub(crate) fn set_int<P: RegisteredClient, T>(h: *const T, property: i32, value: i32) -> i32 {
    on_client::<P, T>(h, |c| c.record_failure(c.set_int(property, value)))
}

/// # Safety
/// `value_out` is NULL or writable.
pub(crate) unsafe fn get_int<P: RegisteredClient, T>(h: *const T, property: i32, value_out: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract.
    on_client::<P, T>(h, |c| {
        c.record_failure(c.get_int(property).and_then(|v| unsafe { out(value_out, v, "value_out") }))
    })
}

pub(crate) fn set_advanced_handler<P: RegisteredClient, T>(h: *const T, handler: *const c_void) -> i32 {
    on_client::<P, T>(h, |c| c.record_failure(advanced_handler(handler).and_then(|a| c.set_advanced_handler(a))))
}

pub(crate) fn remove_advanced_handler<P: RegisteredClient, T>(h: *const T, handler: *const c_void) -> i32 {
    on_client::<P, T>(h, |c| {
        c.record_failure(advanced_handler(handler).map(|a| {
            c.remove_advanced_handler(&a);
        }))
    })
}

/// # Safety
/// `info_out` is NULL or writable.
pub(crate) unsafe fn extended_error<P: RegisteredClient, T>(h: *const T, info_out: *mut *mut csmail_errorinfo) -> i32 {
    on_client::<P, T>(h, |c| {
        // SAFETY: caller contract.
        unsafe { object::new_out(Arc::new(c.extended_error()), info_out, "info_out") }
    })
}

pub(crate) fn set_progress_callback<P: RegisteredClient, T>(
    h: *const T,
    callback: csmail_progress_callback,
    userdata: *mut c_void,
) -> i32 {
    on_client::<P, T>(h, |c| {
        c.set_progress(progress_callback(callback, UserData(userdata)))?;
        Ok(())
    })
}

pub(crate) fn connect<P: RegisteredClient, T>(h: *const T) -> i32 {
    on_client::<P, T>(h, |c| c.connect())
}

/// Not `on_client`: the abort call itself is no call whose operation an abort could end.
pub(crate) fn abort<P: RegisteredClient, T>(h: *const T) -> i32 {
    guard(|| {
        handles::get::<Client<P>, T>(h)?.abort();
        Ok(())
    })
}
