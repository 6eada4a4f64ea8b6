//! The mail transaction's envelope: address checks, MAIL FROM with its SIZE/BODY/SMTPUTF8
//! parameters, RCPT TO, DATA, one at a time or pipelined (RFC 2920), and all or nothing: a
//! refusal resets (or, after a pipelined DATA was accepted, drops) the transaction.

use super::reply::{server_error, Reply};
use super::SmtpSession;
use crate::error::{self, Error, Result};
use crate::protocol::dotstuff::Shape;
use crate::protocol::line::check_command_arg;
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSource, Progress};

/// RFC 5321 4.5.3.1.3: a path is at most 256 octets.
const MAX_PATH: usize = 256;

/// Checks an envelope address: no CR/LF/NUL, no angle brackets, at most 256 octets.
pub fn check_address(what: &str, addr: &str) -> Result<()> {
    check_command_arg(what, addr)?;
    if addr.contains(['<', '>']) || addr.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_arg(format!(
            "{what} {addr:?}: give the bare address, without <> or control characters"
        )));
    }
    if addr.len() > MAX_PATH {
        return Err(Error::invalid_arg(format!("{what} is longer than {MAX_PATH} octets")));
    }
    Ok(())
}

/// The replies to one envelope: MAIL, each RCPT sent, and DATA when it was sent.
struct EnvelopeReplies {
    mail: Reply,
    rcpts: Vec<Reply>,
    data: Option<Reply>,
}

impl EnvelopeReplies {
    /// The error for the first refusal, if any.
    fn refusal(&self, recipients: &[&str]) -> Option<Error> {
        if !self.mail.is(2) {
            return Some(server_error(error::CSMAIL_E_SERVER, "MAIL FROM refused", &self.mail));
        }
        if let Some((i, r)) = self.rcpts.iter().enumerate().find(|(_, r)| !r.is(2)) {
            return Some(server_error(error::CSMAIL_E_SERVER, &format!("RCPT TO:<{}> refused", recipients[i]), r));
        }
        match &self.data {
            Some(d) if d.code != 354 => Some(server_error(error::CSMAIL_E_SERVER, "DATA refused", d)),
            _ => None,
        }
    }

    /// The reply that explains the refusal (not the RSET that may follow it).
    fn explaining(self) -> Reply {
        if !self.mail.is(2) {
            return self.mail;
        }
        self.rcpts.into_iter().find(|r| !r.is(2)).or(self.data).unwrap_or_default()
    }
}

const STEP: &str = "sending the envelope";

impl SmtpSession {
    /// Sends one message to every recipient, or to none.
    pub fn send(
        &mut self,
        from: &str,
        recipients: &[&str],
        source: &mut dyn MessageSource,
        progress: Progress,
    ) -> Result<()> {
        let shape = source.shape().map_err(|e| {
            Error::new(
                error::CSMAIL_E_IO,
                error::eexMessageSource,
                format!("reading the message to measure it failed: {e}"),
            )
        })?;
        let mail = match self.mail_command(from, recipients, shape, source.utf8_header_address()) {
            Ok(mail) => mail,
            Err(e) => {
                // A refusal made here, before anything is sent, has no server reply: none
                // stays visible as if it belonged to it.
                self.link.last = Reply::default();
                return Err(e);
            }
        };
        let total = source.size();
        let replies = if self.ext.pipelining {
            self.pipelined_envelope(&mail, recipients)?
        } else {
            self.envelope_one_by_one(&mail, recipients)?
        };
        if let Some(mut err) = replies.refusal(recipients) {
            if replies.data.as_ref().is_some_and(|d| d.code == 354) {
                // The server waits for data that must not be delivered to the recipients it
                // accepted. The only way out of DATA without delivering is to drop the connection.
                err.text.push_str(" (the connection was closed to cancel the pipelined DATA)");
                self.mark_broken();
            } else {
                let _ = self.reset();
            }
            self.link.last = replies.explaining();
            return Err(err);
        }
        self.send_data(source, total, progress)
    }

