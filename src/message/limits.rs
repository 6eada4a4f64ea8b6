//! Limits against hostile messages. A parsed message deeper or with more parts than these is
//! still loaded (its raw bytes stay available); the parts beyond the limits are not turned into
//! sections and `Message::limits_exceeded` reports it. Composing refuses to go over them.
//!
//! The limits are declared in src/tables/message_values.rs (so the header, README and bindings
//! show them); these are the same values as counts.

pub use super::{CSMAIL_MESSAGE_MAX_DEPTH, CSMAIL_MESSAGE_MAX_HEADERS, CSMAIL_MESSAGE_MAX_PARTS};

/// CSMAIL_MESSAGE_MAX_DEPTH as a count.
pub(crate) const MAX_DEPTH: usize = CSMAIL_MESSAGE_MAX_DEPTH as usize;
/// CSMAIL_MESSAGE_MAX_PARTS as a count.
pub(crate) const MAX_PARTS: usize = CSMAIL_MESSAGE_MAX_PARTS as usize;
/// CSMAIL_MESSAGE_MAX_HEADERS as a count.
pub(crate) const MAX_HEADERS: usize = CSMAIL_MESSAGE_MAX_HEADERS as usize;
