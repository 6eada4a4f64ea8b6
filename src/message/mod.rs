//! The Message object: compose and parse MIME messages on mail-builder and mail-parser.
//!
//! A Message is a list of headers and a tree of sections (its body). A message read from bytes
//! (retrieved by POP3Client, loaded from a file or memory) keeps those bytes and is parsed only
//! when a header or a section is first asked for; until it is changed its bytes are exactly
//! those read. Parsing holds the whole message in memory (mail-parser works on one buffer);
//! composing and sending stream: a part whose content is a file is encoded while it is sent.
//!
//! The layout csmail builds from TextBody, HTMLBody, inline parts and attachments is the one
//! every mail program expects: multipart/mixed [ multipart/alternative [ text/plain,
//! multipart/related [ text/html, inline parts ] ], attachments ], each level left out when it
//! would hold a single part. Changing the bodies or the attachments of a message read from
//! bytes rebuilds that layout from its parts.

#![forbid(unsafe_code)]

pub mod address;
mod body;
pub mod compose;
mod content;
pub mod files;
pub mod headers;
pub mod limits;
mod parse;
pub mod section;

pub use address::Mailbox;
pub use compose::ComposedSource;
pub use section::Section;

use crate::error::{self, Error, Result};
use crate::protocol::source::MessageSource;
pub use body::content_type_for;
use headers::{check_name, value_from_text, value_to_text, Value};
use parking_lot::Mutex;
use section::{next_version, Part};
use std::path::Path;
use std::sync::Arc;

// CSMAIL_SECTION_* (the Section properties, table SECTION_PROPERTIES) and CSMAIL_MESSAGE_MAX_*
// (table MESSAGE_LIMITS): src/tables/message_values.rs, the one place they are declared.
use crate::tables::{constants, properties};
pub use crate::tables::{Access, Object, PropKind, PropertyDef};
include!("../tables/message_values.rs");

#[derive(Clone, Debug)]
struct Doc {
    headers: Vec<(String, Value)>,
    root: Arc<Section>,
    /// Changed at every header or structure change of the message itself.
    version: u64,
}

impl Doc {
    fn empty() -> Doc {
        Doc { headers: Vec::new(), root: Section::from_part(Part::new("text/plain")), version: next_version() }
    }
    fn version(&self) -> u64 {
        self.version.max(self.root.version())
    }
}

#[derive(Default)]
struct State {
    /// The message's bytes, when known: as read, or as last composed.
    raw: Option<Arc<Vec<u8>>>,
    /// The version of the model the bytes were made from (0: the bytes came first).
    raw_version: u64,
    /// The parsed or composed model; None until first needed for bytes read.
    doc: Option<Doc>,
    limits_exceeded: bool,
    /// Bytes handed out by `data_pinned` stay alive until the message goes.
    retired: Vec<Arc<Vec<u8>>>,
}

impl State {
    fn doc(&mut self) -> &mut Doc {
        if self.doc.is_none() {
            let raw = self.raw.clone().unwrap_or_default();
            let parsed = parse::parse(&raw);
            self.limits_exceeded = parsed.limits_exceeded;
            self.doc = Some(Doc { headers: parsed.headers, root: parsed.root, version: 0 });
        }
        self.doc.as_mut().expect("just parsed")
    }
    /// The stored bytes while they still match the model.
    fn fresh_raw(&self) -> Option<Arc<Vec<u8>>> {
        let raw = self.raw.clone()?;
        match &self.doc {
            None => Some(raw),
            Some(d) if d.version() <= self.raw_version => Some(raw),
            Some(_) => None,
        }
    }
}

/// A mail message: headers and MIME sections. Shared between threads; every method locks it
/// briefly.
#[derive(Default)]
pub struct Message {
    state: Mutex<State>,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message").finish_non_exhaustive()
    }
}

fn io_error(e: &std::io::Error, what: &str) -> Error {
    Error::new(error::CSMAIL_E_IO, error::eexMessageSource, format!("{what}: {e}")).with_os(e)
}

