//! FETCH and UID FETCH (RFC 9051 6.4.5): message attributes (UID, flags, size, internal date,
//! envelope, BODYSTRUCTURE) for a set of messages, and one message or section streamed into a sink with
//! BODY.PEEK (the \Seen flag stays as it was).

use super::bodystructure::BodyPart;
use super::command::Command;
use super::response::{BodyTarget, Status};
use super::search::sequence_set;
use super::ImapSession;
use crate::error::{self, Error, Result};
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSink, Progress};
use imap_proto::{AttributeValue, Response};
use std::collections::VecDeque;

/// UID FETCH commands kept in flight by `fetch_many` (as POP3's pipelined RETR: the round trip
/// of each message overlaps the transfer of the ones before it).
const PIPELINE_WINDOW: usize = 8;

/// Writes a body that came as a quoted string (or an inline literal) into the sink.
fn write_whole(sink: &mut dyn MessageSink, d: &[u8]) -> Result<u64> {
    let io = |e: std::io::Error| {
        Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("storing the message failed: {e}")).with_os(&e)
    };
    sink.write(d).map_err(io)?;
    sink.finish().map_err(io)?;
    Ok(d.len() as u64)
}

/// The body of a FETCH response that did not stream (a quoted string, or NIL); an untagged
/// handler.
fn body_data(r: &Response<'_>, quoted: &mut Option<Vec<u8>>, nil: &mut bool) -> Result<()> {
    if let Response::Fetch(_, attrs) = r {
        for a in attrs {
            if let AttributeValue::BodySection { data, .. } = a {
                match data {
                    Some(d) if !d.is_empty() => *quoted = Some(d.to_vec()),
                    Some(_) => {}
                    None => *nil = true,
                }
            }
        }
    }
    Ok(())
}

/// Which attributes to fetch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchItems {
    pub flags: bool,
    pub size: bool,
    pub internal_date: bool,
    pub envelope: bool,
    /// BODYSTRUCTURE: the MIME parts and their section numbers.
    pub body_structure: bool,
}

impl FetchItems {
    pub const ALL: FetchItems =
        FetchItems { flags: true, size: true, internal_date: true, envelope: true, body_structure: true };
    /// None of the attributes: only the UID.
    pub const NONE: FetchItems =
        FetchItems { flags: false, size: false, internal_date: false, envelope: false, body_structure: false };
}

/// One message's fetched attributes; the envelope's strings are as the server sent them
/// (RFC 2047 encoded words are not decoded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchedMessage {
    pub number: u32,
    pub uid: u32,
    pub flags: Vec<String>,
    pub size: u32,
    pub internal_date: String,
    pub subject: String,
    pub from: String,
    pub date: String,
    pub message_id: String,
    /// The MIME structure, when BODYSTRUCTURE was asked for and the server sent it.
    pub body_structure: Option<BodyPart>,
}

fn text(b: &Option<std::borrow::Cow<'_, [u8]>>) -> String {
    b.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
}

/// A section specification: "", "HEADER", "TEXT", "1", "1.2.MIME", "HEADER.FIELDS (SUBJECT)".
fn check_section(section: &str) -> Result<()> {
    let ok = section.bytes().all(|b| b.is_ascii_alphanumeric() || b" .()-".contains(&b))
        && section.matches('(').count() == section.matches(')').count();
    if !ok {
        return Err(Error::invalid_arg(format!("{section:?} is not a FETCH section (e.g. \"\", \"TEXT\", \"1.2\")")));
    }
    Ok(())
}

