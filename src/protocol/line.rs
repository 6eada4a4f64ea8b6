//! The line engine shared by SMTP and POP3: buffered reads with size limits and deadlines,
//! command writes that refuse CR/LF/NUL, logging with redaction, the STARTTLS/STLS upgrade.

use crate::abort::{Abort, SpeedMeter};
use crate::error::{self, Error, Result};
use crate::log::Logger;
use crate::tls::config::TlsHandshakeParams;
use crate::transport::stream::{self, Stream};
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Read buffer size: large enough that bulk RETR data moves in big reads.
/// How long a QUIT after a refused login waits for its reply.
pub const QUIT_AFTER_REFUSAL_WAIT: Duration = Duration::from_secs(2);
/// The longest reply line to that QUIT read (a longer one is not waited for).
const QUIT_REPLY_MAX: usize = 512;
const READ_BUF: usize = 64 * 1024;
/// Output is flushed when this much is buffered (message data), or at the end of a command group.
pub(crate) const WRITE_CHUNK: usize = 64 * 1024;

/// A connection read and written line by line: the stream, a read buffer that line reads and
/// bulk message reads share, and the output queued until the next flush.
pub struct LineConnection {
    stream: Option<Stream>,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    out: Vec<u8>,
    pub(crate) log: Logger,
    pub abort: Arc<Abort>,
    pub timeout: Duration,
    read_timeout: Option<Duration>,
    /// The write timeout last set: the client's timeout, or less near the operation's deadline.
    write_timeout: Duration,
    /// Received message data against the low-speed limit.
    meter: SpeedMeter,
    /// How often SO_RCVTIMEO was set (a unit test checks that replies do not each cost one).
    timeout_sets: u32,
}

/// The step a command's reply is waited for in: "sending EHLO" gives "waiting for the reply to
/// EHLO", so a stall names what the client waits for, not what it already did.
pub fn reply_step(step: &str) -> std::borrow::Cow<'_, str> {
    match step.strip_prefix("sending ") {
        Some(command) => format!("waiting for the reply to {command}").into(),
        None => step.into(),
    }
}

/// Refuses CR, LF and NUL in anything that goes onto a command line.
pub fn check_command_arg(what: &str, value: &str) -> Result<()> {
    if value.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexForbiddenCharacter,
            format!("{what} contains CR, LF or NUL"),
        ));
    }
    Ok(())
}

impl LineConnection {
    pub(crate) fn new(stream: Stream, log: Logger, abort: Arc<Abort>, timeout: Duration) -> LineConnection {
        abort.watch(stream.tcp());
        let _ = stream.tcp().set_write_timeout(Some(timeout));
        LineConnection {
            stream: Some(stream),
            buf: vec![0u8; READ_BUF].into_boxed_slice(),
            start: 0,
            end: 0,
            out: Vec::with_capacity(WRITE_CHUNK + 1024),
            log,
            abort,
            timeout,
            read_timeout: None,
            write_timeout: timeout,
            meter: SpeedMeter::default(),
            timeout_sets: 0,
        }
    }

    fn stream(&mut self) -> &mut Stream {
        self.stream.as_mut().expect("stream present outside an upgrade")
    }

    pub fn is_tls(&self) -> bool {
        self.stream.as_ref().is_some_and(|s| s.is_tls())
    }

    /// Bytes received and not yet consumed.
    pub fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    pub fn consume(&mut self, n: usize) {
        self.start += n;
        debug_assert!(self.start <= self.end);
    }

