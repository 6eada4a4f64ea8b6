//! Name resolution and TCP connect: every resolved address in turn, within one deadline, with
//! TCP_NODELAY (commands are small and latency-bound; a delayed ACK would stall each one).

use super::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_USER};
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

/// A non-blocking connect polled in short slices, so an abort ends it promptly.
#[cfg(unix)]
fn connect_one(addr: SocketAddr, deadline: Instant, abort: &Abort) -> io::Result<TcpStream> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let domain = if addr.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
    // SAFETY: plain socket(2); the fd is owned by the TcpStream below or closed on error.
    let fd = unsafe { libc::socket(domain, libc::SOCK_STREAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh socket we own.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    let (storage, len) = sockaddr(addr);
    // SAFETY: storage holds a valid sockaddr of `len` bytes.
    let rc = unsafe { libc::connect(fd, &storage as *const _ as *const libc::sockaddr, len) };
    if rc != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINPROGRESS) {
            return Err(e);
        }
        loop {
            if abort.is_requested() {
                return Err(io::Error::new(io::ErrorKind::Interrupted, "aborted"));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "connect timed out"));
            }
            let slice = left.min(Duration::from_millis(50)).as_millis().max(1) as i32;
            let mut pfd = libc::pollfd { fd: stream.as_raw_fd(), events: libc::POLLOUT, revents: 0 };
            // SAFETY: one valid pollfd.
            let n = unsafe { libc::poll(&mut pfd, 1, slice) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            if n > 0 {
                break;
            }
        }
        if let Some(e) = stream.take_error()? {
            return Err(e);
        }
    }
    stream.set_nonblocking(false)?;
    Ok(stream)
}

#[cfg(unix)]
fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain data; all-zero is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is large and aligned enough for sockaddr_in.
            let sin = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr = libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut storage as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_addr = libc::in6_addr { s6_addr: a.ip().octets() };
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_scope_id = a.scope_id();
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// Elsewhere: the standard library's connect with a timeout (an abort waits for it to end).
#[cfg(not(unix))]
fn connect_one(addr: SocketAddr, deadline: Instant, _abort: &Abort) -> io::Result<TcpStream> {
    let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
    TcpStream::connect_timeout(&addr, left)
}
