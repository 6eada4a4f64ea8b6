//! C functions of the LogHandler object.

use super::common::UserData;
use super::csmail_log_callback;
use super::object;
use crate::api::LogHandler;
use crate::error::Error;
use std::ffi::{c_void, CString};
use std::sync::Arc;

/// A LogHandler: Level, Facility flags and the OnLogMessage callback.
pub struct csmail_loghandler {
    _private: [u8; 0],
}

impl object::Handle for csmail_loghandler {
    type Object = LogHandler;
}

/// Creates a LogHandler (Level LOG_S_INFORMATION, every facility, no callback) with one
/// reference (release with `csmail_loghandler_release`). Never NULL.
#[no_mangle]
pub extern "system" fn csmail_loghandler_new() -> *mut csmail_loghandler {
    object::new(LogHandler::new())
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_loghandler_addref(log: *const csmail_loghandler) -> i32 {
    object::addref(log)
}

/// Releases a reference. Clients it is attached to keep their own.
#[no_mangle]
pub extern "system" fn csmail_loghandler_release(log: *const csmail_loghandler) -> i32 {
    object::release(log)
}

/// Level: LOG_S_FATAL, LOG_S_WARNING or LOG_S_INFORMATION (most detail).
#[no_mangle]
pub extern "system" fn csmail_loghandler_set_level(log: *const csmail_loghandler, level: i32) -> i32 {
    object::on(log, |l| {
        accepted(l.set_level(level), || format!("log level {level} is not LOG_S_FATAL..LOG_S_INFORMATION"))
    })
}

/// Reads Level.
///
/// # Safety
/// `level_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_loghandler_get_level(log: *const csmail_loghandler, level_out: *mut i32) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(log, level_out, "level_out", |l| Ok(l.level())) }
}

/// Facility: an OR of LOG_F_PROTOCOL, LOG_F_SSL, LOG_F_PROXY, LOG_F_USER.
#[no_mangle]
pub extern "system" fn csmail_loghandler_set_facility(log: *const csmail_loghandler, flags: i32) -> i32 {
    object::on(log, |l| accepted(l.set_facility(flags), || format!("facility flags {flags:#x} have unknown bits")))
}

/// Reads Facility.
///
/// # Safety
/// `flags_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_loghandler_get_facility(
    log: *const csmail_loghandler,
    flags_out: *mut i32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(log, flags_out, "flags_out", |l| Ok(l.facility())) }
}

/// OnLogMessage: sets (NULL clears) the callback. It runs on the thread of the operation that
/// logs, possibly several threads when the handler is shared; `userdata` must allow that.
/// Once this returns, the callback it replaced never runs again (a call in progress on another
/// thread is waited for), so its userdata may be freed; called from inside that callback it
/// gives CSMAIL_E_REENTRANT.
/// Credentials are shown as `<redacted>` unless `csmail_loghandler_set_log_secrets` is on.
#[no_mangle]
pub extern "system" fn csmail_loghandler_set_callback(
    log: *const csmail_loghandler,
    callback: csmail_log_callback,
    userdata: *mut c_void,
) -> i32 {
    object::on(log, |l| {
        let ud = UserData(userdata);
        l.set_callback(callback.map(|cb| {
            Arc::new(move |severity: i32, facility: i32, message: &str| {
                let ud = ud;
                // Interior NULs cannot come from csmail's own texts; replace them to be safe.
                let c = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
                // SAFETY: the application's callback; c lives for the call.
                unsafe { cb(ud.0, severity, facility, c.as_ptr()) }
            }) as crate::log::LogCallback
        }))?;
        Ok(())
    })
}

/// Shows credentials (AUTH payloads, PASS, APOP digests) in the log when `on` is non-zero.
/// Off by default; for debugging against test servers only.
#[no_mangle]
pub extern "system" fn csmail_loghandler_set_log_secrets(log: *const csmail_loghandler, on: i32) -> i32 {
    object::on(log, |l| {
        l.set_log_secrets(on != 0);
        Ok(())
    })
}

/// A setter's verdict: refused values get CSMAIL_E_INVALID_ARGUMENT with `why`.
fn accepted(ok: bool, why: impl FnOnce() -> String) -> crate::error::Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_arg(why()))
    }
}
