//! SMTP AUTH (RFC 4954): choosing a mechanism the server offers and running its exchange.

use super::reply::server_error;
use super::SmtpSession;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::sasl;
use crate::protocol::session::{Session, SessionParams};

impl SmtpSession {
    fn choose_mechanism(&self, wanted: Mechanism) -> Result<Mechanism> {
        let offers = |m: &str| self.ext.auth.iter().any(|a| a == m);
        let name = |m: Mechanism| match m {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::XOAuth2 => "XOAUTH2",
            _ => "",
        };
        let not_supported = |what: String| Error::new(error::CSMAIL_E_AUTH, error::eexAuthNotSupported, what);
        match wanted {
            Mechanism::Auto => {
                // Over TLS the simplest mechanism is as safe as any; in the clear, CRAM-MD5 keeps
                // the password off the wire.
                let order: &[Mechanism] = if self.link.conn.is_tls() {
                    &[Mechanism::Plain, Mechanism::Login, Mechanism::CramMd5]
                } else {
                    &[Mechanism::CramMd5, Mechanism::Plain, Mechanism::Login]
                };
                order.iter().copied().find(|m| offers(name(*m))).ok_or_else(|| {
                    not_supported(format!("the server offers no usable AUTH mechanism (offered: {:?})", self.ext.auth))
                })
            }
            Mechanism::Plain | Mechanism::Login | Mechanism::CramMd5 | Mechanism::XOAuth2 => {
                if offers(name(wanted)) {
                    Ok(wanted)
                } else {
                    Err(not_supported(format!(
                        "the server does not offer AUTH {} (offered: {:?})",
                        name(wanted),
                        self.ext.auth
                    )))
                }
            }
            _ => Err(Error::invalid_arg("this authentication mechanism is for POP3")),
        }
    }

    pub(crate) fn authenticate(&mut self, p: &SessionParams) -> Result<()> {
        let mech = self.choose_mechanism(p.mechanism)?;
        let step = "authenticating";
        let redacted = "<redacted>";
        let r = match mech {
            Mechanism::Plain => {
                let ir = sasl::plain(p.user, p.password);
                let mut r = self.command(&format!("AUTH PLAIN {ir}"), Some("AUTH PLAIN <redacted>"), step)?;
                if r.code == 334 {
                    r = self.command(&ir, Some(redacted), step)?;
                }
                r
            }
            Mechanism::Login => {
                let mut r = self.command("AUTH LOGIN", None, step)?;
                if r.code == 334 {
                    r = self.command(&sasl::b64(p.user.as_bytes()), None, step)?;
                }
                if r.code == 334 {
                    r = self.command(&sasl::b64(p.password.as_bytes()), Some(redacted), step)?;
                }
                r
            }
            Mechanism::CramMd5 => {
                let mut r = self.command("AUTH CRAM-MD5", None, step)?;
                if r.code == 334 {
                    let challenge = r.lines.first().cloned().unwrap_or_default();
                    let Some(resp) = sasl::cram_md5(&challenge, p.user, p.password) else {
                        self.mark_broken();
                        return Err(Error::protocol(error::eexMalformedReply, "the CRAM-MD5 challenge is not base64"));
                    };
                    r = self.command(&resp, Some(redacted), step)?;
                }
                r
            }
            Mechanism::XOAuth2 => {
                let ir = sasl::xoauth2(p.user, p.password);
                let mut r = self.command(&format!("AUTH XOAUTH2 {ir}"), Some("AUTH XOAUTH2 <redacted>"), step)?;
                if r.code == 334 {
                    // The server sent an error description; an empty line ends the exchange.
                    r = self.command("", None, step)?;
                }
                r
            }
            _ => unreachable!("choose_mechanism returns SMTP mechanisms only"),
        };
        if r.code == 334 {
            // The server still waits for a SASL response: a QUIT now would be read as one.
            self.mark_broken();
        }
        if r.code != 235 {
            return Err(server_error(error::CSMAIL_E_AUTH, "authentication failed", &r));
        }
        Ok(())
    }
}
