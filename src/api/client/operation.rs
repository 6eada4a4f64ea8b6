//! One operation at a time per client: a second thread gets BUSY, a callback re-entering the
//! client from the operation's own thread gets REENTRANT, and abort brackets the operation.

use crate::abort::{Abort, Limits, Running};
use crate::error::{self, Error, Result};
use parking_lot::{Mutex, MutexGuard};
use std::thread::{self, ThreadId};

/// The thread running the client's operation, if any.
#[derive(Default)]
pub(crate) struct OperationGuard {
    owner: Mutex<Option<ThreadId>>,
}

impl OperationGuard {
    /// Runs `f` with exclusive use of `session`, as an operation under `limits` that an abort
    /// can end (`f` ends it with `Running::finish`; an abort remembered for this call ends it
    /// before `f` runs). `finish` sees the outcome while the operation still owns the client, so
    /// a log callback it triggers that starts another operation gets REENTRANT.
    pub(crate) fn run<S, T>(
        &self,
        session: &Mutex<S>,
        abort: &Abort,
        limits: Limits,
        f: impl FnOnce(&mut MutexGuard<'_, S>, &mut Running<'_>) -> Result<T>,
        finish: impl FnOnce(Result<T>) -> Result<T>,
    ) -> Result<T> {
        let Some(mut guard) = session.try_lock() else {
            // Not recorded in ErrorInfo: it describes the running operation, not this call.
            return Err(self.refusal());
        };
        *self.owner.lock() = Some(thread::current().id());
        let mut op = abort.begin(limits);
        let r = if op.aborted_at_start() { Err(Error::aborted()) } else { f(&mut guard, &mut op) };
        drop(op);
        let r = finish(r);
        *self.owner.lock() = None;
        drop(guard);
        r
    }

    fn refusal(&self) -> Error {
        if *self.owner.lock() == Some(thread::current().id()) {
            Error::new(
                error::CSMAIL_E_REENTRANT,
                error::eexReentrant,
                "a callback called an operation of the client that is running it",
            )
        } else {
            Error::new(error::CSMAIL_E_BUSY, error::eexBusy, "another thread is running an operation on this client")
        }
    }
}
