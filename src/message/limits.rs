//! Limits against hostile messages. A parsed message deeper or with more parts than these is
//! still loaded (its raw bytes stay available); the parts beyond the limits are not turned into
//! sections and `Message::limits_exceeded` reports it. Composing refuses to go over them.

/// How deep multiparts may nest (the message body is depth 0).
pub const CSMAIL_MESSAGE_MAX_DEPTH: usize = 32;
/// How many sections (every multipart and leaf part) a message may have.
pub const CSMAIL_MESSAGE_MAX_PARTS: usize = 1000;
/// How many header fields a message or section may have when composing.
pub const CSMAIL_MESSAGE_MAX_HEADERS: usize = 1000;
