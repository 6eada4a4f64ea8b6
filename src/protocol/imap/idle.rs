//! IDLE (RFC 2177, RFC 9051 6.3.13): waits until the server reports a change to the selected
//! mailbox or the wait ends, then DONE.
//!
//! An abort from another thread ends IDLE the way the protocol ends it, not by closing the
//! connection: IDLE asks the client's abort to leave the socket open (`Abort::soften`), waits
//! in short slices so it sees the abort within `ABORT_POLL`, then sends DONE and reads the
//! tagged OK within `DONE_WAIT`. The call reports CSMAIL_E_ABORTED and the session stays usable;
//! only a server that does not confirm DONE in time gets its connection closed.

use super::command::Command;
use super::response::{self, Kind};
use super::{Event, ImapSession};
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::protocol::line::QUIT_AFTER_REFUSAL_WAIT;
use crate::protocol::session::Session;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How an IDLE ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdleOutcome {
    /// The changes the server reported (empty when the wait ran out).
    pub events: Vec<Event>,
    /// The mailbox's message count afterwards.
    pub exists: u32,
}

/// How often a wait during IDLE looks for an abort: a blocked read is not woken by one (the
/// socket stays open), so reads wait at most this long at a time.
const ABORT_POLL: Duration = Duration::from_millis(100);

/// After an abort, how long the server gets to finish IDLE (its "+" if still due, then the
/// tagged OK after DONE); the client's timeout when that is shorter.
const DONE_WAIT: Duration = QUIT_AFTER_REFUSAL_WAIT;

/// What a wait during IDLE ended with.
enum Wake {
    /// Bytes of a response are buffered.
    Data,
    /// The wait's end came (the IDLE wait, or after an abort its short deadline).
    Over,
    /// An abort came: from now on every wait ends at the abort's deadline.
    Aborted,
}

