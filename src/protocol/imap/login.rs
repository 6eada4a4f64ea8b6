//! IMAP login: the LOGIN command (RFC 9051 6.2.3, refused by the client when the server says
//! LOGINDISABLED) and AUTHENTICATE (RFC 9051 6.2.2) with SASL-IR (RFC 4959) when offered. Each
//! SASL mechanism is one arm of `initial_response`/`answer` below, on `protocol::sasl`.

use super::command::Command;
use super::response::{self, Kind, Status};
use super::ImapSession;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::sasl;
use crate::protocol::session::{Session, SessionParams};

fn mechanism_name(m: Mechanism) -> &'static str {
    match m {
        Mechanism::Plain => "PLAIN",
        Mechanism::Login => "LOGIN",
        Mechanism::CramMd5 => "CRAM-MD5",
        Mechanism::XOAuth2 => "XOAUTH2",
        _ => "LOGIN command",
    }
}

/// The initial response a mechanism sends with AUTHENTICATE (None: it waits for a challenge).
fn initial_response(m: Mechanism, p: &SessionParams) -> Option<String> {
    match m {
        Mechanism::Plain => Some(sasl::plain(p.user, p.password)),
        Mechanism::XOAuth2 => Some(sasl::xoauth2(p.user, p.password)),
        _ => None,
    }
}

/// The answer to challenge number `round` (0-based) of a mechanism.
fn answer(m: Mechanism, round: usize, challenge: &str, p: &SessionParams) -> Option<String> {
    match (m, round) {
        (Mechanism::Plain, 0) => Some(sasl::plain(p.user, p.password)),
        (Mechanism::XOAuth2, 0) => Some(sasl::xoauth2(p.user, p.password)),
        // XOAUTH2 sends an error as a challenge; the empty answer asks for the final NO.
        (Mechanism::XOAuth2, _) => Some(String::new()),
        (Mechanism::Login, 0) => Some(sasl::b64(p.user.as_bytes())),
        (Mechanism::Login, 1) => Some(sasl::b64(p.password.as_bytes())),
        (Mechanism::CramMd5, 0) => sasl::cram_md5(challenge, p.user, p.password),
        _ => None,
    }
}

impl ImapSession {
    pub(crate) fn login(&mut self, p: &SessionParams) -> Result<()> {
        let tls = self.link.conn.is_tls();
        let mech = match p.mechanism {
            // AUTO: AUTHENTICATE PLAIN when listed, else LOGIN; over a connection that is not
            // encrypted, CRAM-MD5 first when listed (it keeps the password off the wire).
            Mechanism::Auto if !tls && self.caps.offers_auth("CRAM-MD5") => Mechanism::CramMd5,
            Mechanism::Auto if self.caps.offers_auth("PLAIN") => Mechanism::Plain,
            Mechanism::Auto => Mechanism::UserPass,
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
        let name = mechanism_name(mech);
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
        let mut cmd = Command::new("AUTHENTICATE").raw(name);
        let ir = if self.caps.sasl_ir { initial_response(mech, p) } else { None };
        if let Some(ir) = &ir {
            // RFC 4959: an empty initial response is sent as "=".
            cmd = cmd.raw(if ir.is_empty() { "=" } else { ir });
            cmd.secret_line = true;
        }
        let first_round = usize::from(ir.is_some());
        self.finish_login(&cmd, |s, c| s.authenticate(c, mech, first_round, p))
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

    /// AUTHENTICATE: answers each "+" challenge, then reads the completion.
    fn authenticate(&mut self, cmd: &Command, mech: Mechanism, mut round: usize, p: &SessionParams) -> Result<()> {
        let tag = self.peek_tag();
        let step = "waiting for the reply to AUTHENTICATE";
        // The command goes out alone; the challenges are answered as they come.
        let lines = cmd.lines(&tag, false);
        self.tag_counter += 1;
        let redacted = format!("{tag} AUTHENTICATE {} <redacted>", mechanism_name(mech));
        let line = &lines[0].0;
        let shown = cmd.secret_line.then_some(redacted.as_str());
        self.breaking_on_error(|s| s.link.conn.send(line, shown, "sending AUTHENTICATE"))?;
        loop {
            let deadline = self.link.conn.deadline();
            let bytes = self.read(deadline, None, step)?;
            match response::classify(&bytes, &tag) {
                Some(Kind::Continuation) => {
                    let challenge = String::from_utf8_lossy(&bytes[1..]).trim().to_owned();
                    let Some(reply) = answer(mech, round, &challenge, p) else {
                        // A challenge the mechanism has no answer for: cancel (RFC 9051 6.2.2).
                        self.breaking_on_error(|s| s.link.conn.send("*", None, "cancelling AUTHENTICATE"))?;
                        round += 1;
                        continue;
                    };
                    self.breaking_on_error(|s| s.link.conn.send(&reply, Some("<redacted>"), "sending AUTHENTICATE"))?;
                    round += 1;
                }
                Some(Kind::Untagged) => self.untagged(&bytes, &mut |_| Ok(()))?,
                Some(Kind::Tagged) => {
                    let done = self.completion(&bytes, &tag)?;
                    self.link.last = done.line.clone();
                    return match done.status {
                        Status::Ok => Ok(()),
                        Status::No => {
                            Err(self.refusal(error::CSMAIL_E_SERVER, error::eexImapNo, "AUTHENTICATE", &done.line))
                        }
                        Status::Bad => {
                            Err(self.refusal(error::CSMAIL_E_SERVER, error::eexImapBad, "AUTHENTICATE", &done.line))
                        }
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
