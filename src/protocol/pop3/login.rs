//! POP3 login: USER/PASS and APOP (RFC 1939 7), the SASL mechanisms through AUTH (RFC 5034),
//! and the choice among them when the application leaves it to the client.

use super::status::{parse_status, pop_error, MAX_STATUS_LINE};
use super::Pop3Session;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::sasl::{self, Credentials, SaslExchange, SaslMechanism, StepError, REDACTED};
use crate::protocol::session::{Session, SessionParams};

/// RFC 5034 4 (with RFC 2449 4): a command line is at most 255 octets with its CRLF; an
/// initial response that would make AUTH longer answers the server's empty challenge instead.
const MAX_COMMAND_LINE: usize = 255;

/// How a login goes: POP3's own commands, or a SASL mechanism through AUTH.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Login {
    UserPass,
    Apop,
    Sasl(SaslMechanism),
}

impl Login {
    fn name(self) -> String {
        match self {
            Login::UserPass => "USER/PASS".to_owned(),
            Login::Apop => "APOP".to_owned(),
            Login::Sasl(m) => format!("SASL {}", m.name()),
        }
    }
}

impl Pop3Session {
    fn lists_sasl(&self, m: SaslMechanism) -> bool {
        self.caps.sasl.iter().any(|s| s == m.name())
    }

    /// AUTO's choice, in the order the AUTH_MECH table documents. Over TLS the password is
    /// protected whichever way it goes: the simplest listed way first. In the clear, the ways
    /// that keep the password off the wire first (APOP when the greeting has a timestamp,
    /// CRAM-MD5 when listed). OAuth2 mechanisms never: the password is not a token. A server
    /// that lists its capabilities without USER does not take USER/PASS.
    fn auto_login(&self, tls: bool) -> Option<Login> {
        let user = !self.caps.known || self.caps.user;
        let apop = self.timestamp.is_some();
        let sasl = |m| self.lists_sasl(m).then_some(Login::Sasl(m));
        let candidates = if tls {
            [
                sasl(SaslMechanism::Plain),
                user.then_some(Login::UserPass),
                sasl(SaslMechanism::Login),
                sasl(SaslMechanism::CramMd5),
                apop.then_some(Login::Apop),
            ]
        } else {
            [
                apop.then_some(Login::Apop),
                sasl(SaslMechanism::CramMd5),
                user.then_some(Login::UserPass),
                sasl(SaslMechanism::Plain),
                sasl(SaslMechanism::Login),
            ]
        };
        candidates.into_iter().flatten().next()
    }

    fn offered_sasl(&self) -> String {
        if self.caps.sasl.is_empty() {
            "none".to_owned()
        } else {
            self.caps.sasl.join(" ")
        }
    }