/// The IDLE in progress: its tag and, once an abort came, the deadline for the rest.
struct Idling {
    tag: String,
    abort: Arc<Abort>,
    cut: Option<Instant>,
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
        let abort = Arc::clone(&self.link.conn.abort);
        if !abort.soften() {
            // An abort already shut this operation down.
            return Err(Error::aborted());
        }
        let r = self.idle_in_order(wait, &abort);
        abort.harden();
        r
    }

    fn idle_in_order(&mut self, wait: Duration, abort: &Arc<Abort>) -> Result<IdleOutcome> {
        if abort.soft_requested() {
            return Err(Error::new(
                error::CSMAIL_E_ABORTED,
                error::eexAborted,
                "IDLE was aborted before it began; nothing was sent and the session is still open",
            ));
        }
        self.take_events();
        let mut events = Vec::new();
        let mut idling = Idling { tag: self.next_tag(), abort: Arc::clone(abort), cut: None };
        let line = Command::new("IDLE").lines(&idling.tag, false).remove(0).0;
        self.breaking_on_error(|s| s.link.conn.send(&line, None, "sending IDLE"))?;

        // The "+" that starts the wait (or a refusal).
        let deadline = self.link.conn.deadline();
        loop {
            let bytes = self.idle_answer(&mut idling, deadline, "waiting for the reply to IDLE")?;
            match response::classify(&bytes, &idling.tag) {
                Some(Kind::Continuation) => break,
                Some(Kind::Tagged) => {
                    let done = self.completion(&bytes, &idling.tag)?;
                    self.checked(done, "IDLE")?;
                    return Err(Error::protocol(error::eexMalformedReply, "the server completed IDLE before it began"));
                }
                Some(Kind::Untagged) => self.untagged(&bytes, &mut |_| Ok(()))?,
                None => return Err(self.stray_during_idle(&bytes)),
            }
        }

        // The wait, until a change, its end or an abort.
        let until = Instant::now() + wait;
        events.extend(self.take_events());
        while events.is_empty() && idling.cut.is_none() {
            match self.idle_wait(&mut idling, until, "idling")? {
                Wake::Over | Wake::Aborted => break,
                Wake::Data => {}
            }
            // The response itself gets the usual deadline, so a timeout never cuts one in two.
            let bytes = self.read(self.link.conn.deadline(), None, "idling")?;
            match response::classify(&bytes, &idling.tag) {
                Some(Kind::Untagged) => {
                    self.untagged(&bytes, &mut |_| Ok(()))?;
                    events.extend(self.take_events());
                }
                _ => return Err(self.stray_during_idle(&bytes)),
            }
        }

        // DONE, and the tagged OK.
        self.breaking_on_error(|s| s.link.conn.send("DONE", None, "sending DONE"))?;
        let deadline = self.link.conn.deadline();
        let done = loop {
            let bytes = self.idle_answer(&mut idling, deadline, "waiting for the reply to DONE")?;
            match response::classify(&bytes, &idling.tag) {
                Some(Kind::Tagged) => break self.completion(&bytes, &idling.tag)?,
                Some(Kind::Untagged) => self.untagged(&bytes, &mut |_| Ok(()))?,
                _ => return Err(self.stray_during_idle(&bytes)),
            }
        };
        self.checked(done, "IDLE")?;
        events.extend(self.take_events());
        if idling.cut.is_some() {
            return Err(Error::new(
                error::CSMAIL_E_ABORTED,
                error::eexAborted,
                "IDLE was aborted: DONE was sent and the server confirmed it, so the session is still open",
            ));
        }
        Ok(IdleOutcome { events, exists: self.mailbox.exists })
    }

    /// Reads one response the server owes (the "+" of IDLE, the completion after DONE) by
    /// `deadline`, or after an abort by the abort's short deadline.
    fn idle_answer(&mut self, idling: &mut Idling, deadline: Instant, step: &str) -> Result<Vec<u8>> {
        loop {
            match self.idle_wait(idling, deadline, step)? {
                Wake::Over => return Err(self.idle_unfinished(idling, step)),
                // Still due: the server's answer, now within the abort's deadline.
                Wake::Aborted => continue,
                Wake::Data => return self.read(idling.cut.unwrap_or(deadline), None, step),
            }
        }
    }

    /// Waits until bytes of a response are buffered or `until` (after an abort: the abort's
    /// short deadline) comes, in slices of ABORT_POLL so an abort is seen promptly.
    fn idle_wait(&mut self, idling: &mut Idling, until: Instant, step: &str) -> Result<Wake> {
        loop {
            if !self.link.conn.buffered().is_empty() {
                return Ok(Wake::Data);
            }
            let now = Instant::now();
            if idling.cut.is_none() && idling.abort.soft_requested() {
                idling.cut = Some(now + self.link.conn.timeout.min(DONE_WAIT));
                return Ok(Wake::Aborted);
            }
            let end = idling.cut.unwrap_or(until);
            if now >= end {
                return Ok(Wake::Over);
            }
            let slice = if idling.cut.is_some() { end } else { end.min(now + ABORT_POLL) };
            match self.link.conn.fill(Some(slice), step) {
                Ok(0) => {
                    self.mark_broken();
                    return Err(Error::new(
                        error::CSMAIL_E_NETWORK,
                        error::eexConnectionClosed,
                        format!("the server closed the connection while {step} (IDLE)"),
                    ));
                }
                Ok(_) => return Ok(Wake::Data),
                // A slice ended; the operation's deadline is an end of its own.
                Err(e) if e.eex == error::eexTimeout && idling.abort.deadline().is_none_or(|d| Instant::now() < d) => {}
                Err(e) => {
                    self.mark_broken();
                    return Err(e);
                }
            }
        }
    }

    /// A wait during IDLE ran out before the server answered: after an abort, DONE was not
    /// confirmed in time; otherwise the server is too slow. Either way the protocol state is
    /// unknown, so the connection is closed.
    fn idle_unfinished(&mut self, idling: &Idling, step: &str) -> Error {
        self.mark_broken();
        match idling.cut {
            Some(_) => Error::new(
                error::CSMAIL_E_ABORTED,
                error::eexAborted,
                format!(
                    "IDLE was aborted and the server did not end it within {} ms while {step}, so the connection was closed",
                    self.link.conn.timeout.min(DONE_WAIT).as_millis()
                ),
            ),
            None => Error::timeout(step),
        }
    }

    fn stray_during_idle(&mut self, bytes: &[u8]) -> Error {
        self.mark_broken();
        Error::protocol(
            error::eexMalformedReply,
            format!("unexpected response during IDLE: {:?}", String::from_utf8_lossy(bytes).trim_end()),
        )
    }
}