    fn io_error(&self, e: io::Error, eex: i32, step: &str) -> Error {
        if self.abort.is_requested() {
            return Error::aborted();
        }
        if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
            return Error::timeout(step).with_os(&e);
        }
        // A TLS alert after the handshake (TLS 1.3 servers refuse a client certificate on the
        // first read) is a TLS protocol failure, not a socket error.
        if let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            return Error::new(
                error::CSMAIL_E_NETWORK,
                error::eexSSLProtocol,
                format!("TLS failure while {step}: {}", crate::tls::handshake::plain_tls_error(tls)),
            );
        }
        Error::new(error::CSMAIL_E_NETWORK, eex, format!("network error while {step}: {e}")).with_os(&e)
    }

    /// Reads more bytes into the buffer. `deadline` bounds the whole wait (replies); without it
    /// each read may idle for the timeout (bulk data), and the low-speed limit applies. The
    /// operation's deadline bounds both. Returns 0 at end of stream.
    pub fn fill(&mut self, deadline: Option<Instant>, step: &str) -> Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            return Err(Error::protocol(error::eexReplyTooLong, format!("line too long while {step}")));
        }
        let bulk = deadline.is_none();
        // Bulk data may idle for the timeout on each read: a deadline that starts now.
        let step_end = deadline.unwrap_or_else(|| Instant::now() + self.timeout);
        // The operation's deadline: its timeout is told as the deadline's by the client.
        let end = self.abort.deadline().map_or(step_end, |op| op.min(step_end));
        let low_speed = if bulk { self.abort.limits().low_speed } else { None };
        loop {
            let now = Instant::now();
            // The low-speed limit judges each window as it ends, so a read waits no longer.
            let until = match low_speed {
                Some(l) => self.meter.window_end(self.abort.epoch(), l, now, step)?.min(end),
                None => end,
            };
            let wait = until.saturating_duration_since(now);
            if wait.is_zero() {
                return Err(Error::timeout(step));
            }
            self.set_read_wait(wait, step)?;
            let at = self.end;
            let r = match self.stream.as_mut() {
                Some(s) => s.read(&mut self.buf[at..]),
                None => Ok(0),
            };
            match r {
                Ok(0) if self.abort.is_requested() => return Err(Error::aborted()),
                Ok(n) => {
                    self.end += n;
                    self.meter.add(n);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted && !self.abort.is_requested() => {}
                // The socket's timeout ran out before the step's end (the low-speed window's
                // end, or an early wake-up): wait for the rest.
                Err(e)
                    if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
                        && Instant::now() < end
                        && !self.abort.is_requested() => {}
                Err(e) => return Err(self.io_error(e, error::eexSocketRx, step)),
            }
        }
    }

    /// Sets the socket's receive timeout for a wait of `wait`, only when it would outlast it or
    /// end more than a sixteenth of the client's timeout before it: replies that come at once
    /// (nearly all) cost no setsockopt, and a read that times out early is tried again with what
    /// is left.
    fn set_read_wait(&mut self, wait: Duration, step: &str) -> Result<()> {
        let quantum = (self.timeout / 16).max(Duration::from_millis(1));
        let keep = self.read_timeout.is_some_and(|cur| cur <= wait && wait - cur < quantum);
        if !keep {
            let w = wait.max(Duration::from_millis(1));
            self.stream().tcp().set_read_timeout(Some(w)).map_err(|e| self.io_error(e, error::eexSocket, step))?;
            self.read_timeout = Some(wait);
            self.timeout_sets += 1;
        }
        Ok(())
    }

    /// Reads one line (without its CRLF; a bare LF also ends a line) of at most `max` bytes,
    /// logging it. The whole line must arrive before `deadline`.
    pub fn read_line(&mut self, max: usize, deadline: Instant, step: &str) -> Result<Vec<u8>> {
        let mut scanned = 0;
        loop {
            let avail = self.buffered();
            if let Some(pos) = memchr::memchr(b'\n', &avail[scanned..]) {
                let nl = scanned + pos;
                let mut line = &avail[..nl];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                if line.len() > max {
                    return Err(Error::protocol(
                        error::eexReplyTooLong,
                        format!("reply line over {max} bytes while {step}"),
                    ));
                }
                let line = line.to_vec();
                self.consume(nl + 1);
                self.log.reply(&line);
                return Ok(line);
            }
            scanned = avail.len();
            if scanned > max + 1 {
                return Err(Error::protocol(
                    error::eexReplyTooLong,
                    format!("reply line over {max} bytes while {step}"),
                ));
            }
            if self.fill(Some(deadline), step)? == 0 {
                return Err(Error::new(
                    error::CSMAIL_E_NETWORK,
                    error::eexConnectionClosed,
                    format!("the server closed the connection while {step}"),
                ));
            }
        }
    }

    /// Queues one command line; `redacted` is what the log shows instead (credentials).
    pub fn queue(&mut self, line: &str, redacted: Option<&str>) -> Result<()> {
        check_command_arg("command", line)?;
        self.log.command(line, redacted);
        self.out.extend_from_slice(line.as_bytes());
        self.out.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// The output queue itself, for message data appended as it is stuffed (no command checks:
    /// message data may hold any byte, and the stuffer keeps CR LF . from ending it early).
    pub fn data_queue(&mut self) -> &mut Vec<u8> {
        &mut self.out
    }

    pub fn pending(&self) -> usize {
        self.out.len()
    }

    /// Writes everything queued in one go.
    pub fn flush(&mut self, step: &str) -> Result<()> {
        self.flush_with(&[], step)
    }

    /// Writes everything queued and then `tail` (message data that is not copied into the
    /// queue first) in one go.
    pub fn flush_with(&mut self, tail: &[u8], step: &str) -> Result<()> {
        if self.out.is_empty() && tail.is_empty() {
            return Ok(());
        }
        self.bound_write(step)?;
        let out = std::mem::take(&mut self.out);
        let r = self
            .stream()
            .write_all_parts(&mut [io::IoSlice::new(&out), io::IoSlice::new(tail)])
            .and_then(|_| self.stream().flush());
        self.out = out;
        self.out.clear();
        r.map_err(|e| self.io_error(e, error::eexSocketTx, step))
    }

    /// Shortens the write timeout to what is left of the operation's deadline (and restores it
    /// after): the deadline is checked at each flush, that is every WRITE_CHUNK of message data.
    fn bound_write(&mut self, step: &str) -> Result<()> {
        let want = match self.abort.deadline() {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(Error::timeout(step));
                }
                left.min(self.timeout)
            }
            None => self.timeout,
        };
        if want != self.write_timeout {
            self.stream().tcp().set_write_timeout(Some(want)).map_err(|e| self.io_error(e, error::eexSocket, step))?;
            self.write_timeout = want;
        }
        Ok(())
    }

    /// Sends one command and flushes.
    pub fn send(&mut self, line: &str, redacted: Option<&str>, step: &str) -> Result<()> {
        self.queue(line, redacted)?;
        self.flush(step)
    }

    pub fn deadline(&self) -> Instant {
        Instant::now() + self.timeout
    }

    /// QUIT after a refusal that left the protocol state clean (a refused login, no usable
    /// mechanism): the server then ends the session in order (RFC 5321 4.1.1.10, RFC 1939 6)
    /// instead of logging a lost connection, which log-based blockers can read as an attack.
    /// The outcome is already known, so its reply gets only a short wait, and neither a missing
    /// reply nor an error changes anything.
    pub fn quit_after_refusal(&mut self) {
        if self.send("QUIT", None, "sending QUIT").is_err() {
            return;
        }
        let deadline = Instant::now() + self.timeout.min(QUIT_AFTER_REFUSAL_WAIT);
        let _ = self.read_line(QUIT_REPLY_MAX, deadline, "waiting for the reply to QUIT");
    }

    /// STARTTLS/STLS: the server's reply has been read; anything already buffered was sent in
    /// plaintext after it and is refused (response injection), then the handshake runs on the
    /// same socket.
    pub fn upgrade(&mut self, ctx: &TlsHandshakeParams) -> Result<()> {
        if !self.buffered().is_empty() {
            return Err(Error::protocol(
                error::eexStartTlsInjection,
                format!(
                    "the server sent {} bytes after its STARTTLS/STLS reply, before the TLS handshake",
                    self.buffered().len()
                ),
            ));
        }
        let tcp = match self.stream.take() {
            Some(Stream::Plain(tcp)) => tcp,
            other => {
                self.stream = other;
                return Err(Error::new(
                    error::CSMAIL_E_CONNECT,
                    error::eexSSLConnected,
                    "the connection is already TLS",
                ));
            }
        };
        self.read_timeout = None;
        let s = stream::start_tls(tcp, ctx, self.abort.cap(self.timeout), &self.abort, &self.log)?;
        self.stream = Some(s);
        Ok(())
    }

    /// Closes the connection (close_notify for TLS).
    pub fn close(&mut self) {
        if let Some(s) = self.stream.as_mut() {
            s.close();
        }
        self.abort.unwatch();
    }
}

