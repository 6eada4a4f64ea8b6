//! IDLE (RFC 2177, RFC 9051 6.3.13): waits until the server reports a change to the selected
//! mailbox or the wait ends, then DONE. An abort from another thread ends the wait at once
//! (the connection is closed, as for any aborted operation).

use super::command::Command;
use super::response::{self, Kind};
use super::{Event, ImapSession};
use crate::error::{self, Error, Result};
use crate::protocol::session::Session;
use std::time::{Duration, Instant};

/// How an IDLE ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdleOutcome {
    /// The changes the server reported (empty when the wait ran out).
    pub events: Vec<Event>,
    /// The mailbox's message count afterwards.
    pub exists: u32,
}

impl ImapSession {
    /// IDLE for at most `wait` (RFC 2177 asks clients to re-IDLE within 29 minutes), returning at
    /// the first EXISTS or EXPUNGE reported during it (what earlier commands reported, their own
    /// EXPUNGEs included, is already in the mailbox's counts).
    pub fn idle(&mut self, wait: Duration) -> Result<IdleOutcome> {
        if !self.caps.idle {
            return Err(Error::new(
                error::CSMAIL_E_NOT_SUPPORTED,
                error::eexNotSupported,
                "the server does not offer IDLE",
            ));
        }
        if !self.selected {
            return Err(Error::invalid_arg("IDLE needs a selected mailbox (Select first)"));
        }
        self.take_events();
        let mut events = Vec::new();
        let tag = self.next_tag();
        let step = "sending IDLE";
        let line = Command::new("IDLE").lines(&tag, false).remove(0).0;
        self.breaking_on_error(|s| s.link.conn.send(&line, None, step))?;
        let started = self.await_continuation(&tag, &mut |_| Ok(()), "waiting for the reply to IDLE")?;
        if let Some(done) = started {
            self.checked(done, "IDLE")?;
            return Err(Error::protocol(error::eexMalformedReply, "the server completed IDLE before it began"));
        }
        let until = Instant::now() + wait;
        events.extend(self.take_events());
        while events.is_empty() {
            if Instant::now() >= until {
                break;
            }
            // Wait for the first byte of a response until the end of the wait; the response
            // itself then gets the usual deadline, so a timeout never cuts one in two.
            if self.link.conn.buffered().is_empty() {
                match self.link.conn.fill(Some(until), "idling") {
                    Ok(0) => {
                        self.mark_broken();
                        return Err(Error::new(
                            error::CSMAIL_E_NETWORK,
                            error::eexConnectionClosed,
                            "the server closed the connection during IDLE",
                        ));
                    }
                    Ok(_) => {}
                    Err(e) if e.eex == error::eexTimeout => break,
                    Err(e) => {
                        self.mark_broken();
                        return Err(e);
                    }
                }
            }
            let deadline = self.link.conn.deadline();
            let bytes = self.read(deadline, None, "idling")?;
            match response::classify(&bytes, &tag) {
                Some(Kind::Untagged) => {
                    self.untagged(&bytes, &mut |_| Ok(()))?;
                    events.extend(self.take_events());
                }
                _ => {
                    self.mark_broken();
                    return Err(Error::protocol(
                        error::eexMalformedReply,
                        format!("unexpected response during IDLE: {:?}", String::from_utf8_lossy(&bytes).trim_end()),
                    ));
                }
            }
        }
        self.breaking_on_error(|s| s.link.conn.send("DONE", None, "sending DONE"))?;
        let done = self.await_completion(&tag, "IDLE", &mut |_| Ok(()), None)?;
        self.checked(done, "IDLE")?;
        events.extend(self.take_events());
        Ok(IdleOutcome { events, exists: self.mailbox.exists })
    }
}