    /// MAIL FROM with the parameters the server's extensions call for, after the checks that
    /// need no round trip: SMTPUTF8 for addresses that are not ASCII (in the envelope, or
    /// `utf8_header` in the message's header), the SIZE limit. What the server announced it would
    /// not accept is refused here (CSMAIL_E_REFUSED_LOCALLY). `shape` is the message's RFC 1870
    /// size and 8-bit flag, when they could be measured.
    fn mail_command(
        &self,
        from: &str,
        recipients: &[&str],
        shape: Option<Shape>,
        utf8_header: Option<&str>,
    ) -> Result<String> {
        let utf8_envelope = !from.is_ascii() || recipients.iter().any(|r| !r.is_ascii());
        let needs_utf8 = utf8_envelope || utf8_header.is_some();
        if needs_utf8 && !self.ext.smtputf8 {
            // RFC 2047 encodes display names, never addresses: there is no 7-bit form to send.
            let text = match utf8_header {
                Some(address) if !utf8_envelope => format!(
                    "{address} is not ASCII and the server does not offer SMTPUTF8; use an ASCII \
                     address (a domain may be written in its xn-- form) or a server with SMTPUTF8"
                ),
                _ => "an address is not ASCII and the server does not offer SMTPUTF8".to_owned(),
            };
            return Err(Error::new(error::CSMAIL_E_REFUSED_LOCALLY, error::eexSmtpUtf8Required, text));
        }
        if let (Some(shape), limit) = (shape, self.ext.size) {
            if limit > 0 && shape.size > limit {
                return Err(Error::new(
                    error::CSMAIL_E_REFUSED_LOCALLY,
                    error::eexMessageTooLarge,
                    format!("the message has {} bytes; the server accepts at most {limit} (SIZE)", shape.size),
                ));
            }
        }
        let mut mail = format!("MAIL FROM:<{from}>");
        if let (Some(shape), true) = (shape, self.ext.size > 0 || self.ext.keywords.iter().any(|k| k == "SIZE")) {
            mail.push_str(&format!(" SIZE={}", shape.size));
        }
        // BODY=8BITMIME for 8-bit data, and for data that cannot be looked at beforehand (RFC
        // 6152 allows declaring it for 7-bit data too); a 7-bit message goes without it.
        if self.ext.eightbitmime && shape.is_none_or(|s| s.eight_bit) {
            mail.push_str(" BODY=8BITMIME");
        }
        if needs_utf8 {
            mail.push_str(" SMTPUTF8");
        }
        Ok(mail)
    }

    /// RFC 2920: MAIL, every RCPT and DATA in one write, then the replies in order.
    fn pipelined_envelope(&mut self, mail: &str, recipients: &[&str]) -> Result<EnvelopeReplies> {
        self.link.conn.queue(mail, None)?;
        for r in recipients {
            self.link.conn.queue(&format!("RCPT TO:<{r}>"), None)?;
        }
        self.link.conn.queue("DATA", None)?;
        self.breaking_on_error(|s| s.link.conn.flush(STEP))?;
        let mail = self.breaking_on_error(|s| s.read_reply(STEP))?;
        let mut rcpts = Vec::with_capacity(recipients.len());
        for _ in recipients {
            rcpts.push(self.breaking_on_error(|s| s.read_reply(STEP))?);
        }
        let data = self.breaking_on_error(|s| s.read_reply(STEP))?;
        Ok(EnvelopeReplies { mail, rcpts, data: Some(data) })
    }

    /// One command at a time, stopping at the first refusal; DATA only when all were accepted.
    fn envelope_one_by_one(&mut self, mail: &str, recipients: &[&str]) -> Result<EnvelopeReplies> {
        let mail = self.breaking_on_error(|s| s.command(mail, None, STEP))?;
        let mut rcpts = Vec::new();
        if mail.is(2) {
            for r in recipients {
                let reply = self.breaking_on_error(|s| s.command(&format!("RCPT TO:<{r}>"), None, STEP))?;
                let refused = !reply.is(2);
                rcpts.push(reply);
                if refused {
                    break;
                }
            }
        }
        let all_ok = mail.is(2) && rcpts.len() == recipients.len() && rcpts.iter().all(|r| r.is(2));
        let data = if all_ok { Some(self.breaking_on_error(|s| s.command("DATA", None, STEP))?) } else { None };
        Ok(EnvelopeReplies { mail, rcpts, data })
    }
}