    pub(crate) fn login(&mut self, p: &SessionParams) -> Result<()> {
        let tls = self.link.conn.is_tls();
        let login = match p.mechanism {
            Mechanism::Auto => match self.auto_login(tls) {
                Some(l) => l,
                // Nothing the server lists is something csmail can log in with: stop before
                // any credential leaves (as SMTP does when AUTH offers nothing usable).
                None => {
                    return Err(Error::new(
                        error::CSMAIL_E_AUTH,
                        error::eexAuthNotSupported,
                        format!(
                            "the server's capabilities list neither USER nor a SASL mechanism csmail can use \
                             with a password (SASL: {}); no credentials were sent. Set CSMAIL_PROP_AUTH_MECH \
                             to a mechanism the server offers, or ask its administrator which login it expects",
                            self.offered_sasl()
                        ),
                    ));
                }
            },
            Mechanism::UserPass => Login::UserPass,
            Mechanism::Apop => Login::Apop,
            m => Login::Sasl(SaslMechanism::from_mechanism(m).expect("every other mechanism is SASL")),
        };
        // The refusal names the mechanism tried; when AUTO chose APOP in the clear it also says
        // why, and what to do instead.
        let why = if p.mechanism == Mechanism::Auto && login == Login::Apop && !tls {
            " (AUTO chose APOP because the connection is not encrypted and APOP keeps the password \
             off the wire; it does not fall back to USER/PASS, which would send the password in the \
             clear: use TLS, or ask for USER/PASS explicitly)"
        } else {
            ""
        };
        let failed = |line: &str, oauth_error: Option<&str>| {
            let mut e = pop_error(error::CSMAIL_E_AUTH, &format!("{} login failed", login.name()), line);
            if let Some(o) = oauth_error {
                e.text.push_str(&format!("; {o}"));
            }
            e.text.push_str(why);
            e
        };
        let step = "logging in";
        match login {
            Login::Apop => {
                let Some(ts) = self.timestamp.clone() else {
                    return Err(Error::new(
                        error::CSMAIL_E_AUTH,
                        error::eexAuthNotSupported,
                        "APOP: the greeting has no timestamp",
                    ));
                };
                let digest = sasl::apop(&ts, p.password);
                let (ok, line) = self.command(
                    &format!("APOP {} {digest}", p.user),
                    Some(&format!("APOP {} <redacted>", p.user)),
                    step,
                )?;
                if !ok {
                    return Err(failed(&line, None));
                }
            }
            Login::Sasl(mech) => {
                if self.caps.known && !self.lists_sasl(mech) {
                    return Err(Error::new(
                        error::CSMAIL_E_AUTH,
                        error::eexAuthNotSupported,
                        format!(
                            "the server does not offer SASL {} (its CAPA lists SASL: {}); no credentials \
                             were sent. Set CSMAIL_PROP_AUTH_MECH to a mechanism the server offers",
                            mech.name(),
                            self.offered_sasl()
                        ),
                    ));
                }
                let creds = Credentials { user: p.user, secret: p.password, host: p.host, port: p.port };
                let mut exchange = SaslExchange::new(mech, creds);
                if let Err(line) = self.sasl_exchange(&mut exchange, step)? {
                    return Err(failed(&line, exchange.oauth_error()));
                }
            }
            Login::UserPass => {
                let (ok, line) = self.command(&format!("USER {}", p.user), None, step)?;
                if !ok {
                    return Err(failed(&line, None));
                }
                let (ok, line) = self.command(&format!("PASS {}", p.password), Some("PASS <redacted>"), step)?;
                if !ok {
                    return Err(failed(&line, None));
                }
            }
        }
        Ok(())
    }

    /// RFC 5034 AUTH: the command (with the initial response when it fits the line), then one
    /// response per "+ " challenge until +OK or -ERR. Every SASL payload is logged redacted.
    /// Ok(Err(line)) is the server's refusal.
    fn sasl_exchange(&mut self, sasl: &mut SaslExchange, step: &str) -> Result<std::result::Result<(), String>> {
        let name = sasl.mechanism().name();
        let (command, logged) = sasl.command("AUTH", MAX_COMMAND_LINE);
        self.breaking_on_error(|s| s.link.conn.send(&command, logged.as_deref(), step))?;
        loop {
            let deadline = self.link.conn.deadline();
            let line = self.breaking_on_error(|s| s.link.conn.read_line(MAX_STATUS_LINE, deadline, step))?;
            if let Some((ok, text)) = parse_status(&line) {
                self.link.last = text.clone();
                return Ok(if ok { Ok(()) } else { Err(text) });
            }
            // A continuation: "+ " and the base64 challenge (some servers send a bare "+").
            let Some(challenge) = (if line == b"+" { Some(&b""[..]) } else { line.strip_prefix(b"+ ") }) else {
                self.mark_broken();
                return Err(Error::protocol(error::eexMalformedReply, format!("malformed reply to AUTH {name}")));
            };
            let challenge = String::from_utf8_lossy(challenge).into_owned();
            match sasl.respond(&challenge) {
                Ok(response) => self.breaking_on_error(|s| s.link.conn.send(&response, Some(REDACTED), step))?,
                Err(StepError::NotBase64) => {
                    self.mark_broken();
                    return Err(sasl.unreadable_challenge());
                }
                // The server still waits for a SASL response: a QUIT now would be read as one.
                Err(StepError::Unexpected) => {
                    self.mark_broken();
                    let l = String::from_utf8_lossy(&line).into_owned();
                    self.link.last = l.clone();
                    return Ok(Err(l));
                }
            }
        }
    }
}
