//! Mailbox commands (RFC 9051 6.3): SELECT and EXAMINE, LIST (with special-use attributes,
//! RFC 6154), STATUS, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE, CLOSE, UNSELECT, ENABLE
//! and ID. Names go out in modified UTF-7 (or UTF-8 once UTF8=ACCEPT is enabled) and come back
//! decoded.

use super::command::{check_string, Command};
use super::response::response_code;
use super::utf7::{decode_mailbox_name, encode_mailbox_name};
use super::ImapSession;
use crate::error::Result;
use imap_proto::{MailboxDatum, NameAttribute, Response, StatusAttribute};

/// What SELECT or EXAMINE tells about a mailbox.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailboxInfo {
    pub exists: u32,
    pub recent: u32,
    pub uid_validity: u32,
    pub uid_next: u32,
    /// The first unseen message (IMAP4rev1 [UNSEEN n]); 0 when not told.
    pub first_unseen: u32,
    pub flags: Vec<String>,
    pub permanent_flags: Vec<String>,
    pub read_only: bool,
}

/// One LIST entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// The name, decoded from modified UTF-7.
    pub name: String,
    /// The hierarchy delimiter; None for a flat name space.
    pub delimiter: Option<String>,
    /// The attributes as the server wrote them ("\\HasNoChildren", "\\Sent", ...).
    pub attributes: Vec<String>,
}

/// What STATUS tells; None for an item the server did not report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatusInfo {
    pub messages: Option<u32>,
    pub recent: Option<u32>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
    pub unseen: Option<u32>,
}

fn attribute_name(a: &NameAttribute<'_>) -> String {
    match a {
        NameAttribute::NoInferiors => "\\Noinferiors".into(),
        NameAttribute::NoSelect => "\\Noselect".into(),
        NameAttribute::Marked => "\\Marked".into(),
        NameAttribute::Unmarked => "\\Unmarked".into(),
        NameAttribute::All => "\\All".into(),
        NameAttribute::Archive => "\\Archive".into(),
        NameAttribute::Drafts => "\\Drafts".into(),
        NameAttribute::Flagged => "\\Flagged".into(),
        NameAttribute::Junk => "\\Junk".into(),
        NameAttribute::Sent => "\\Sent".into(),
        NameAttribute::Trash => "\\Trash".into(),
        NameAttribute::Extension(e) => e.to_string(),
        _ => String::new(),
    }
}

impl ImapSession {
    /// A mailbox name as an argument: checked, encoded, written as atom, quoted or literal.
    pub(crate) fn mailbox_arg(&self, cmd: Command, name: &str) -> Result<Command> {
        check_string("the mailbox name", name.as_bytes())?;
        if self.utf8 {
            Ok(cmd.string(name, true))
        } else {
            Ok(cmd.string(&encode_mailbox_name(name), false))
        }
    }

    fn decode_name(&self, name: &str) -> String {
        if self.utf8 {
            name.to_owned()
        } else {
            decode_mailbox_name(name)
        }
    }

    /// SELECT (read-write) or EXAMINE (read-only).
    pub fn select(&mut self, name: &str, read_only: bool) -> Result<MailboxInfo> {
        let cmd = self.mailbox_arg(Command::new(if read_only { "EXAMINE" } else { "SELECT" }), name)?;
        self.selected = false;
        self.mailbox = MailboxInfo::default();
        let mut info = MailboxInfo::default();
        let done = self.run(&cmd, &mut |r| {
            match r {
                Response::MailboxData(MailboxDatum::Flags(f)) => info.flags = f.iter().map(|s| s.to_string()).collect(),
                Response::Data { outcome, .. } => {
                    use imap_proto::ResponseCode as C;
                    match &outcome.code {
                        Some(C::UidValidity(v)) => info.uid_validity = *v,
                        Some(C::UidNext(v)) => info.uid_next = *v,
                        Some(C::Unseen(v)) => info.first_unseen = *v,
                        Some(C::PermanentFlags(f)) => info.permanent_flags = f.iter().map(|s| s.to_string()).collect(),
                        _ => {}
                    }
                }
                _ => {}
            }
            Ok(())
        })?;
        // EXISTS and RECENT were tracked as they came.
        info.exists = self.mailbox.exists;
        info.recent = self.mailbox.recent;
        info.read_only = match response_code(&done.line) {
            Some((c, _)) if c == "READ-ONLY" => true,
            Some((c, _)) if c == "READ-WRITE" => false,
            _ => read_only,
        };
        self.mailbox = info.clone();
        self.selected = true;
        // The counts SELECT reported are the starting point, not changes.
        self.take_events();
        Ok(info)
    }

    /// LIST reference pattern (RFC 9051 6.3.9); names decoded.
    pub fn list(&mut self, reference: &str, pattern: &str) -> Result<Vec<ListEntry>> {
        let cmd = self.mailbox_arg(Command::new("LIST"), reference)?;
        let cmd = self.mailbox_arg(cmd, pattern)?;
        let mut raw = Vec::new();
        self.run(&cmd, &mut |r| {
            if let Response::MailboxData(MailboxDatum::List(l)) = r {
                raw.push(ListEntry {
                    name: l.name.to_string(),
                    delimiter: l.delimiter.as_ref().map(|d| d.to_string()),
                    attributes: l.name_attributes.iter().map(attribute_name).collect(),
                });
            }
            Ok(())
        })?;
        for e in &mut raw {
            e.name = self.decode_name(&e.name);
        }
        Ok(raw)
    }

