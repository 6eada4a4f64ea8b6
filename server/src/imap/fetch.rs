//! FETCH items (RFC 3501 6.4.5 / 7.4.2): flags, UID, size, internal date, ENVELOPE,
//! BODY/BODYSTRUCTURE and body sections with partial ranges, sent as literals.
//! The MIME structure comes from mail-parser; sections are cut from the stored bytes.

use std::io;

use mail_parser::{Address, Message, MessageParser, MessagePart, MimeHeaders, PartType};

use super::command::Tok;
use super::date;
use super::session::{flag_list, literal, nstring, string};
use super::store::Msg;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    Uid,
    Flags,
    Size,
    InternalDate,
    Envelope,
    /// BODYSTRUCTURE (true) or the non-extensible BODY (false).
    Structure(bool),
    Section {
        peek: bool,
        spec: Spec,
        label: String,
        partial: Option<(u64, u64)>,
    },
}

impl Item {
    /// Whether fetching this item sets \Seen (RFC 3501: BODY[...] without .PEEK, RFC822,
    /// RFC822.TEXT).
    pub(crate) fn sets_seen(&self) -> bool {
        matches!(self, Item::Section { peek: false, .. })
    }
}

/// A body section: a part path (empty: the whole message) and what of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Spec {
    part: Vec<usize>,
    what: What,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum What {
    All,
    Header,
    Fields(Vec<String>, bool),
    Text,
    Mime,
}

/// Parses the item list (a list or one item; the macros ALL, FAST, FULL).
pub(crate) fn parse_items(t: &Tok) -> Result<Vec<Item>, String> {
    let toks = match t {
        Tok::List(v) => v.clone(),
        other => vec![other.clone()],
    };
    let mut out = Vec::new();
    for t in toks {
        let Tok::Atom(a) = t else { return Err("FETCH items are atoms".into()) };
        let up = a.to_ascii_uppercase();
        match up.as_str() {
            "ALL" => out.extend([Item::Flags, Item::InternalDate, Item::Size, Item::Envelope]),
            "FAST" => out.extend([Item::Flags, Item::InternalDate, Item::Size]),
            "FULL" => out.extend([Item::Flags, Item::InternalDate, Item::Size, Item::Envelope, Item::Structure(false)]),
            "UID" => out.push(Item::Uid),
            "FLAGS" => out.push(Item::Flags),
            "RFC822.SIZE" => out.push(Item::Size),
            "INTERNALDATE" => out.push(Item::InternalDate),
            "ENVELOPE" => out.push(Item::Envelope),
            "BODYSTRUCTURE" => out.push(Item::Structure(true)),
            "BODY" => out.push(Item::Structure(false)),
            "RFC822" => out.push(section(false, Spec { part: vec![], what: What::All }, "RFC822", None)),
            "RFC822.HEADER" => {
                out.push(section(true, Spec { part: vec![], what: What::Header }, "RFC822.HEADER", None))
            }
            "RFC822.TEXT" => out.push(section(false, Spec { part: vec![], what: What::Text }, "RFC822.TEXT", None)),
            _ => out.push(parse_section(&a)?),
        }
    }
    Ok(out)
}

fn section(peek: bool, spec: Spec, label: &str, partial: Option<(u64, u64)>) -> Item {
    Item::Section { peek, spec, label: label.to_string(), partial }
}

/// `BODY[...]<o.n>` / `BODY.PEEK[...]<o.n>` (BINARY is not offered).
fn parse_section(a: &str) -> Result<Item, String> {
    let up = a.to_ascii_uppercase();
    let (peek, rest) = if let Some(r) = up.strip_prefix("BODY.PEEK[") {
        (true, r)
    } else if let Some(r) = up.strip_prefix("BODY[") {
        (false, r)
    } else {
        return Err(format!("Unknown FETCH item {a}"));
    };
    let close = rest.find(']').ok_or("Missing ']'")?;
    let inner = &rest[..close];
    let after = &rest[close + 1..];
    let partial = if after.is_empty() {
        None
    } else {
        let p = after.strip_prefix('<').and_then(|p| p.strip_suffix('>')).ok_or("Bad partial range")?;
        let (o, n) = p.split_once('.').ok_or("Partial range needs <offset.length>")?;
        let o: u64 = o.parse().map_err(|_| "Bad partial offset")?;
        let n: u64 = n.parse().map_err(|_| "Bad partial length")?;
        if n == 0 {
            return Err("Partial length must be positive".into());
        }
        Some((o, n))
    };
    // The original spelling of the section goes back in the response.
    let orig_inner = &a[a.find('[').expect("checked") + 1..][..close];
    let spec = parse_spec(inner, orig_inner)?;
    Ok(Item::Section { peek, spec, label: format!("BODY[{orig_inner}]"), partial })
}

