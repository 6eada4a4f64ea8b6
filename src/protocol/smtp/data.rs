//! The message data: streamed from the source through the stuffer, either after DATA's 354
//! (dot-stuffed, the last bytes in one write with the terminator) or as BDAT chunks (RFC 3030,
//! line ends made CRLF, no stuffing), and the final reply that alone means delivered.

use super::reply::server_error;
use super::SmtpSession;
use crate::error::{self, Error, Result};
use crate::log::LOG_F_PROTOCOL;
use crate::protocol::dotstuff::Stuffer;
use crate::protocol::line::WRITE_CHUNK;
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSource, Progress};
use std::time::Instant;

/// How the message goes onto the wire.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Framing {
    /// After DATA's 354: dot-stuffed, ended by CRLF.CRLF.
    Data,
    /// BDAT chunks; `last` puts LAST on the final one, else the caller sends `BDAT 0 LAST`.
    Bdat { last: bool },
}

impl SmtpSession {
    /// Queues the whole message in `framing`, flushing every WRITE_CHUNK, and leaves its end in
    /// the output queue, so that the caller can add what follows (the next envelope) to the
    /// same write. Returns the number of BDAT commands queued (each gets a reply).
    pub(super) fn queue_message(
        &mut self,
        source: &mut dyn MessageSource,
        total: Option<u64>,
        framing: Framing,
        progress: Progress,
    ) -> Result<usize> {
        let mut stuffer = if framing == Framing::Data { Stuffer::new() } else { Stuffer::without_dots() };
        let mut done: u64 = 0;
        let mut chunks = 0;
        self.link.conn.log.info(LOG_F_PROTOCOL, || {
            let how = if framing == Framing::Data { "message data" } else { "message in BDAT chunks" };
            format!("C: <{how}{}>", total.map(|t| format!(", {t} bytes")).unwrap_or_default())
        });
        // The read buffer and the BDAT chunk buffer live as long as the session.
        let mut read_buf = std::mem::take(&mut self.read_buf);
        let mut chunk = std::mem::take(&mut self.chunk_buf);
        read_buf.resize(PIECE, 0);
        let in_memory = source.in_memory().map(|m| m.len());
        let mut offset = 0;
        let result = loop {
            // A message in memory is stuffed straight from it, PIECE at a time (for the progress
            // reports and the flushes); other sources are read into the buffer.
            let piece: &[u8] = match in_memory {
                Some(len) => {
                    let end = (offset + PIECE).min(len);
                    let start = offset;
                    offset = end;
                    &source.in_memory().expect("a memory source stays in memory")[start..end]
                }
                None => match source.read(&mut read_buf) {
                    Ok(n) => &read_buf[..n],
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        break Err(Error::new(
                            error::CSMAIL_E_IO,
                            error::eexMessageSource,
                            format!("reading the message failed: {e}"),
                        )
                        .with_os(&e))
                    }
                },
            };
            let n = piece.len();
            if n == 0 {
                break Ok(());
            }
            match framing {
                Framing::Data => stuffer.push(piece, self.link.conn.data_queue()),
                // Plain CRLF text goes into its BDAT chunk as it is, without a copy through the
                // chunk buffer (whose length the BDAT command must give first); a big piece is
                // not even copied into the output queue, it goes out behind its BDAT line.
                Framing::Bdat { .. } if stuffer.passes_unchanged(piece) => {
                    chunks += 1;
                    if n >= DIRECT_PIECE {
                        queue_chunk(self.link.conn.data_queue(), &[], n, false);
                        if let Err(e) = self.link.conn.flush_with(piece, "sending the message") {
                            break Err(e);
                        }
                    } else {
                        queue_chunk(self.link.conn.data_queue(), piece, n, false);
                    }
                }
                Framing::Bdat { .. } => {
                    chunk.clear();
                    stuffer.push(piece, &mut chunk);
                    if !chunk.is_empty() {
                        queue_chunk(self.link.conn.data_queue(), &chunk, chunk.len(), false);
                        chunks += 1;
                    }
                }
            }
            done += n as u64;
            if self.link.conn.pending() >= WRITE_CHUNK {
                if let Err(e) = self.link.conn.flush("sending the message") {
                    break Err(e);
                }
            }
            if !progress(done, total) {
                break Err(Error::aborted());
            }
        };
        if result.is_ok() {
            match framing {
                Framing::Data => stuffer.finish(self.link.conn.data_queue()),
                Framing::Bdat { last } => {
                    chunk.clear();
                    stuffer.finish(&mut chunk);
                    if last || !chunk.is_empty() {
                        queue_chunk(self.link.conn.data_queue(), &chunk, chunk.len(), last);
                        chunks += 1;
                    }
                }
            }
        }
        self.read_buf = read_buf;
        self.chunk_buf = chunk;
        if let Err(e) = result {
            // Part of the message is out: the transaction cannot be ended cleanly.
            self.mark_broken();
            return Err(e);
        }
        Ok(chunks)
    }

    /// Reads the reply that says whether the message was delivered. Once the end of the data
    /// is out, a lost connection or an abort is DELIVERY_UNKNOWN: the server may have delivered.
    pub(super) fn read_final(&mut self, started: Instant) -> Result<()> {
        let reply = match self.read_reply("waiting for the reply to the message") {
            Ok(r) => r,
            Err(e) => return Err(self.delivery_unknown(e, started)),
        };
        if reply.code != 250 {
            return Err(server_error(error::CSMAIL_E_SERVER, "the message was refused", &reply));
        }
        Ok(())
    }

    /// The error for a failure after the end of the data was sent.
    pub(super) fn delivery_unknown(&mut self, e: Error, started: Instant) -> Error {
        self.mark_broken();
        if e.result == error::CSMAIL_E_ABORTED {
            return Error::new(
                error::CSMAIL_E_DELIVERY_UNKNOWN,
                error::eexDeliveryUnknown,
                "aborted after the message was sent: delivery unknown",
            );
        }
        Error {
            result: error::CSMAIL_E_DELIVERY_UNKNOWN,
            eex: error::eexDeliveryUnknown,
            text: format!(
                "the message was sent but no final reply came ({}; waited {} ms): delivery unknown",
                e.text,
                started.elapsed().as_millis()
            ),
            os_error: e.os_error,
        }
    }

    /// Streams the message after DATA's 354 and reads the final reply. The message's last
    /// bytes and the terminator go out in one write: no delayed-ACK stall.
    pub(crate) fn send_data(
        &mut self,
        source: &mut dyn MessageSource,
        total: Option<u64>,
        progress: Progress,
    ) -> Result<()> {
        self.queue_message(source, total, Framing::Data, progress)?;
        self.breaking_on_error(|s| s.link.conn.flush("sending the message"))?;
        self.link.conn.log.info(LOG_F_PROTOCOL, || "C: .".into());
        self.read_final(Instant::now())
    }

    /// CHUNKING with PIPELINING (RFC 3030): MAIL and every RCPT in one write, then — only once
    /// the server accepted them — the message as BDAT chunks, the last with LAST. No message byte
    /// goes out before the envelope is accepted: a server that refuses MAIL (Postfix's "530 Must
    /// issue a STARTTLS command first") may not read a refused BDAT's chunk as data but as
    /// commands, so chunks pipelined behind a refused envelope would be run as SMTP commands.
    pub(super) fn send_chunked(
        &mut self,
        mail: &str,
        recipients: &[&str],
        source: &mut dyn MessageSource,
        total: Option<u64>,
        progress: Progress,
    ) -> Result<()> {
        self.queue_envelope(mail, recipients, false)?;
        self.breaking_on_error(|s| s.link.conn.flush("sending the envelope"))?;
        let replies = self.read_envelope(recipients.len(), false)?;
        if let Some(err) = replies.refusal(recipients) {
            return Err(self.abandon(replies, err, true));
        }
        let chunks = self.queue_message(source, total, Framing::Bdat { last: true }, progress)?;
        self.breaking_on_error(|s| s.link.conn.flush("sending the message"))?;
        self.link.conn.log.info(LOG_F_PROTOCOL, || "C: <BDAT LAST>".into());
        // Every chunk but the last gets a 250 of its own; a refused one means the message is.
        let started = Instant::now();
        let mut refused = None;
        for _ in 1..chunks {
            let r = match self.read_reply("reading the BDAT replies") {
                Ok(r) => r,
                Err(e) => return Err(self.delivery_unknown(e, started)),
            };
            if r.code != 250 && refused.is_none() {
                refused = Some((server_error(error::CSMAIL_E_SERVER, "a BDAT chunk was refused", &r), r));
            }
        }
        let last = self.read_final(started);
        match refused {
            Some((e, reply)) => {
                let _ = self.reset();
                // The reply properties describe the refusal, not the RSET after it.
                self.link.last = reply;
                Err(e)
            }
            None => last,
        }
    }
}

/// How much of the message is read (or taken from memory) at a time: with its BDAT line
/// (`BDAT 65524\r\n`, 12 bytes) a piece fills exactly four full TLS records (16 KiB each),
/// where WRITE_CHUNK bytes would add a fifth record of 12 bytes to every flush.
const PIECE: usize = WRITE_CHUNK - "BDAT 65524\r\n".len();

/// A BDAT chunk at least this big goes from the read buffer straight to the stream; a smaller
/// one is copied into the output queue, where it can share a write with what follows (the
/// next message's envelope, say).
const DIRECT_PIECE: usize = 16 * 1024;

/// `BDAT <size>[ LAST]` and `chunk`, which is the whole chunk of `size` bytes or empty (the
/// caller then writes the chunk right after the queue).
fn queue_chunk(out: &mut Vec<u8>, chunk: &[u8], size: usize, last: bool) {
    use std::io::Write;
    debug_assert!(chunk.is_empty() || chunk.len() == size);
    let _ = write!(out, "BDAT {size}{}\r\n", if last { " LAST" } else { "" });
    out.extend_from_slice(chunk);
}
