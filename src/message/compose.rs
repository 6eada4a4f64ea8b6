//! Writing a message: headers through mail-builder (RFC 2047 words, RFC 2231 parameters,
//! folding), the MIME structure here, so that a part whose content is a file is base64-encoded
//! chunk by chunk while it is sent or saved and never held in memory.

use super::headers::Value;
use super::limits::{MAX_DEPTH, MAX_PARTS};
use super::section::{limit_error, Body, Section};
use crate::error::Result;
use crate::protocol::dotstuff::{Measure, Shape};
use crate::protocol::source::MessageSource;
use base64::Engine;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::headers::text::Text;
use mail_builder::headers::Header;
use mail_builder::mime::{make_boundary, BodyPart, MimePart};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;

/// A piece of the written message: bytes ready to go, or a file still to be base64-encoded.
pub(crate) enum Segment {
    Bytes(Vec<u8>),
    FileBase64 { path: PathBuf, len: u64 },
}

/// Base64 lines of 76 characters carry 57 bytes each (RFC 2045).
const LINE_IN: usize = 57;
const LINE_OUT: usize = 76;

/// The encoded size of `len` bytes: lines joined by CRLF, no CRLF after the last (the
/// delimiter that follows brings its own).
pub(crate) fn base64_len(len: u64) -> u64 {
    if len == 0 {
        return 0;
    }
    let lines = len.div_ceil(LINE_IN as u64);
    len.div_ceil(3) * 4 + 2 * (lines - 1)
}

struct Composer {
    segments: Vec<Segment>,
    buf: Vec<u8>,
}

impl Composer {
    fn flush(&mut self) {
        if !self.buf.is_empty() {
            self.segments.push(Segment::Bytes(std::mem::take(&mut self.buf)));
        }
    }
}

fn write_header(out: &mut Vec<u8>, name: &str, value: &impl Header) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    value.write_header(out, name.len() + 2);
}

fn address_value(list: &[super::address::Mailbox]) -> Address<'_> {
    Address::new_list(list.iter().map(|m| Address::new_address(m.name.as_deref(), m.address.as_str())).collect())
}

/// Lays out a message: its headers (without Bcc when `with_bcc` is false), MIME-Version, then the
/// body section. Fails only on the limits.
pub(crate) fn compose(headers: &[(String, Value)], root: &Arc<Section>, with_bcc: bool) -> Result<Vec<Segment>> {
    if root.count() > MAX_PARTS || root.depth() > MAX_DEPTH {
        return Err(limit_error());
    }
    let mut c = Composer { segments: Vec::new(), buf: Vec::with_capacity(4096) };
    for (name, value) in headers {
        // A field read from a broken message may have a name that cannot be written again.
        if (!with_bcc && name.eq_ignore_ascii_case("Bcc")) || super::headers::check_name(name).is_err() {
            continue;
        }
        match value {
            Value::Addresses(l) if l.is_empty() => continue,
            Value::Addresses(l) => write_header(&mut c.buf, name, &address_value(l)),
            Value::Ids(ids) => {
                write_header(&mut c.buf, name, &MessageId::from(ids.iter().map(String::as_str).collect::<Vec<_>>()))
            }
            // A date and other structured ASCII values are written as they are (folded only);
            // text that needs it becomes RFC 2047 encoded words.
            Value::Text(t) if t.is_ascii() => write_header(&mut c.buf, name, &Raw::new(one_line(t))),
            Value::Text(t) => write_header(&mut c.buf, name, &Text::new(one_line(t))),
        }
    }
    c.buf.extend_from_slice(b"MIME-Version: 1.0\r\n");
    write_section(&mut c, root);
    c.flush();
    Ok(c.segments)
}

/// A value as one line: what the API stores never has CR, LF or NUL, but a value read from a
/// message might; it is written with spaces in their place, never as a line break.
fn one_line(v: &str) -> String {
    v.replace(['\r', '\n', '\0'], " ")
}

/// The Content-Type of a part, with its parameters.
fn content_type_of(p: &super::section::Part, text_utf8: bool) -> ContentType<'static> {
    let mut ct = ContentType::new(p.content_type.clone());
    if text_utf8 {
        ct = ct.attribute("charset", "utf-8");
    } else if let Some(cs) = &p.charset {
        ct = ct.attribute("charset", cs.clone());
    }
    for (k, v) in &p.params {
        ct = ct.attribute(k.clone(), v.clone());
    }
    if let Some(f) = &p.filename {
        // `name` too: older readers look for it.
        ct = ct.attribute("name", f.clone());
    }
    ct
}