fn parse_spec(up: &str, orig: &str) -> Result<Spec, String> {
    let mut part = Vec::new();
    let mut rest = up;
    let mut orig_rest = orig;
    while let Some(c) = rest.chars().next().filter(char::is_ascii_digit) {
        let _ = c;
        let end = rest.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(rest.len());
        let n: usize = rest[..end].parse().map_err(|_| "Bad part number")?;
        if n == 0 {
            return Err("Part numbers start at 1".into());
        }
        part.push(n);
        rest = &rest[end..];
        orig_rest = &orig_rest[end..];
        match rest.strip_prefix('.') {
            Some(r) => {
                rest = r;
                orig_rest = &orig_rest[1..];
            }
            None if rest.is_empty() => break,
            None => return Err("Bad section".into()),
        }
    }
    let what = match rest {
        "" => What::All,
        "HEADER" => What::Header,
        "TEXT" => What::Text,
        "MIME" if !part.is_empty() => What::Mime,
        _ => {
            let (not, list) = if let Some(l) = rest.strip_prefix("HEADER.FIELDS.NOT") {
                (true, l)
            } else if let Some(l) = rest.strip_prefix("HEADER.FIELDS") {
                (false, l)
            } else {
                return Err(format!("Unknown section {orig}"));
            };
            let _ = orig_rest;
            let names =
                list.trim().strip_prefix('(').and_then(|l| l.strip_suffix(')')).ok_or("HEADER.FIELDS needs a list")?;
            let names: Vec<String> = names.split_whitespace().map(|s| s.trim_matches('"').to_string()).collect();
            if names.is_empty() {
                return Err("HEADER.FIELDS needs field names".into());
            }
            What::Fields(names, not)
        }
    };
    Ok(Spec { part, what })
}

/// The header block (through the empty line) and the rest of an RFC 5322 message.
fn split_header(raw: &[u8]) -> (&[u8], &[u8]) {
    let mut i = 0;
    while i < raw.len() {
        let end = memchr::memchr(b'\n', &raw[i..]).map(|p| i + p + 1).unwrap_or(raw.len());
        let line = &raw[i..end];
        if line == b"\r\n" || line == b"\n" {
            return (&raw[..end], &raw[end..]);
        }
        i = end;
    }
    (raw, &[])
}

