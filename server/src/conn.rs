//! One client connection: plain or TLS transport plus our own read and write
//! buffers.
//!
//! We keep our own input buffer (instead of a BufReader) so that the protocol
//! code can (a) see pipelined commands that arrived together, (b) drop exactly
//! the bytes received before a STARTTLS/STLS handshake (CVE-2011-0411), and
//! (c) flush buffered replies only when it is about to block for input, which
//! is what RFC 2920 / RFC 2449 pipelining asks of a server.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::{ServerConfig, ServerConnection, StreamOwned};

enum Transport {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
}

impl Transport {
    fn sock(&self) -> &TcpStream {
        match self {
            Transport::Plain(s) => s,
            Transport::Tls(t) => &t.sock,
        }
    }
}

/// The result of reading one line.
pub(crate) enum Line {
    /// The line; whether the terminator is included depends on the call.
    Text(Vec<u8>),
    /// The line exceeded the limit; it has been consumed and dropped.
    TooLong,
    /// The client closed the connection (a partial last line is dropped).
    Eof,
}

pub(crate) struct Conn {
    transport: Option<Transport>,
    /// Received bytes; those before `rpos` are consumed. Lines are handed out by advancing
    /// `rpos` (not by draining the front of the vector, which would move the rest of the
    /// buffer once per line); `fill` drops the consumed part before it reads more.
    rbuf: Vec<u8>,
    rpos: usize,
    wbuf: Vec<u8>,
    /// When set, every byte read from the client (decrypted) is appended
    /// here; the scripted server reports it to the test.
    record: Option<Arc<Mutex<Vec<u8>>>>,
    eof: bool,
}

/// Treat "peer closed without close_notify" and resets as plain EOF: we are a
/// test server, a client dropping the connection is not our error.
fn is_eof_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

impl Conn {
    pub(crate) fn new(sock: TcpStream) -> Conn {
        let _ = sock.set_nodelay(true);
        Conn {
            transport: Some(Transport::Plain(sock)),
            rbuf: Vec::new(),
            rpos: 0,
            wbuf: Vec::new(),
            record: None,
            eof: false,
        }
    }

    pub(crate) fn set_record(&mut self, rec: Arc<Mutex<Vec<u8>>>) {
        self.record = Some(rec);
    }

