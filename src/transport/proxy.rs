//! Tunnelling proxies: SOCKS4, SOCKS4a, SOCKS5 (RFC 1928, user/password RFC 1929) and HTTP
//! CONNECT (RFC 9110 9.3.6, Basic authentication). The result is a TCP stream that reaches the
//! target; TLS on it then verifies the target's name, never the proxy's.
//!
//! Every failure maps onto the legacy eexProxy* numbers (seed 002), with the proxy's own reply
//! in the text. The proxy password is never logged.

use super::connect;
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_PROXY};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use std::io::{self, Read, Write};
use std::net::{IpAddr, TcpStream};
use std::time::{Duration, Instant};

/// The kinds of tunnel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TunnelKind {
    Socks4,
    Socks4a,
    Socks5,
    HttpConnect,
}

/// Where the proxy is and how to log in to it.
#[derive(Clone, Debug, Default)]
pub struct ProxyEndpoint {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// SOCKS5: let the proxy resolve the target's name (no DNS lookup on this side).
    pub remote_dns: bool,
}

fn proxy_error(eex: i32, text: impl Into<String>) -> Error {
    Error::new(error::CSMAIL_E_CONNECT, eex, text)
}

/// Maps an I/O failure while talking to the proxy.
fn io_failure(e: io::Error, abort: &Abort, step: &str) -> Error {
    if abort.is_requested() {
        return Error::aborted();
    }
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            Error::new(error::CSMAIL_E_TIMEOUT, error::eexProxySocketerror, format!("timed out {step}")).with_os(&e)
        }
        io::ErrorKind::UnexpectedEof => {
            proxy_error(error::eexProxyServerclosedport, format!("the proxy closed the connection {step}"))
        }
        _ => proxy_error(error::eexProxySocketerror, format!("network error {step}: {e}")).with_os(&e),
    }
}

struct Wire<'a> {
    s: &'a mut TcpStream,
    deadline: Instant,
    abort: &'a Abort,
}

impl Wire<'_> {
    fn arm(&mut self, step: &str) -> Result<()> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::new(error::CSMAIL_E_TIMEOUT, error::eexProxySocketerror, format!("timed out {step}")));
        }
        self.s.set_read_timeout(Some(left)).map_err(|e| io_failure(e, self.abort, step))?;
        self.s.set_write_timeout(Some(left)).map_err(|e| io_failure(e, self.abort, step))
    }
    fn send(&mut self, data: &[u8], step: &str) -> Result<()> {
        self.arm(step)?;
        self.s.write_all(data).map_err(|e| io_failure(e, self.abort, step))
    }
    fn recv(&mut self, buf: &mut [u8], step: &str) -> Result<()> {
        self.arm(step)?;
        self.s.read_exact(buf).map_err(|e| io_failure(e, self.abort, step))
    }
}

/// Connects to the proxy and opens a tunnel to `target:port`.
pub fn tunnel(
    kind: TunnelKind,
    proxy: &ProxyEndpoint,
    target: &str,
    port: u16,
    timeout: Duration,
    abort: &Abort,
    log: &Logger,
) -> Result<TcpStream> {
    log.info(LOG_F_PROXY, || format!("connecting to {kind:?} proxy {}:{}", proxy.host, proxy.port));
    let mut s = connect::connect(&proxy.host, proxy.port, timeout, abort, log).map_err(|e| match e.eex {
        error::eexTCPConnect => Error { eex: error::eexProxyNoconn, text: format!("proxy: {}", e.text), ..e },
        _ => e,
    })?;
    abort.watch(&s);
    let mut w = Wire { s: &mut s, deadline: Instant::now() + timeout, abort };
    match kind {
        TunnelKind::Socks4 | TunnelKind::Socks4a => socks4(&mut w, kind, proxy, target, port, log)?,
        TunnelKind::Socks5 => socks5(&mut w, proxy, target, port, log)?,
        TunnelKind::HttpConnect => http_connect(&mut w, proxy, target, port, log)?,
    }
    log.info(LOG_F_PROXY, || format!("tunnel to {target}:{port} open"));
    Ok(s)
}

