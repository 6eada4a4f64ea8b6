//! The IMAP view of a user's Maildir: Maildir++ folders (`INBOX` is the user's maildir,
//! folder `A.B` is `<user>/.A.B`, stored in modified UTF-7 as Dovecot does), flags in the
//! info suffix (`:2,FS`), and a persistent UID list per folder (`csmail-uidlist`: a line
//! `V<uidvalidity> N<uidnext>` then `<uid> <base name>` per message).
//!
//! Every function here runs under the server's one IMAP store lock (`Ctx::imap_store`), so
//! two sessions never assign UIDs or rename files at the same time.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::utf7;
use crate::maildir;

/// The hierarchy delimiter (Maildir++'s own).
pub(crate) const DELIM: char = '.';
const UIDLIST: &str = "csmail-uidlist";
const SUBSCRIPTIONS: &str = "subscriptions";

/// The system flags a message can carry and their Maildir info letters, in info order.
pub(crate) const FLAGS: [(&str, char); 5] =
    [("\\Draft", 'D'), ("\\Flagged", 'F'), ("\\Answered", 'R'), ("\\Seen", 'S'), ("\\Deleted", 'T')];

/// One message of a folder.
#[derive(Clone, Debug)]
pub(crate) struct Msg {
    pub uid: u32,
    /// The file name up to the ':' (stable while flags change).
    pub base: String,
    /// Where the file is now.
    pub path: PathBuf,
    /// Info letters (subset of FLAGS' letters), sorted.
    pub flags: BTreeSet<char>,
    pub size: u64,
    /// Seconds since the epoch (the file's modification time).
    pub internal: i64,
    /// Found in new/ by this scan.
    pub recent: bool,
}

/// A folder's messages in UID order with its UID state.
#[derive(Clone, Debug)]
pub(crate) struct Folder {
    pub dir: PathBuf,
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub msgs: Vec<Msg>,
}

/// Is `name` a folder name we can store? (Not empty, no '/', no empty hierarchy level.)
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('/')
        && !name.chars().any(char::is_control)
        && name.split(DELIM).all(|p| !p.is_empty() && p != "..")
}

pub(crate) fn is_inbox(name: &str) -> bool {
    name.eq_ignore_ascii_case("INBOX")
}

/// The folder's directory; None for names that cannot be stored.
pub(crate) fn folder_dir(root: &Path, user: &str, name: &str) -> Option<PathBuf> {
    let udir = maildir::user_dir(root, user);
    if is_inbox(name) {
        return Some(udir);
    }
    if !valid_name(name) {
        return None;
    }
    Some(udir.join(format!(".{}", utf7::encode(name))))
}

pub(crate) fn exists(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// Every folder of a user, INBOX first, then by name.
pub(crate) fn folders(root: &Path, user: &str) -> io::Result<Vec<String>> {
    let udir = maildir::user_dir(root, user);
    let mut names = Vec::new();
    for de in fs::read_dir(&udir)? {
        let de = de?;
        let file = de.file_name().to_string_lossy().into_owned();
        let Some(enc) = file.strip_prefix('.') else { continue };
        if enc.is_empty() || enc == "." || !de.path().is_dir() || !exists(&de.path()) {
            continue;
        }
        if let Some(n) = utf7::decode(enc) {
            names.push(n);
        }
    }
    names.sort();
    names.insert(0, "INBOX".into());
    Ok(names)
}

pub(crate) fn create(dir: &Path) -> io::Result<()> {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    // Maildir++ marks folders with an empty maildirfolder file.
    fs::File::create(dir.join("maildirfolder"))?;
    Ok(())
}

pub(crate) fn subscriptions(root: &Path, user: &str) -> Vec<String> {
    fs::read_to_string(maildir::user_dir(root, user).join(SUBSCRIPTIONS))
        .map(|s| s.lines().filter(|l| !l.is_empty()).map(String::from).collect())
        .unwrap_or_default()
}

pub(crate) fn set_subscriptions(root: &Path, user: &str, subs: &[String]) -> io::Result<()> {
    let mut text = String::new();
    for s in subs {
        text.push_str(s);
        text.push('\n');
    }
    write_atomic(&maildir::user_dir(root, user).join(SUBSCRIPTIONS), text.as_bytes())
}

fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("csmail-tmp");
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
    }
    fs::rename(tmp, path)
}

