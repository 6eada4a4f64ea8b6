//! BODYSTRUCTURE (RFC 9051 7.5.2) as an owned tree: what a message is made of, with the
//! section number each part is fetched by, so an application can fetch one attachment with
//! `fetch_body(.., section)` without downloading the rest.
//!
//! imap-proto parses the grammar; this module only turns its borrowed enum into a plain tree
//! and numbers the parts by the rules of RFC 9051 6.4.5 (BODY[section]).

use imap_proto::{BodyContentCommon, BodyContentSinglePart, BodyStructure, ContentEncoding};
use std::borrow::Cow;

/// How deep a structure is followed: deeper parts (only a hostile or broken server sends
/// them) are left out of the tree.
const MAX_DEPTH: usize = 32;

/// One MIME part of a message as the server describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyPart {
    /// The section that fetches this part's content: "1", "2.1", "3.TEXT" (the body of an
    /// attached message/rfc822 that is multipart); "TEXT" for a multipart message's body.
    pub section: String,
    /// Lower-case media type and subtype: "text", "plain".
    pub media_type: String,
    pub subtype: String,
    /// Content-Type parameters (name lower-case, value as sent): ("charset", "utf-8").
    pub params: Vec<(String, String)>,
    /// Content-ID, as sent (with its angle brackets).
    pub id: String,
    /// Content-Description.
    pub description: String,
    /// Lower-case Content-Transfer-Encoding: "7bit", "base64", "quoted-printable" ...; empty for
    /// a multipart.
    pub encoding: String,
    /// Size of the encoded content in octets (0 for a multipart).
    pub size: u32,
    /// Lines of a text or message/rfc822 part; 0 for the others.
    pub lines: u32,
    /// Lower-case Content-Disposition ("attachment", "inline"), empty when the server gave none.
    pub disposition: String,
    /// Content-Disposition parameters (name lower-case): ("filename", "a.pdf").
    pub disposition_params: Vec<(String, String)>,
    /// Content-Language tags.
    pub language: Vec<String>,
    /// The parts of a multipart, or the one body of an attached message/rfc822.
    pub children: Vec<BodyPart>,
}

impl BodyPart {
    /// "type/subtype", lower-case.
    pub fn mime_type(&self) -> String {
        format!("{}/{}", self.media_type, self.subtype)
    }

    pub fn is_multipart(&self) -> bool {
        self.media_type == "multipart"
    }

    /// A Content-Type parameter by name (any case).
    pub fn param(&self, name: &str) -> Option<&str> {
        find(&self.params, name)
    }

    /// The charset parameter, or "".
    pub fn charset(&self) -> &str {
        self.param("charset").unwrap_or("")
    }

    /// The file name: the disposition's filename, else the content type's name; "" when neither.
    pub fn file_name(&self) -> &str {
        find(&self.disposition_params, "filename").or_else(|| self.param("name")).unwrap_or("")
    }

    /// This part and every part under it, depth first (the order the sections run in), each
    /// with its depth (this part is 0).
    pub fn flatten(&self) -> Vec<(usize, &BodyPart)> {
        let mut out = Vec::new();
        fn walk<'p>(p: &'p BodyPart, depth: usize, out: &mut Vec<(usize, &'p BodyPart)>) {
            out.push((depth, p));
            for c in &p.children {
                walk(c, depth + 1, out);
            }
        }
        walk(self, 0, &mut out);
        out
    }
}

fn find<'p>(params: &'p [(String, String)], name: &str) -> Option<&'p str> {
    params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn owned(s: &Option<Cow<'_, str>>) -> String {
    s.as_deref().unwrap_or_default().to_owned()
}

fn params(p: &Option<Vec<(Cow<'_, str>, Cow<'_, str>)>>) -> Vec<(String, String)> {
    p.iter().flatten().map(|(k, v)| (k.to_ascii_lowercase(), v.to_string())).collect()
}

fn encoding(e: &ContentEncoding<'_>) -> String {
    match e {
        ContentEncoding::SevenBit => "7bit".into(),
        ContentEncoding::EightBit => "8bit".into(),
        ContentEncoding::Binary => "binary".into(),
        ContentEncoding::Base64 => "base64".into(),
        ContentEncoding::QuotedPrintable => "quoted-printable".into(),
        ContentEncoding::Other(o) => o.to_ascii_lowercase(),
    }
}

/// The part of the tree every kind of part shares.
fn common_part(section: String, c: &BodyContentCommon<'_>) -> BodyPart {
    let (disposition, disposition_params) = match &c.disposition {
        Some(d) => (d.ty.to_ascii_lowercase(), params(&d.params)),
        None => (String::new(), Vec::new()),
    };
    BodyPart {
        section,
        media_type: c.ty.ty.to_ascii_lowercase(),
        subtype: c.ty.subtype.to_ascii_lowercase(),
        params: params(&c.ty.params),
        disposition,
        disposition_params,
        language: c.language.iter().flatten().map(|l| l.to_string()).collect(),
        ..BodyPart::default()
    }
}

fn single(mut p: BodyPart, s: &BodyContentSinglePart<'_>) -> BodyPart {
    p.id = owned(&s.id);
    p.description = owned(&s.description);
    p.encoding = encoding(&s.transfer_encoding);
    p.size = s.octets;
    p
}

/// `section` joined under `parent` ("" is the message itself).
fn join(parent: &str, section: &str) -> String {
    if parent.is_empty() {
        section.to_owned()
    } else {
        format!("{parent}.{section}")
    }
}