fn socks4(w: &mut Wire, kind: TunnelKind, proxy: &ProxyEndpoint, target: &str, port: u16, log: &Logger) -> Result<()> {
    if proxy.user.contains('\0') {
        return Err(Error::invalid_arg("SOCKS4 user id contains NUL"));
    }
    let mut req = vec![4u8, 1];
    req.extend_from_slice(&port.to_be_bytes());
    let literal = target.parse::<IpAddr>().ok();
    let name_part = match (kind, literal) {
        (_, Some(IpAddr::V4(ip))) => {
            req.extend_from_slice(&ip.octets());
            None
        }
        (_, Some(IpAddr::V6(_))) => {
            return Err(proxy_error(error::eexProxyException, "SOCKS4 cannot reach an IPv6 address; use SOCKS5"))
        }
        (TunnelKind::Socks4a, None) => {
            // SOCKS4a: 0.0.0.x tells the proxy to resolve the name that follows the user id.
            req.extend_from_slice(&[0, 0, 0, 1]);
            Some(target)
        }
        _ => {
            let ip = connect::resolve(target, port)?
                .into_iter()
                .find_map(|a| match a.ip() {
                    IpAddr::V4(v4) => Some(v4),
                    IpAddr::V6(_) => None,
                })
                .ok_or_else(|| {
                    proxy_error(error::eexProxyException, format!("{target} has no IPv4 address for SOCKS4"))
                })?;
            req.extend_from_slice(&ip.octets());
            None
        }
    };
    req.extend_from_slice(proxy.user.as_bytes());
    req.push(0);
    if let Some(name) = name_part {
        req.extend_from_slice(name.as_bytes());
        req.push(0);
    }
    w.send(&req, "sending the SOCKS4 request")?;
    let mut reply = [0u8; 8];
    w.recv(&mut reply, "reading the SOCKS4 reply")?;
    log.info(LOG_F_PROXY, || format!("SOCKS4 reply code {:#04x}", reply[1]));
    if reply[0] != 0 {
        return Err(proxy_error(
            error::eexProxyUnexpecteddefault,
            format!("malformed SOCKS4 reply (version byte {})", reply[0]),
        ));
    }
    match reply[1] {
        0x5A => Ok(()),
        0x5B => Err(proxy_error(error::eexProxyRequestfailed, "the SOCKS4 proxy rejected the request (0x5B)")),
        0x5C => {
            Err(proxy_error(error::eexProxyAuthnologon, "the SOCKS4 proxy could not reach identd on the client (0x5C)"))
        }
        0x5D => {
            Err(proxy_error(error::eexProxyAuthfailed, "the SOCKS4 proxy's identd check rejected the user id (0x5D)"))
        }
        c => Err(proxy_error(error::eexProxyUnexpecteddefault, format!("unknown SOCKS4 reply code {c:#04x}"))),
    }
}

fn socks5_reply_text(code: u8) -> &'static str {
    match code {
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unassigned reply code",
    }
}

fn socks5(w: &mut Wire, proxy: &ProxyEndpoint, target: &str, port: u16, log: &Logger) -> Result<()> {
    let with_auth = !proxy.user.is_empty();
    let greeting: &[u8] = if with_auth { &[5, 2, 0, 2] } else { &[5, 1, 0] };
    w.send(greeting, "sending the SOCKS5 greeting")?;
    let mut choice = [0u8; 2];
    w.recv(&mut choice, "reading the SOCKS5 method")?;
    if choice[0] != 5 {
        return Err(proxy_error(
            error::eexProxyUnexpecteddefault,
            format!("malformed SOCKS5 reply (version byte {})", choice[0]),
        ));
    }
    match choice[1] {
        0 => {}
        2 if with_auth => {
            if proxy.user.len() > 255 || proxy.password.len() > 255 {
                return Err(Error::invalid_arg("SOCKS5 user name and password are at most 255 bytes"));
            }
            let mut auth = vec![1u8, proxy.user.len() as u8];
            auth.extend_from_slice(proxy.user.as_bytes());
            auth.push(proxy.password.len() as u8);
            auth.extend_from_slice(proxy.password.as_bytes());
            log.info(LOG_F_PROXY, || {
                format!("SOCKS5 user/password authentication as {} (password <redacted>)", proxy.user)
            });
            w.send(&auth, "sending SOCKS5 credentials")?;
            let mut status = [0u8; 2];
            w.recv(&mut status, "reading the SOCKS5 authentication reply")?;
            if status[1] != 0 {
                return Err(proxy_error(
                    error::eexProxyAuthfailed,
                    format!("the SOCKS5 proxy rejected the credentials of {} (status {})", proxy.user, status[1]),
                ));
            }
        }
        2 => {
            return Err(proxy_error(error::eexProxyAuthrequired, "the SOCKS5 proxy requires a user name and password"))
        }
        0xFF if with_auth => {
            return Err(proxy_error(
                error::eexProxyAuthtypeunknown,
                "the SOCKS5 proxy accepts neither no authentication nor user/password",
            ))
        }
        0xFF => return Err(proxy_error(error::eexProxyAuthrequired, "the SOCKS5 proxy requires authentication")),
        m => {
            return Err(proxy_error(
                error::eexProxyAuthtypeunknown,
                format!("the SOCKS5 proxy chose a method that was not offered ({m:#04x})"),
            ))
        }
    }
    let mut req = vec![5u8, 1, 0];
    match target.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            req.push(1);
            req.extend_from_slice(&ip.octets());
        }
        Ok(IpAddr::V6(ip)) => {
            req.push(4);
            req.extend_from_slice(&ip.octets());
        }
        Err(_) if proxy.remote_dns => {
            if target.len() > 255 {
                return Err(proxy_error(
                    error::eexProxyException,
                    "the target name is longer than SOCKS5 allows (255)",
                ));
            }
            req.push(3);
            req.push(target.len() as u8);
            req.extend_from_slice(target.as_bytes());
        }
        Err(_) => {
            let addr = connect::resolve(target, port)?[0];
            match addr.ip() {
                IpAddr::V4(ip) => {
                    req.push(1);
                    req.extend_from_slice(&ip.octets());
                }
                IpAddr::V6(ip) => {
                    req.push(4);
                    req.extend_from_slice(&ip.octets());
                }
            }
        }
    }
    req.extend_from_slice(&port.to_be_bytes());
    w.send(&req, "sending the SOCKS5 request")?;
    let mut head = [0u8; 4];
    w.recv(&mut head, "reading the SOCKS5 reply")?;
    if head[0] != 5 {
        return Err(proxy_error(
            error::eexProxyUnexpecteddefault,
            format!("malformed SOCKS5 reply (version byte {})", head[0]),
        ));
    }
    log.info(LOG_F_PROXY, || format!("SOCKS5 reply code {}", head[1]));
    if head[1] != 0 {
        return Err(proxy_error(
            error::eexProxyRequestfailed,
            format!(
                "the SOCKS5 proxy refused the connection to {target}:{port}: {} ({})",
                socks5_reply_text(head[1]),
                head[1]
            ),
        ));
    }
    // The bound address that follows is not needed, but must be read off the stream.
    let rest = match head[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut len = [0u8; 1];
            w.recv(&mut len, "reading the SOCKS5 reply")?;
            len[0] as usize + 2
        }
        t => {
            return Err(proxy_error(
                error::eexProxyUnexpecteddefault,
                format!("malformed SOCKS5 reply (address type {t})"),
            ))
        }
    };
    let mut skip = vec![0u8; rest];
    w.recv(&mut skip, "reading the SOCKS5 reply")
}

