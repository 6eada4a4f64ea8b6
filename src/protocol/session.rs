//! The session steps every protocol on the line engine shares, written once: opening (the
//! protocol's introduction, and on failure the close that keeps the refusal), the STARTTLS/STLS
//! policy, marking a session broken when its protocol state became unknown, QUIT and close.

use super::line::LineConnection;
use super::mechanism::Mechanism;
use crate::error::{self, Error, Result};
use crate::log::LOG_F_SSL;
use crate::tls::config::TlsHandshakeParams;
use std::time::{Duration, Instant};

/// The ports where servers speak TLS from the first byte (implicit TLS): SMTP submission
/// (465), IMAPS (993), POP3S (995). A client without implicit TLS that connects there waits for
/// a greeting that never comes: the server waits for the client's TLS handshake.
pub(crate) const IMPLICIT_TLS_PORTS: [u16; 3] = [465, 993, 995];

/// How long a client without implicit TLS waits for the first byte of a greeting on one of
/// the implicit-TLS ports before it says so (at most the client's timeout). Plain servers
/// greet at once; on other ports the whole timeout applies, since some servers delay their
/// greeting on purpose (Postfix's postscreen waits 6 s by default).
pub const IMPLICIT_TLS_PORT_GRACE: Duration = Duration::from_secs(5);

/// How long to wait for the first byte of the greeting on `port`: the grace on an
/// implicit-TLS port, else None (the whole timeout).
pub fn greeting_grace(port: u16, timeout: Duration) -> Option<Duration> {
    IMPLICIT_TLS_PORTS.contains(&port).then(|| timeout.min(IMPLICIT_TLS_PORT_GRACE))
}

/// What a connection without implicit TLS should do when the port turns out to want it.
fn use_implicit_tls(with_ssl: bool) -> &'static str {
    if with_ssl {
        "use MODE_CHANNEL"
    } else {
        "attach an SSLInfo with MODE_CHANNEL"
    }
}

/// Whether the first bytes a server sent are a TLS record (an alert, 0x15, or a handshake
/// message, 0x16, with the major version 3), not the text of a greeting.
pub fn looks_like_tls(first: &[u8]) -> bool {
    matches!(first, [0x15 | 0x16] | [0x15 | 0x16, 0x03, ..])
}

/// Waits for the first bytes of the server's greeting on a connection that has no TLS yet
/// (plain, or STARTTLS/STLS to come), within `grace` (see `greeting_grace`) or else the
/// connection's timeout, and leaves them buffered for the protocol's greeting read. It tells a
/// port that expects implicit TLS by what happens: silence for the grace on a well-known
/// implicit-TLS port, TLS bytes (an alert sent when the server gave up waiting for our
/// handshake) on any port, or silence for the whole timeout (then the timeout's text says
/// that this may be the cause). `with_ssl`: whether an SSLInfo is attached (for the advice).
pub fn await_greeting(conn: &mut LineConnection, port: u16, grace: Option<Duration>, with_ssl: bool) -> Result<()> {
    if conn.is_tls() {
        return Ok(());
    }
    let step = "waiting for the server's greeting";
    let deadline = Instant::now() + grace.unwrap_or(conn.timeout);
    while conn.buffered().is_empty() {
        match conn.fill(Some(deadline), step) {
            // The greeting read reports a connection closed without a word.
            Ok(0) => return Ok(()),
            Ok(_) => {}
            // The operation's deadline (CSMAIL_PROP_OPERATION_TIMEOUT_MS) cut the wait short:
            // that says nothing about the port, and the client tells it as the deadline's.
            Err(e)
                if e.result == error::CSMAIL_E_TIMEOUT
                    && conn.abort.deadline().is_some_and(|d| Instant::now() >= d) =>
            {
                return Err(e)
            }
            Err(e) if e.result == error::CSMAIL_E_TIMEOUT => {
                let text = match grace {
                    Some(g) => format!(
                        "no greeting from the server within {} s on port {port}, a port for implicit TLS where the server waits for the client's TLS handshake: {}",
                        g.as_secs_f32(),
                        use_implicit_tls(with_ssl)
                    ),
                    None => format!(
                        "timed out while {step} on port {port}: if the server expects TLS from the first byte (implicit TLS), {}",
                        use_implicit_tls(with_ssl)
                    ),
                };
                return Err(Error { text, ..e });
            }
            Err(e) => return Err(e),
        }
    }
    if looks_like_tls(conn.buffered()) {
        return Err(Error::new(
            error::CSMAIL_E_CONNECT,
            error::eexSSLProtocol,
            format!(
                "the server answered in TLS, not with a greeting in plain text: port {port} expects TLS from the first byte (implicit TLS): {}",
                use_implicit_tls(with_ssl)
            ),
        ));
    }
    Ok(())
}

