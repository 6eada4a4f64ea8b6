//! The SMTP client state machine (RFC 5321) with EHLO/HELO, STARTTLS (RFC 3207), AUTH,
//! PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531) and
//! ENHANCEDSTATUSCODES (RFC 2034).
//!
//! One concern a file: `reply` (reading replies), `extensions` (EHLO and STARTTLS), `auth`,
//! `envelope` (MAIL, RCPT, DATA) and `data` (the message itself). The session steps SMTP shares
//! with POP3 (open, the STARTTLS policy, broken sessions, QUIT and close) are in
//! `protocol::session`.

mod auth;
mod data;
mod envelope;
mod extensions;
mod reply;

pub use envelope::check_address;
pub use extensions::Extensions;
pub use reply::Reply;

use super::line::LineConnection;
use super::session::{upgrade_to_tls, Session, SessionLink, SessionParams, TlsPolicy};
use crate::error::{self, Error, Result};
use reply::server_error;

pub struct SmtpSession {
    link: SessionLink<Reply>,
    /// The EHLO name, sent again after STARTTLS.
    ehlo_name: String,
    pub ext: Extensions,
}

impl SmtpSession {
    fn introduce(&mut self, params: &SessionParams) -> Result<()> {
        let greeting = self.read_reply("reading the greeting")?;
        if greeting.code != 220 {
            return Err(server_error(error::CSMAIL_E_CONNECT, "the server refused the connection", &greeting));
        }
        self.hello(params.ehlo_name)?;
        if let Some(policy) = TlsPolicy::upgrade(&params.tls) {
            upgrade_to_tls(self, policy)?;
        }
        if !params.user.is_empty() {
            self.authenticate(params)?;
        }
        Ok(())
    }

    /// RSET: ends the current transaction.
    pub fn reset(&mut self) -> Result<()> {
        let r = self.breaking_on_error(|s| s.command("RSET", None, "sending RSET"))?;
        if r.code != 250 {
            return Err(server_error(error::CSMAIL_E_SERVER, "RSET refused", &r));
        }
        Ok(())
    }
}

impl Session for SmtpSession {
    type Reply = Reply;
    type QuitOutcome = ();

    /// Greeting, EHLO (HELO fallback), STARTTLS, AUTH when a user name is set.
    fn open(conn: LineConnection, params: &SessionParams) -> std::result::Result<SmtpSession, (Error, Reply)> {
        let session = SmtpSession {
            link: SessionLink::new(conn),
            ehlo_name: params.ehlo_name.to_owned(),
            ext: Extensions::default(),
        };
        session.open_with(|s| s.introduce(params))
    }
    fn link(&self) -> &SessionLink<Reply> {
        &self.link
    }
    fn link_mut(&mut self) -> &mut SessionLink<Reply> {
        &mut self.link
    }
    fn capability_lines(&self) -> &[String] {
        &self.ext.lines
    }
    /// The reply is read so the server ends cleanly; a missing or refused one loses nothing.
    fn send_quit(&mut self) -> Result<()> {
        let _ = self.command("QUIT", None, "sending QUIT");
        Ok(())
    }
    fn quit_not_sent() {}
}
