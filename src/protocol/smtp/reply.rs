//! SMTP replies (RFC 5321 4.2): reading one, with its size limits, its code and its enhanced
//! status code (RFC 2034); sending a command and reading its reply.

use super::SmtpSession;
use crate::error::{self, Error, Result};
use crate::protocol::session::Session;

/// Longest reply line accepted (RFC 5321 says 512; real servers send longer texts).
const MAX_REPLY_LINE: usize = 4096;
/// Longest multi-line reply, in lines and in bytes: a never-ending reply is an error.
const MAX_REPLY_LINES: usize = 512;
const MAX_REPLY_BYTES: usize = 64 * 1024;

/// One SMTP reply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    /// The text of each line, without the code and separator.
    pub lines: Vec<String>,
    /// The enhanced status code of the first line (e.g. "5.1.1"), or empty.
    pub enhanced: String,
}

impl Reply {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
    /// "550 5.1.1 text": the first line as the server sent it, for error texts.
    pub fn summary(&self) -> String {
        format!("{} {}", self.code, self.lines.first().map(String::as_str).unwrap_or(""))
    }
    pub(crate) fn is(&self, class: u16) -> bool {
        self.code / 100 == class
    }

    /// Adds one line of a reply (without its line end): `Some(true)` when it is the last line,
    /// `Some(false)` when more follow, `None` when it is not a reply line (no 2xx-5xx code, a
    /// NUL, a code other than the first line's, a fourth character other than space or `-`).
    /// What it returns depends on the line alone, so the fuzz target drives it directly.
    pub fn push_line(&mut self, line: &[u8]) -> Option<bool> {
        if line.len() < 3
            || !line[..3].iter().all(u8::is_ascii_digit)
            || line.contains(&0)
            || !(b'2'..=b'5').contains(&line[0])
        {
            return None;
        }
        let code: u16 = std::str::from_utf8(&line[..3]).ok().and_then(|c| c.parse().ok())?;
        if self.code != 0 && code != self.code {
            return None;
        }
        let last = match line.get(3) {
            None | Some(b' ') => true,
            Some(b'-') => false,
            Some(_) => return None,
        };
        self.code = code;
        let text = String::from_utf8_lossy(line.get(4..).unwrap_or(&[])).into_owned();
        if self.lines.is_empty() {
            self.enhanced = enhanced_code(&text);
        }
        self.lines.push(text);
        Some(last)
    }
}

fn enhanced_code(text: &str) -> String {
    let token = text.split(' ').next().unwrap_or("");
    let mut parts = token.split('.');
    let ok = matches!(parts.next(), Some("2" | "4" | "5"))
        && parts
            .by_ref()
            .take(2)
            .filter(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .count()
            == 2
        && parts.next().is_none();
    if ok {
        token.to_owned()
    } else {
        String::new()
    }
}

/// An error that quotes the server's reply.
pub(crate) fn server_error(result: i32, what: &str, reply: &Reply) -> Error {
    Error::new(result, error::eexSmtpServer, format!("{what}: {}", reply.summary()))
}

impl SmtpSession {
    /// Reads one (possibly multi-line) reply within the timeout.
    pub fn read_reply(&mut self, step: &str) -> Result<Reply> {
        let deadline = self.link.conn.deadline();
        let mut reply = Reply::default();
        let mut bytes = 0;
        loop {
            let line = self.link.conn.read_line(MAX_REPLY_LINE, deadline, step)?;
            bytes += line.len();
            if reply.lines.len() >= MAX_REPLY_LINES || bytes > MAX_REPLY_BYTES {
                self.mark_broken();
                return Err(Error::protocol(
                    error::eexReplyTooLong,
                    format!("reply of over {MAX_REPLY_LINES} lines or {MAX_REPLY_BYTES} bytes while {step}"),
                ));
            }
            let last = match reply.push_line(&line) {
                Some(last) => last,
                None => {
                    self.mark_broken();
                    return Err(Error::protocol(
                        error::eexMalformedReply,
                        format!(
                            "malformed reply while {step}: {:?}",
                            String::from_utf8_lossy(&line[..line.len().min(80)])
                        ),
                    ));
                }
            };
            if last {
                // clone_from keeps the last reply's allocations: no new ones per reply.
                self.link.last.clone_from(&reply);
                return Ok(reply);
            }
        }
    }

    pub(crate) fn command(&mut self, line: &str, redacted: Option<&str>, step: &str) -> Result<Reply> {
        self.link.conn.send(line, redacted, step)?;
        self.read_reply(&crate::protocol::line::reply_step(step))
    }
}

#[cfg(test)]
mod tests {
    use super::enhanced_code;

    #[test]
    fn enhanced_codes_are_class_dot_subject_dot_detail() {
        for (text, code) in [
            ("5.1.1 no such user", "5.1.1"),
            ("2.0.0 Ok", "2.0.0"),
            ("4.7.123", "4.7.123"),
            ("5.1 short", ""),
            ("5.1.1.1 long", ""),
            ("6.1.1 class", ""),
            ("5.1234.1 subject", ""),
            ("5.a.1 digits", ""),
            ("5..1 empty", ""),
            ("", ""),
            ("Ok", ""),
        ] {
            assert_eq!(enhanced_code(text), code, "{text:?}");
        }
    }
}
