//! What the server's EHLO reply offers (RFC 5321 4.1.1.1 and the extension RFCs), the EHLO/HELO
//! exchange, and STARTTLS (RFC 3207) on the shared upgrade policy.

use super::reply::{server_error, Reply};
use super::SmtpSession;
use crate::error::{self, Result};
use crate::log::LOG_F_PROTOCOL;
use crate::protocol::session::{TlsUpgrade, UpgradeOffer};

/// What the server's EHLO reply offered.
#[derive(Clone, Debug, Default)]
pub struct Extensions {
    pub keywords: Vec<String>,
    /// The EHLO lines after the first, as the server sent them ("SIZE 10240000", ...).
    pub lines: Vec<String>,
    pub pipelining: bool,
    pub starttls: bool,
    pub eightbitmime: bool,
    pub smtputf8: bool,
    pub enhanced: bool,
    /// SIZE limit; 0 = none announced.
    pub size: u64,
    pub auth: Vec<String>,
}

impl Extensions {
    pub(crate) fn parse(reply: &Reply) -> Extensions {
        let mut e = Extensions::default();
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(kw) = words.next() else { continue };
            let kw = kw.to_ascii_uppercase();
            match kw.as_str() {
                "PIPELINING" => e.pipelining = true,
                "STARTTLS" => e.starttls = true,
                "8BITMIME" => e.eightbitmime = true,
                "SMTPUTF8" => e.smtputf8 = true,
                "ENHANCEDSTATUSCODES" => e.enhanced = true,
                "SIZE" => e.size = words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
                "AUTH" => e.auth.extend(words.map(|w| w.to_ascii_uppercase())),
                _ => {}
            }
            e.keywords.push(kw);
            e.lines.push(line.clone());
        }
        e
    }
}

impl SmtpSession {
    pub(crate) fn hello(&mut self, name: &str) -> Result<()> {
        let r = self.command(&format!("EHLO {name}"), None, "sending EHLO")?;
        if r.code == 250 {
            self.ext = Extensions::parse(&r);
            return Ok(());
        }
        // RFC 5321 4.1.4: a server that does not know EHLO gets HELO.
        self.link.conn.log.warn(LOG_F_PROTOCOL, || format!("EHLO refused ({}), trying HELO", r.summary()));
        let r = self.command(&format!("HELO {name}"), None, "sending HELO")?;
        if r.code != 250 {
            return Err(server_error(error::CSMAIL_E_CONNECT, "the server refused EHLO and HELO", &r));
        }
        self.ext = Extensions::default();
        Ok(())
    }
}

impl TlsUpgrade for SmtpSession {
    const COMMAND: &'static str = "STARTTLS";

    fn upgrade_offer(&self) -> UpgradeOffer {
        if self.ext.starttls {
            UpgradeOffer::Offered
        } else {
            UpgradeOffer::NotOffered
        }
    }

    fn request_upgrade(&mut self) -> Result<Option<String>> {
        let r = self.command("STARTTLS", None, "sending STARTTLS")?;
        Ok((r.code != 220).then(|| r.summary()))
    }

    fn relearn_capabilities(&mut self) -> Result<()> {
        self.ext = Extensions::default();
        let name = self.ehlo_name.clone();
        let r = self.command(&format!("EHLO {name}"), None, "sending EHLO after STARTTLS")?;
        if r.code != 250 {
            return Err(server_error(error::CSMAIL_E_CONNECT, "the server refused EHLO after STARTTLS", &r));
        }
        self.ext = Extensions::parse(&r);
        Ok(())
    }
}
