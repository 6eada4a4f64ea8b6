//! SMTP AUTH (RFC 4954): choosing a mechanism the server offers and carrying its SASL exchange
//! (`protocol::sasl`) in AUTH lines and 334 continuations.

use super::reply::server_error;
use super::SmtpSession;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::sasl::{Credentials, SaslExchange, SaslMechanism, StepError, REDACTED};
use crate::protocol::session::{Session, SessionParams};

/// RFC 4954 4: an AUTH line longer than this goes without its initial response, which then
/// answers the server's empty 334 challenge.
const MAX_AUTH_LINE: usize = 12288;

impl SmtpSession {
    fn choose_mechanism(&self, wanted: Mechanism) -> Result<SaslMechanism> {
        let offers = |m: SaslMechanism| self.ext.auth.iter().any(|a| a == m.name());
        let not_supported = |what: String| Error::new(error::CSMAIL_E_AUTH, error::eexAuthNotSupported, what);
        if wanted == Mechanism::Auto {
            // Over TLS the simplest mechanism is as safe as any; in the clear, CRAM-MD5 keeps
            // the password off the wire. Never an OAuth2 mechanism: the password is not a token.
            let order: &[SaslMechanism] = if self.link.conn.is_tls() {
                &[SaslMechanism::Plain, SaslMechanism::Login, SaslMechanism::CramMd5]
            } else {
                &[SaslMechanism::CramMd5, SaslMechanism::Plain, SaslMechanism::Login]
            };
            return order.iter().copied().find(|m| offers(*m)).ok_or_else(|| {
                not_supported(format!("the server offers no usable AUTH mechanism (offered: {:?})", self.ext.auth))
            });
        }
        let Some(mech) = SaslMechanism::from_mechanism(wanted) else {
            return Err(Error::invalid_arg("this authentication mechanism is for POP3"));
        };
        if offers(mech) {
            Ok(mech)
        } else {
            Err(not_supported(format!("the server does not offer AUTH {} (offered: {:?})", mech.name(), self.ext.auth)))
        }
    }

    pub(crate) fn authenticate(&mut self, p: &SessionParams) -> Result<()> {
        let mech = self.choose_mechanism(p.mechanism)?;
        let step = "authenticating";
        let creds = Credentials { user: p.user, secret: p.password, host: p.host, port: p.port };
        let mut sasl = SaslExchange::new(mech, creds);
        // Every SASL payload is a credential or derived from one: the log shows it redacted.
        let (command, logged) = sasl.command("AUTH", MAX_AUTH_LINE);
        let mut r = self.command(&command, logged.as_deref(), step)?;
        while r.code == 334 {
            let challenge = r.lines.first().cloned().unwrap_or_default();
            match sasl.respond(&challenge) {
                Ok(response) => r = self.command(&response, Some(REDACTED), step)?,
                Err(StepError::NotBase64) => {
                    self.mark_broken();
                    return Err(sasl.unreadable_challenge());
                }
                // The server still waits for a SASL response: a QUIT now would be read as one.
                Err(StepError::Unexpected) => {
                    self.mark_broken();
                    break;
                }
            }
        }
        if r.code != 235 {
            let mut e = server_error(error::CSMAIL_E_AUTH, "authentication failed", &r);
            if let Some(why) = sasl.oauth_error() {
                e.text.push_str(&format!("; {why}"));
            }
            return Err(e);
        }
        Ok(())
    }
}