/// When the TLS handshake happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsStart {
    /// Right after TCP connect (MODE_CHANNEL, ports 465/995).
    Implicit,
    /// After the protocol's STARTTLS/STLS command (MODE_STARTTLS).
    Upgrade,
}

/// Whether and how a session uses TLS: the handshake's context, when it starts, and whether the
/// application accepted going on in plaintext (SSLAllowPlaintext).
#[derive(Clone)]
pub struct TlsPolicy {
    pub handshake: TlsHandshakeParams,
    pub start: TlsStart,
    pub allow_plaintext: bool,
}

impl TlsPolicy {
    pub fn is_implicit(&self) -> bool {
        self.start == TlsStart::Implicit
    }

    /// The policy when it asks for a STARTTLS/STLS upgrade.
    pub fn upgrade(tls: &Option<TlsPolicy>) -> Option<&TlsPolicy> {
        tls.as_ref().filter(|t| t.start == TlsStart::Upgrade)
    }
}

/// What opening a session needs: the login, the TLS policy and, for SMTP, the EHLO name.
pub struct SessionParams<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub mechanism: Mechanism,
    /// The server's host name and port as the application set them (OAUTHBEARER names them).
    pub host: &'a str,
    pub port: u16,
    pub tls: Option<TlsPolicy>,
    pub ehlo_name: &'a str,
}

/// What every session holds: the connection, the server's last reply, and whether the protocol
/// state is still known.
pub struct SessionLink<R> {
    pub conn: LineConnection,
    /// The last reply (SMTP: code, lines, enhanced code; POP3: the status line).
    pub last: R,
    /// The protocol state is unknown after this session's last error: it must be closed.
    broken: bool,
}

impl<R: Default> SessionLink<R> {
    pub fn new(conn: LineConnection) -> SessionLink<R> {
        SessionLink { conn, last: R::default(), broken: false }
    }
}

/// A protocol session on the line engine. A protocol implements the required items; the
/// provided ones are the steps every protocol takes the same way.
pub trait Session: Sized {
    /// The last reply, as the client publishes it (SMTP: code, lines, enhanced code; POP3: the
    /// status line).
    type Reply: Clone + Default + Send + 'static;
    /// What a QUIT tells: nothing for SMTP, whether the deletions were committed for POP3.
    type QuitOutcome;

    /// Greeting, capabilities, STARTTLS/STLS and login on a connected stream (see `open_with`).
    fn open(conn: LineConnection, params: &SessionParams) -> std::result::Result<Self, (Error, Self::Reply)>;
    fn link(&self) -> &SessionLink<Self::Reply>;
    fn link_mut(&mut self) -> &mut SessionLink<Self::Reply>;
    /// The server's capabilities as it listed them (EHLO keywords, CAPA lines).
    fn capability_lines(&self) -> &[String];
    /// Sends QUIT and reads the reply, on a session whose state is known.
    fn send_quit(&mut self) -> Result<Self::QuitOutcome>;
    /// What QUIT reports when it was not sent because the session was broken.
    fn quit_not_sent() -> Self::QuitOutcome;

