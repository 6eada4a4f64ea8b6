//! POP3 login: USER/PASS and APOP (RFC 1939 7), SASL PLAIN (RFC 5034), and the choice among
//! them when the application leaves it to the client.

use super::status::{pop_error, MAX_STATUS_LINE};
use super::Pop3Session;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::sasl;
use crate::protocol::session::{Session, SessionParams};

impl Pop3Session {
    pub(crate) fn login(&mut self, p: &SessionParams) -> Result<()> {
        let tls = self.link.conn.is_tls();
        let sasl_plain = self.caps.sasl.iter().any(|m| m == "PLAIN");
        // AUTO's order. Over TLS the password is protected either way: SASL PLAIN when the
        // server lists it, else USER/PASS (or APOP when the server lists its capabilities
        // without USER). In the clear, APOP when the greeting offers it (a timestamp), because
        // APOP keeps the password off the wire; if the server refuses it, AUTO does not fall
        // back to USER/PASS, which would send the password in the clear.
        let mech = match p.mechanism {
            Mechanism::Auto if tls && sasl_plain => Mechanism::Plain,
            Mechanism::Auto if !tls && self.timestamp.is_some() => Mechanism::Apop,
            // A server that lists its capabilities without USER does not take USER/PASS.
            Mechanism::Auto if self.caps.known && !self.caps.user && self.timestamp.is_some() => Mechanism::Apop,
            Mechanism::Auto if self.caps.known && !self.caps.user && sasl_plain => Mechanism::Plain,
            // Nothing the server lists is something csmail can log in with: stop before any
            // credential leaves (as SMTP does when AUTH offers nothing usable).
            Mechanism::Auto if self.caps.known && !self.caps.user => {
                let offered = if self.caps.sasl.is_empty() { "none".to_owned() } else { self.caps.sasl.join(" ") };
                return Err(Error::new(
                    error::CSMAIL_E_AUTH,
                    error::eexAuthNotSupported,
                    format!(
                        "the server's capabilities list neither USER nor a SASL mechanism csmail can use \
                         (SASL: {offered}); no credentials were sent. Set CSMAIL_PROP_AUTH_MECH to a \
                         mechanism the server offers, or ask its administrator which login it expects"
                    ),
                ));
            }
            Mechanism::Auto => Mechanism::UserPass,
            Mechanism::Plain | Mechanism::UserPass | Mechanism::Apop => p.mechanism,
            _ => return Err(Error::invalid_arg("POP3 authentication is AUTO, PLAIN, USER/PASS or APOP")),
        };
        let step = "logging in";
        let name = match mech {
            Mechanism::Apop => "APOP",
            Mechanism::Plain => "SASL PLAIN",
            _ => "USER/PASS",
        };
        // The refusal names the mechanism tried; when AUTO chose APOP in the clear it also says
        // why, and what to do instead.
        let why = if p.mechanism == Mechanism::Auto && mech == Mechanism::Apop && !tls {
            " (AUTO chose APOP because the connection is not encrypted and APOP keeps the password \
             off the wire; it does not fall back to USER/PASS, which would send the password in the \
             clear: use TLS, or ask for USER/PASS explicitly)"
        } else {
            ""
        };
        let failed = |line: &str| {
            let mut e = pop_error(error::CSMAIL_E_AUTH, &format!("{name} login failed"), line);
            e.text.push_str(why);
            e
        };
        match mech {
            Mechanism::Apop => {
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
                    return Err(failed(&line));
                }
            }
            Mechanism::Plain => {
                if self.caps.known && !sasl_plain {
                    return Err(Error::new(
                        error::CSMAIL_E_AUTH,
                        error::eexAuthNotSupported,
                        "the server does not offer SASL PLAIN",
                    ));
                }
                let ir = sasl::plain(p.user, p.password);
                self.link.conn.send(&format!("AUTH PLAIN {ir}"), Some("AUTH PLAIN <redacted>"), step)?;
                let deadline = self.link.conn.deadline();
                let line = self.link.conn.read_line(MAX_STATUS_LINE, deadline, step)?;
                // A server that wants the response after an empty challenge says "+ ".
                if line.starts_with(b"+ ") || line == b"+" {
                    self.link.conn.send(&ir, Some("<redacted>"), step)?;
                    let (ok, line) = self.status(step)?;
                    if !ok {
                        return Err(failed(&line));
                    }
                } else if line.starts_with(b"-ERR") {
                    let l = String::from_utf8_lossy(&line).into_owned();
                    self.link.last = l.clone();
                    return Err(failed(&l));
                } else if !line.starts_with(b"+OK") {
                    self.mark_broken();
                    return Err(Error::protocol(error::eexMalformedReply, "malformed reply to AUTH PLAIN"));
                }
            }
            _ => {
                let (ok, line) = self.command(&format!("USER {}", p.user), None, step)?;
                if !ok {
                    return Err(failed(&line));
                }
                let (ok, line) = self.command(&format!("PASS {}", p.password), Some("PASS <redacted>"), step)?;
                if !ok {
                    return Err(failed(&line));
                }
            }
        }
        Ok(())
    }
}
