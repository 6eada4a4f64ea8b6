//! Changing messages (RFC 9051 6.4): STORE flags, COPY, MOVE (RFC 6851; without it COPY, STORE
//! \Deleted and UID EXPUNGE or EXPUNGE), EXPUNGE and UID EXPUNGE, and APPEND streamed from a
//! source as one literal (LITERAL+ when offered saves the round trip for the "+").

use super::command::{check_string, Command};
use super::search::sequence_set;
use super::ImapSession;
use crate::error::{self, Error, Result};
use crate::protocol::line::WRITE_CHUNK;
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSource, Progress};

/// How STORE changes the flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagOp {
    Add,
    Remove,
    Replace,
}

/// A flag list "(\Seen $Forwarded)": system flags and keywords, atoms only.
fn flag_list(flags: &[&str]) -> Result<String> {
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

    /// APPEND: streams `source` into `mailbox` as one literal of its size (a source of unknown
    /// size is read into memory first). Returns the new message's UID when the server says
    /// (UIDPLUS [APPENDUID v uid]), else 0.
    pub fn append(
        &mut self,
        mailbox: &str,
        flags: &[&str],
        source: &mut dyn MessageSource,
        progress: Progress,
    ) -> Result<u32> {
        check_string("the mailbox name", mailbox.as_bytes())?;
        let mut cmd = self.mailbox_arg(Command::new("APPEND"), mailbox)?;
        if !flags.is_empty() {
            cmd = cmd.raw(&flag_list(flags)?);
        }
        let source_error = |e: std::io::Error| {
            Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("reading the message failed: {e}"))
                .with_os(&e)
        };
        // A source of unknown size is read first: a literal announces its length.
        let mut held = Vec::new();
        let size = match source.size() {
            Some(n) => n,
            None => {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = source.read(&mut buf).map_err(source_error)?;
                    if n == 0 {
                        break;
                    }
                    held.extend_from_slice(&buf[..n]);
                }
                held.len() as u64
            }
        };
        let non_sync = self.caps.literal_plus || (self.caps.literal_minus && size <= 4096);
        let tag = self.next_tag();
        let lines = cmd.lines(&tag, false);
        let mut head = String::new();
        for (l, lit) in &lines {
            // A mailbox name that needed a literal: keep it simple and refuse, the name goes
            // through SELECT/CREATE just as well in modified UTF-7 (always ASCII).
            if lit.is_some() {
                return Err(Error::invalid_arg("APPEND: the mailbox name must be ASCII or UTF8=ACCEPT enabled"));
            }
            head.push_str(l);
        }
        head.push_str(&format!(" {{{size}{}}}", if non_sync { "+" } else { "" }));
        let step = "sending APPEND";
        self.breaking_on_error(|s| s.link.conn.send(&head, None, step))?;
        if !non_sync {
            if let Some(done) = self.await_continuation(&tag, &mut |_| Ok(()), "waiting for the reply to APPEND")? {
                self.checked(done, "APPEND")?;
                return Ok(0);
            }
        }
        self.link.conn.log.info(crate::log::LOG_F_PROTOCOL, || format!("C: ({size} bytes of message data)"));
        // Stream exactly `size` bytes: a source that ends early or runs long breaks the literal,
        // so the session is closed.
        let r = (|| -> Result<()> {
            let mut sent = 0u64;
            if held.is_empty() && size > 0 {
                let mut buf = vec![0u8; WRITE_CHUNK];
                while sent < size {
                    let want = buf.len().min(usize::try_from(size - sent).unwrap_or(usize::MAX));
                    let n = source.read(&mut buf[..want]).map_err(source_error)?;
                    if n == 0 {
                        return Err(Error::new(
                            error::CSMAIL_E_IO,
                            error::eexMessageSource,
                            format!("the message source ended after {sent} of the {size} bytes it announced"),
                        ));
                    }
                    self.link.conn.data_queue().extend_from_slice(&buf[..n]);
                    sent += n as u64;
                    if self.link.conn.pending() >= WRITE_CHUNK {
                        self.link.conn.flush(step)?;
                    }
                    if !progress(sent, Some(size)) {
                        return Err(Error::aborted());
                    }
                }
            } else {
                self.link.conn.data_queue().extend_from_slice(&held);
                progress(size, Some(size));
            }
            self.link.conn.data_queue().extend_from_slice(b"\r\n");
            self.link.conn.flush(step)
        })();
        self.breaking_on_error(|_| r)?;
        let done = self.await_completion(&tag, "APPEND", &mut |_| Ok(()), None)?;
        let done = self.checked(done, "APPEND")?;
        Ok(match super::response::response_code(&done.line) {
            Some((c, args)) if c == "APPENDUID" => args.split(' ').nth(1).and_then(|u| u.parse().ok()).unwrap_or(0),
            _ => 0,
        })
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