/// Splits a file name into base and info letters.
fn split_name(name: &str) -> (String, BTreeSet<char>) {
    match name.split_once(':') {
        Some((base, info)) => {
            let letters = info.strip_prefix("2,").unwrap_or("");
            (base.to_string(), letters.chars().filter(|c| FLAGS.iter().any(|f| f.1 == *c)).collect())
        }
        None => (name.to_string(), BTreeSet::new()),
    }
}

fn now_secs() -> u32 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as u32).unwrap_or(1)
}

/// UIDVALIDITY, UIDNEXT and the (uid, base name) pairs of a folder's UID list.
type UidList = (u32, u32, Vec<(u32, String)>);

fn read_uidlist(dir: &Path) -> Option<UidList> {
    let text = fs::read_to_string(dir.join(UIDLIST)).ok()?;
    let mut lines = text.lines();
    let head = lines.next()?;
    let mut it = head.split(' ');
    let v = it.next()?.strip_prefix('V')?.parse().ok()?;
    let n = it.next()?.strip_prefix('N')?.parse().ok()?;
    let mut map = Vec::new();
    for l in lines {
        let (uid, base) = l.split_once(' ')?;
        map.push((uid.parse().ok()?, base.to_string()));
    }
    Some((v, n, map))
}

fn write_uidlist(f: &Folder) -> io::Result<()> {
    let mut text = format!("V{} N{}\n", f.uidvalidity, f.uidnext);
    for m in &f.msgs {
        text.push_str(&format!("{} {}\n", m.uid, m.base));
    }
    write_atomic(&f.dir.join(UIDLIST), text.as_bytes())
}

/// Scans a folder: moves new/ messages to cur/ (they are \Recent for this scan), keeps UIDs
/// of known messages, gives unknown ones the next UIDs in name order, forgets vanished ones.
pub(crate) fn scan(dir: &Path) -> io::Result<Folder> {
    let (uidvalidity, mut uidnext, map) = read_uidlist(dir).unwrap_or((now_secs(), 1, Vec::new()));
    let mut found: Vec<Msg> = Vec::new();
    for sub in ["cur", "new"] {
        for de in fs::read_dir(dir.join(sub))? {
            let de = de?;
            let name = de.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let meta = de.metadata()?;
            if !meta.is_file() {
                continue;
            }
            let (base, flags) = split_name(&name);
            let mut path = de.path();
            let recent = sub == "new";
            if recent {
                let dst = dir.join("cur").join(format!("{base}:2,"));
                if fs::rename(&path, &dst).is_ok() {
                    path = dst;
                }
            }
            let internal = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            found.push(Msg { uid: 0, base, path, flags, size: meta.len(), internal, recent });
        }
    }
    let mut changed = false;
    for m in found.iter_mut() {
        if let Some((uid, _)) = map.iter().find(|(_, b)| *b == m.base) {
            m.uid = *uid;
        }
    }
    found.sort_by(|a, b| (a.uid == 0, a.uid, &a.base).cmp(&(b.uid == 0, b.uid, &b.base)));
    for m in found.iter_mut().filter(|m| m.uid == 0) {
        m.uid = uidnext;
        uidnext += 1;
        changed = true;
    }
    if found.len() != map.len() || read_uidlist(dir).is_none() {
        changed = true;
    }
    let folder = Folder { dir: dir.to_path_buf(), uidvalidity, uidnext, msgs: found };
    if changed {
        write_uidlist(&folder)?;
    }
    Ok(folder)
}

/// Renames a message's file so its info suffix carries `flags`; returns the new path.
pub(crate) fn set_flags(m: &Msg, flags: &BTreeSet<char>) -> io::Result<PathBuf> {
    let info: String = flags.iter().collect();
    let dir = m.path.parent().ok_or_else(|| io::Error::other("message without a folder"))?;
    let dst = dir.join(format!("{}:2,{info}", m.base));
    if dst != m.path {
        fs::rename(&m.path, &dst)?;
    }
    Ok(dst)
}