    fn last_reply(&self) -> &Self::Reply {
        &self.link().last
    }

    fn is_tls(&self) -> bool {
        self.link().conn.is_tls()
    }

    fn is_broken(&self) -> bool {
        self.link().broken
    }

    fn mark_broken(&mut self) {
        self.link_mut().broken = true;
    }

    /// Runs a step whose failure leaves the server in an unknown state (mid-transaction, in
    /// the middle of a listing): any error marks the session broken.
    fn breaking_on_error<T>(&mut self, step: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let r = step(self);
        if r.is_err() {
            self.mark_broken();
        }
        r
    }

    /// Runs the protocol's introduction (greeting, capabilities, TLS, login) on a new session.
    /// On failure the connection is closed and the last reply (the refusal) comes back with the
    /// error, so the client can still show it. A refused login (SMTP 535 or no usable
    /// mechanism, POP3 -ERR) leaves the protocol state clean: then QUIT goes first, with a short
    /// wait for its reply (see LineConnection::quit_after_refusal).
    fn open_with(
        mut self,
        introduce: impl FnOnce(&mut Self) -> Result<()>,
    ) -> std::result::Result<Self, (Error, Self::Reply)> {
        match introduce(&mut self) {
            Ok(()) => Ok(self),
            Err(e) => {
                let last = std::mem::take(&mut self.link_mut().last);
                if e.result == error::CSMAIL_E_AUTH && !self.is_broken() {
                    self.quit_after_refusal();
                }
                self.close();
                Err((e, last))
            }
        }
    }

    /// Ends a session whose login was refused in order (QUIT; IMAP says LOGOUT).
    fn quit_after_refusal(&mut self) {
        self.link_mut().conn.quit_after_refusal();
    }

    /// QUIT and close. QUIT is sent only when the protocol state is known; the connection is
    /// closed either way.
    fn quit(mut self) -> Result<Self::QuitOutcome> {
        let r = if self.is_broken() { Ok(Self::quit_not_sent()) } else { self.send_quit() };
        self.link_mut().conn.close();
        r
    }

    /// Closes without QUIT (after an error that leaves the protocol state unknown, or a
    /// release): close_notify for TLS.
    fn close(mut self) {
        self.link_mut().conn.close();
    }
}

/// What the capabilities say about the STARTTLS/STLS upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpgradeOffer {
    Offered,
    NotOffered,
    /// The server did not list its capabilities (POP3 without CAPA): it may still know STLS.
    Unknown,
}

/// A protocol's STARTTLS-style command: the one upgrade policy below drives it.
pub trait TlsUpgrade: Session {
    /// The command's name: "STARTTLS", "STLS".
    const COMMAND: &'static str;
    fn upgrade_offer(&self) -> UpgradeOffer;
    /// Sends the command; Ok(None) when the server accepted it, Ok(Some(text)) when it refused.
    fn request_upgrade(&mut self) -> Result<Option<String>>;
    /// After the handshake: forgets what was learned in plaintext and asks again (RFC 3207 4.2,
    /// RFC 2595 4).
    fn relearn_capabilities(&mut self) -> Result<()>;
}