    pub(crate) fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.sock().set_read_timeout(t)
    }

    fn sock(&self) -> &TcpStream {
        self.transport.as_ref().expect("transport").sock()
    }

    /// Whether the TLS handshake resumed an earlier session (None: no TLS).
    pub(crate) fn tls_resumed(&self) -> Option<bool> {
        match &self.transport {
            Some(Transport::Tls(t)) => Some(t.conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed)),
            _ => None,
        }
    }

    pub(crate) fn is_tls(&self) -> bool {
        matches!(self.transport, Some(Transport::Tls(_)))
    }

    /// Bytes received but not yet consumed by the protocol code.
    pub(crate) fn buffered(&self) -> usize {
        self.rbuf.len() - self.rpos
    }

    /// Forgets every received byte not yet consumed.
    fn clear_input(&mut self) {
        self.rbuf.clear();
        self.rpos = 0;
    }

    /// Flushes pending replies, then blocks for more input.
    /// Returns the number of bytes added (0 = EOF).
    fn fill(&mut self) -> io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        self.flush()?;
        // Only an incomplete line is left before the read: moving it to the front is cheap.
        self.rbuf.drain(..self.rpos);
        self.rpos = 0;
        let mut tmp = [0u8; 65536];
        let r = match self.transport.as_mut().expect("transport") {
            Transport::Plain(s) => s.read(&mut tmp),
            Transport::Tls(t) => t.read(&mut tmp),
        };
        let n = match r {
            Ok(n) => n,
            Err(e) if is_eof_error(&e) => 0,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return self.fill(),
            Err(e) => return Err(e),
        };
        if n == 0 {
            self.eof = true;
            return Ok(0);
        }
        if let Some(rec) = &self.record {
            rec.lock().unwrap().extend_from_slice(&tmp[..n]);
        }
        self.rbuf.extend_from_slice(&tmp[..n]);
        Ok(n)
    }

    /// Reads one line including its terminating LF. `max` bounds the length
    /// (terminator included); longer lines are consumed and reported as
    /// `TooLong` so the protocol can answer and carry on in sync.
    pub(crate) fn read_raw_line(&mut self, max: usize) -> io::Result<Line> {
        let mut scanned = 0;
        let mut discarding = false;
        loop {
            if let Some(i) = memchr(b'\n', &self.rbuf[self.rpos + scanned..]) {
                let start = self.rpos;
                let end = start + scanned + i + 1;
                self.rpos = end;
                if discarding || end - start > max {
                    return Ok(Line::TooLong);
                }
                return Ok(Line::Text(self.rbuf[start..end].to_vec()));
            }
            if self.buffered() > max {
                // Do not let a never-ending line eat memory: drop what we
                // have and remember to drop up to the next LF.
                discarding = true;
                self.clear_input();
            }
            scanned = self.buffered();
            if self.fill()? == 0 {
                self.clear_input();
                return Ok(Line::Eof);
            }
        }
    }

    /// Reads exactly `n` bytes (a BDAT chunk), appending them to `out` when given, else
    /// dropping them. Returns false when the client closed the connection first.
    pub(crate) fn read_exact_into(&mut self, mut n: usize, mut out: Option<&mut Vec<u8>>) -> io::Result<bool> {
        loop {
            let take = n.min(self.buffered());
            if let Some(out) = out.as_deref_mut() {
                out.extend_from_slice(&self.rbuf[self.rpos..self.rpos + take]);
            }
            self.rpos += take;
            n -= take;
            if n == 0 {
                return Ok(true);
            }
            if self.fill()? == 0 {
                return Ok(false);
            }
        }
    }

    /// Reads one line and strips CRLF (or a bare LF).
    pub(crate) fn read_line(&mut self, max: usize) -> io::Result<Line> {
        Ok(match self.read_raw_line(max)? {
            Line::Text(mut l) => {
                l.pop();
                if l.last() == Some(&b'\r') {
                    l.pop();
                }
                Line::Text(l)
            }
            other => other,
        })
    }

    /// Reads until EOF or until `deadline`, returning how many bytes came.
    /// Used to wait for the client to hang up.
    pub(crate) fn read_until_eof(&mut self, deadline: Instant) -> io::Result<(usize, bool)> {
        let mut total = self.buffered();
        self.clear_input();
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Ok((total, false));
            }
            self.set_read_timeout(Some((deadline - now).max(Duration::from_millis(1))))?;
            match self.fill() {
                Ok(0) => return Ok((total, true)),
                Ok(n) => {
                    total += n;
                    self.clear_input();
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut => {
                    return Ok((total, false))
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Queues bytes for the client.
    pub(crate) fn write(&mut self, data: &[u8]) {
        self.wbuf.extend_from_slice(data);
    }

    /// Queues one reply line plus CRLF.
    pub(crate) fn reply(&mut self, line: &str) {
        self.wbuf.extend_from_slice(line.as_bytes());
        self.wbuf.extend_from_slice(b"\r\n");
    }

    /// Bytes queued and not yet written.
    pub(crate) fn pending(&self) -> usize {
        self.wbuf.len()
    }

    /// Writes what is queued. The queue keeps its capacity: a large message does not cost a
    /// fresh allocation (and its page faults) each time.
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let r = match self.transport.as_mut().expect("transport") {
            Transport::Plain(s) => s.write_all(&self.wbuf).and_then(|_| s.flush()),
            Transport::Tls(t) => t.write_all(&self.wbuf).and_then(|_| t.flush()),
        };
        self.wbuf.clear();
        r
    }

    /// Sends the pending replies and then `clear` on the bare socket, in one write: under TLS
    /// the replies' records are followed by bytes outside any record, so that the client
    /// receives both in one read (scripted mode's `CLEAR:`).
    pub(crate) fn flush_then_clear(&mut self, clear: &[u8]) -> io::Result<()> {
        let mut out = Vec::new();
        let sock = match self.transport.as_mut().expect("transport") {
            Transport::Plain(s) => {
                out.extend_from_slice(&self.wbuf);
                s
            }
            Transport::Tls(t) => {
                t.conn.writer().write_all(&self.wbuf)?;
                while t.conn.wants_write() {
                    t.conn.write_tls(&mut out)?;
                }
                &mut t.sock
            }
        };
        self.wbuf.clear();
        out.extend_from_slice(clear);
        sock.write_all(&out)
    }

    /// Flushes pending replies, throws away any input already received
    /// (bytes pipelined after STARTTLS/STLS must not be honoured, see
    /// CVE-2011-0411) and runs the server side of the TLS handshake.
    /// Returns how many buffered bytes were discarded.
    pub(crate) fn start_tls(&mut self, cfg: Arc<ServerConfig>) -> io::Result<usize> {
        self.flush()?;
        let discarded = self.buffered();
        self.clear_input();
        let mut sock = match self.transport.take() {
            Some(Transport::Plain(s)) => s,
            Some(t @ Transport::Tls(_)) => {
                self.transport = Some(t);
                return Err(io::Error::other("TLS already active"));
            }
            None => return Err(io::Error::other("connection closed")),
        };
        let mut tls = ServerConnection::new(cfg).map_err(io::Error::other)?;
        let res = (|| {
            // complete_io reports EOF mid-handshake as UnexpectedEof.
            while tls.is_handshaking() {
                tls.complete_io(&mut sock)?;
            }
            Ok::<(), io::Error>(())
        })();
        self.transport = Some(Transport::Tls(Box::new(StreamOwned::new(tls, sock))));
        res?;
        Ok(discarded)
    }

    /// Orderly close: flush, send close_notify on TLS, half-close, then
    /// briefly drain input so the kernel sends FIN rather than RST (an RST
    /// could make the client lose our last reply).
    pub(crate) fn close(mut self, drain: Duration) {
        let _ = self.flush();
        if let Some(Transport::Tls(t)) = self.transport.as_mut() {
            t.conn.send_close_notify();
            let _ = t.flush();
        }
        let _ = self.sock().shutdown(Shutdown::Write);
        let _ = self.read_until_eof(Instant::now() + drain);
    }

    /// Reads everything left in the buffer (used by scripts after TLS).
    pub(crate) fn take_buffered(&mut self) -> Vec<u8> {
        let rest = self.rbuf[self.rpos..].to_vec();
        self.clear_input();
        rest
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Is this error a peer hang-up rather than a real failure?
pub(crate) fn is_hangup(e: &io::Error) -> bool {
    is_eof_error(e)
}
