//! The IMAPClient object: what IMAP adds to the generic client — its ports and settings, its
//! introduction (greeting, CAPABILITY, STARTTLS, login), and the mailbox and message operations.

use super::client::{Applicable, Client, ConnectPlan, DefaultPorts, Protocol};
use super::message::Message;
use super::properties::Object;
use super::proxyinfo::ProxyKind;
use super::whole_message::whole_messages;
use crate::error::{self, Error, Result};
use crate::protocol::imap::ImapSession;
use crate::protocol::mechanism::Mechanism;
use crate::protocol::source::{FileSink, FileSource, MessageSink, MessageSource};
use std::time::Duration;

pub use crate::protocol::imap::{
    decode_mailbox_name, encode_mailbox_name, BodyPart, Event as ImapEvent, FetchItems, FetchedMessage, FlagOp,
    IdleOutcome, ListEntry, MailboxInfo, Search, StatusInfo,
};

/// The IMAP protocol on the generic client.
pub struct Imap;

/// IMAPClient.
pub type ImapClient = Client<Imap>;

impl Protocol for Imap {
    type Session = ImapSession;
    const PORTS: DefaultPorts = DefaultPorts { plain: 143, implicit_tls: 993 };
    // No IMAP application proxy kind exists (the proxy table has SMTP and POP3 ones); SOCKS and
    // HTTP tunnels serve IMAP.
    const APPLICATION_PROXY: Option<ProxyKind> = None;
    const SETTINGS: Applicable = Applicable {
        object: Object::Imap,
        mechanism: |m| {
            matches!(
                m,
                Mechanism::Auto
                    | Mechanism::Plain
                    | Mechanism::Login
                    | Mechanism::CramMd5
                    | Mechanism::XOAuth2
                    | Mechanism::OAuthBearer
                    | Mechanism::UserPass
            )
        },
    };

    fn check_plan(plan: &ConnectPlan) -> Result<()> {
        if plan.config.user.is_empty() {
            return Err(Error::invalid_arg("User is not set (IMAP needs a login)"));
        }
        Ok(())
    }
}

fn sink_error(path: &str, e: std::io::Error) -> Error {
    Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("cannot create {path}: {e}")).with_os(&e)
}

impl Client<Imap> {
    /// Runs an operation on the connected session, after a check of its arguments that is
    /// recorded as the operation's failure.
    fn checked_op<T>(&self, check: Result<()>, f: impl FnOnce(&mut ImapSession) -> Result<T>) -> Result<T> {
        if let Err(e) = check {
            return self.refuse(e);
        }
        self.with_connected(f)
    }

    /// SELECT: opens a mailbox read-write.
    pub fn select(&self, mailbox: &str) -> Result<MailboxInfo> {
        self.with_connected(|s| s.select(mailbox, false))
    }

    /// EXAMINE: opens a mailbox read-only.
    pub fn examine(&self, mailbox: &str) -> Result<MailboxInfo> {
        self.with_connected(|s| s.select(mailbox, true))
    }

    /// LIST reference pattern ("" and "*" for every mailbox).
    pub fn list(&self, reference: &str, pattern: &str) -> Result<Vec<ListEntry>> {
        self.with_connected(|s| s.list(reference, pattern))
    }

    /// STATUS of a mailbox that need not be selected.
    pub fn status(&self, mailbox: &str) -> Result<StatusInfo> {
        self.with_connected(|s| s.status(mailbox))
    }

    pub fn create_mailbox(&self, mailbox: &str) -> Result<()> {
        self.with_connected(|s| s.mailbox_command("CREATE", mailbox))
    }

    pub fn delete_mailbox(&self, mailbox: &str) -> Result<()> {
        self.with_connected(|s| s.mailbox_command("DELETE", mailbox))
    }

    pub fn rename_mailbox(&self, from: &str, to: &str) -> Result<()> {
        self.with_connected(|s| s.rename(from, to))
    }

    /// SUBSCRIBE (or UNSUBSCRIBE when `subscribe` is false).
    pub fn subscribe(&self, mailbox: &str, subscribe: bool) -> Result<()> {
        self.with_connected(|s| s.mailbox_command(if subscribe { "SUBSCRIBE" } else { "UNSUBSCRIBE" }, mailbox))
    }

    /// CLOSE (`expunge`: removes the messages marked \Deleted) or UNSELECT.
    pub fn close_mailbox(&self, expunge: bool) -> Result<()> {
        self.with_connected(|s| s.close_mailbox(expunge))
    }

    /// ENABLE capabilities (RFC 5161); returns those enabled.
    pub fn enable(&self, capabilities: &[&str]) -> Result<Vec<String>> {
        self.with_connected(|s| s.enable(capabilities))
    }

    /// ID (RFC 2971): the client's fields out, the server's back.
    pub fn id(&self, fields: &[(&str, &str)]) -> Result<Vec<(String, String)>> {
        self.with_connected(|s| s.id(fields))
    }

    /// SEARCH (UID SEARCH with `uid`): the matching numbers (UIDs), ascending as sent.
    pub fn search(&self, criteria: &Search, uid: bool) -> Result<Vec<u32>> {
        self.with_connected(|s| s.search(criteria, uid))
    }