/// The header lines (with their folded continuations) whose names are (or are not) listed,
/// then the empty line.
fn header_fields(header: &[u8], names: &[String], not: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut keep = false;
    for line in header.split_inclusive(|&b| b == b'\n') {
        if line == b"\r\n" || line == b"\n" {
            break;
        }
        if !matches!(line.first(), Some(b' ' | b'\t')) {
            let name = line.split(|&b| b == b':').next().unwrap_or(b"");
            let name = String::from_utf8_lossy(name).trim().to_string();
            keep = names.iter().any(|n| n.eq_ignore_ascii_case(&name)) != not;
        }
        if keep {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The part a path names: its header and body bytes, and the message it encapsulates (for
/// message/rfc822 parts) as raw bytes.
fn locate<'m>(msg: &'m Message<'m>, path: &[usize]) -> Option<&'m MessagePart<'m>> {
    let mut part = msg.root_part();
    let mut cur = msg;
    for (depth, &n) in path.iter().enumerate() {
        if depth > 0 {
            if let PartType::Message(inner) = &part.body {
                // Paths continue inside an encapsulated message.
                cur = inner;
                part = cur.root_part();
            }
        }
        match &part.body {
            PartType::Multipart(ids) => {
                part = cur.parts.get(*ids.get(n - 1)? as usize)?;
            }
            _ if n == 1 => {}
            _ => return None,
        }
    }
    Some(part)
}

/// The bytes a section names; None when the part does not exist.
fn section_bytes(raw: &[u8], spec: &Spec) -> Option<Vec<u8>> {
    if spec.part.is_empty() {
        let (h, b) = split_header(raw);
        return Some(match &spec.what {
            What::All => raw.to_vec(),
            What::Header => h.to_vec(),
            What::Text => b.to_vec(),
            What::Fields(n, not) => header_fields(h, n, *not),
            What::Mime => return None,
        });
    }
    let msg = MessageParser::default().parse(raw)?;
    let part = locate(&msg, &spec.part)?;
    let base = containing_message(&msg, &spec.part);
    let body = part_range(base, part.offset_body, part.offset_end)?;
    let mime = part_range(base, part.offset_header, part.offset_body)?;
    Some(match &spec.what {
        What::All => body.to_vec(),
        What::Mime => mime.to_vec(),
        What::Header | What::Text | What::Fields(..) => {
            if !matches!(part.body, PartType::Message(_)) {
                return None;
            }
            let (h, b) = split_header(body);
            match &spec.what {
                What::Header => h.to_vec(),
                What::Text => b.to_vec(),
                What::Fields(n, not) => header_fields(h, n, *not),
                _ => unreachable!(),
            }
        }
    })
}

/// The bytes `from..to` of a part of `msg`. mail-parser gives the parts of a message/rfc822
/// it parsed in place offsets into the outermost message, while that message's own raw bytes
/// start at its header: its root part's header offset is where they begin.
fn part_range<'m>(msg: &'m Message<'m>, from: u32, to: u32) -> Option<&'m [u8]> {
    let base = msg.root_part().offset_header;
    msg.raw_message().get(from.checked_sub(base)? as usize..to.checked_sub(base)? as usize)
}

/// The message whose part is at `path` (the outermost one or an encapsulated one).
fn containing_message<'m>(msg: &'m Message<'m>, path: &[usize]) -> &'m Message<'m> {
    let mut part = msg.root_part();
    let mut cur = msg;
    for (depth, &n) in path.iter().enumerate() {
        if depth > 0 {
            if let PartType::Message(inner) = &part.body {
                cur = inner;
                part = cur.root_part();
            }
        }
        if let PartType::Multipart(ids) = &part.body {
            match ids.get(n - 1).and_then(|&i| cur.parts.get(i as usize)) {
                Some(p) => part = p,
                None => break,
            }
        }
    }
    cur
}

/// Renders `* seq FETCH (...)` for one message.
pub(crate) fn render(out: &mut Vec<u8>, seq: usize, m: &Msg, items: &[Item], seen_set: bool) -> io::Result<()> {
    let needs_data = items.iter().any(|i| matches!(i, Item::Envelope | Item::Structure(_) | Item::Section { .. }));
    let data = if needs_data { std::fs::read(&m.path)? } else { Vec::new() };
    let parsed = if items.iter().any(|i| matches!(i, Item::Envelope | Item::Structure(_))) {
        MessageParser::default().parse(&data[..])
    } else {
        None
    };
    out.extend_from_slice(format!("* {seq} FETCH (").as_bytes());
    let mut first = true;
    let mut flags_sent = false;
    for it in items {
        if !first {
            out.push(b' ');
        }
        first = false;
        match it {
            Item::Uid => out.extend_from_slice(format!("UID {}", m.uid).as_bytes()),
            Item::Flags => {
                flags_sent = true;
                out.extend_from_slice(format!("FLAGS {}", flag_list(m)).as_bytes());
            }
            Item::Size => out.extend_from_slice(format!("RFC822.SIZE {}", m.size).as_bytes()),
            Item::InternalDate => {
                out.extend_from_slice(format!("INTERNALDATE \"{}\"", date::internal(m.internal)).as_bytes())
            }
            Item::Envelope => {
                out.extend_from_slice(b"ENVELOPE ");
                match &parsed {
                    Some(p) => envelope(out, p),
                    None => out.extend_from_slice(b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"),
                }
            }
            Item::Structure(ext) => {
                out.extend_from_slice(if *ext { b"BODYSTRUCTURE " } else { b"BODY " });
                match &parsed {
                    Some(p) => structure(out, p, p.root_part(), *ext, 0),
                    None => out.extend_from_slice(
                        format!("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" {} 0)", data.len())
                            .as_bytes(),
                    ),
                }
            }
            Item::Section { spec, label, partial, .. } => {
                let bytes = section_bytes(&data, spec);
                match partial {
                    None => {
                        out.extend_from_slice(label.as_bytes());
                        out.push(b' ');
                        match bytes {
                            Some(b) => literal(out, &b),
                            None => out.extend_from_slice(b"NIL"),
                        }
                    }
                    Some((o, n)) => {
                        out.extend_from_slice(format!("{label}<{o}> ").as_bytes());
                        match bytes {
                            Some(b) => {
                                let start = (*o as usize).min(b.len());
                                let end = start.saturating_add(*n as usize).min(b.len());
                                literal(out, &b[start..end]);
                            }
                            None => out.extend_from_slice(b"NIL"),
                        }
                    }
                }
            }
        }
    }
    if seen_set && !flags_sent {
        out.extend_from_slice(format!(" FLAGS {}", flag_list(m)).as_bytes());
    }
    out.extend_from_slice(b")\r\n");
    Ok(())
}

/// A header's raw value, unfolded and trimmed.
fn raw_header(msg: &Message, name: &str) -> Option<String> {
    let v = msg.header_raw(name)?;
    Some(v.replace("\r\n", "").replace('\n', "").trim().to_string())
}

/// RFC 2047 encoding for a display name that is not plain ASCII.
fn name_bytes(name: &str) -> Vec<u8> {
    if name.is_ascii() {
        name.as_bytes().to_vec()
    } else {
        format!("=?utf-8?b?{}?=", crate::sasl::b64_encode(name.as_bytes())).into_bytes()
    }
}

fn addr(out: &mut Vec<u8>, name: Option<&str>, address: Option<&str>) {
    out.push(b'(');
    nstring(out, name.map(name_bytes).as_deref());
    out.extend_from_slice(b" NIL ");
    let (local, host) = match address.and_then(|a| a.rsplit_once('@')) {
        Some((l, h)) => (Some(l), Some(h)),
        None => (address, None),
    };
    nstring(out, local.map(str::as_bytes));
    out.push(b' ');
    nstring(out, host.map(str::as_bytes));
    out.push(b')');
}

fn address_list(out: &mut Vec<u8>, a: Option<&Address>) {
    let Some(a) = a else {
        out.extend_from_slice(b"NIL");
        return;
    };
    let mut inner = Vec::new();
    match a {
        Address::List(list) => {
            for x in list {
                addr(&mut inner, x.name.as_deref(), x.address.as_deref());
            }
        }
        Address::Group(groups) => {
            for g in groups {
                // RFC 3501 group syntax: (NIL NIL "group" NIL) members (NIL NIL NIL NIL).
                if let Some(name) = &g.name {
                    inner.extend_from_slice(b"(NIL NIL ");
                    string(&mut inner, &name_bytes(name));
                    inner.extend_from_slice(b" NIL)");
                }
                for x in &g.addresses {
                    addr(&mut inner, x.name.as_deref(), x.address.as_deref());
                }
                if g.name.is_some() {
                    inner.extend_from_slice(b"(NIL NIL NIL NIL)");
                }
            }
        }
    }
    if inner.is_empty() {
        out.extend_from_slice(b"NIL");
    } else {
        out.push(b'(');
        out.extend_from_slice(&inner);
        out.push(b')');
    }
}

fn envelope(out: &mut Vec<u8>, msg: &Message) {
    out.push(b'(');
    nstring(out, raw_header(msg, "Date").as_deref().map(str::as_bytes));
    out.push(b' ');
    nstring(out, raw_header(msg, "Subject").as_deref().map(str::as_bytes));
    let from = msg.from();
    for (i, a) in
        [from, msg.sender().or(from), msg.reply_to().or(from), msg.to(), msg.cc(), msg.bcc()].into_iter().enumerate()
    {
        let _ = i;
        out.push(b' ');
        address_list(out, a);
    }
    out.push(b' ');
    nstring(out, raw_header(msg, "In-Reply-To").as_deref().map(str::as_bytes));
    out.push(b' ');
    nstring(out, raw_header(msg, "Message-ID").as_deref().map(str::as_bytes));
    out.push(b')');
}

/// `("NAME" "VALUE" ...)` or NIL.
fn params(out: &mut Vec<u8>, attrs: Option<&Vec<mail_parser::Attribute>>) {
    match attrs {
        Some(a) if !a.is_empty() => {
            out.push(b'(');
            for (i, at) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b' ');
                }
                string(out, at.name.to_ascii_uppercase().as_bytes());
                out.push(b' ');
                string(out, &name_bytes(&at.value));
            }
            out.push(b')');
        }
        _ => out.extend_from_slice(b"NIL"),
    }
}

