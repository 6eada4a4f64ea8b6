//! The progress callback of long operations (Send, RETR, TOP).

use crate::abort::Abort;
use std::sync::Arc;

/// A progress callback: bytes done, total when known; false stops the operation.
pub type ProgressFn = Arc<dyn Fn(u64, Option<u64>) -> bool + Send + Sync>;

/// The progress function an operation calls: false when the application asked to stop, by
/// its callback or by an abort.
pub(crate) fn progress_reporter(p: Option<ProgressFn>, abort: Arc<Abort>) -> impl FnMut(u64, Option<u64>) -> bool {
    move |done, total| {
        if abort.is_requested() {
            return false;
        }
        match &p {
            Some(f) => f(done, total),
            None => true,
        }
    }
}