    /// FETCH (UID FETCH) of attributes for a message set ("1:*", "4,7").
    pub fn fetch_info(&self, set: &str, uid: bool, items: FetchItems) -> Result<Vec<FetchedMessage>> {
        self.with_connected(|s| s.fetch_info(set, uid, items))
    }

    /// BODY.PEEK[section] of one message streamed into a sink; returns the bytes written.
    pub fn fetch_body(&self, id: u32, uid: bool, section: &str, sink: &mut dyn MessageSink) -> Result<u64> {
        let mut progress = self.progress_reporter();
        self.with_connected(|s| s.fetch_body(id, uid, section, sink, &mut progress))
    }

    /// The whole message as a Message.
    pub fn fetch_message(&self, id: u32, uid: bool) -> Result<Message> {
        let mut data = Vec::new();
        self.fetch_body(id, uid, "", &mut data)?;
        Ok(Message::from_bytes(data))
    }

    /// Whole messages by UID, each into the sink `open(uid)` gives, with up to 8 UID FETCH in
    /// flight; returns the UIDs that were there (one the mailbox no longer has is skipped).
    pub fn fetch_many(&self, uids: &[u32], open: &mut dyn FnMut(u32) -> Box<dyn MessageSink>) -> Result<Vec<u32>> {
        let mut progress = self.progress_reporter();
        self.with_connected(|s| s.fetch_many(uids, open, &mut progress))
    }

    /// `fetch_many` with each whole message handed to `deliver(uid, bytes)` as it arrives; an
    /// error from `deliver` fails the batch.
    pub fn fetch_many_whole<F>(&self, uids: &[u32], deliver: F) -> Result<Vec<u32>>
    where
        F: FnMut(u32, &[u8]) -> std::io::Result<()> + Clone + 'static,
    {
        self.fetch_many(uids, &mut whole_messages(deliver))
    }

    /// The whole message into a file, synced to disk; on failure the partial file is removed.
    pub fn fetch_file(&self, id: u32, uid: bool, path: &str) -> Result<u64> {
        let mut sink = match FileSink::create(path) {
            Ok(s) => s,
            Err(e) => return self.refuse(sink_error(path, e)),
        };
        let r = self.fetch_body(id, uid, "", &mut sink);
        if r.is_err() {
            drop(sink);
            let _ = std::fs::remove_file(path);
        }
        r
    }

    /// STORE flags on a message set.
    pub fn store_flags(&self, set: &str, uid: bool, op: FlagOp, flags: &[&str]) -> Result<()> {
        self.with_connected(|s| s.store_flags(set, uid, op, flags))
    }

    pub fn copy(&self, set: &str, uid: bool, mailbox: &str) -> Result<()> {
        self.with_connected(|s| s.copy(set, uid, mailbox))
    }

    /// MOVE (or COPY, STORE \Deleted, EXPUNGE where the server has no MOVE).
    pub fn move_messages(&self, set: &str, uid: bool, mailbox: &str) -> Result<()> {
        self.with_connected(|s| s.move_messages(set, uid, mailbox))
    }

    pub fn expunge(&self) -> Result<()> {
        self.with_connected(|s| s.expunge())
    }

    pub fn uid_expunge(&self, set: &str) -> Result<()> {
        self.with_connected(|s| s.uid_expunge(set))
    }

    /// APPEND a message from a source; returns its UID when the server tells (UIDPLUS), else 0.
    /// Bare CR and LF go as CRLF; a source of unknown size is spooled first (see
    /// `protocol::imap::append`), and a NUL byte is refused before anything is sent.
    pub fn append(&self, mailbox: &str, flags: &[&str], source: &mut dyn MessageSource) -> Result<u32> {
        let mut progress = self.progress_reporter();
        self.with_connected(|s| s.append(mailbox, flags, source, &mut progress))
    }

    /// APPEND a file.
    pub fn append_file(&self, mailbox: &str, flags: &[&str], path: &str) -> Result<u32> {
        let mut source = match FileSource::open(path) {
            Ok(s) => s,
            Err(e) => {
                let err = Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("cannot open {path}: {e}"))
                    .with_os(&e);
                return self.refuse(err);
            }
        };
        self.append(mailbox, flags, &mut source)
    }

    /// APPEND a Message as it would be sent, Bcc kept (the mailbox is the user's own: a copy in
    /// Sent or Drafts keeps who got it).
    pub fn append_message(&self, mailbox: &str, flags: &[&str], message: &Message) -> Result<u32> {
        let mut source = match message.source(true) {
            Ok(s) => s,
            Err(e) => return self.refuse(e),
        };
        self.append(mailbox, flags, source.as_mut())
    }

    /// IDLE until the server reports a change or `wait` ends; `abort` from another thread ends it
    /// with DONE: CSMAIL_E_ABORTED, and the session stays open (see `protocol::imap::idle`).
    pub fn idle(&self, wait: Duration) -> Result<IdleOutcome> {
        let check = if wait.is_zero() { Err(Error::invalid_arg("the IDLE wait must be above 0")) } else { Ok(()) };
        self.checked_op(check, |s| s.idle(wait))
    }

    pub fn noop(&self) -> Result<()> {
        self.with_connected(|s| s.noop())
    }
}