/// Longest proxy response head accepted.
const MAX_HTTP_HEAD: usize = 16 * 1024;

fn http_connect(w: &mut Wire, proxy: &ProxyEndpoint, target: &str, port: u16, log: &Logger) -> Result<()> {
    let authority = match target.parse::<IpAddr>() {
        Ok(IpAddr::V6(ip)) => format!("[{ip}]:{port}"),
        _ => format!("{target}:{port}"),
    };
    let mut req = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    let with_auth = !proxy.user.is_empty();
    if with_auth {
        let token = B64.encode(format!("{}:{}", proxy.user, proxy.password));
        req.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    req.push_str("\r\n");
    log.info(LOG_F_PROXY, || {
        format!(
            "C: CONNECT {authority} HTTP/1.1{}",
            if with_auth { " (Proxy-Authorization: Basic <redacted>)" } else { "" }
        )
    });
    w.send(req.as_bytes(), "sending the HTTP CONNECT request")?;
    // Byte by byte up to the blank line: whatever follows belongs to the mail server.
    let mut head = Vec::with_capacity(256);
    while !head.ends_with(b"\r\n\r\n") && !head.ends_with(b"\n\n") {
        if head.len() >= MAX_HTTP_HEAD {
            return Err(proxy_error(error::eexProxyUnexpecteddefault, "the HTTP proxy's response head is too long"));
        }
        let mut b = [0u8; 1];
        w.recv(&mut b, "reading the HTTP CONNECT response")?;
        head.push(b[0]);
    }
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or("").trim().to_owned();
    log.info(LOG_F_PROXY, || format!("S: {status_line}"));
    let mut parts = status_line.splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or(""), parts.next().and_then(|c| c.parse::<u16>().ok()));
    if !version.starts_with("HTTP/1.") {
        return Err(proxy_error(
            error::eexProxyUnexpecteddefault,
            format!("malformed HTTP proxy response: {status_line:?}"),
        ));
    }
    match code {
        Some(c) if (200..300).contains(&c) => Ok(()),
        // 407 is the proxy's own word; some proxies (tinyproxy) answer a wrong password with
        // 401, and only the proxy can answer a CONNECT, so both are about the proxy's login.
        Some(401 | 407) if with_auth => Err(proxy_error(
            error::eexProxyAuthfailed,
            format!("the HTTP proxy rejected the credentials: {status_line}"),
        )),
        Some(401 | 407) => Err(proxy_error(
            error::eexProxyAuthrequired,
            format!("the HTTP proxy requires authentication: {status_line}"),
        )),
        Some(_) => {
            Err(proxy_error(error::eexProxyRequestfailed, format!("the HTTP proxy refused the tunnel: {status_line}")))
        }
        None => Err(proxy_error(
            error::eexProxyUnexpecteddefault,
            format!("malformed HTTP proxy response: {status_line:?}"),
        )),
    }
}
