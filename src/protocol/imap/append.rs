//! APPEND (RFC 9051 6.3.12): a message from a source into a mailbox as one literal.
//!
//! A literal announces its size before its first byte, and the message goes with CRLF line ends
//! (bare CR and LF become CRLF, a missing final CRLF is added: the rules of SMTP's DATA, by the
//! same `Stuffer` and `Measure`), so the size is the size after that conversion:
//! - a source that can be looked at beforehand (memory, a file, a Message) is measured in a first
//!   pass, like SMTP's SIZE=, and converted as it is sent;
//! - any other (a read callback, even one of a stated size, which counts the bytes before the
//!   conversion and is checked) is converted into a spool first: memory up to SPOOL_IN_MEMORY,
//!   a temporary file beyond, so memory does not grow with the message.
//!
//! A NUL byte cannot go in a literal (RFC 9051 4.3; LITERAL8 needs BINARY, which few servers
//! offer): the message is refused before anything is sent. LITERAL+ (or LITERAL- up to 4096
//! bytes) sends the literal without waiting for the server's "+"; otherwise a refusal before the
//! "+" (a tagged NO, [TOOBIG]) ends APPEND with the server's words and the session goes on.

use super::command::{check_string, Command};
use super::exchange::LITERAL_MINUS_MAX;
use super::messages::flag_list;
use super::response::response_code;
use super::ImapSession;
use crate::error::{self, Error, Result};
use crate::log::LOG_F_PROTOCOL;
use crate::protocol::dotstuff::Stuffer;
use crate::protocol::line::WRITE_CHUNK;
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSource, Progress};
use std::io::{Read, Seek, SeekFrom, Write};
use tempfile::SpooledTempFile;

/// A message of unknown size is held in memory up to this size, in a temporary file beyond.
const SPOOL_IN_MEMORY: usize = 256 * 1024;

/// The message, ready to go into the literal.
enum Body<'a> {
    /// Measured: converted while it is sent.
    Measured(&'a mut dyn MessageSource),
    /// Converted already.
    Spooled(SpooledTempFile),
}

fn source_error(e: std::io::Error) -> Error {
    Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("reading the message failed: {e}")).with_os(&e)
}

fn spool_error(e: std::io::Error) -> Error {
    Error::new(
        error::CSMAIL_E_IO,
        error::eexMessageSource,
        format!("spooling the message to a temporary file failed: {e}; check the space in the temporary directory"),
    )
    .with_os(&e)
}

fn nul_refused(at: Option<u64>) -> Error {
    let place = at.map(|n| format!(" at byte {n}")).unwrap_or_default();
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexForbiddenCharacter,
        format!(
            "the message has a NUL byte{place}, which IMAP cannot append (RFC 9051 4.3); encode that part (base64) or remove the byte"
        ),
    )
}

impl ImapSession {
    /// APPEND: `source` into `mailbox` as one literal with CRLF line ends. Returns the new
    /// message's UID when the server says (UIDPLUS [APPENDUID v uid]), else 0.
    pub fn append(
        &mut self,
        mailbox: &str,
        flags: &[&str],
        source: &mut dyn MessageSource,
        progress: Progress,
    ) -> Result<u32> {
        check_string("the mailbox name", mailbox.as_bytes())?;
        let mut cmd = self.mailbox_arg(Command::new("APPEND"), mailbox)?;
        if !flags.is_empty() {
            cmd = cmd.raw(&flag_list(flags)?);
        }
        let (mut body, size) = self.prepare(source)?;
        let non_sync = self.caps.literal_plus || (self.caps.literal_minus && size <= LITERAL_MINUS_MAX as u64);
        let tag = self.next_tag();
        let mut head = String::new();
        for (l, lit) in &cmd.lines(&tag, false) {
            // A mailbox name that needs a literal: refused, the name goes through SELECT/CREATE
            // just as well in modified UTF-7 (always ASCII).
            if lit.is_some() {
                return Err(Error::invalid_arg("APPEND: the mailbox name must be ASCII or UTF8=ACCEPT enabled"));
            }
            head.push_str(l);
        }
        head.push_str(&format!(" {{{size}{}}}", if non_sync { "+" } else { "" }));
        let step = "sending APPEND";
        self.breaking_on_error(|s| s.link.conn.send(&head, None, step))?;
        if !non_sync {
            if let Some(done) = self.await_continuation(&tag, &mut |_| Ok(()), "waiting for the reply to APPEND")? {
                // Refused before the message went: the server's words, the session goes on.
                self.checked(done, "APPEND")?;
                return Err(Error::protocol(
                    error::eexMalformedReply,
                    "the server completed APPEND before it received the message; the message was not stored",
                ));
            }
        }
        self.link.conn.log.info(LOG_F_PROTOCOL, || format!("C: ({size} bytes of message data)"));
        let r = self.send_literal(&mut body, size, progress);
        self.breaking_on_error(|_| r)?;
        let done = self.await_completion(&tag, "APPEND", &mut |_| Ok(()), None)?;
        let done = self.checked(done, "APPEND")?;
        Ok(match response_code(&done.line) {
            Some((c, args)) if c == "APPENDUID" => args.split(' ').nth(1).and_then(|u| u.parse().ok()).unwrap_or(0),
            _ => 0,
        })
    }

