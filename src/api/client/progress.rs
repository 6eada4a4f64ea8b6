//! The progress callback of long operations (Send, RETR, TOP).

use crate::abort::Abort;
use crate::callback::CallbackSlot;
use std::sync::Arc;

/// A progress callback: bytes done, total when known; false stops the operation.
pub type ProgressFn = Arc<ProgressCallback>;
pub type ProgressCallback = dyn Fn(u64, Option<u64>) -> bool + Send + Sync;
/// Where a client keeps its progress callback (see `crate::callback`).
pub(crate) type ProgressSlot = Arc<CallbackSlot<ProgressCallback>>;

/// The progress function an operation calls: false when the application asked to stop, by
/// its callback or by an abort. It reads the client's slot at every call, so a callback cleared
/// during the operation is not called again.
pub(crate) fn progress_reporter(slot: ProgressSlot, abort: Arc<Abort>) -> impl FnMut(u64, Option<u64>) -> bool {
    move |done, total| {
        if abort.is_requested() {
            return false;
        }
        slot.call(|f| f(done, total)).unwrap_or(true)
    }
}
