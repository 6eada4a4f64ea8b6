//! The IMAP side: IMAP4rev1 (RFC 3501) with the IMAP4rev2 (RFC 9051) pieces a client needs,
//! STARTTLS, AUTHENTICATE with SASL-IR, LITERAL+, IDLE, MOVE, UIDPLUS, ENABLE, ID, UNSELECT,
//! SPECIAL-USE, NAMESPACE and UTF8=ACCEPT, over the same Maildir the SMTP side delivers to.
//!
//! Module map: `command` reads and tokenizes commands (a hand parser of the subset we speak,
//! bounded), `auth` the SASL exchanges, `store` the Maildir++ folders and UID lists,
//! `fetch` FETCH items (envelope, body structure, sections), `search` SEARCH criteria,
//! `date` IMAP dates, `utf7` modified UTF-7 mailbox names, `session` the state machine.

mod auth;
pub(crate) mod command;
mod date;
mod fetch;
mod search;
mod session;
mod store;
mod utf7;

pub(crate) use session::serve;
