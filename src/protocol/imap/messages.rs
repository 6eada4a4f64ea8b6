//! Changing messages (RFC 9051 6.4): STORE flags, COPY, MOVE (RFC 6851; without it COPY, STORE
//! \Deleted and UID EXPUNGE or EXPUNGE), EXPUNGE and UID EXPUNGE. (APPEND: `append`.)

use super::command::Command;
use super::search::sequence_set;
use super::ImapSession;
use crate::error::{self, Error, Result};

/// How STORE changes the flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagOp {
    Add,
    Remove,
    Replace,
}

/// A flag list "(\Seen $Forwarded)": system flags and keywords, atoms only.
pub(super) fn flag_list(flags: &[&str]) -> Result<String> {
    for f in flags {
        let body = f.strip_prefix('\\').unwrap_or(f);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b)) {
            return Err(Error::invalid_arg(format!("{f:?} is not a flag (\\Seen, \\Deleted, or a keyword atom)")));
        }
    }
    Ok(format!("({})", flags.join(" ")))
}

impl ImapSession {
    fn uid_verb(uid: bool, verb: &str) -> String {
        if uid {
            format!("UID {verb}")
        } else {
            verb.to_owned()
        }
    }

    /// STORE set +FLAGS.SILENT / -FLAGS.SILENT / FLAGS.SILENT (flags).
    pub fn store_flags(&mut self, set: &str, uid: bool, op: FlagOp, flags: &[&str]) -> Result<()> {
        let set = sequence_set(set)?;
        let item = match op {
            FlagOp::Add => "+FLAGS.SILENT",
            FlagOp::Remove => "-FLAGS.SILENT",
            FlagOp::Replace => "FLAGS.SILENT",
        };
        let cmd = Command::new(&Self::uid_verb(uid, "STORE")).raw(&set).raw(item).raw(&flag_list(flags)?);
        self.run(&cmd, &mut |_| Ok(())).map(|_| ())
    }

    /// COPY set to mailbox.
    pub fn copy(&mut self, set: &str, uid: bool, to: &str) -> Result<()> {
        let set = sequence_set(set)?;
        let cmd = self.mailbox_arg(Command::new(&Self::uid_verb(uid, "COPY")).raw(&set), to)?;
        self.run(&cmd, &mut |_| Ok(())).map(|_| ())
    }

    /// MOVE set to mailbox; without MOVE: COPY, STORE +FLAGS \Deleted, and UID EXPUNGE of just
    /// those messages (UIDPLUS) or, for message numbers or without UIDPLUS, an EXPUNGE (which also
    /// removes other messages already marked \Deleted).
    pub fn move_messages(&mut self, set: &str, uid: bool, to: &str) -> Result<()> {
        let set = sequence_set(set)?;
        if self.caps.r#move {
            let cmd = self.mailbox_arg(Command::new(&Self::uid_verb(uid, "MOVE")).raw(&set), to)?;
            return self.run(&cmd, &mut |_| Ok(())).map(|_| ());
        }
        self.copy(&set, uid, to)?;
        self.store_flags(&set, uid, FlagOp::Add, &["\\Deleted"])?;
        if uid && self.caps.uidplus {
            self.uid_expunge(&set)
        } else {
            self.expunge()
        }
    }

    /// EXPUNGE: removes every message marked \Deleted; returns the expunged numbers.
    pub fn expunge(&mut self) -> Result<()> {
        self.run(&Command::new("EXPUNGE"), &mut |_| Ok(())).map(|_| ())
    }

    /// UID EXPUNGE set (UIDPLUS): removes only those of the set marked \Deleted.
    pub fn uid_expunge(&mut self, set: &str) -> Result<()> {
        let set = sequence_set(set)?;
        if !self.caps.uidplus {
            return Err(Error::new(
                error::CSMAIL_E_NOT_SUPPORTED,
                error::eexNotSupported,
                "the server does not offer UIDPLUS (UID EXPUNGE); use EXPUNGE",
            ));
        }
        self.run(&Command::new("UID EXPUNGE").raw(&set), &mut |_| Ok(())).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_atoms() {
        assert_eq!(flag_list(&["\\Seen", "$Forwarded"]).unwrap(), "(\\Seen $Forwarded)");
        assert!(flag_list(&["\\Seen)", "x"]).is_err());
        assert!(flag_list(&["a b"]).is_err());
        assert!(flag_list(&[""]).is_err());
    }
}
