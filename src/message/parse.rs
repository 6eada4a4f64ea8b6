//! Reading a message with mail-parser into csmail's model: the headers decoded (RFC 2047,
//! charsets), the MIME tree as sections with their decoded content. Malformed input is never
//! fatal; parts beyond the limits are left out and reported.

use super::address::{collect, Mailbox};
use super::headers::{self, Value};
use super::limits::{MAX_DEPTH, MAX_PARTS};
use super::section::{Body, Part, Section};
use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, HeaderValue, MessageParser, MessagePart, MimeHeaders, PartType};
use std::sync::Arc;

pub(crate) struct Parsed {
    pub headers: Vec<(String, Value)>,
    pub root: Arc<Section>,
    pub limits_exceeded: bool,
}

/// The header's value as it stands in the message, unfolded, for the kinds mail-parser does
/// not decode into text.
fn raw_value(raw: &[u8], start: u32, end: u32) -> String {
    let bytes = raw.get(start as usize..end as usize).unwrap_or_default();
    let text = String::from_utf8_lossy(bytes);
    text.split(['\r', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

fn header_value(name: &str, v: &HeaderValue<'_>, raw: &[u8], start: u32, end: u32) -> Value {
    if headers::is_address_header(name) {
        if let HeaderValue::Address(a) = v {
            let list = collect(a)
                .into_iter()
                .filter_map(|(name, address)| address.map(|address| Mailbox { name, address }))
                .collect();
            return Value::Addresses(list);
        }
    }
    if headers::is_id_header(name) {
        match v {
            HeaderValue::Text(t) => return Value::Ids(vec![t.to_string()]),
            HeaderValue::TextList(l) => return Value::Ids(l.iter().map(|t| t.to_string()).collect()),
            _ => {}
        }
    }
    match v {
        HeaderValue::Text(t) => Value::Text(t.to_string()),
        HeaderValue::TextList(l) => Value::Text(l.join(", ")),
        HeaderValue::DateTime(d) => Value::Text(d.to_rfc822()),
        _ => Value::Text(raw_value(raw, start, end)),
    }
}

/// Parses a whole message. Never fails: without any header the whole input becomes the text
/// of a text/plain body.
pub(crate) fn parse(raw: &[u8]) -> Parsed {
    let parsed = Some(raw).filter(|r| starts_with_header(r)).and_then(|r| MessageParser::new().parse(r));
    let Some(msg) = parsed else {
        let mut p = Part::new("text/plain");
        p.body = Body::Memory(Arc::new(raw.to_vec()));
        p.version = 0;
        return Parsed { headers: Vec::new(), root: Section::from_part(p), limits_exceeded: false };
    };
    let mut headers = Vec::new();
    if let Some(root) = msg.parts.first() {
        for h in &root.headers {
            let name = headers::canonical_name(h.name.as_str());
            // A Date mail-parser cannot read is left out: written again it would swallow the
            // field after it (mail-parser reads a broken date on into the next line), and a new
            // Date is made when the message is composed.
            let bad_date = name == "Date" && !matches!(h.value, HeaderValue::DateTime(_));
            if headers::is_mime_header(&name) || bad_date {
                continue;
            }
            let value = header_value(&name, &h.value, raw, h.offset_start, h.offset_end);
            headers.push((name, value));
        }
    }
    let mut state = Walk { msg: &msg, raw, count: 0, exceeded: false };
    let root = state.section(0, 0, true).unwrap_or_else(|| Section::from_part(Part::new("text/plain")));
    Parsed { headers, root, limits_exceeded: state.exceeded }
}

/// Whether the input begins with a header field (`Name:`); anything else is all body.
fn starts_with_header(raw: &[u8]) -> bool {
    let line = raw.split(|b| *b == b'\n').next().unwrap_or_default();
    match line.iter().position(|b| *b == b':') {
        Some(i) => i > 0 && line[..i].iter().all(|b| (33..=126).contains(b)),
        None => false,
    }
}

struct Walk<'a, 'x> {
    msg: &'a mail_parser::Message<'x>,
    raw: &'a [u8],
    count: usize,
    exceeded: bool,
}

impl Walk<'_, '_> {
    fn section(&mut self, id: usize, depth: usize, is_root: bool) -> Option<Arc<Section>> {
        let mp = self.msg.parts.get(id)?;
        self.count += 1;
        let mut p = part_headers(mp, is_root);
        p.version = 0;
        match &mp.body {
            PartType::Multipart(ids) => {
                if p.content_type.is_empty() || !p.content_type.starts_with("multipart/") {
                    p.content_type = "multipart/mixed".into();
                }
                for &child in ids {
                    if depth + 1 > MAX_DEPTH || self.count >= MAX_PARTS {
                        self.exceeded = true;
                        break;
                    }
                    if let Some(s) = self.section(child as usize, depth + 1, false) {
                        p.children.push(s);
                    }
                }
            }
            _ => p.body = Body::Memory(Arc::new(self.content(mp, !is_root))),
        }
        Some(Section::from_part(p))
    }

    /// The decoded content of a leaf with its charset unchanged: text parts are decoded from
    /// the raw bytes (mail-parser hands text over already converted to UTF-8).
    fn content(&self, mp: &MessagePart<'_>, in_multipart: bool) -> Vec<u8> {
        match &mp.body {
            PartType::Text(t) | PartType::Html(t) => {
                let body = self.raw.get(mp.offset_body as usize..mp.offset_end as usize).unwrap_or_default();
                let decoded = match mp.encoding {
                    Encoding::Base64 => base64_decode(body),
                    Encoding::QuotedPrintable => quoted_printable_decode(body),
                    Encoding::None => None,
                };
                match decoded {
                    Some(d) => d,
                    // Not encoded: the raw bytes, in their charset (mail-parser's offsets leave
                    // out the line end that belongs to the next delimiter). A last part whose
                    // delimiter never comes loses its final line end too, as Python's email
                    // reads it.
                    None if mp.encoding == Encoding::None
                        && in_multipart
                        && mp.offset_end as usize >= self.raw.len() =>
                    {
                        trim_delimiter_crlf(body).to_vec()
                    }
                    None if mp.encoding == Encoding::None => body.to_vec(),
                    // Undecodable: what mail-parser made of it.
                    None => t.as_bytes().to_vec(),
                }
            }
            _ => mp.contents().to_vec(),
        }
    }
}

/// The CRLF before a boundary delimiter belongs to the delimiter, not to the content.
fn trim_delimiter_crlf(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r\n").or_else(|| b.strip_suffix(b"\n")).unwrap_or(b)
}

fn part_headers(mp: &MessagePart<'_>, is_root: bool) -> Part {
    let mut p = Part::new("text/plain");
    if let Some(ct) = mp.content_type() {
        let t = ct.ctype().to_ascii_lowercase();
        let s = ct.subtype().map(|s| s.to_ascii_lowercase()).unwrap_or_else(|| "plain".into());
        p.content_type = format!("{t}/{s}");
        for a in ct.attributes().unwrap_or_default() {
            match a.name.to_ascii_lowercase().as_str() {
                "charset" => p.charset = Some(a.value.to_string()),
                "boundary" => p.boundary = Some(a.value.to_string()).filter(|b| !b.is_empty() && b.len() <= 70),
                "name" => {
                    if p.filename.is_none() {
                        p.filename = Some(a.value.to_string());
                    }
                }
                n => p.params.push((n.to_owned(), a.value.to_string())),
            }
        }
    }
    if let Some(cd) = mp.content_disposition() {
        p.disposition = Some(cd.ctype().to_ascii_lowercase());
        if let Some(f) = cd.attribute("filename") {
            p.filename = Some(f.to_owned());
        }
    }
    p.content_id = mp.content_id().map(|i| i.trim().trim_start_matches('<').trim_end_matches('>').to_owned());
    p.transfer_encoding = mp.content_transfer_encoding().map(|e| e.trim().to_ascii_lowercase());
    for h in &mp.headers {
        let name = headers::canonical_name(h.name.as_str());
        let lower = name.to_ascii_lowercase();
        let managed = matches!(
            lower.as_str(),
            "content-type" | "content-transfer-encoding" | "content-disposition" | "content-id" | "mime-version"
        );
        // The message's own headers belong to the message, not to its body section.
        if managed || (is_root && !headers::is_mime_header(&name)) {
            continue;
        }
        let v = match &h.value {
            HeaderValue::Text(t) => t.to_string(),
            HeaderValue::TextList(l) => l.join(", "),
            _ => String::new(),
        };
        p.headers.push((name, v));
    }
    p
}