/// Multiparts nested deeper than this are described as opaque parts: a hostile message of
/// thousands of nested multiparts cannot exhaust the stack.
const MAX_STRUCTURE_DEPTH: usize = 32;

fn structure(out: &mut Vec<u8>, msg: &Message, part: &MessagePart, ext: bool, depth: usize) {
    let ct = part.content_type();
    if depth >= MAX_STRUCTURE_DEPTH {
        let body = part_range(msg, part.offset_body, part.offset_end).unwrap_or(&[]);
        out.extend_from_slice(
            format!("(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" {})", body.len()).as_bytes(),
        );
        return;
    }
    if let PartType::Multipart(ids) = &part.body {
        out.push(b'(');
        for &id in ids {
            if let Some(child) = msg.parts.get(id as usize) {
                structure(out, msg, child, ext, depth + 1);
            }
        }
        out.push(b' ');
        let sub = ct.and_then(|c| c.c_subtype.as_deref()).unwrap_or("MIXED");
        string(out, sub.to_ascii_uppercase().as_bytes());
        if ext {
            out.push(b' ');
            params(out, ct.and_then(|c| c.attributes.as_ref()));
            out.push(b' ');
            disposition(out, part);
            out.extend_from_slice(b" NIL NIL");
        }
        out.push(b')');
        return;
    }
    let (ty, sub) = match ct {
        Some(c) => (c.c_type.to_ascii_uppercase(), c.c_subtype.as_deref().unwrap_or("").to_ascii_uppercase()),
        None => ("TEXT".to_string(), "PLAIN".to_string()),
    };
    let body = part_range(msg, part.offset_body, part.offset_end).unwrap_or(&[]);
    out.push(b'(');
    string(out, ty.as_bytes());
    out.push(b' ');
    string(out, sub.as_bytes());
    out.push(b' ');
    match ct {
        Some(c) => params(out, c.attributes.as_ref()),
        None => out.extend_from_slice(b"(\"CHARSET\" \"US-ASCII\")"),
    }
    out.push(b' ');
    nstring(out, part.content_id().map(|s| format!("<{s}>")).as_deref().map(str::as_bytes));
    out.push(b' ');
    nstring(out, part.content_description().map(str::as_bytes));
    out.push(b' ');
    let enc = part.content_transfer_encoding().unwrap_or("7BIT").to_ascii_uppercase();
    string(out, enc.as_bytes());
    out.extend_from_slice(format!(" {}", body.len()).as_bytes());
    let lines = body.iter().filter(|&&b| b == b'\n').count() + usize::from(!body.is_empty() && !body.ends_with(b"\n"));
    if let PartType::Message(inner) = &part.body {
        out.push(b' ');
        envelope(out, inner);
        out.push(b' ');
        structure(out, inner, inner.root_part(), ext, depth + 1);
        out.extend_from_slice(format!(" {lines}").as_bytes());
    } else if ty == "TEXT" {
        out.extend_from_slice(format!(" {lines}").as_bytes());
    }
    if ext {
        out.extend_from_slice(b" NIL ");
        disposition(out, part);
        out.extend_from_slice(b" NIL NIL");
    }
    out.push(b')');
}

