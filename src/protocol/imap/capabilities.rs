//! What the server's CAPABILITY list offers (RFC 9051 7.2.2), and STARTTLS (RFC 9051 6.2.1) on
//! the shared upgrade policy.

use super::command::Command;
use super::ImapSession;
use crate::error::Result;
use crate::protocol::session::{TlsUpgrade, UpgradeOffer};
use imap_proto::{Capability, Response};

#[derive(Clone, Debug, Default)]
pub struct Capabilities {
    /// Every capability as the server listed it.
    pub lines: Vec<String>,
    pub known: bool,
    pub starttls: bool,
    pub login_disabled: bool,
    pub sasl_ir: bool,
    pub literal_plus: bool,
    pub literal_minus: bool,
    pub idle: bool,
    pub r#move: bool,
    pub uidplus: bool,
    pub enable: bool,
    pub id: bool,
    pub unselect: bool,
    pub utf8_accept: bool,
    pub special_use: bool,
    /// The SASL mechanisms of AUTH= entries, upper case.
    pub auth: Vec<String>,
}

impl Capabilities {
    pub fn parse<'a>(words: impl IntoIterator<Item = &'a str>) -> Capabilities {
        let mut c = Capabilities { known: true, ..Capabilities::default() };
        for w in words {
            let u = w.to_ascii_uppercase();
            match u.as_str() {
                "STARTTLS" => c.starttls = true,
                "LOGINDISABLED" => c.login_disabled = true,
                "SASL-IR" => c.sasl_ir = true,
                "LITERAL+" => c.literal_plus = true,
                "LITERAL-" => c.literal_minus = true,
                "IDLE" => c.idle = true,
                "MOVE" => c.r#move = true,
                "UIDPLUS" => c.uidplus = true,
                "ENABLE" => c.enable = true,
                "ID" => c.id = true,
                "UNSELECT" => c.unselect = true,
                "UTF8=ACCEPT" | "UTF8=ONLY" => c.utf8_accept = true,
                "SPECIAL-USE" => c.special_use = true,
                // IMAP4rev2 includes UNSELECT, MOVE, UIDPLUS, ENABLE, LITERAL-, SPECIAL-USE.
                "IMAP4REV2" => {
                    c.unselect = true;
                    c.r#move = true;
                    c.uidplus = true;
                    c.enable = true;
                    c.literal_minus = true;
                    c.special_use = true;
                }
                _ => {
                    if let Some(m) = u.strip_prefix("AUTH=") {
                        c.auth.push(m.to_owned());
                    }
                }
            }
            c.lines.push(w.to_owned());
        }
        c
    }

    pub(crate) fn from_proto(list: &[Capability<'_>]) -> Capabilities {
        let words: Vec<String> = list
            .iter()
            .map(|c| match c {
                Capability::Imap4rev1 => "IMAP4rev1".to_owned(),
                Capability::Auth(m) => format!("AUTH={m}"),
                Capability::Atom(a) => a.to_string(),
            })
            .collect();
        Capabilities::parse(words.iter().map(String::as_str))
    }

    pub fn offers_auth(&self, mechanism: &str) -> bool {
        self.auth.iter().any(|m| m == mechanism)
    }
}

impl ImapSession {
    /// CAPABILITY: asks the server what it offers.
    pub(crate) fn capability(&mut self) -> Result<()> {
        let mut found = None;
        self.run(&Command::new("CAPABILITY"), &mut |r| {
            if let Response::Capabilities(c) = r {
                found = Some(Capabilities::from_proto(c));
            }
            Ok(())
        })?;
        if let Some(c) = found {
            self.caps = c;
        }
        Ok(())
    }
}

impl TlsUpgrade for ImapSession {
    const COMMAND: &'static str = "STARTTLS";

    fn upgrade_offer(&self) -> UpgradeOffer {
        if self.caps.starttls {
            UpgradeOffer::Offered
        } else {
            UpgradeOffer::NotOffered
        }
    }

    fn request_upgrade(&mut self) -> Result<Option<String>> {
        let done = self.exchange(&Command::new("STARTTLS"), &mut |_| Ok(()), None)?;
        self.link.last = done.line.clone();
        Ok((done.status != super::response::Status::Ok).then_some(done.line))
    }

    /// RFC 9051 6.2.1: the client must discard what it learned before TLS.
    fn relearn_capabilities(&mut self) -> Result<()> {
        self.caps = Capabilities::default();
        self.capability()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_words() {
        let c = Capabilities::parse(
            "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN auth=xoauth2 LOGINDISABLED"
                .split(' '),
        );
        assert!(c.sasl_ir && c.id && c.enable && c.idle && c.literal_plus && c.login_disabled);
        assert!(!c.starttls && !c.r#move);
        assert_eq!(c.auth, ["PLAIN", "XOAUTH2"]);
        assert_eq!(c.lines.len(), 10);
        let c = Capabilities::parse(["IMAP4rev2"]);
        assert!(c.r#move && c.unselect && c.uidplus && c.literal_minus && !c.literal_plus);
    }
}
