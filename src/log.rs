//! The LogHandler object: level and facility filter, a callback, and secret redaction.
//!
//! Severity numbers grow with detail, so a message is delivered when its severity is at most the
//! handler's Level (LOG_S_INFORMATION shows everything). Credentials never reach the callback
//! unless the application sets `log_secrets`: the protocol code hands every command over with a
//! redacted twin, and this module chooses which one to show.
#![allow(non_upper_case_globals)]

use crate::callback::CallbackSlot;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;

use crate::tables::constants;

// LOG_S_* and LOG_F_*: src/tables/log_values.rs.
include!("tables/log_values.rs");

/// What the application's OnLogMessage receives: severity, facility, message.
pub type LogCallback = Arc<LogFn>;
pub type LogFn = dyn Fn(i32, i32, &str) + Send + Sync;

/// The LogHandler advanced handler.
pub struct LogHandler {
    level: AtomicI32,
    facility: AtomicI32,
    log_secrets: AtomicBool,
    callback: CallbackSlot<LogFn>,
}

impl Default for LogHandler {
    fn default() -> Self {
        LogHandler {
            level: AtomicI32::new(LOG_S_INFORMATION),
            facility: AtomicI32::new(LOG_F_ALL),
            log_secrets: AtomicBool::new(false),
            callback: CallbackSlot::default(),
        }
    }
}

impl LogHandler {
    pub fn new() -> LogHandler {
        LogHandler::default()
    }
    pub fn level(&self) -> i32 {
        self.level.load(Ordering::Relaxed)
    }
    /// Sets Level; values outside LOG_S_FATAL..=LOG_S_INFORMATION are refused.
    pub fn set_level(&self, level: i32) -> bool {
        if !(LOG_S_FATAL..=LOG_S_INFORMATION).contains(&level) {
            return false;
        }
        self.level.store(level, Ordering::Relaxed);
        true
    }
    pub fn facility(&self) -> i32 {
        self.facility.load(Ordering::Relaxed)
    }
    /// Sets the Facility flags; bits outside LOG_F_ALL are refused.
    pub fn set_facility(&self, flags: i32) -> bool {
        if flags & !LOG_F_ALL != 0 {
            return false;
        }
        self.facility.store(flags, Ordering::Relaxed);
        true
    }
    pub fn log_secrets(&self) -> bool {
        self.log_secrets.load(Ordering::Relaxed)
    }
    /// Shows credentials in the log. Off by default; meant for debugging against test servers.
    pub fn set_log_secrets(&self, on: bool) {
        self.log_secrets.store(on, Ordering::Relaxed)
    }
    /// Sets (None clears) the callback. Once this returns the old callback never runs again
    /// (a call in progress on another thread is waited for); from inside the callback itself it
    /// is refused.
    pub fn set_callback(&self, cb: Option<LogCallback>) -> crate::error::Result<()> {
        Ok(self.callback.set(cb)?)
    }
    fn wants(&self, severity: i32, facility: i32) -> bool {
        severity <= self.level() && facility & self.facility() != 0
    }
    fn emit(&self, severity: i32, facility: i32, message: &str) {
        self.callback.call(|cb| cb(severity, facility, message));
    }
}

/// The logging side of one operation: the client's LogHandler, if any. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Logger {
    handler: Option<Arc<LogHandler>>,
}

impl Logger {
    pub fn new(handler: Option<Arc<LogHandler>>) -> Logger {
        Logger { handler }
    }
    /// Logs a message built only when it will be delivered.
    pub fn log(&self, severity: i32, facility: i32, build: impl FnOnce() -> String) {
        if let Some(h) = &self.handler {
            if h.wants(severity, facility) {
                h.emit(severity, facility, &build());
            }
        }
    }
    pub fn info(&self, facility: i32, build: impl FnOnce() -> String) {
        self.log(LOG_S_INFORMATION, facility, build)
    }
    pub fn warn(&self, facility: i32, build: impl FnOnce() -> String) {
        self.log(LOG_S_WARNING, facility, build)
    }
    pub fn fatal(&self, facility: i32, build: impl FnOnce() -> String) {
        self.log(LOG_S_FATAL, facility, build)
    }
    /// Logs a command line sent to the server, choosing the redacted form unless the handler
    /// asks for secrets.
    pub fn command(&self, line: &str, redacted: Option<&str>) {
        if let Some(h) = &self.handler {
            if h.wants(LOG_S_INFORMATION, LOG_F_PROTOCOL) {
                let shown = match redacted {
                    Some(r) if !h.log_secrets() => r,
                    _ => line,
                };
                h.emit(LOG_S_INFORMATION, LOG_F_PROTOCOL, &format!("C: {shown}"));
            }
        }
    }
    /// Logs a reply line received from the server.
    pub fn reply(&self, line: &[u8]) {
        self.info(LOG_F_PROTOCOL, || format!("S: {}", String::from_utf8_lossy(line)));
    }
}
