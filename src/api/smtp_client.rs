//! The SMTPClient object: what SMTP adds to the generic client — its ports and settings, its
//! introduction, and Send and Reset.

use super::client::{Applicable, Client, DefaultPorts, Protocol, ReplyProperties};
use super::properties::Object;
use super::proxyinfo::ProxyKind;
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::protocol::smtp::{check_address, Reply, SmtpSession};
use crate::protocol::source::{FileSource, MessageSource};

/// The SMTP protocol on the generic client.
pub struct Smtp;

/// SMTPClient.
pub type SmtpClient = Client<Smtp>;

impl Protocol for Smtp {
    type Session = SmtpSession;
    const PORTS: DefaultPorts = DefaultPorts { plain: 25, implicit_tls: 465 };
    const APPLICATION_PROXY: Option<ProxyKind> = Some(ProxyKind::Smtp);
    const SETTINGS: Applicable =
        Applicable { object: Object::Smtp, mechanism: |m| !matches!(m, Mechanism::UserPass | Mechanism::Apop) };
}

impl ReplyProperties for Reply {
    fn text(&self) -> String {
        Reply::text(self)
    }
    fn code(&self) -> Option<i32> {
        Some(self.code as i32)
    }
    fn enhanced(&self) -> Option<String> {
        Some(self.enhanced.clone())
    }
}

/// The envelope's checks, before anything is sent.
fn check_envelope(from: &str, recipients: &[&str]) -> Result<()> {
    check_address("sender", from)?;
    if recipients.is_empty() {
        return Err(Error::invalid_arg("no recipients"));
    }
    for r in recipients {
        if r.is_empty() {
            return Err(Error::invalid_arg("empty recipient"));
        }
        check_address("recipient", r)?;
    }
    Ok(())
}

impl Client<Smtp> {
    /// Send: one message from `source` to every recipient, or to none.
    pub fn send(&self, from: &str, recipients: &[&str], source: &mut dyn MessageSource) -> Result<()> {
        if let Err(e) = check_envelope(from, recipients) {
            return self.refuse(e);
        }
        let mut progress = self.progress_reporter();
        self.with_connected(|s| s.send(from, recipients, source, &mut progress))
    }

    /// Send from a file, streamed; a file that cannot be opened fails before anything is sent.
    pub fn send_file(&self, from: &str, recipients: &[&str], path: &str) -> Result<()> {
        let mut source = match FileSource::open(path) {
            Ok(s) => s,
            Err(e) => {
                return self.record_failure(Err(Error::new(
                    error::CSMAIL_E_IO,
                    error::eexMessageSource,
                    format!("cannot open {path}: {e}"),
                )
                .with_os(&e)))
            }
        };
        self.send(from, recipients, &mut source)
    }

    /// Reset: RSET.
    pub fn reset(&self) -> Result<()> {
        self.with_connected(|s| s.reset())
    }
}
