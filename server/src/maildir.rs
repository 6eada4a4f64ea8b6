//! Maildir storage: `<root>/<user>/{new,cur,tmp}`.
//!
//! Delivery writes to `tmp/` and renames into `new/`, so a POP3 session (or
//! a test peeking at the directory) never sees a half-written message.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A process-unique, time-ordered name: `<secs>.M<micros>P<pid>Q<n>.csmail`.
/// Returns (file name, short queue id for the SMTP reply).
pub(crate) fn unique_name() -> (String, String) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let name = format!("{}.M{:06}P{}Q{}.csmail", now.as_secs(), now.subsec_micros(), pid, n);
    let id = format!("{:X}{:05X}{:X}", now.as_secs(), now.subsec_micros(), n);
    (name, id)
}

pub(crate) fn user_dir(root: &Path, user: &str) -> PathBuf {
    root.join(user)
}

/// Creates `new/`, `cur/` and `tmp/` for a user if missing.
pub(crate) fn ensure(root: &Path, user: &str) -> io::Result<PathBuf> {
    let dir = user_dir(root, user);
    for sub in ["new", "cur", "tmp"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    Ok(dir)
}

/// Stores `data` exactly as given in the user's `new/` under `name`, synced to disk first
/// when `sync` is set.
pub(crate) fn deliver(root: &Path, user: &str, name: &str, data: &[u8], sync: bool) -> io::Result<PathBuf> {
    let dir = ensure(root, user)?;
    let tmp = dir.join("tmp").join(name);
    let dst = dir.join("new").join(name);
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
        if sync {
            f.sync_all()?;
        }
    }
    fs::rename(&tmp, &dst)?;
    Ok(dst)
}

/// One message as a POP3 session sees it.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub path: PathBuf,
    /// The unique id: the file name up to the first ':'.
    pub uid: String,
    /// Exact octet count of the stored file.
    pub size: u64,
}

/// Lists `new/` and `cur/` together, ordered by file name so message numbers
/// are stable across sessions.
pub(crate) fn list(root: &Path, user: &str) -> io::Result<Vec<Entry>> {
    let dir = ensure(root, user)?;
    let mut out: Vec<(String, Entry)> = Vec::new();
    for sub in ["new", "cur"] {
        for de in fs::read_dir(dir.join(sub))? {
            let de = de?;
            let meta = de.metadata()?;
            if !meta.is_file() {
                continue;
            }
            let name = de.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let uid = name.split(':').next().unwrap_or("").to_string();
            out.push((name, Entry { path: de.path(), uid, size: meta.len() }));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, e)| e).collect())
}
