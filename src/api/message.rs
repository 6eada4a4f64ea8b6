//! The Message and Section objects (MIME compose and parse) live in `crate::message`; the
//! clients send and return them (see `message_transfer`).

pub use crate::message::{Mailbox, Message, Section};
