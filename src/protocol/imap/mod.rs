//! The IMAP client state machine (RFC 9051 IMAP4rev2, RFC 3501 IMAP4rev1) on the shared line
//! engine and session steps.
//!
//! One concern a file: `command` (tags aside, the command and how each argument is written:
//! atom, quoted string or literal), `response` (the framing that reads responses with literals
//! and streams message literals), `exchange` (one command to its completion, untagged responses
//! at any time, NO/BAD/BYE), `capabilities` (and STARTTLS), `login` (LOGIN and AUTHENTICATE),
//! `mailbox` (SELECT, LIST, STATUS, CREATE ...), `utf7` (modified UTF-7 names), `search`
//! (the criteria builder), `fetch` (attributes and streamed bodies), `bodystructure` (the
//! parts tree of BODYSTRUCTURE), `messages` (STORE, COPY, MOVE, EXPUNGE), `append` (APPEND:
//! CRLF conversion, measuring or spooling) and `idle`.

mod append;
mod bodystructure;
mod capabilities;
mod command;
mod exchange;
mod fetch;
mod idle;
mod login;
mod mailbox;
mod messages;
mod response;
mod search;
mod utf7;

pub use bodystructure::BodyPart;
pub use capabilities::Capabilities;
pub use command::{Command, Part};
pub use fetch::{FetchItems, FetchedMessage};
pub use idle::IdleOutcome;
pub use mailbox::{ListEntry, MailboxInfo, StatusInfo};
pub use messages::FlagOp;
#[cfg(feature = "fuzzing")]
pub use response::read_all;
pub use search::Search;
pub use utf7::{decode_mailbox_name, encode_mailbox_name};

use super::line::{LineConnection, QUIT_AFTER_REFUSAL_WAIT};
use super::session::{upgrade_to_tls, Session, SessionLink, SessionParams, TlsPolicy};
use crate::error::{self, Error, Result};

/// A change the server reported on its own (EXISTS, EXPUNGE), kept for IDLE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Exists(u32),
    Expunge(u32),
}

pub struct ImapSession {
    link: SessionLink<String>,
    pub caps: Capabilities,
    tag_counter: u32,
    /// The selected mailbox, as SELECT/EXAMINE and the untagged responses since tell it.
    pub mailbox: MailboxInfo,
    pub selected: bool,
    /// UTF8=ACCEPT is enabled: names and strings go as UTF-8 (RFC 6855).
    pub utf8: bool,
    /// LOGOUT is running: its BYE is expected.
    logging_out: bool,
    /// [ALERT] texts of the command in flight.
    alerts: Vec<String>,
    events: Vec<Event>,
}

impl ImapSession {
    fn introduce(&mut self, p: &SessionParams) -> Result<()> {
        let deadline = self.link.conn.deadline();
        let bytes = self.read(deadline, None, "reading the greeting")?;
        let greeting = String::from_utf8_lossy(&bytes).trim_end().to_owned();
        self.link.last = greeting.strip_prefix("* ").unwrap_or(&greeting).to_owned();
        let word = self.link.last.split(' ').next().unwrap_or("").to_ascii_uppercase();
        let preauth = match word.as_str() {
            "OK" => false,
            "PREAUTH" => true,
            _ => {
                return Err(Error::new(
                    error::CSMAIL_E_CONNECT,
                    if word == "BYE" { error::eexImapBye } else { error::eexMalformedReply },
                    format!("the server refused the connection: {greeting}"),
                ))
            }
        };
        // A greeting with [CAPABILITY ...] saves a round trip.
        match response::response_code(&self.link.last) {
            Some((name, args)) if name == "CAPABILITY" => {
                self.caps = Capabilities::parse(args.split_ascii_whitespace())
            }
            _ => self.capability()?,
        }
        if let Some(policy) = TlsPolicy::upgrade(&p.tls) {
            if preauth {
                // RFC 9051 6.2.1: no STARTTLS after PREAUTH; the session is already open in
                // plaintext, which TLS-required refuses.
                return Err(Error::new(
                    error::CSMAIL_E_CONNECT,
                    error::eexStartTlsNotOffered,
                    "TLS is required and the server opened the session in plaintext (PREAUTH)",
                ));
            }
            upgrade_to_tls(self, policy)?;
        }
        if !preauth && !p.user.is_empty() {
            self.login(p)?;
        }
        Ok(())
    }

    /// LOGOUT: its BYE is expected, then the tagged OK.
    fn logout(&mut self) -> Result<()> {
        self.logging_out = true;
        self.run(&Command::new("LOGOUT"), &mut |_| Ok(())).map(|_| ())
    }

    /// NOOP: lets the server report changes.
    pub fn noop(&mut self) -> Result<()> {
        self.run(&Command::new("NOOP"), &mut |_| Ok(())).map(|_| ())
    }

    /// Changes the server reported since the last call.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// The tag the next command gets.
    fn peek_tag(&self) -> String {
        format!("A{:04}", self.tag_counter + 1)
    }
}

impl Session for ImapSession {
    type Reply = String;
    type QuitOutcome = ();

    /// Greeting, CAPABILITY, STARTTLS, CAPABILITY again, login. The last reply is the last
    /// status line without its tag.
    fn open(conn: LineConnection, p: &SessionParams) -> std::result::Result<ImapSession, (Error, String)> {
        let session = ImapSession {
            link: SessionLink::new(conn),
            caps: Capabilities::default(),
            tag_counter: 0,
            mailbox: MailboxInfo::default(),
            selected: false,
            utf8: false,
            logging_out: false,
            alerts: Vec::new(),
            events: Vec::new(),
        };
        session.open_with(|s| s.introduce(p))
    }
    fn link(&self) -> &SessionLink<String> {
        &self.link
    }
    fn link_mut(&mut self) -> &mut SessionLink<String> {
        &mut self.link
    }
    fn capability_lines(&self) -> &[String] {
        &self.caps.lines
    }
    fn send_quit(&mut self) -> Result<()> {
        self.logout()
    }
    fn quit_not_sent() {}
    /// LOGOUT after a refused login, with the short wait of QUIT after a refusal.
    fn quit_after_refusal(&mut self) {
        let tag = self.peek_tag();
        if self.link.conn.send(&format!("{tag} LOGOUT"), None, "sending LOGOUT").is_err() {
            return;
        }
        let deadline = std::time::Instant::now() + self.link.conn.timeout.min(QUIT_AFTER_REFUSAL_WAIT);
        while let Ok(line) = self.link.conn.read_line(1024, deadline, "waiting for the reply to LOGOUT") {
            if line.starts_with(tag.as_bytes()) {
                break;
            }
        }
    }
}