fn disposition(out: &mut Vec<u8>, part: &MessagePart) {
    match part.content_disposition() {
        Some(d) => {
            out.push(b'(');
            string(out, d.c_type.to_ascii_uppercase().as_bytes());
            out.push(b' ');
            params(out, d.attributes.as_ref());
            out.push(b')');
        }
        None => out.extend_from_slice(b"NIL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MULTI: &[u8] = b"From: A <a@x.example>\r\nTo: b@y.example\r\nSubject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\n\r\npre\r\n--BB\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--BB\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAEC\r\n--BB--\r\n";

    fn spec(s: &str) -> Spec {
        parse_spec(&s.to_ascii_uppercase(), s).unwrap()
    }

    #[test]
    fn sections_of_a_multipart_message() {
        assert_eq!(section_bytes(MULTI, &spec("1")).unwrap(), b"hello");
        assert_eq!(section_bytes(MULTI, &spec("2")).unwrap(), b"AAEC");
        assert_eq!(section_bytes(MULTI, &spec("1.MIME")).unwrap(), b"Content-Type: text/plain; charset=utf-8\r\n\r\n");
        assert_eq!(section_bytes(MULTI, &spec("3")), None);
        // Inside an attached message: its body, its header, and its text.
        let nested = b"Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: c@x\r\nSubject: inner\r\n\r\nInner body.\r\n--o--\r\n";
        assert_eq!(section_bytes(nested, &spec("1.1")).unwrap(), b"Inner body.");
        assert_eq!(section_bytes(nested, &spec("1.HEADER")).unwrap(), b"From: c@x\r\nSubject: inner\r\n\r\n");
        let msg = MessageParser::default().parse(&nested[..]).unwrap();
        let mut out = Vec::new();
        structure(&mut out, &msg, msg.root_part(), false, 0);
        assert!(String::from_utf8(out).unwrap().contains("\"US-ASCII\") NIL NIL \"7BIT\" 11 1) 4)"));
        assert_eq!(
            section_bytes(MULTI, &spec("HEADER.FIELDS (subject TO)")).unwrap(),
            b"To: b@y.example\r\nSubject: hi\r\n\r\n"
        );
        let (h, b) = split_header(MULTI);
        assert_eq!(section_bytes(MULTI, &spec("HEADER")).unwrap(), h);
        assert_eq!(section_bytes(MULTI, &spec("TEXT")).unwrap(), b);
    }

    #[test]
    fn bodystructure_and_envelope() {
        let msg = MessageParser::default().parse(MULTI).unwrap();
        let mut out = Vec::new();
        structure(&mut out, &msg, msg.root_part(), true, 0);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL)\
(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 4 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.bin\")) NIL NIL) \
\"MIXED\" (\"BOUNDARY\" \"BB\") NIL NIL NIL)"
        );
        let mut out = Vec::new();
        envelope(&mut out, &msg);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "(NIL \"hi\" ((\"A\" NIL \"a\" \"x.example\")) ((\"A\" NIL \"a\" \"x.example\")) ((\"A\" NIL \"a\" \"x.example\")) \
((NIL NIL \"b\" \"y.example\")) NIL NIL NIL NIL)"
        );
    }

    #[test]
    fn deep_nesting_is_cut_off() {
        let mut m = String::from("Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for i in 0..2000 {
            m.push_str(&format!("--b{i}\r\nContent-Type: multipart/mixed; boundary=b{}\r\n\r\n", i + 1));
        }
        let msg = MessageParser::default().parse(m.as_bytes()).unwrap();
        let mut out = Vec::new();
        structure(&mut out, &msg, msg.root_part(), true, 0);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" "), "{text}");
        assert_eq!(text.matches("\"MIXED\"").count(), MAX_STRUCTURE_DEPTH.min(msg.parts.len()), "{text}");
    }

    #[test]
    fn item_parsing() {
        let items =
            parse_items(&Tok::List(vec![Tok::Atom("body.peek[1.mime]<0.10>".into()), Tok::Atom("FAST".into())]))
                .unwrap();
        assert_eq!(
            items[0],
            Item::Section {
                peek: true,
                spec: Spec { part: vec![1], what: What::Mime },
                label: "BODY[1.mime]".into(),
                partial: Some((0, 10))
            }
        );
        assert_eq!(items.len(), 4);
        assert!(parse_items(&Tok::Atom("BODY[0]".into())).is_err());
        assert!(parse_items(&Tok::Atom("BODY[]<1.0>".into())).is_err());
        assert!(parse_items(&Tok::Atom("BOGUS".into())).is_err());
    }
}
