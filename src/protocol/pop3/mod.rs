//! The POP3 client state machine (RFC 1939) with CAPA and RESP-CODES (RFC 2449), STLS
//! (RFC 2595), SASL through AUTH (RFC 5034; the mechanisms are `protocol::sasl`'s), APOP, and
//! pipelined retrieval.
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
#[cfg(feature = "fuzzing")]
pub use status::{listing_line, parse_status};

use super::line::LineConnection;
use super::session::{upgrade_to_tls, Session, SessionLink, SessionParams, TlsPolicy};
use crate::error::{self, Error, Result};
use status::pop_error;

pub struct Pop3Session {
    link: SessionLink<String>,
    pub caps: Capabilities,
    /// The APOP timestamp of the greeting, if any.
    timestamp: Option<String>,
    /// Messages marked deleted in this session (committed only by QUIT's +OK).
    pub deleted: usize,
}

impl Pop3Session {
    fn introduce(&mut self, p: &SessionParams) -> Result<()> {
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

    /// Greeting, CAPA, STLS, CAPA again, login. The last reply is the status line (without
    /// +OK; -ERR lines whole).
    fn open(conn: LineConnection, p: &SessionParams) -> std::result::Result<Pop3Session, (Error, String)> {
        let session =
            Pop3Session { link: SessionLink::new(conn), caps: Capabilities::default(), timestamp: None, deleted: 0 };
        session.open_with(|s| s.introduce(p))
    }
    fn link(&self) -> &SessionLink<String> {
        &self.link
    }
    fn link_mut(&mut self) -> &mut SessionLink<String> {
        &mut self.link
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
