//! SMTP and POP3 on one shared line engine.

pub mod dotstuff;
pub mod line;
pub mod pop3;
pub mod sasl;
pub mod smtp;
pub mod source;
