//! The POP3Client object: what POP3 adds to the generic client — its ports and settings, its
//! introduction, and the mailbox and retrieval operations.

use super::client::{Applicable, Client, ConnectPlan, DefaultPorts, Protocol, ReplyProperties};
use super::message::Message;
use super::properties::Object;
use super::proxyinfo::ProxyKind;
use super::whole_message::whole_messages;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::pop3::Pop3Session;
use crate::protocol::source::{FileSink, MessageSink};
use std::io;

/// The POP3 protocol on the generic client.
pub struct Pop3;

/// POP3Client.
pub type Pop3Client = Client<Pop3>;

impl Protocol for Pop3 {
    type Session = Pop3Session;
    const PORTS: DefaultPorts = DefaultPorts { plain: 110, implicit_tls: 995 };
    const APPLICATION_PROXY: Option<ProxyKind> = Some(ProxyKind::Pop3);
    const SETTINGS: Applicable = Applicable {
        object: Object::Pop3,
        // Every mechanism: USER/PASS and APOP are POP3's own, the rest go through AUTH (RFC 5034).
        mechanism: |_: Mechanism| true,
    };

    fn check_plan(plan: &ConnectPlan) -> Result<()> {
        if plan.config.user.is_empty() {
            return Err(Error::invalid_arg("User is not set (POP3 needs a login)"));
        }
        Ok(())
    }
}

/// The POP3 status line: REPLY_TEXT only.
impl ReplyProperties for String {
    fn text(&self) -> String {
        self.clone()
    }
}

fn check_number(n: u32) -> Result<()> {
    if n == 0 {
        return Err(Error::invalid_arg("POP3 message numbers start at 1"));
    }
    Ok(())
}

impl Client<Pop3> {
    /// Checks a message number, then runs an operation on the connected session.
    fn on_message<T>(&self, n: u32, f: impl FnOnce(&mut Pop3Session) -> Result<T>) -> Result<T> {
        if let Err(e) = check_number(n) {
            return self.refuse(e);
        }
        self.with_connected(f)
    }

    /// STAT: (message count, mailbox size in bytes).
    pub fn stat(&self) -> Result<(u32, u64)> {
        self.with_connected(|s| s.stat())
    }

    /// LIST n: the size of message n.
    pub fn message_size(&self, n: u32) -> Result<u64> {
        self.on_message(n, |s| s.list(n))
    }

    /// UIDL n: the unique id of message n.
    pub fn uid(&self, n: u32) -> Result<String> {
        self.on_message(n, |s| s.uidl(n))
    }

    /// UIDL: every (number, unique id).
    pub fn uids(&self) -> Result<Vec<(u32, String)>> {
        self.with_connected(|s| s.uidl_all())
    }

    /// RETR n into a sink; returns the bytes written.
    pub fn retrieve(&self, n: u32, sink: &mut dyn MessageSink) -> Result<u64> {
        let mut progress = self.progress_reporter();
        self.on_message(n, |s| s.retr(n, sink, None, &mut progress))
    }

    /// TOP n lines: the headers and the first `lines` body lines.
    pub fn top(&self, n: u32, lines: u32, sink: &mut dyn MessageSink) -> Result<u64> {
        let mut progress = self.progress_reporter();
        self.on_message(n, |s| s.top(n, lines, sink, &mut progress))
    }

    /// GetMessage: RETR n into memory, as a Message.
    pub fn retrieve_message(&self, n: u32) -> Result<Message> {
        let mut data = Vec::new();
        self.retrieve(n, &mut data)?;
        Ok(Message::from_bytes(data))
    }

    /// TOP n lines as a Message (the headers and the first `lines` lines of the body).
    pub fn top_message(&self, n: u32, lines: u32) -> Result<Message> {
        let mut data = Vec::new();
        self.top(n, lines, &mut data)?;
        Ok(Message::from_bytes(data))
    }

    /// RETR n (or TOP n lines) into a file, synced to disk; on failure the partial file is removed.
    pub fn retrieve_file(&self, n: u32, path: &str, top_lines: Option<u32>) -> Result<u64> {
        let mut sink = match FileSink::create(path) {
            Ok(s) => s,
            Err(e) => {
                let err = Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("cannot create {path}: {e}"))
                    .with_os(&e);
                return self.refuse(err);
            }
        };
        let r = match top_lines {
            Some(lines) => self.top(n, lines, &mut sink),
            None => self.retrieve(n, &mut sink),
        };
        if r.is_err() {
            drop(sink);
            let _ = std::fs::remove_file(path);
        }
        r
    }

    /// Retrieves several messages (pipelined when the server allows), each into the sink
    /// `open(n)` returns; deletes each after retrieval when `delete` is set.
    pub fn retrieve_many(
        &self,
        numbers: &[u32],
        delete: bool,
        open: &mut dyn FnMut(u32) -> Box<dyn MessageSink>,
    ) -> Result<()> {
        if let Some(e) = numbers.iter().find_map(|&n| check_number(n).err()) {
            return self.refuse(e);
        }
        let mut progress = self.progress_reporter();
        self.with_connected(|s| s.retrieve_many(numbers, delete, open, &mut progress))
    }

    /// `retrieve_many` with each whole message handed to `deliver(number, bytes)` as it
    /// arrives; an error from `deliver` fails the batch.
    pub fn retrieve_many_whole<F>(&self, numbers: &[u32], delete: bool, deliver: F) -> Result<()>
    where
        F: FnMut(u32, &[u8]) -> io::Result<()> + Clone + 'static,
    {
        self.retrieve_many(numbers, delete, &mut whole_messages(deliver))
    }

    /// DELE n (committed by Disconnect).
    pub fn delete(&self, n: u32) -> Result<()> {
        self.on_message(n, |s| s.dele(n))
    }

    /// RSET: undoes the deletions of this session.
    pub fn reset(&self) -> Result<()> {
        self.with_connected(|s| s.rset())
    }

    /// NOOP.
    pub fn noop(&self) -> Result<()> {
        self.with_connected(|s| s.noop())
    }
}