impl Drop for LineConnection {
    fn drop(&mut self) {
        self.abort.unwatch();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead;
    use std::net::{TcpListener, TcpStream};

    #[test]
    fn replies_and_bulk_reads_in_quick_succession_set_the_receive_timeout_once() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (s, _) = listener.accept().unwrap();
            let mut w = s.try_clone().unwrap();
            for line in std::io::BufReader::new(s).lines() {
                if line.unwrap() == "QUIT" {
                    break;
                }
                w.write_all(b"+OK\r\n").unwrap();
            }
        });
        let tcp = TcpStream::connect(addr).unwrap();
        let mut conn = LineConnection::new(
            Stream::Plain(tcp),
            Logger::default(),
            Arc::new(Abort::default()),
            Duration::from_secs(600),
        );
        for i in 0..100 {
            conn.send("NOOP", None, "test").unwrap();
            if i % 2 == 0 {
                let deadline = conn.deadline();
                assert_eq!(conn.read_line(512, deadline, "test").unwrap(), b"+OK");
            } else {
                // A bulk read (a message body) between replies: no new timeout either.
                while conn.buffered().len() < 5 {
                    assert!(conn.fill(None, "test").unwrap() > 0);
                }
                assert_eq!(conn.buffered(), b"+OK\r\n");
                conn.consume(5);
            }
        }
        conn.send("QUIT", None, "test").unwrap();
        server.join().unwrap();
        // One setsockopt for 100 replies, each with its own deadline (a second one if the run
        // crossed a step of timeout/16 = 37 s on a very busy machine).
        assert!((1..=2).contains(&conn.timeout_sets), "{} setsockopt calls", conn.timeout_sets);
    }
}
