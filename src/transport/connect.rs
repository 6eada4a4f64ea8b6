//! Name resolution and TCP connect: every resolved address in turn, within one deadline, with
//! TCP_NODELAY (commands are small and latency-bound; a delayed ACK would stall each one).

use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_USER};
use socket2::{Domain, Protocol, Socket, Type};
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Resolves `host` (a name, an IPv4 address or an IPv6 address with or without brackets).
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>> {
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let addrs: Vec<SocketAddr> = (bare, port)
        .to_socket_addrs()
        .map_err(|e| {
            Error::new(error::CSMAIL_E_CONNECT, error::eexDNS, format!("cannot resolve {host}: {e}")).with_os(&e)
        })?
        .collect();
    if addrs.is_empty() {
        return Err(Error::new(error::CSMAIL_E_CONNECT, error::eexDNS, format!("{host} has no address")));
    }
    Ok(addrs)
}

/// Connects to the first address of `host` that accepts, trying each in turn.
pub fn connect(host: &str, port: u16, timeout: Duration, abort: &Abort, log: &Logger) -> Result<TcpStream> {
    let deadline = Instant::now() + timeout;
    log.info(LOG_F_USER, || format!("resolving {host}"));
    let addrs = resolve(host, port)?;
    connect_any(&addrs, &format!("{host}:{port}"), deadline, abort, log)
}

/// Tries each address in turn until one accepts, all within one deadline: a refusal moves on
/// to the next address, a timeout ends the attempt.
pub fn connect_any(
    addrs: &[SocketAddr],
    what: &str,
    deadline: Instant,
    abort: &Abort,
    log: &Logger,
) -> Result<TcpStream> {
    let mut last: Option<io::Error> = None;
    for &addr in addrs {
        if abort.is_requested() {
            return Err(Error::aborted());
        }
        if Instant::now() >= deadline {
            return Err(Error::timeout(&format!("connecting to {what}")));
        }
        log.info(LOG_F_USER, || format!("connecting to {addr}"));
        match connect_one(addr, deadline, abort) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                log.info(LOG_F_USER, || format!("connected to {addr}"));
                return Ok(s);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted && abort.is_requested() => return Err(Error::aborted()),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                return Err(Error::timeout(&format!("connecting to {what}")).with_os(&e))
            }
            Err(e) => {
                log.warn(LOG_F_USER, || format!("connect to {addr} failed: {e}"));
                last = Some(e);
            }
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no address"));
    Err(Error::new(error::CSMAIL_E_CONNECT, error::eexTCPConnect, format!("cannot connect to {what}: {e}")).with_os(&e))
}

/// A non-blocking connect, watched in short slices so an abort ends it promptly: on every
/// platform, without `unsafe` (socket2 owns the socket calls). The standard library's and
/// socket2's `connect_timeout` block for the whole timeout and cannot be aborted.
fn connect_one(addr: SocketAddr, deadline: Instant, abort: &Abort) -> io::Result<TcpStream> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_nonblocking(true)?;
    match socket.connect(&addr.into()) {
        Ok(()) => {}
        Err(e) if is_in_progress(&e) => wait_connected(&socket, deadline, abort)?,
        Err(e) => return Err(e),
    }
    socket.set_nonblocking(false)?;
    Ok(socket.into())
}

/// Whether a non-blocking connect's error only says "started, not finished yet".
fn is_in_progress(e: &io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EINPROGRESS) {
        return true;
    }
    // Windows reports WSAEWOULDBLOCK.
    e.kind() == io::ErrorKind::WouldBlock
}

/// Waits until the connect started on `socket` completes, fails, times out or is aborted.
/// Without a poll call, completion is read off the socket: a pending error (SO_ERROR) means it
/// failed, a peer address means it succeeded. The checks start 1 ms apart, so a fast (loopback)
/// connect is not slowed, and back off to 50 ms, the longest an abort may wait.
fn wait_connected(socket: &Socket, deadline: Instant, abort: &Abort) -> io::Result<()> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(e) = socket.take_error()? {
            return Err(e);
        }
        if socket.peer_addr().is_ok() {
            return Ok(());
        }
        if abort.is_requested() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "aborted"));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "connect timed out"));
        }
        std::thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}
