//! The POP3 client state machine (RFC 1939) with CAPA and RESP-CODES (RFC 2449), STLS
//! (RFC 2595), SASL PLAIN (RFC 5034), APOP, and pipelined retrieval.
//!
//! One concern a file: `status` (status lines and listings), `capabilities` (CAPA and STLS),
//! `login`, `mailbox` (STAT, LIST, UIDL, DELE, RSET, NOOP) and `retrieval` (RETR, TOP, batches).
//! The session steps POP3 shares with SMTP (open, the STLS policy, broken sessions, QUIT and
//! close) are in `protocol::session`.

mod capabilities;
mod login;
mod mailbox;
mod retrieval;
mod status;

pub use capabilities::Capabilities;

use super::line::LineConnection;
use super::mechanism::Mechanism;
use super::session::{upgrade_to_tls, Session, SessionLink, TlsPolicy};
use crate::error::{self, Error, Result};
use status::pop_error;

pub struct Pop3Params<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub mechanism: Mechanism,
    pub tls: Option<TlsPolicy>,
}

pub struct Pop3Session {
    link: SessionLink,
    pub caps: Capabilities,
    /// The APOP timestamp of the greeting, if any.
    timestamp: Option<String>,
    /// The last status line (without +OK/-ERR), for the REPLY_TEXT property.
    pub last: String,
    /// Messages marked deleted in this session (committed only by QUIT's +OK).
    pub deleted: usize,
}

impl Pop3Session {
    /// Greeting, CAPA, STLS, CAPA again, login.
    /// On failure the connection is closed and the last status line comes back with the error.
    pub fn open(conn: LineConnection, p: &Pop3Params) -> std::result::Result<Pop3Session, (Error, String)> {
        let session = Pop3Session {
            link: SessionLink::new(conn),
            caps: Capabilities::default(),
            timestamp: None,
            last: String::new(),
            deleted: 0,
        };
        session.open_with(|s| s.introduce(p))
    }

    fn introduce(&mut self, p: &Pop3Params) -> Result<()> {
        let (ok, greeting) = self.status("reading the greeting")?;
        if !ok {
            return Err(pop_error(error::CSMAIL_E_CONNECT, "the server refused the connection", &greeting));
        }
        self.timestamp =
            greeting.find('<').and_then(|a| greeting[a..].find('>').map(|b| greeting[a..a + b + 1].to_owned()));
        self.capa()?;
        if let Some(policy) = TlsPolicy::upgrade(&p.tls) {
            upgrade_to_tls(self, policy)?;
        }
        self.login(p)
    }
}

impl Session for Pop3Session {
    type Reply = String;
    /// Whether the server confirmed QUIT, which commits the deletions (RFC 1939 6).
    type QuitOutcome = bool;

    fn link(&self) -> &SessionLink {
        &self.link
    }
    fn link_mut(&mut self) -> &mut SessionLink {
        &mut self.link
    }
    fn last_reply(&self) -> &String {
        &self.last
    }
    fn last_reply_mut(&mut self) -> &mut String {
        &mut self.last
    }
    fn capability_lines(&self) -> &[String] {
        &self.caps.lines
    }
    fn send_quit(&mut self) -> Result<bool> {
        match self.command("QUIT", None, "sending QUIT") {
            Ok((true, _)) => Ok(true),
            Ok((false, line)) => Err(pop_error(error::CSMAIL_E_SERVER, "QUIT refused: deletions not committed", &line)),
            Err(e) => Err(e),
        }
    }
    fn quit_not_sent() -> bool {
        false
    }
}
