//! IMAP login: the LOGIN command (RFC 9051 6.2.3, refused by the client when the server says
//! LOGINDISABLED) and AUTHENTICATE (RFC 9051 6.2.2) with SASL-IR (RFC 4959) when offered. The
//! SASL mechanisms themselves are the shared `protocol::sasl` exchange: IMAP only frames it.

use super::command::Command;
use super::response::{self, Kind};
use super::ImapSession;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::sasl::{Credentials, SaslExchange, SaslMechanism, StepError, REDACTED};
use crate::protocol::session::{Session, SessionParams};

impl ImapSession {
    pub(crate) fn login(&mut self, p: &SessionParams) -> Result<()> {
        let tls = self.link.conn.is_tls();
        let mech = match p.mechanism {
            // AUTO: AUTHENTICATE PLAIN when listed, else LOGIN; over a connection that is not
            // encrypted, CRAM-MD5 first when listed (it keeps the password off the wire).
            Mechanism::Auto if !tls && self.caps.offers_auth("CRAM-MD5") => Mechanism::CramMd5,
            Mechanism::Auto if self.caps.offers_auth("PLAIN") => Mechanism::Plain,
            Mechanism::Auto => Mechanism::UserPass,
            // APOP is POP3's alone.
            Mechanism::Apop => return Err(Error::invalid_arg("APOP is a POP3 login; IMAP uses LOGIN or AUTHENTICATE")),
            m => m,
        };
        if mech == Mechanism::UserPass {
            if self.caps.login_disabled {
                let offered = if self.caps.auth.is_empty() { "none".to_owned() } else { self.caps.auth.join(" ") };
                return Err(Error::new(
                    error::CSMAIL_E_AUTH,
                    error::eexAuthNotSupported,
                    format!(
                        "the server does not allow the LOGIN command here (LOGINDISABLED; it offers \
                         AUTHENTICATE with: {offered}); no credentials were sent. Use TLS, or set \
                         CSMAIL_PROP_AUTH_MECH to a mechanism the server offers"
                    ),
                ));
            }
            let cmd = Command::new("LOGIN").quoted(p.user, self.utf8).secret(p.password);
            return self.finish_login(&cmd, |s, c| s.run(c, &mut |_| Ok(())).map(|_| ()));
        }
        let Some(sasl) = SaslMechanism::from_mechanism(mech) else {
            return Err(Error::invalid_arg(
                "IMAP logs in with AUTO, PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER or USER_PASS (the LOGIN command)",
            ));
        };
        let name = sasl.name();
        if self.caps.known && !self.caps.offers_auth(name) {
            return Err(Error::new(
                error::CSMAIL_E_AUTH,
                error::eexAuthNotSupported,
                format!(
                    "the server does not offer AUTHENTICATE {name} (it offers: {}); no credentials were sent",
                    if self.caps.auth.is_empty() { "none".to_owned() } else { self.caps.auth.join(" ") }
                ),
            ));
        }
        let creds = Credentials { user: p.user, secret: p.password, host: p.host, port: p.port };
        let mut exchange = SaslExchange::new(sasl, creds);
        let cmd = Command::new("AUTHENTICATE").raw(name);
        self.finish_login(&cmd, |s, _| s.authenticate(&mut exchange))
    }

    /// Runs a login command; a NO is an authentication failure naming the mechanism and quoting
    /// the server ([AUTHENTICATIONFAILED] ...), and the capabilities are read again (they may
    /// change at login) unless the completion carried them.
    fn finish_login(&mut self, cmd: &Command, run: impl FnOnce(&mut Self, &Command) -> Result<()>) -> Result<()> {
        let before = self.caps.lines.clone();
        match run(self, cmd) {
            Ok(()) => {}
            Err(mut e) if e.eex == error::eexImapNo => {
                e.result = error::CSMAIL_E_AUTH;
                e.text = format!("login failed: {}", e.text);
                return Err(e);
            }
            Err(e) => return Err(e),
        }
        if self.caps.lines == before {
            self.capability()?;
        }
        Ok(())
    }

    /// AUTHENTICATE: the command (with the initial response on the line when the server offers
    /// SASL-IR), then one response per "+" challenge; every response is logged redacted. A
    /// challenge the mechanism cannot answer is cancelled with "*" (RFC 9051 6.2.2), which
    /// keeps the session in a known state.
    fn authenticate(&mut self, exchange: &mut SaslExchange) -> Result<()> {
        let tag = self.next_tag();
        let name = exchange.mechanism().name();
        // Without SASL-IR the initial response never fits: it answers the first challenge.
        let max = if self.caps.sasl_ir { usize::MAX } else { 0 };
        let (line, logged) = exchange.command(&format!("{tag} AUTHENTICATE"), max);
        self.breaking_on_error(|s| s.link.conn.send(&line, logged.as_deref(), "sending AUTHENTICATE"))?;
        let step = "waiting for the reply to AUTHENTICATE";
        loop {
            let deadline = self.link.conn.deadline();
            let bytes = self.read(deadline, None, step)?;
            match response::classify(&bytes, &tag) {
                Some(Kind::Continuation) => {
                    let challenge = String::from_utf8_lossy(&bytes[1..]).trim().to_owned();
                    let reply = match exchange.respond(&challenge) {
                        Ok(r) => r,
                        Err(StepError::NotBase64 | StepError::Unexpected) => "*".to_owned(),
                    };
                    self.breaking_on_error(|s| s.link.conn.send(&reply, Some(REDACTED), "sending AUTHENTICATE"))?;
                }
                Some(Kind::Untagged) => self.untagged(&bytes, &mut |_| Ok(()))?,
                Some(Kind::Tagged) => {
                    let done = self.completion(&bytes, &tag)?;
                    let r = self.checked(done, &format!("AUTHENTICATE {name}"));
                    return match (r, exchange.oauth_error()) {
                        (Err(mut e), Some(oauth)) => {
                            e.text.push_str(&format!(" (the OAuth server says: {oauth})"));
                            Err(e)
                        }
                        (r, _) => r.map(|_| ()),
                    };
                }
                None => {
                    self.mark_broken();
                    return Err(Error::protocol(error::eexMalformedReply, "malformed response to AUTHENTICATE"));
                }
            }
        }
    }
}