impl Message {
    /// A new, empty message.
    pub fn new() -> Message {
        let m = Message::default();
        m.state.lock().doc = Some(Doc::empty());
        m
    }

    /// A message read from bytes (RFC 5322); parsed when first needed.
    pub fn from_bytes(data: Vec<u8>) -> Message {
        let m = Message::default();
        m.state.lock().raw = Some(Arc::new(data));
        m
    }

    /// Replaces the whole message with one read from bytes.
    pub fn load_bytes(&self, data: Vec<u8>) {
        let mut s = self.state.lock();
        let old = std::mem::take(&mut *s);
        s.retired = old.retired;
        s.retired.extend(old.raw);
        s.raw = Some(Arc::new(data));
    }

    /// LoadFromFile: replaces the message with the one in a file (RFC 5322, as SaveToFile writes).
    pub fn load_from_file(&self, path: &str) -> Result<()> {
        let data = std::fs::read(path).map_err(|e| files::source_error(Path::new(path), &e))?;
        self.load_bytes(data);
        Ok(())
    }

    /// SaveToFile: writes the message (with Bcc) to a file, attachments streamed from theirs.
    pub fn save_to_file(&self, path: &str) -> Result<()> {
        let mut src = self.source(true)?;
        files::write_source(Path::new(path), src.as_mut())
    }

    /// The message's bytes: as read while unchanged, else composed now (with Bcc; file
    /// contents are read into memory for this).
    pub fn data(&self) -> Result<Arc<Vec<u8>>> {
        let mut s = self.state.lock();
        if let Some(raw) = s.fresh_raw() {
            return Ok(raw);
        }
        ensure_generated(s.doc());
        let doc = s.doc().clone();
        let segments = compose::compose(&doc.headers, &doc.root, true)?;
        let mut src = ComposedSource::new(segments);
        let mut out = Vec::with_capacity(src.size().unwrap_or(0) as usize);
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = src.read(&mut buf).map_err(|e| io_error(&e, "an attachment could not be read"))?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let raw = Arc::new(out);
        if let Some(old) = s.raw.replace(raw.clone()) {
            s.retired.push(old);
        }
        s.raw_version = doc.version();
        Ok(raw)
    }

    /// The bytes to send or save, streamed: the bytes read while unchanged (Bcc removed when
    /// `with_bcc` is false), else composed while read.
    pub fn source(&self, with_bcc: bool) -> Result<Box<dyn MessageSource + Send>> {
        let mut s = self.state.lock();
        if let Some(raw) = s.fresh_raw() {
            let bytes = if with_bcc { raw.as_ref().clone() } else { compose::strip_bcc(&raw) };
            return Ok(Box::new(ComposedSource::new(vec![compose::Segment::Bytes(bytes)])));
        }
        ensure_generated(s.doc());
        let doc = s.doc().clone();
        let segments = compose::compose(&doc.headers, &doc.root, with_bcc)?;
        Ok(Box::new(ComposedSource::new(segments)))
    }

    /// Whether the bytes that would be sent hold 8-bit data: only a message read from bytes and
    /// unchanged can (composed messages are always 7-bit).
    pub fn is_8bit(&self) -> bool {
        self.state.lock().fresh_raw().is_some_and(|raw| !raw.is_ascii())
    }

    /// The bytes to send to a server without 8BITMIME: a message read with 8-bit content is
    /// written again, its parts in 7-bit-safe encodings (base64 or quoted-printable, charsets
    /// kept); anything else as `source`.
    pub fn source_7bit(&self, with_bcc: bool) -> Result<Box<dyn MessageSource + Send>> {
        if !self.is_8bit() {
            return self.source(with_bcc);
        }
        let mut s = self.state.lock();
        ensure_generated(s.doc());
        let doc = s.doc().clone();
        let segments = compose::compose(&doc.headers, &doc.root, with_bcc)?;
        Ok(Box::new(ComposedSource::new(segments)))
    }

    /// Whether parsing met more nesting or parts than the limits allow (those parts are left
    /// out of the sections; the bytes keep them).
    pub fn limits_exceeded(&self) -> bool {
        let mut s = self.state.lock();
        s.doc();
        s.limits_exceeded
    }

