//! The ErrorInfo policy: what ExtendedError shows after each call.
//!
//! An operation (connect, send, retrieve, ...) records its outcome, success included, and logs
//! a failure. A property call records only a failure: reading REPLY_CODE after a failed send
//! must not erase the send's error. BUSY and REENTRANT are not recorded: they describe the
//! operation that is running, not the call that was refused.

use crate::api::errorinfo::ErrorInfo;
use crate::error::Result;
use crate::log::{Logger, LOG_F_USER};
use parking_lot::Mutex;

#[derive(Default)]
pub(crate) struct ErrorRecord {
    last: Mutex<ErrorInfo>,
}

impl ErrorRecord {
    pub(crate) fn get(&self) -> ErrorInfo {
        self.last.lock().clone()
    }

    /// Records the outcome of an operation, and logs its failure.
    pub(crate) fn operation<T>(&self, r: Result<T>, log: &Logger) -> Result<T> {
        *self.last.lock() = match &r {
            Ok(_) => ErrorInfo::default(),
            Err(e) => ErrorInfo::from(e),
        };
        if let Err(e) = &r {
            log.fatal(LOG_F_USER, || format!("error {}: {}", e.eex, e.text));
        }
        r
    }

    /// Records a failed property call; a successful one leaves ErrorInfo as it was.
    pub(crate) fn failure<T>(&self, r: Result<T>) -> Result<T> {
        if let Err(e) = &r {
            *self.last.lock() = ErrorInfo::from(e);
        }
        r
    }
}
