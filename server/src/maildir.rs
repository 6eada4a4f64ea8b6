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

/// Open handles on the directories a POP3 session reads and removes messages in: opening or
/// removing one of its (thousands of) files then looks up one name instead of walking the
/// whole path again, which was most of an unlink's cost on tmpfs (UPDATE removes every
/// deleted message before QUIT's +OK, so the client waits for it).
#[derive(Default)]
pub(crate) struct Dirs {
    #[cfg(unix)]
    open: Vec<(PathBuf, rustix::fd::OwnedFd)>,
}

#[cfg(unix)]
impl Dirs {
    /// The open directory of `path` and the file's name in it.
    fn dir_of<'p>(&mut self, path: &'p Path) -> io::Result<(&rustix::fd::OwnedFd, &'p std::ffi::OsStr)> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a file path"));
        };
        let i = match self.open.iter().position(|(p, _)| p == parent) {
            Some(i) => i,
            None => {
                use rustix::fs::{Mode, OFlags};
                let fd = rustix::fs::open(parent, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
                self.open.push((parent.to_path_buf(), fd));
                self.open.len() - 1
            }
        };
        Ok((&self.open[i].1, name))
    }

    pub(crate) fn open(&mut self, path: &Path) -> io::Result<fs::File> {
        use rustix::fs::{Mode, OFlags};
        let (dir, name) = self.dir_of(path)?;
        Ok(fs::File::from(rustix::fs::openat(dir, name, OFlags::RDONLY | OFlags::CLOEXEC, Mode::empty())?))
    }

    pub(crate) fn remove(&mut self, path: &Path) -> io::Result<()> {
        let (dir, name) = self.dir_of(path)?;
        Ok(rustix::fs::unlinkat(dir, name, rustix::fs::AtFlags::empty())?)
    }
}

#[cfg(not(unix))]
impl Dirs {
    pub(crate) fn open(&mut self, path: &Path) -> io::Result<fs::File> {
        fs::File::open(path)
    }

    pub(crate) fn remove(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Files in two directories opened and removed through one Dirs; a missing file is an error.
    #[test]
    fn dirs_open_and_remove_by_name() {
        let root = tempfile::tempdir().unwrap();
        let a = deliver(root.path(), "u", "1.a", b"one", false).unwrap();
        let b = deliver(root.path(), "u", "2.b", b"two", false).unwrap();
        let c = root.path().join("u").join("cur").join("3.c");
        fs::write(&c, b"three").unwrap();
        let mut dirs = Dirs::default();
        for (path, want) in [(&a, "one"), (&c, "three"), (&b, "two")] {
            let mut got = String::new();
            dirs.open(path).unwrap().read_to_string(&mut got).unwrap();
            assert_eq!(got, want);
        }
        dirs.remove(&a).unwrap();
        dirs.remove(&c).unwrap();
        assert_eq!(dirs.remove(&a).unwrap_err().kind(), io::ErrorKind::NotFound);
        assert_eq!(dirs.open(&c).unwrap_err().kind(), io::ErrorKind::NotFound);
        let left: Vec<String> = list(root.path(), "u").unwrap().into_iter().map(|e| e.uid).collect();
        assert_eq!(left, ["2.b"]);
    }
}
