//! POP3 responses (RFC 1939 3): the +OK/-ERR status line, multi-line listings held in memory,
//! and sending a command and reading its status.

use super::Pop3Session;
use crate::error::{self, Error, Result};
use crate::protocol::session::Session;

/// Longest status line accepted (RFC 1939: 512 octets; some servers send longer texts).
pub(crate) const MAX_STATUS_LINE: usize = 4096;
/// Longest CAPA/LIST/UIDL listing, in lines.
const MAX_LIST_LINES: usize = 1_000_000;

/// An error that quotes the server's -ERR line.
pub(crate) fn pop_error(result: i32, what: &str, line: &str) -> Error {
    Error::new(result, error::eexPopServer, format!("{what}: {line}"))
}

/// A status line: `Some((true, text))` for "+OK text", `Some((false, line))` for "-ERR ...",
/// `None` for anything else. "+OK" and "-ERR" are whole words (RFC 1939 3): "+OKAY" is not a
/// status. Depends on the line alone, so the fuzz target drives it directly.
pub fn parse_status(line: &[u8]) -> Option<(bool, String)> {
    let text = String::from_utf8_lossy(line).into_owned();
    let word = |w: &str| text == w || text.starts_with(&format!("{w} "));
    if word("+OK") {
        Some((true, text[3..].trim_start().to_owned()))
    } else if word("-ERR") {
        Some((false, text))
    } else {
        None
    }
}

/// One line of a multi-line listing (CAPA, LIST, UIDL) other than the terminating ".", with its
/// stuffed dot removed.
pub fn listing_line(line: &[u8]) -> String {
    let l = line.strip_prefix(b".").unwrap_or(line);
    String::from_utf8_lossy(l).into_owned()
}

impl Pop3Session {
    /// Reads a status line: (true, text) for +OK, (false, line) for -ERR.
    pub(crate) fn status(&mut self, step: &str) -> Result<(bool, String)> {
        let deadline = self.link.conn.deadline();
        let line = self.breaking_on_error(|s| s.link.conn.read_line(MAX_STATUS_LINE, deadline, step))?;
        if let Some((ok, text)) = parse_status(&line) {
            self.link.last = text.clone();
            Ok((ok, text))
        } else {
            self.mark_broken();
            Err(Error::protocol(
                error::eexMalformedReply,
                format!(
                    "malformed POP3 status while {step}: {:?}",
                    String::from_utf8_lossy(&line[..line.len().min(80)])
                ),
            ))
        }
    }

    pub(crate) fn command(&mut self, line: &str, redacted: Option<&str>, step: &str) -> Result<(bool, String)> {
        self.breaking_on_error(|s| s.link.conn.send(line, redacted, step))?;
        self.status(&crate::protocol::line::reply_step(step))
    }

    /// Reads the lines of a multi-line response into memory (CAPA, LIST, UIDL).
    pub(crate) fn listing(&mut self, step: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let deadline = self.link.conn.deadline();
        loop {
            let line = self.breaking_on_error(|s| s.link.conn.read_line(MAX_STATUS_LINE, deadline, step))?;
            if line == b"." {
                return Ok(out);
            }
            if out.len() >= MAX_LIST_LINES {
                self.mark_broken();
                return Err(Error::protocol(
                    error::eexReplyTooLong,
                    format!("listing of over {MAX_LIST_LINES} lines while {step}"),
                ));
            }
            out.push(listing_line(&line));
        }
    }

    pub(crate) fn expect_ok(&mut self, line: &str, step: &str) -> Result<String> {
        let (ok, text) = self.command(line, None, step)?;
        if !ok {
            return Err(pop_error(error::CSMAIL_E_SERVER, step, &text));
        }
        Ok(text)
    }

    pub(crate) fn malformed(&mut self, what: &str, text: &str) -> Error {
        self.mark_broken();
        Error::protocol(error::eexMalformedReply, format!("malformed {what} reply: {text:?}"))
    }
}
