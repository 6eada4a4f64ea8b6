//! The session steps every protocol on the line engine shares, written once: opening (the
//! protocol's introduction, and on failure the close that keeps the refusal), the STARTTLS/STLS
//! policy, marking a session broken when its protocol state became unknown, QUIT and close.

use super::line::LineConnection;
use super::mechanism::Mechanism;
use crate::error::{self, Error, Result};
use crate::log::LOG_F_SSL;
use crate::tls::config::TlsHandshakeParams;

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
