//! The C ABI: the only code with `extern "system"`, raw pointers and `unsafe`.
//!
//! Conventions, the same for every function:
//! - Handles are opaque tokens, never dereferenced: every call looks its handles up in a registry,
//!   so NULL, released and wrong-type handles give CSMAIL_E_INVALID_HANDLE, never undefined
//!   behaviour. Objects are reference counted as in COM (`_addref` / `_release`).
//! - Every function returns an `int32_t` result, CSMAIL_OK (0) on success. The detail of a
//!   failure goes into the client's ErrorInfo and into this thread's last error
//!   (`csmail_last_eex`, `csmail_last_error_text`).
//! - Strings in are NUL-terminated UTF-8 and copied. Strings out go into a caller buffer:
//!   `needed_out` receives the size including the NUL; a NULL buffer only asks for the size.
//! - Panics never cross the boundary: they become CSMAIL_E_PANIC.

#![allow(non_camel_case_types)]

pub(crate) mod client;
pub mod common;
pub mod errorinfo;
pub(crate) mod handles;
pub mod imap;
pub mod imap_fetchlist;
pub mod imap_search;
pub mod loghandler;
pub mod message;
pub mod message_send;
pub(crate) mod object;
pub mod pop3;
pub mod proxyinfo;
pub mod section;
pub mod smtp;
pub mod sslinfo;

pub use errorinfo::csmail_errorinfo;

use crate::api::client::ProgressFn;
use crate::api::AdvancedHandler;
use crate::error::{self, Error, Result};
use crate::protocol::source::{ChunkedSink, FnSink, FnSource, MessageSink};
use common::UserData;
use handles::Object;
use std::ffi::c_void;
use std::io;
use std::sync::Arc;

/// OnLogMessage: `severity` (LOG_S_*), `facility` (LOG_F_*), `message` (NUL-terminated UTF-8,
/// valid only during the call). Runs on the thread of the operation that logs.
pub type csmail_log_callback = Option<
    unsafe extern "system" fn(userdata: *mut c_void, severity: i32, facility: i32, message: *const std::ffi::c_char),
>;

/// Progress: bytes done and the total (-1 when unknown). Return 0 to go on, non-zero to stop
/// the operation (CSMAIL_E_ABORTED).
pub type csmail_progress_callback =
    Option<unsafe extern "system" fn(userdata: *mut c_void, done: u64, total: i64) -> i32>;

/// Message source: fill `buf` with up to `capacity` bytes, store the count in `*n_out`, return 0.
/// `*n_out` = 0 is the end of the message; a non-zero return is a failure.
pub type csmail_read_callback =
    Option<unsafe extern "system" fn(userdata: *mut c_void, buf: *mut u8, capacity: usize, n_out: *mut usize) -> i32>;

/// Message sink: consume `len` bytes at `data` (valid only during the call); return 0 to go on,
/// non-zero to fail the retrieval (CSMAIL_E_IO, eexMessageSink).
pub type csmail_write_callback =
    Option<unsafe extern "system" fn(userdata: *mut c_void, data: *const u8, len: usize) -> i32>;

/// One whole message of a batch: its number and bytes (valid only during the call). Return 0 to
/// go on, non-zero to fail the batch.
pub type csmail_message_callback =
    Option<unsafe extern "system" fn(userdata: *mut c_void, number: u32, data: *const u8, len: usize) -> i32>;

/// The advanced handler behind a handle: SSLInfo or LogHandler; other live objects are not
/// handlers (NOT_SUPPORTED); anything else is an invalid handle.
pub(crate) fn advanced_handler(p: *const c_void) -> Result<AdvancedHandler> {
    match handles::lookup(p as usize) {
        Some(Object::Ssl(s)) => Ok(AdvancedHandler::Ssl(s)),
        Some(Object::Log(l)) => Ok(AdvancedHandler::Log(l)),
        Some(Object::Proxy(p)) => Ok(AdvancedHandler::Proxy(p)),
        Some(_) => Err(Error::new(
            error::CSMAIL_E_NOT_SUPPORTED,
            error::eexNotSupported,
            "this object is not an advanced handler (SSLInfo, LogHandler and ProxyInfo are)",
        )),
        None => Err(Error::invalid_handle("advanced handler")),
    }
}

pub(crate) fn progress_callback(cb: csmail_progress_callback, ud: UserData) -> Option<ProgressFn> {
    let cb = cb?;
    Some(Arc::new(move |done, total| {
        let ud = ud;
        let total = total.map_or(-1, |t| t as i64);
        // SAFETY: the application's callback with its own userdata.
        unsafe { cb(ud.0, done, total) == 0 }
    }))
}

pub(crate) fn read_callback_source(
    cb: csmail_read_callback,
    ud: UserData,
) -> Result<FnSource<impl FnMut(&mut [u8]) -> io::Result<usize>>> {
    let cb = cb.ok_or_else(|| Error::invalid_arg("the read callback is NULL"))?;
    Ok(FnSource(move |buf: &mut [u8]| {
        let mut n: usize = 0;
        // SAFETY: buf is writable for buf.len() bytes; n is a local.
        let rc = unsafe { cb(ud.0, buf.as_mut_ptr(), buf.len(), &mut n) };
        if rc != 0 {
            return Err(io::Error::other(format!("the read callback returned {rc}")));
        }
        if n > buf.len() {
            return Err(io::Error::other(format!(
                "the read callback reported {n} bytes for a {}-byte buffer",
                buf.len()
            )));
        }
        Ok(n)
    }))
}

/// The application's write callback as a sink; it gets pieces of at least 16 KiB (only a
/// message's last piece may be smaller), not a call per line.
pub(crate) fn write_callback_sink(cb: csmail_write_callback, ud: UserData) -> Result<impl MessageSink> {
    let cb = cb.ok_or_else(|| Error::invalid_arg("the write callback is NULL"))?;
    Ok(ChunkedSink::new(FnSink(move |data: &[u8]| {
        // SAFETY: data is readable for its length during the call.
        let rc = unsafe { cb(ud.0, data.as_ptr(), data.len()) };
        if rc != 0 {
            return Err(io::Error::other(format!("the write callback returned {rc}")));
        }
        Ok(())
    })))
}