/// The body of the message at `message` ("" for the fetched message, "3" for a message/rfc822
/// at part 3): a multipart has no number of its own, its content is that message's TEXT and
/// its parts are numbered under the message; any other body is part 1 of the message.
fn message_body(b: &BodyStructure<'_>, message: &str, depth: usize) -> BodyPart {
    if matches!(b, BodyStructure::Multipart { .. }) {
        convert(b, join(message, "TEXT"), message, depth)
    } else {
        let n = join(message, "1");
        convert(b, n.clone(), &n, depth)
    }
}

/// Converts a parsed part whose content is fetched as `section`; a multipart numbers its
/// parts under `base`.
fn convert(b: &BodyStructure<'_>, section: String, base: &str, depth: usize) -> BodyPart {
    match b {
        BodyStructure::Basic { common, other, .. } => single(common_part(section, common), other),
        BodyStructure::Text { common, other, lines, .. } => {
            let mut p = single(common_part(section, common), other);
            p.lines = *lines;
            p
        }
        BodyStructure::Message { common, other, body, lines, .. } => {
            let mut p = single(common_part(section, common), other);
            p.lines = *lines;
            if depth < MAX_DEPTH {
                p.children.push(message_body(body, &p.section.clone(), depth + 1));
            }
            p
        }
        BodyStructure::Multipart { common, bodies, .. } => {
            let mut p = common_part(section, common);
            if depth < MAX_DEPTH {
                p.children = bodies
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let n = join(base, &(i + 1).to_string());
                        convert(c, n.clone(), &n, depth + 1)
                    })
                    .collect();
            }
            p
        }
    }
}

/// The tree of a FETCH response's BODYSTRUCTURE (or BODY).
pub fn from_response(b: &BodyStructure<'_>) -> BodyPart {
    message_body(b, "", 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_proto::{AttributeValue, Response};

    fn tree(fetch: &str) -> BodyPart {
        let (_, r) = Response::parse(fetch.as_bytes()).expect("parses");
        let Response::Fetch(_, attrs) = r else { panic!("not a FETCH") };
        let b = attrs.iter().find_map(|a| match a {
            AttributeValue::BodyStructure(b) => Some(b),
            _ => None,
        });
        from_response(b.expect("a BODYSTRUCTURE"))
    }

    fn sections(p: &BodyPart) -> Vec<(usize, String, String)> {
        p.flatten().into_iter().map(|(d, p)| (d, p.section.clone(), p.mime_type())).collect()
    }

    #[test]
    fn a_single_part_message_is_section_1() {
        let p = tree(
            "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 42 3 NIL NIL (\"de\") NIL))\r\n",
        );
        assert_eq!(sections(&p), [(0, "1".to_owned(), "text/plain".to_owned())]);
        assert_eq!((p.charset(), p.encoding.as_str(), p.size, p.lines), ("UTF-8", "quoted-printable", 42, 3));
        assert_eq!(p.language, ["de"]);
        assert_eq!(p.disposition, "");
    }

    #[test]
    fn nested_multiparts_and_an_attached_message_are_numbered_as_rfc_9051_says() {
        // multipart/mixed: 1 multipart/alternative (1.1 text, 1.2 html), 2 a PDF attachment,
        // 3 message/rfc822 whose body is multipart (3.1, 3.2), 4 message/rfc822 with one text body.
        let p = tree(concat!(
            "* 7 FETCH (UID 9 BODYSTRUCTURE (",
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1)",
            "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 20 1) \"alternative\")",
            "(\"application\" \"pdf\" (\"name\" \"a.pdf\") \"<c1@x>\" \"the report\" \"base64\" 300 NIL ",
            "(\"attachment\" (\"filename\" \"report.pdf\")) NIL)",
            "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 500 ",
            "(NIL \"inner\" NIL NIL NIL NIL NIL NIL NIL NIL) ",
            "((\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 1)(\"image\" \"png\" NIL NIL NIL \"base64\" 8) \"mixed\") 12)",
            "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 80 ",
            "(NIL \"inner2\" NIL NIL NIL NIL NIL NIL NIL NIL) ",
            "(\"text\" \"plain\" NIL NIL NIL \"8bit\" 6 1) 4)",
            " \"mixed\" (\"boundary\" \"b1\") NIL NIL))\r\n"
        ));
        let want: Vec<(usize, &str, &str)> = vec![
            (0, "TEXT", "multipart/mixed"),
            (1, "1", "multipart/alternative"),
            (2, "1.1", "text/plain"),
            (2, "1.2", "text/html"),
            (1, "2", "application/pdf"),
            (1, "3", "message/rfc822"),
            (2, "3.TEXT", "multipart/mixed"),
            (3, "3.1", "text/plain"),
            (3, "3.2", "image/png"),
            (1, "4", "message/rfc822"),
            (2, "4.1", "text/plain"),
        ];
        let got = sections(&p);
        let got: Vec<(usize, &str, &str)> = got.iter().map(|(d, s, m)| (*d, s.as_str(), m.as_str())).collect();
        assert_eq!(got, want);
        assert_eq!(p.param("BOUNDARY"), Some("b1"));
        let pdf = &p.children[1];
        assert_eq!((pdf.id.as_str(), pdf.description.as_str(), pdf.size), ("<c1@x>", "the report", 300));
        assert_eq!((pdf.disposition.as_str(), pdf.file_name()), ("attachment", "report.pdf"));
        assert_eq!(p.children[2].lines, 12);
        assert_eq!(p.children[0].children[1].charset(), "utf-8");
    }
}
