//! Several messages in one go, one result each, with one round trip per message: with
//! PIPELINING the next message's envelope (MAIL, RCPT, DATA) goes out in the same write as the
//! previous message's end of data, so the server's final reply for one message and its replies
//! to the next envelope come back together (RFC 2920 allows message content first in a group).
//! Each message is still all or nothing, and "delivered" still means its own final 2xx. A
//! server that offers CHUNKING gets the same DATA batch (see `send_batch`).

use super::data::Framing;
use super::envelope::check_address;
use super::SmtpSession;
use crate::error::{Error, Result};
use crate::log::LOG_F_PROTOCOL;
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSource, Progress};
use std::time::Instant;

/// One message of a batch.
pub struct Outgoing<'a> {
    pub from: &'a str,
    pub recipients: &'a [&'a str],
    pub source: &'a mut dyn MessageSource,
}

fn not_sent(why: &str) -> Error {
    Error::new(crate::error::CSMAIL_E_NETWORK, crate::error::eexNotConnected, format!("not sent: {why}"))
}

impl SmtpSession {
    /// Sends every message; the result of each is in `results` (same order, same length).
    /// Without PIPELINING the messages go one after the other, as `send` sends them.
    pub fn send_batch(&mut self, messages: &mut [Outgoing], results: &mut Vec<Result<()>>, progress: Progress) {
        results.clear();
        results.resize_with(messages.len(), || Err(not_sent("an earlier message broke the session")));
        if !self.ext.pipelining {
            for (i, m) in messages.iter_mut().enumerate() {
                results[i] = self.send(m.from, m.recipients, m.source, &mut *progress);
                if self.is_broken() {
                    break;
                }
            }
            return;
        }
        // The MAIL command of each message; a message that fails its checks is not sent.
        let mut mails: Vec<Option<String>> = Vec::with_capacity(messages.len());
        for (i, m) in messages.iter_mut().enumerate() {
            let checked = (if m.recipients.is_empty() { Err(Error::invalid_arg("no recipients")) } else { Ok(()) })
                .and_then(|_| check_address("sender", m.from))
                .and_then(|_| m.recipients.iter().try_for_each(|r| check_address("recipient", r)))
                .and_then(|_| self.mail_for(m.from, m.recipients, m.source));
            match checked {
                Ok(mail) => mails.push(Some(mail)),
                Err(e) => {
                    results[i] = Err(e);
                    mails.push(None);
                }
            }
        }
        // A batch goes with DATA even when CHUNKING is offered: the next envelope rides behind
        // the previous end of data (one round trip a message), while BDAT chunks may not go
        // before their envelope is accepted (see `send_chunked`).
        let next_after = |i: Option<usize>| (i.map_or(0, |i| i + 1)..mails.len()).find(|&j| mails[j].is_some());
        let Some(mut i) = next_after(None) else { return };
        // Whether an RSET goes in front of the next envelope (after a refused one).
        let mut rset_first = false;
        if let Err(e) = self.queue_envelope(mails[i].as_deref().expect("checked"), messages[i].recipients, true) {
            results[i] = Err(e);
            return;
        }
        if let Err(e) = self.breaking_on_error(|s| s.link.conn.flush("sending the envelope")) {
            results[i] = Err(e);
            return;
        }
        loop {
            if rset_first {
                rset_first = false;
                if let Err(e) = self.breaking_on_error(|s| s.read_reply("reading the reply to RSET")) {
                    results[i] = Err(e);
                    return;
                }
            }
            let recipients = messages[i].recipients;
            let replies = match self.read_envelope(recipients.len(), true) {
                Ok(r) => r,
                Err(e) => {
                    results[i] = Err(e);
                    return;
                }
            };
            let next = next_after(Some(i));
            if let Some(err) = replies.refusal(recipients) {
                results[i] = Err(self.abandon(replies, err, false));
                if self.is_broken() {
                    return;
                }
                let Some(j) = next else {
                    let _ = self.reset();
                    return;
                };
                // RSET and the next envelope in one write.
                let queued = self.link.conn.queue("RSET", None).and_then(|_| {
                    self.queue_envelope(mails[j].as_deref().expect("checked"), messages[j].recipients, true)
                });
                if let Err(e) = queued.and_then(|_| self.breaking_on_error(|s| s.link.conn.flush("sending RSET"))) {
                    results[j] = Err(e);
                    return;
                }
                rset_first = true;
                i = j;
                continue;
            }
            let total = messages[i].source.size();
            if let Err(e) = self.queue_message(messages[i].source, total, Framing::Data, &mut *progress) {
                results[i] = Err(e);
                return;
            }
            // The next envelope behind the dot.
            if let Some(j) = next {
                let mail = mails[j].as_deref().expect("checked");
                if let Err(e) = self.queue_envelope(mail, messages[j].recipients, true) {
                    // Only a CR/LF/NUL in an address gets here (the checks above refuse them):
                    // the queue holds part of an envelope, the session cannot go on.
                    self.mark_broken();
                    results[j] = Err(e);
                }
            }
            if let Err(e) = self.breaking_on_error(|s| s.link.conn.flush("sending the message")) {
                results[i] = Err(e);
                return;
            }
            self.link.conn.log.info(LOG_F_PROTOCOL, || "C: .".into());
            results[i] = self.read_final(Instant::now());
            match next {
                Some(j) if !self.is_broken() => i = j,
                _ => return,
            }
        }
    }
}