/// The STARTTLS/STLS policy: TLS, once asked for, is required; plaintext only with
/// SSLAllowPlaintext, and only where the server did not offer the upgrade (or, when it did not
/// list its capabilities, refused it).
pub fn upgrade_to_tls<S: TlsUpgrade>(s: &mut S, policy: &TlsPolicy) -> Result<()> {
    let command = S::COMMAND;
    let offer = s.upgrade_offer();
    if offer == UpgradeOffer::NotOffered {
        if policy.allow_plaintext {
            s.link()
                .conn
                .log
                .warn(LOG_F_SSL, || format!("{command} is not offered: going on WITHOUT TLS (SSLAllowPlaintext)"));
            return Ok(());
        }
        return Err(Error::new(
            error::CSMAIL_E_CONNECT,
            error::eexStartTlsNotOffered,
            format!("TLS is required and the server does not offer {command}"),
        ));
    }
    if let Some(refusal) = s.request_upgrade()? {
        if policy.allow_plaintext && offer == UpgradeOffer::Unknown {
            s.link()
                .conn
                .log
                .warn(LOG_F_SSL, || format!("{command} refused ({refusal}): going on WITHOUT TLS (SSLAllowPlaintext)"));
            return Ok(());
        }
        return Err(Error::new(
            error::CSMAIL_E_CONNECT,
            error::eexStartTlsRefused,
            format!("the server refused {command}: {refusal}"),
        ));
    }
    s.link_mut().conn.upgrade(&policy.handshake)?;
    s.relearn_capabilities()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abort::Abort;
    use crate::log::Logger;
    use crate::transport::stream::Stream;
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;

    #[test]
    fn the_grace_applies_on_implicit_tls_ports_only_and_never_outlasts_the_timeout() {
        let t = Duration::from_secs(30);
        for port in [465, 993, 995] {
            assert_eq!(greeting_grace(port, t), Some(IMPLICIT_TLS_PORT_GRACE), "{port}");
        }
        assert_eq!(greeting_grace(465, Duration::from_secs(2)), Some(Duration::from_secs(2)));
        for port in [25, 110, 143, 587, 2525] {
            assert_eq!(greeting_grace(port, t), None, "{port}");
        }
    }

    #[test]
    fn tls_records_are_told_from_greeting_text() {
        assert!(looks_like_tls(b"\x15\x03\x03\x00\x02\x02\x28"));
        assert!(looks_like_tls(b"\x16\x03\x01\x00\x05"));
        assert!(looks_like_tls(b"\x15"));
        assert!(!looks_like_tls(b"220 mail.example.com ESMTP\r\n"));
        assert!(!looks_like_tls(b"+OK ready\r\n"));
        assert!(!looks_like_tls(b"\x16\x01"));
        assert!(!looks_like_tls(b""));
    }

    /// A connection to `addr` with a 30 s timeout, as the clients make it.
    fn connection(addr: std::net::SocketAddr) -> LineConnection {
        let tcp = TcpStream::connect(addr).unwrap();
        LineConnection::new(Stream::Plain(tcp), Logger::default(), Arc::new(Abort::default()), Duration::from_secs(30))
    }

    /// The silence path with a grace given: it ends after the grace (long before the 30 s
    /// timeout, else the test would hang), with the advice to use implicit TLS.
    #[test]
    fn silence_for_the_grace_tells_of_implicit_tls() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut conn = connection(listener.local_addr().unwrap());
        let (_held, _) = listener.accept().unwrap();
        let e = await_greeting(&mut conn, 465, Some(Duration::from_millis(300)), true).unwrap_err();
        assert_eq!((e.result, e.eex), (error::CSMAIL_E_TIMEOUT, error::eexTimeout));
        assert_eq!(
            e.text,
            "no greeting from the server within 0.3 s on port 465, a port for implicit TLS where the server waits for the client's TLS handshake: use MODE_CHANNEL"
        );
        assert!(e.os_error == error::TIMED_OUT || e.os_error == 0, "{}", e.os_error);
    }

    /// A greeting is left buffered for the protocol's read; a closed connection is left for
    /// the protocol to report.
    #[test]
    fn a_greeting_is_left_for_the_protocol() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut conn = connection(listener.local_addr().unwrap());
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(b"220 hi\r\n").unwrap();
        await_greeting(&mut conn, 465, Some(Duration::from_secs(30)), true).unwrap();
        assert_eq!(conn.buffered(), b"220 hi\r\n");
        drop(s);
        let mut conn = connection(listener.local_addr().unwrap());
        drop(listener.accept().unwrap());
        await_greeting(&mut conn, 25, None, false).unwrap();
        assert_eq!(conn.buffered(), b"");
    }
}