    // ---- headers ----

    /// A header's value, decoded (addresses as `Name <a@b>, ...`); None when absent. With
    /// several fields of the name, the first.
    pub fn header(&self, name: &str) -> Option<String> {
        let mut s = self.state.lock();
        s.doc().headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| value_to_text(v))
    }

    /// Every header (name, decoded value) in order; the MIME headers are the body section's.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut s = self.state.lock();
        s.doc().headers.iter().map(|(k, v)| (k.clone(), value_to_text(v))).collect()
    }

    fn edit_headers<T>(&self, f: impl FnOnce(&mut Vec<(String, Value)>) -> T) -> T {
        let mut s = self.state.lock();
        let d = s.doc();
        d.version = next_version();
        f(&mut d.headers)
    }

    fn checked(name: &str, value: &str) -> Result<(String, Value)> {
        check_name(name)?;
        if headers::is_mime_header(name) {
            return Err(Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexInvalidHeader,
                format!("{name} describes the MIME structure: set it through the sections (ContentType, FileName ...)"),
            ));
        }
        let name = headers::canonical_name(name);
        let value = value_from_text(&name, value)?;
        Ok((name, value))
    }

    /// Sets a header, replacing every field of the name. Address headers (From, To, Cc, ...)
    /// are parsed and each address validated; CR, LF and NUL are refused everywhere.
    pub fn set_header(&self, name: &str, value: &str) -> Result<()> {
        let (name, value) = Self::checked(name, value)?;
        self.edit_headers(|h| match h.iter().position(|(k, _)| k.eq_ignore_ascii_case(&name)) {
            Some(i) => {
                h[i].1 = value;
                let mut j = i + 1;
                while j < h.len() {
                    if h[j].0.eq_ignore_ascii_case(&name) {
                        h.remove(j);
                    } else {
                        j += 1;
                    }
                }
            }
            None => h.push((name, value)),
        });
        Ok(())
    }

    /// Adds a header field (another one when the name is already there).
    pub fn add_header(&self, name: &str, value: &str) -> Result<()> {
        let (name, value) = Self::checked(name, value)?;
        self.edit_headers(|h| {
            if h.len() >= limits::MAX_HEADERS {
                return Err(section::limit_error());
            }
            h.push((name, value));
            Ok(())
        })
    }

    /// Removes every field of the name; returns whether there was one.
    pub fn remove_header(&self, name: &str) -> bool {
        self.edit_headers(|h| {
            let before = h.len();
            h.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            before != h.len()
        })
    }

    /// The mailboxes of an address header (From, Sender, Reply-To, To, Cc, Bcc).
    pub fn addresses(&self, name: &str) -> Vec<Mailbox> {
        let mut s = self.state.lock();
        s.doc()
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| match v {
                Value::Addresses(l) => l.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// Adds one mailbox to an address header: the display name and the address are given
    /// apart, so a name can never act as an address.
    pub fn add_address(&self, name: &str, display_name: Option<&str>, address: &str) -> Result<()> {
        if !headers::is_address_header(name) {
            return Err(Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexInvalidHeader,
                format!("{name} is not an address header (From, Sender, Reply-To, To, Cc, Bcc)"),
            ));
        }
        let mb = Mailbox::new(display_name, address)?;
        let name = headers::canonical_name(name);
        self.edit_headers(|h| match h.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&name)) {
            Some((_, Value::Addresses(l))) => l.push(mb),
            Some((_, v)) => *v = Value::Addresses(vec![mb]),
            None => h.push((name, Value::Addresses(vec![mb]))),
        });
        Ok(())
    }

    pub fn subject(&self) -> Option<String> {
        self.header("Subject")
    }
    pub fn set_subject(&self, s: &str) -> Result<()> {
        self.set_header("Subject", s)
    }
    pub fn message_id(&self) -> Option<String> {
        let mut s = self.state.lock();
        s.doc().headers.iter().find(|(k, _)| k == "Message-ID").and_then(|(_, v)| match v {
            Value::Ids(ids) => ids.first().cloned(),
            _ => None,
        })
    }

    /// The priority from X-Priority: 1 (highest) to 5 (lowest); 3 when absent.
    pub fn priority(&self) -> i32 {
        self.header("X-Priority")
            .and_then(|v| v.trim().chars().next())
            .and_then(|c| c.to_digit(10))
            .filter(|d| (1..=5).contains(d))
            .map_or(3, |d| d as i32)
    }
    /// Sets X-Priority (1 highest .. 5 lowest); 3 removes it (normal).
    pub fn set_priority(&self, p: i32) -> Result<()> {
        let text = match p {
            1 => "1 (Highest)",
            2 => "2 (High)",
            3 => {
                self.remove_header("X-Priority");
                return Ok(());
            }
            4 => "4 (Low)",
            5 => "5 (Lowest)",
            _ => return Err(Error::invalid_arg(format!("priority {p}: use 1 (highest) to 5 (lowest)"))),
        };
        self.set_header("X-Priority", text)
    }

    /// The envelope for sending: the sender (Sender, else the first From) and every recipient
    /// of To, Cc and Bcc (each once), all validated.
    pub fn envelope(&self) -> Result<(String, Vec<String>)> {
        Ok((self.envelope_sender()?, self.envelope_recipients()?))
    }

    /// The envelope sender: Sender, else the first From, validated.
    pub fn envelope_sender(&self) -> Result<String> {
        let from = self.addresses("Sender").into_iter().chain(self.addresses("From")).next().ok_or_else(|| {
            Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexNoEnvelope,
                "the message has no From (or Sender) to send from",
            )
        })?;
        address::validate_address(&from.address)?;
        Ok(from.address)
    }

    /// The first address written into the header (every address header but Bcc, which is not
    /// sent) that is not ASCII, with its header's name: such a header needs SMTPUTF8 (RFC 6531).
    /// RFC 2047 encodes display names, never addresses, so nothing else can carry it.
    pub fn non_ascii_header_address(&self) -> Option<(String, String)> {
        let mut s = self.state.lock();
        s.doc().headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("Bcc")).find_map(|(k, v)| match v {
            Value::Addresses(l) => l.iter().find(|m| !m.address.is_ascii()).map(|m| (k.clone(), m.address.clone())),
            _ => None,
        })
    }

    /// The envelope recipients: every address of To, Cc and Bcc once, validated.
    pub fn envelope_recipients(&self) -> Result<Vec<String>> {
        let mut rcpts: Vec<String> = Vec::new();
        for h in ["To", "Cc", "Bcc"] {
            for m in self.addresses(h) {
                address::validate_address(&m.address)?;
                if !rcpts.iter().any(|r| r.eq_ignore_ascii_case(&m.address)) {
                    rcpts.push(m.address);
                }
            }
        }
        if rcpts.is_empty() {
            return Err(Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexNoEnvelope,
                "the message has no recipient in To, Cc or Bcc",
            ));
        }
        Ok(rcpts)
    }
}

/// Date and Message-ID are added when missing, once, so the bytes saved and sent agree.
fn ensure_generated(d: &mut Doc) {
    if !d.headers.iter().any(|(k, _)| k == "Date") {
        d.headers.push(("Date".into(), Value::Text(mail_builder::headers::date::Date::now().to_rfc822())));
        d.version = next_version();
    }
    if !d.headers.iter().any(|(k, _)| k == "Message-ID") {
        let host = d
            .headers
            .iter()
            .find_map(|(k, v)| match v {
                Value::Addresses(l) if k == "From" => {
                    l.first().and_then(|m| m.address.rsplit_once('@')).map(|(_, h)| h.to_owned())
                }
                _ => None,
            })
            .filter(|h| h.is_ascii())
            .unwrap_or_else(|| "csmail.invalid".into());
        let id = format!("{}@{host}", mail_builder::mime::make_boundary("."));
        d.headers.push(("Message-ID".into(), Value::Ids(vec![id])));
        d.version = next_version();
    }
}