/// Stores a message in a folder's cur/ with flags and an internal date; returns its UID
/// (after a scan assigned it).
pub(crate) fn append(dir: &Path, data: &[u8], flags: &BTreeSet<char>, internal: Option<i64>) -> io::Result<(u32, u32)> {
    let (name, _) = maildir::unique_name();
    let tmp = dir.join("tmp").join(&name);
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(data)?;
        if let Some(t) = internal {
            let when = UNIX_EPOCH + std::time::Duration::from_secs(t.max(0) as u64);
            f.set_modified(when)?;
        }
    }
    let info: String = flags.iter().collect();
    fs::rename(&tmp, dir.join("cur").join(format!("{name}:2,{info}")))?;
    let folder = scan(dir)?;
    let uid = folder.msgs.iter().find(|m| m.base == name).map(|m| m.uid).unwrap_or(0);
    Ok((folder.uidvalidity, uid))
}

/// Copies a message into another folder keeping its flags and date; returns the new UID.
pub(crate) fn copy(m: &Msg, dst: &Path) -> io::Result<u32> {
    let data = fs::read(&m.path)?;
    Ok(append(dst, &data, &m.flags, Some(m.internal))?.1)
}

/// Deletes a folder's files and directories (not its subfolders, which are siblings).
pub(crate) fn delete(dir: &Path) -> io::Result<()> {
    fs::remove_dir_all(dir)
}

/// Renames a folder directory (and, Maildir++ style, every subfolder `old.x` to `new.x`).
pub(crate) fn rename(root: &Path, user: &str, old: &str, new: &str) -> io::Result<()> {
    let udir = maildir::user_dir(root, user);
    let old_enc = format!(".{}", utf7::encode(old));
    let new_enc = format!(".{}", utf7::encode(new));
    for de in fs::read_dir(&udir)? {
        let file = de?.file_name().to_string_lossy().into_owned();
        if let Some(rest) = file.strip_prefix(&old_enc) {
            if rest.is_empty() || rest.starts_with(DELIM) {
                fs::rename(udir.join(&file), udir.join(format!("{new_enc}{rest}")))?;
            }
        }
    }
    Ok(())
}

/// Moves every message of INBOX into a new folder (RENAME INBOX, RFC 3501 6.3.5).
pub(crate) fn move_inbox(inbox: &Path, dst: &Path) -> io::Result<()> {
    create(dst)?;
    for sub in ["cur", "new"] {
        for de in fs::read_dir(inbox.join(sub))? {
            let de = de?;
            if de.path().is_file() {
                fs::rename(de.path(), dst.join(sub).join(de.file_name()))?;
            }
        }
    }
    let _ = fs::remove_file(inbox.join(UIDLIST));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_persist_and_grow_and_flags_live_in_the_name() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("box");
        create(&dir).unwrap();
        fs::write(dir.join("new/1.a"), b"one").unwrap();
        fs::write(dir.join("cur/0.b:2,S"), b"two").unwrap();
        let f = scan(&dir).unwrap();
        let got: Vec<_> = f.msgs.iter().map(|m| (m.uid, m.base.as_str(), m.recent)).collect();
        assert_eq!(got, vec![(1, "0.b", false), (2, "1.a", true)]);
        assert_eq!(f.uidnext, 3);
        assert!(dir.join("cur/1.a:2,").exists());
        let flags: BTreeSet<char> = ['F', 'S'].into();
        set_flags(&f.msgs[1], &flags).unwrap();
        fs::write(dir.join("new/00.c"), b"three").unwrap();
        let g = scan(&dir).unwrap();
        assert_eq!(g.uidvalidity, f.uidvalidity);
        let got: Vec<_> = g.msgs.iter().map(|m| (m.uid, m.base.as_str(), m.flags.iter().collect::<String>())).collect();
        assert_eq!(got, vec![(1, "0.b", "S".into()), (2, "1.a", "FS".into()), (3, "00.c", String::new())]);
    }

    #[test]
    fn names() {
        assert!(valid_name("Sent"));
        assert!(valid_name("Archive.2024"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name("a..b"));
        assert!(!valid_name(".a"));
        assert!(!valid_name(""));
    }
}