    /// STATUS name (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT); RECENT only on IMAP4rev1.
    pub fn status(&mut self, name: &str) -> Result<StatusInfo> {
        let items = if self.caps.lines.iter().any(|c| c.eq_ignore_ascii_case("IMAP4rev1")) {
            "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)"
        } else {
            "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)"
        };
        let cmd = self.mailbox_arg(Command::new("STATUS"), name)?.raw(items);
        let mut info = StatusInfo::default();
        self.run(&cmd, &mut |r| {
            if let Response::MailboxData(MailboxDatum::Status { status, .. }) = r {
                for s in status {
                    match s {
                        StatusAttribute::Messages(n) => info.messages = Some(*n),
                        StatusAttribute::Recent(n) => info.recent = Some(*n),
                        StatusAttribute::UidNext(n) => info.uid_next = Some(*n),
                        StatusAttribute::UidValidity(n) => info.uid_validity = Some(*n),
                        StatusAttribute::Unseen(n) => info.unseen = Some(*n),
                        _ => {}
                    }
                }
            }
            Ok(())
        })?;
        Ok(info)
    }

    /// A command whose only argument is a mailbox: CREATE, DELETE, SUBSCRIBE, UNSUBSCRIBE.
    pub fn mailbox_command(&mut self, verb: &str, name: &str) -> Result<()> {
        let cmd = self.mailbox_arg(Command::new(verb), name)?;
        self.run(&cmd, &mut |_| Ok(())).map(|_| ())
    }

    pub fn rename(&mut self, from: &str, to: &str) -> Result<()> {
        let cmd = self.mailbox_arg(Command::new("RENAME"), from)?;
        let cmd = self.mailbox_arg(cmd, to)?;
        self.run(&cmd, &mut |_| Ok(())).map(|_| ())
    }

    /// CLOSE (expunges deleted messages) or UNSELECT (does not); without UNSELECT, EXAMINE'd
    /// mailboxes are closed with CLOSE, which then expunges nothing.
    pub fn close_mailbox(&mut self, expunge: bool) -> Result<()> {
        let verb = if expunge || !self.caps.unselect { "CLOSE" } else { "UNSELECT" };
        if !expunge && !self.caps.unselect && !self.mailbox.read_only {
            return Err(crate::error::Error::new(
                crate::error::CSMAIL_E_NOT_SUPPORTED,
                crate::error::eexNotSupported,
                "the server does not offer UNSELECT: close the mailbox with expunge, or select another one",
            ));
        }
        self.run(&Command::new(verb), &mut |_| Ok(()))?;
        self.selected = false;
        self.mailbox = MailboxInfo::default();
        Ok(())
    }

    /// ENABLE (RFC 5161): the capabilities the server enabled. Enabling UTF8=ACCEPT switches
    /// names and strings to UTF-8.
    pub fn enable(&mut self, capabilities: &[&str]) -> Result<Vec<String>> {
        let mut cmd = Command::new("ENABLE");
        for c in capabilities {
            if c.is_empty() || !c.bytes().all(|b| b.is_ascii_graphic() && !b"(){%*\"\\]".contains(&b)) {
                return Err(crate::error::Error::invalid_arg(format!("{c:?} is not a capability name")));
            }
            cmd = cmd.raw(c);
        }
        let mut enabled = Vec::new();
        self.run(&cmd, &mut |_| Ok(()))?;
        // imap-proto reads "* ENABLED" as nothing it knows: the raw line is not kept, so what
        // was asked and is advertised counts as enabled.
        for c in capabilities {
            if self.caps.lines.iter().any(|l| l.eq_ignore_ascii_case(c)) {
                enabled.push(c.to_string());
            }
        }
        if enabled.iter().any(|c| c.eq_ignore_ascii_case("UTF8=ACCEPT")) {
            self.utf8 = true;
        }
        Ok(enabled)
    }

    /// ID (RFC 2971): sends the client's fields, returns the server's.
    pub fn id(&mut self, fields: &[(&str, &str)]) -> Result<Vec<(String, String)>> {
        let mut cmd = Command::new("ID");
        if fields.is_empty() {
            cmd = cmd.raw("NIL");
        } else {
            cmd = cmd.raw("(");
            for (k, v) in fields {
                check_string("an ID field", k.as_bytes())?;
                check_string("an ID value", v.as_bytes())?;
                cmd = cmd.quoted(k, false).quoted(v, false);
            }
            cmd = cmd.raw(")");
        }
        // "( " and " )" are harmless to servers but not pretty: the list is written tight.
        if let Some(super::Part::Text(t)) = cmd.parts.first_mut() {
            *t = t.replace("( ", "(").replace(" )", ")");
        }
        let mut out = Vec::new();
        self.run(&cmd, &mut |r| {
            if let Response::Id(Some(map)) = r {
                out = map.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                out.sort();
            }
            Ok(())
        })?;
        Ok(out)
    }
}
