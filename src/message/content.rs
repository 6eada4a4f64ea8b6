//! Where a part's decoded content is: in memory, or in a file read only when the message is
//! written or sent (so attachments stream from disk).

use std::path::PathBuf;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub(crate) enum Body {
    Memory(Arc<Vec<u8>>),
    /// A file and its length when it was attached.
    File {
        path: PathBuf,
        len: u64,
    },
}