    /// The message and its size after the conversion to CRLF: measured, or spooled.
    fn prepare<'a>(&mut self, source: &'a mut dyn MessageSource) -> Result<(Body<'a>, u64)> {
        if let Some(shape) = source.shape().map_err(source_error)? {
            if shape.nul {
                return Err(nul_refused(None));
            }
            return Ok((Body::Measured(source), shape.size));
        }
        let mut spool = SpooledTempFile::new(SPOOL_IN_MEMORY);
        let mut stuffer = Stuffer::without_dots();
        let mut buf = vec![0u8; WRITE_CHUNK];
        let mut out = Vec::with_capacity(2 * WRITE_CHUNK);
        let mut read = 0u64;
        loop {
            if self.link.conn.abort.is_requested() {
                return Err(Error::aborted());
            }
            if self.link.conn.abort.deadline().is_some_and(|d| std::time::Instant::now() >= d) {
                return Err(Error::timeout("spooling the message"));
            }
            let n = source.read(&mut buf).map_err(source_error)?;
            if n == 0 {
                break;
            }
            if let Some(i) = memchr::memchr(0, &buf[..n]) {
                return Err(nul_refused(Some(read + i as u64)));
            }
            read += n as u64;
            stuffer.push(&buf[..n], &mut out);
            spool.write_all(&out).map_err(spool_error)?;
            out.clear();
        }
        if let Some(stated) = source.size().filter(|&n| n != read) {
            return Err(Error::new(
                error::CSMAIL_E_IO,
                error::eexMessageSource,
                format!("the message source gave {read} bytes, not the {stated} it stated; nothing was sent"),
            ));
        }
        stuffer.finish(&mut out);
        spool.write_all(&out).map_err(spool_error)?;
        let size = spool.stream_position().map_err(spool_error)?;
        if spool.is_rolled() {
            self.link.conn.log.info(LOG_F_PROTOCOL, || {
                format!("the message source has no size: spooled its {size} bytes to a temporary file to measure them")
            });
        }
        spool.seek(SeekFrom::Start(0)).map_err(spool_error)?;
        Ok((Body::Spooled(spool), size))
    }

    /// Sends exactly `size` bytes of the message and the CRLF that ends the command. A source
    /// that ends early or runs long (it changed since it was measured) breaks the literal, so
    /// the caller closes the session.
    fn send_literal(&mut self, body: &mut Body<'_>, size: u64, progress: Progress) -> Result<()> {
        let step = "sending APPEND";
        let mut stuffer = Stuffer::without_dots();
        let mut buf = vec![0u8; WRITE_CHUNK];
        let changed = |sent: u64| {
            Error::new(
                error::CSMAIL_E_IO,
                error::eexMessageSource,
                format!("the message source changed while it was sent: {sent} bytes instead of the {size} measured"),
            )
        };
        let mut sent = 0u64;
        let mut ended = false;
        while !ended {
            let before = self.link.conn.pending();
            match body {
                Body::Measured(source) => {
                    let n = source.read(&mut buf).map_err(source_error)?;
                    if n == 0 {
                        stuffer.finish(self.link.conn.data_queue());
                        ended = true;
                    } else if memchr::memchr(0, &buf[..n]).is_some() {
                        return Err(nul_refused(None));
                    } else {
                        stuffer.push(&buf[..n], self.link.conn.data_queue());
                    }
                }
                Body::Spooled(spool) => {
                    let n = spool.read(&mut buf).map_err(spool_error)?;
                    self.link.conn.data_queue().extend_from_slice(&buf[..n]);
                    ended = n == 0;
                }
            }
            sent += (self.link.conn.pending() - before) as u64;
            if sent > size {
                return Err(changed(sent));
            }
            if self.link.conn.pending() >= WRITE_CHUNK {
                self.link.conn.flush(step)?;
            }
            if !progress(sent, Some(size)) {
                return Err(Error::aborted());
            }
        }
        if sent != size {
            return Err(changed(sent));
        }
        self.link.conn.data_queue().extend_from_slice(b"\r\n");
        self.link.conn.flush(step)
    }
}
