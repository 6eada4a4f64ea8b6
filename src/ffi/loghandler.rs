//! C functions of the LogHandler object.

use super::common::{guard, out, UserData};
use super::csmail_log_callback;
use super::handles::{self, Object};
use crate::api::LogHandler;
use crate::error::Error;
use std::ffi::{c_void, CString};
use std::sync::Arc;

/// A LogHandler: Level, Facility flags and the OnLogMessage callback.
pub struct csmail_loghandler {
    _private: [u8; 0],
}

fn is_log(o: &Object) -> bool {
    matches!(o, Object::Log(_))
}

/// Creates a LogHandler (Level LOG_S_INFORMATION, every facility, no callback) with one
/// reference (release with `csmail_loghandler_release`). Never NULL.
#[no_mangle]
pub extern "C" fn csmail_loghandler_new() -> *mut csmail_loghandler {
    handles::register(Object::Log(Arc::new(LogHandler::new()))) as *mut csmail_loghandler
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_loghandler_addref(log: *const csmail_loghandler) -> i32 {
    guard(|| handles::addref_typed(log, is_log, "LogHandler handle"))
}

/// Releases a reference. Clients it is attached to keep their own.
#[no_mangle]
pub extern "C" fn csmail_loghandler_release(log: *const csmail_loghandler) -> i32 {
    guard(|| handles::release_typed(log, is_log, "LogHandler handle"))
}

/// Level: LOG_S_FATAL, LOG_S_WARNING or LOG_S_INFORMATION (most detail).
#[no_mangle]
pub extern "C" fn csmail_loghandler_set_level(log: *const csmail_loghandler, level: i32) -> i32 {
    guard(|| {
        if handles::log(log)?.set_level(level) {
            Ok(())
        } else {
            Err(Error::invalid_arg(format!("log level {level} is not LOG_S_FATAL..LOG_S_INFORMATION")))
        }
    })
}

/// Reads Level.
///
/// # Safety
/// `level_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_loghandler_get_level(log: *const csmail_loghandler, level_out: *mut i32) -> i32 {
    guard(|| {
        let l = handles::log(log)?;
        // SAFETY: caller contract.
        unsafe { out(level_out, l.level(), "level_out") }
    })
}

/// Facility: an OR of LOG_F_PROTOCOL, LOG_F_SSL, LOG_F_PROXY, LOG_F_USER.
#[no_mangle]
pub extern "C" fn csmail_loghandler_set_facility(log: *const csmail_loghandler, flags: i32) -> i32 {
    guard(|| {
        if handles::log(log)?.set_facility(flags) {
            Ok(())
        } else {
            Err(Error::invalid_arg(format!("facility flags {flags:#x} have unknown bits")))
        }
    })
}

/// Reads Facility.
///
/// # Safety
/// `flags_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_loghandler_get_facility(log: *const csmail_loghandler, flags_out: *mut i32) -> i32 {
    guard(|| {
        let l = handles::log(log)?;
        // SAFETY: caller contract.
        unsafe { out(flags_out, l.facility(), "flags_out") }
    })
}

/// OnLogMessage: sets (NULL clears) the callback. It runs on the thread of the operation that
/// logs, possibly several threads when the handler is shared; `userdata` must allow that.
/// Once this returns, the callback it replaced never runs again (a call in progress on another
/// thread is waited for), so its userdata may be freed; called from inside that callback it
/// gives CSMAIL_E_REENTRANT.
/// Credentials are shown as `<redacted>` unless `csmail_loghandler_set_log_secrets` is on.
#[no_mangle]
pub extern "C" fn csmail_loghandler_set_callback(
    log: *const csmail_loghandler,
    callback: csmail_log_callback,
    userdata: *mut c_void,
) -> i32 {
    guard(|| {
        let l = handles::log(log)?;
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
pub extern "C" fn csmail_loghandler_set_log_secrets(log: *const csmail_loghandler, on: i32) -> i32 {
    guard(|| {
        handles::log(log)?.set_log_secrets(on != 0);
        Ok(())
    })
}
