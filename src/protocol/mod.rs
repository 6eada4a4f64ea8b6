//! SMTP and POP3 on one shared line engine (`line`) and one set of shared session steps
//! (`session`): a protocol module holds only what is its own.

#![forbid(unsafe_code)]

pub mod dotstuff;
pub mod imap;
pub mod line;
pub mod mechanism;
pub mod pop3;
pub mod sasl;
pub mod session;
pub mod smtp;
pub mod source;