impl ImapSession {
    /// FETCH set (UID FETCH with `uid`) of the attributes asked for.
    pub fn fetch_info(&mut self, set: &str, uid: bool, items: FetchItems) -> Result<Vec<FetchedMessage>> {
        let set = sequence_set(set)?;
        let mut names = vec!["UID"];
        if items.flags {
            names.push("FLAGS");
        }
        if items.size {
            names.push("RFC822.SIZE");
        }
        if items.internal_date {
            names.push("INTERNALDATE");
        }
        if items.envelope {
            names.push("ENVELOPE");
        }
        if items.body_structure {
            names.push("BODYSTRUCTURE");
        }
        let cmd =
            Command::new(if uid { "UID FETCH" } else { "FETCH" }).raw(&set).raw(&format!("({})", names.join(" ")));
        let mut out: Vec<FetchedMessage> = Vec::new();
        self.run(&cmd, &mut |r| {
            if let Response::Fetch(n, attrs) = r {
                let mut m = FetchedMessage { number: *n, ..FetchedMessage::default() };
                for a in attrs {
                    match a {
                        AttributeValue::Uid(u) => m.uid = *u,
                        AttributeValue::Flags(f) => m.flags = f.iter().map(|s| s.to_string()).collect(),
                        AttributeValue::Rfc822Size(s) => m.size = *s,
                        AttributeValue::InternalDate(d) => m.internal_date = d.to_string(),
                        AttributeValue::Envelope(e) => {
                            m.subject = text(&e.subject);
                            m.date = text(&e.date);
                            m.message_id = text(&e.message_id);
                            if let Some(a) = e.from.as_ref().and_then(|f| f.first()) {
                                m.from = format!("{}@{}", text(&a.mailbox), text(&a.host));
                            }
                        }
                        AttributeValue::BodyStructure(b) => {
                            m.body_structure = Some(super::bodystructure::from_response(b))
                        }
                        _ => {}
                    }
                }
                // Unsolicited FETCH responses (flag changes of other messages) carry no UID
                // when not asked for; a UID FETCH's own answers always have one.
                if !uid || m.uid != 0 {
                    out.push(m);
                }
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Streams section `section` ("" for the whole message) of message `id` (a UID with `uid`)
    /// into `sink`; returns the bytes written. A message that does not exist (or a server that
    /// sends no body) is CSMAIL_E_SERVER with eexImapNo.
    pub fn fetch_body(
        &mut self,
        id: u32,
        uid: bool,
        section: &str,
        sink: &mut dyn MessageSink,
        progress: Progress,
    ) -> Result<u64> {
        check_section(section)?;
        if id == 0 {
            return Err(Error::invalid_arg("message numbers and UIDs start at 1"));
        }
        let cmd = Command::new(if uid { "UID FETCH" } else { "FETCH" })
            .raw(&id.to_string())
            .raw(&format!("(UID BODY.PEEK[{section}])"));
        let mut target = BodyTarget { sink, progress, written: None };
        // A small body may come as a quoted string instead of a literal: kept and written here.
        let (mut quoted, mut seen_nil) = (None, false);
        self.run_with_body(&cmd, &mut |r| body_data(r, &mut quoted, &mut seen_nil), Some(&mut target))?;
        if let Some(n) = target.written {
            return Ok(n);
        }
        if let Some(d) = quoted {
            return write_whole(target.sink, &d);
        }
        let what = if uid { "UID" } else { "message" };
        Err(Error::new(
            error::CSMAIL_E_SERVER,
            error::eexImapNo,
            if seen_nil {
                format!("the server has no section [{section}] of {what} {id}")
            } else {
                format!("no {what} {id} in the selected mailbox")
            },
        ))
    }

    /// Fetches the whole messages `uids` (UIDs), each streamed into the sink `open(uid)` gives,
    /// with up to 8 UID FETCH commands in flight. Returns the UIDs that were there; a UID the
    /// mailbox no longer has is skipped (its sink gets nothing).
    pub fn fetch_many(
        &mut self,
        uids: &[u32],
        open: &mut dyn FnMut(u32) -> Box<dyn MessageSink>,
        progress: Progress,
    ) -> Result<Vec<u32>> {
        if uids.contains(&0) {
            return Err(Error::invalid_arg("UIDs start at 1"));
        }
        let mut pending: VecDeque<(String, u32)> = VecDeque::new();
        let mut next = uids.iter();
        let mut fetched = Vec::with_capacity(uids.len());
        let mut refused: Option<Error> = None;
        loop {
            while pending.len() < PIPELINE_WINDOW && refused.is_none() {
                let Some(&uid) = next.next() else { break };
                let tag = self.next_tag();
                let line = format!("{tag} UID FETCH {uid} (UID BODY.PEEK[])");
                self.breaking_on_error(|s| s.link.conn.queue(&line, None))?;
                pending.push_back((tag, uid));
            }
            self.breaking_on_error(|s| s.link.conn.flush("sending UID FETCH"))?;
            let Some((tag, uid)) = pending.pop_front() else { break };
            if refused.is_some() {
                // Drain what is still in flight so the session stays in a known state.
                self.await_completion(&tag, "UID FETCH", &mut |_| Ok(()), None)?;
                continue;
            }
            let mut sink = open(uid);
            let mut target = BodyTarget { sink: sink.as_mut(), progress: &mut *progress, written: None };
            let (mut quoted, mut nil) = (None, false);
            let done = self.await_completion(
                &tag,
                "UID FETCH",
                &mut |r| body_data(r, &mut quoted, &mut nil),
                Some(&mut target),
            )?;
            if done.status != Status::Ok {
                refused = self.checked(done, "UID FETCH").err();
                continue;
            }
            self.link.last = done.line.clone();
            if target.written.is_some() {
                fetched.push(uid);
            } else if let Some(d) = quoted {
                write_whole(target.sink, &d)?;
                fetched.push(uid);
            }
        }
        match refused {
            Some(e) => Err(e),
            None => Ok(fetched),
        }
    }
}