fn write_section(c: &mut Composer, section: &Arc<Section>) {
    let p = section.part.lock().clone();
    if p.content_type.starts_with("multipart/") {
        let boundary = match p.boundary.clone() {
            Some(b) => b,
            None => {
                let b = make_boundary("_");
                // Kept without a new version: the part did not change, it only got its name.
                section.part.lock().boundary = Some(b.clone());
                b
            }
        };
        let mut ct = ContentType::new(p.content_type.clone());
        for (k, v) in &p.params {
            ct = ct.attribute(k.clone(), v.clone());
        }
        ct = ct.attribute("boundary", boundary.clone());
        write_header(&mut c.buf, "Content-Type", &ct);
        for (k, v) in p.headers.iter().filter(|(k, _)| super::headers::check_name(k).is_ok()) {
            write_header(&mut c.buf, k, &Text::new(one_line(v)));
        }
        for child in &p.children {
            c.buf.extend_from_slice(b"\r\n--");
            c.buf.extend_from_slice(boundary.as_bytes());
            c.buf.extend_from_slice(b"\r\n");
            write_section(c, child);
        }
        c.buf.extend_from_slice(b"\r\n--");
        c.buf.extend_from_slice(boundary.as_bytes());
        c.buf.extend_from_slice(b"--\r\n");
        return;
    }

    // A text body that is UTF-8 (or declared so) is handed to mail-builder as text: it picks
    // 7bit, quoted-printable or base64. Everything else is binary: base64, bytes unchanged.
    let utf8_declared =
        p.charset.as_deref().is_none_or(|c| c.eq_ignore_ascii_case("utf-8") || c.eq_ignore_ascii_case("us-ascii"));
    let text = match &p.body {
        Body::Memory(b) if p.content_type.starts_with("text/") && utf8_declared => {
            std::str::from_utf8(b).ok().map(str::to_owned)
        }
        _ => None,
    };
    if text.is_some() && p.charset.is_none() {
        // The part is written as UTF-8 text; the model says so too (no new version: the bytes
        // do not change).
        section.part.lock().charset = Some("utf-8".into());
    }
    let mut part = MimePart::new(content_type_of(&p, text.is_some()), BodyPart::Binary(Vec::new().into()));
    let disposition = p.disposition.clone().or_else(|| p.filename.as_ref().map(|_| "attachment".to_owned()));
    if let Some(d) = disposition {
        let mut cd = ContentType::new(d);
        if let Some(f) = &p.filename {
            cd = cd.attribute("filename", f.clone());
        }
        part = part.header("Content-Disposition", cd);
    }
    if let Some(id) = &p.content_id {
        part = part.header("Content-ID", MessageId::new(id.clone()));
    }
    for (k, v) in p.headers.iter().filter(|(k, _)| super::headers::check_name(k).is_ok()) {
        part = part.header(k.clone(), Text::new(one_line(v)));
    }
    match (&p.body, text) {
        (_, Some(t)) => {
            part.contents = BodyPart::Text(t.into());
            part.write_part(&mut c.buf);
        }
        (Body::Memory(b), None) => {
            part.contents = BodyPart::Binary(b.as_ref().clone().into());
            part.write_part(&mut c.buf);
        }
        (Body::File { path, len }, None) => {
            // Headers only (an explicit encoding makes mail-builder write the part raw), then
            // the file, encoded while it is read.
            part = part.transfer_encoding("base64");
            part.write_part(&mut c.buf);
            c.flush();
            c.segments.push(Segment::FileBase64 { path: path.clone(), len: *len });
        }
    }
}

/// The bytes of a composed message, streamed: memory segments as they are, file segments read
/// and encoded 57 KiB at a time. The total size is known in advance (SIZE=, progress).
pub struct ComposedSource {
    segments: VecDeque<Segment>,
    current: Vec<u8>,
    pos: usize,
    file: Option<(File, u64, PathBuf)>,
    total: u64,
    /// Whether reading has begun: from then on the source can no longer measure itself.
    started: bool,
}

impl ComposedSource {
    pub(crate) fn new(segments: Vec<Segment>) -> ComposedSource {
        let total = segments
            .iter()
            .map(|s| match s {
                Segment::Bytes(b) => b.len() as u64,
                Segment::FileBase64 { len, .. } => base64_len(*len),
            })
            .sum();
        ComposedSource { segments: segments.into(), current: Vec::new(), pos: 0, file: None, total, started: false }
    }

    /// Refills `current`; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        self.current.clear();
        self.pos = 0;
        if let Some((file, remaining, path)) = self.file.as_mut() {
            if *remaining > 0 {
                let want = (*remaining).min((LINE_IN * 1024) as u64) as usize;
                let mut chunk = vec![0u8; want];
                file.read_exact(&mut chunk).map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("{}: the file became shorter while it was sent ({e})", path.display()),
                    )
                })?;
                *remaining -= want as u64;
                let more = *remaining > 0;
                for line in chunk.chunks(LINE_IN) {
                    let start = self.current.len();
                    self.current.resize(start + LINE_OUT + 2, 0);
                    let n = base64::engine::general_purpose::STANDARD
                        .encode_slice(line, &mut self.current[start..])
                        .map_err(io::Error::other)?;
                    self.current.truncate(start + n);
                    self.current.extend_from_slice(b"\r\n");
                }
                // Lines are joined by CRLF: the very last line has none.
                if !more {
                    self.current.truncate(self.current.len() - 2);
                }
                return Ok(true);
            }
            self.file = None;
        }
        match self.segments.pop_front() {
            None => Ok(false),
            Some(Segment::Bytes(b)) => {
                self.current = b;
                Ok(true)
            }
            Some(Segment::FileBase64 { path, len }) => {
                let file =
                    File::open(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
                self.file = Some((file, len, path));
                Ok(true)
            }
        }
    }
}

