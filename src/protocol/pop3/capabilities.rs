//! What the server's CAPA listing offers (RFC 2449), and STLS (RFC 2595) on the shared
//! upgrade policy.

use super::Pop3Session;
use crate::error::Result;
use crate::protocol::session::{TlsUpgrade, UpgradeOffer};

#[derive(Clone, Debug, Default)]
pub struct Capabilities {
    /// Every CAPA line; empty when the server does not know CAPA.
    pub lines: Vec<String>,
    pub stls: bool,
    pub pipelining: bool,
    pub user: bool,
    pub sasl: Vec<String>,
    pub known: bool,
}

impl Capabilities {
    pub(crate) fn parse(lines: Vec<String>) -> Capabilities {
        let mut c = Capabilities { known: true, ..Capabilities::default() };
        for l in &lines {
            let mut w = l.split_ascii_whitespace();
            match w.next().map(|k| k.to_ascii_uppercase()).as_deref() {
                Some("STLS") => c.stls = true,
                Some("PIPELINING") => c.pipelining = true,
                Some("USER") => c.user = true,
                Some("SASL") => c.sasl.extend(w.map(|m| m.to_ascii_uppercase())),
                _ => {}
            }
        }
        c.lines = lines;
        c
    }
}

impl Pop3Session {
    pub(crate) fn capa(&mut self) -> Result<()> {
        let (ok, _) = self.command("CAPA", None, "sending CAPA")?;
        self.caps = if ok { Capabilities::parse(self.listing("reading CAPA")?) } else { Capabilities::default() };
        Ok(())
    }
}

impl TlsUpgrade for Pop3Session {
    const COMMAND: &'static str = "STLS";

    /// A server without CAPA may still know STLS; one that lists capabilities without it does not.
    fn upgrade_offer(&self) -> UpgradeOffer {
        match (self.caps.known, self.caps.stls) {
            (false, _) => UpgradeOffer::Unknown,
            (true, true) => UpgradeOffer::Offered,
            (true, false) => UpgradeOffer::NotOffered,
        }
    }

    fn request_upgrade(&mut self) -> Result<Option<String>> {
        let (ok, line) = self.command("STLS", None, "sending STLS")?;
        Ok((!ok).then_some(line))
    }

    fn relearn_capabilities(&mut self) -> Result<()> {
        self.caps = Capabilities::default();
        self.capa()
    }
}
