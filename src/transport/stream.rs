//! One stream type, plain or TLS, and the switch from one to the other (implicit TLS after
//! connect, STARTTLS/STLS later); the handshake itself is the tls layer's.

use crate::abort::Abort;
use crate::error::Result;
use crate::log::Logger;
use crate::tls::config::TlsHandshakeParams;
use crate::tls::handshake::{self, TlsStream};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

pub enum Stream {
    Plain(TcpStream),
    Tls(TlsStream),
}

impl Stream {
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.tcp(),
        }
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }

    /// Ends the connection: close_notify for TLS, then a TCP shutdown. Errors are irrelevant
    /// here, the connection is going away.
    pub fn close(&mut self) {
        if let Stream::Tls(s) = self {
            s.close_notify();
        }
        let _ = self.tcp().shutdown(Shutdown::Both);
    }
}

impl Stream {
    /// Writes every byte of `parts` in order, as few writes (and TLS records) as possible: the
    /// queued commands and a message chunk that is not copied behind them.
    pub fn write_all_parts(&mut self, parts: &mut [io::IoSlice<'_>]) -> io::Result<()> {
        match self {
            Stream::Plain(s) => {
                let mut rest = parts;
                while !rest.is_empty() {
                    match s.write_vectored(rest) {
                        Ok(0) => return Err(io::Error::new(io::ErrorKind::WriteZero, "the socket takes no data")),
                        Ok(n) => io::IoSlice::advance_slices(&mut rest, n),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(())
            }
            Stream::Tls(s) => s.write_all_parts(parts),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(buf),
            Stream::Tls(s) => s.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// Runs the client side of a TLS handshake on `tcp` within `timeout`: the TLS stream, or the
/// handshake's error (already recorded into SSLInfo and logged by the tls layer).
pub fn start_tls(
    tcp: TcpStream,
    params: &TlsHandshakeParams,
    timeout: Duration,
    abort: &Abort,
    log: &Logger,
) -> Result<Stream> {
    Ok(Stream::Tls(handshake::handshake(tcp, params, timeout, abort, log)?))
}