impl MessageSource for ComposedSource {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.started = true;
        while self.pos >= self.current.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.current.len() - self.pos);
        buf[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
    fn size(&self) -> Option<u64> {
        Some(self.total)
    }
    /// The RFC 1870 size and the 8-bit flag, so MAIL carries an exact SIZE= and BODY=8BITMIME
    /// only when a part really has 8-bit bytes. Measured without reading the attached files:
    /// their base64 text is ASCII lines of a known layout, which `measure_base64_text` stands in
    /// for. Only a source that has not begun sending can be measured.
    fn shape(&mut self) -> io::Result<Option<Shape>> {
        if self.started {
            return Ok(None);
        }
        let mut m = Measure::new();
        for segment in &self.segments {
            match segment {
                Segment::Bytes(b) => m.push(b),
                Segment::FileBase64 { len, .. } => measure_base64_text(&mut m, base64_len(*len)),
            }
        }
        Ok(Some(m.finish()))
    }
}

/// Feeds a Measure with `len` bytes shaped as the encoder's base64 text: lines of LINE_OUT
/// ASCII characters joined by CRLF, the last line without one. The characters themselves do
/// not matter to the measure, only where the line ends fall.
fn measure_base64_text(m: &mut Measure, len: u64) {
    const LINES: usize = 840;
    let mut template = Vec::with_capacity(LINES * (LINE_OUT + 2));
    for _ in 0..LINES {
        template.extend_from_slice(&[b'A'; LINE_OUT]);
        template.extend_from_slice(b"\r\n");
    }
    let mut left = len;
    while left > 0 {
        let n = left.min(template.len() as u64) as usize;
        m.push(&template[..n]);
        left -= n as u64;
    }
}

/// Removes the Bcc field (with its folded lines) from a message's header block, for sending
/// a message that was loaded as bytes.
pub(crate) fn strip_bcc(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut skipping = false;
    let mut rest = raw;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1);
        let line = &rest[..end];
        rest = &rest[end..];
        if line == b"\r\n" || line == b"\n" {
            out.extend_from_slice(line);
            out.extend_from_slice(rest);
            break;
        }
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !continuation {
            skipping = line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"bcc:");
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_length_matches_the_encoder() {
        for len in [0u64, 1, 2, 3, 56, 57, 58, 114, 1000, 57 * 1024, 57 * 1024 + 1] {
            let data = vec![7u8; len as usize];
            let lines: Vec<String> =
                data.chunks(LINE_IN).map(|l| base64::engine::general_purpose::STANDARD.encode(l)).collect();
            assert_eq!(base64_len(len), lines.join("\r\n").len() as u64, "{len}");
        }
    }

    /// The shape measured without reading the files equals the measure of the bytes sent,
    /// for attachments that end on a full base64 line, mid-line, and are empty.
    #[test]
    fn shape_equals_the_measure_of_what_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0usize, 1, 56, 57, 58, 114, 57 * 840, 57 * 840 + 1, 200_000] {
            let path = dir.path().join(format!("a{len}.bin"));
            std::fs::write(&path, (0..len).map(|i| (i % 251) as u8).collect::<Vec<u8>>()).unwrap();
            let segments = || {
                vec![
                    Segment::Bytes(b"Subject: s\r\n\r\n--b\r\n\r\n".to_vec()),
                    Segment::FileBase64 { path: path.clone(), len: len as u64 },
                    Segment::Bytes(b"\r\n--b--".to_vec()),
                ]
            };
            let mut sent = Vec::new();
            let mut src = ComposedSource::new(segments());
            let mut buf = [0u8; 4096];
            loop {
                let n = src.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                sent.extend_from_slice(&buf[..n]);
            }
            let mut m = Measure::new();
            m.push(&sent);
            let shape = ComposedSource::new(segments()).shape().unwrap().unwrap();
            assert_eq!(shape, m.finish(), "attachment of {len} bytes");
            assert!(!shape.eight_bit);
            // Once sending has begun, the source no longer claims a shape.
            assert_eq!(src.shape().unwrap(), None);
        }
        let mut eight = ComposedSource::new(vec![Segment::Bytes("Subject: \u{e9}\r\n\r\nx".as_bytes().to_vec())]);
        assert_eq!(eight.shape().unwrap(), Some(Shape { size: 9 + 2 + 2 + 2 + 1 + 2, eight_bit: true, nul: false }));
    }

    #[test]
    fn bcc_is_stripped_with_its_folded_lines() {
        let raw = b"From: a@b.example\r\nBcc: x@y.example,\r\n z@y.example\r\nSubject: s\r\n\r\nBcc: body stays\r\n";
        assert_eq!(strip_bcc(raw), b"From: a@b.example\r\nSubject: s\r\n\r\nBcc: body stays\r\n".to_vec());
    }
}
