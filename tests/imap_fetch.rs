//! FETCH of BODYSTRUCTURE against the bundled server: a multipart message (text and HTML
//! alternatives, a PDF attachment, an attached message) described part by part with exact
//! types, parameters, encodings, sizes, lines, dispositions and section numbers, and each
//! section number fetching exactly that part's bytes.

mod common;
use common::*;
use csmail::api::imap_client::{BodyPart, FetchItems, Search};
use csmail::api::ImapClient;
use csmail::options::*;

/// The multipart message the tests append (CRLF line ends).
pub const MULTIPART: &str = "From: alice@example.com\r
To: bob@example.com\r
Subject: parts\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"outer\"\r
\r
--outer\r
Content-Type: multipart/alternative; boundary=\"alt\"\r
\r
--alt\r
Content-Type: text/plain; charset=utf-8\r
Content-Transfer-Encoding: quoted-printable\r
\r
Gr=C3=BC=C3=9Fe\r
line two\r
--alt\r
Content-Type: text/html; charset=utf-8\r
\r
<p>Hi</p>\r
--alt--\r
\r
--outer\r
Content-Type: application/pdf; name=\"r.pdf\"\r
Content-Transfer-Encoding: base64\r
Content-Disposition: attachment; filename=\"report.pdf\"\r
Content-ID: <pdf1@example.com>\r
Content-Description: the report\r
\r
JVBERi0xLjQK\r
--outer\r
Content-Type: message/rfc822\r
\r
From: carol@example.com\r
Subject: inner\r
\r
Inner body.\r
--outer--\r
";

fn connected_with_the_message(fx: &Fixture) -> (ImapClient, u32) {
    let c = fx.imap(fx.server.imaps_port, Some(fx.ssl(MODE_CHANNEL)), "bob", "bobpass");
    c.connect().unwrap();
    let uid = c.append("INBOX", &[], &mut MULTIPART.as_bytes()).unwrap();
    assert!(uid > 0);
    c.select("INBOX").unwrap();
    (c, uid)
}

/// (depth, section, mime type, encoding, size, lines, disposition, file name, charset).
type Row = (usize, String, String, String, u32, u32, String, String, String);

fn rows(p: &BodyPart) -> Vec<Row> {
    p.flatten()
        .into_iter()
        .map(|(d, p)| {
            (
                d,
                p.section.clone(),
                p.mime_type(),
                p.encoding.clone(),
                p.size,
                p.lines,
                p.disposition.clone(),
                p.file_name().to_owned(),
                p.charset().to_owned(),
            )
        })
        .collect()
}

fn row(d: usize, s: &str, m: &str, e: &str, size: u32, lines: u32, disp: &str, file: &str, cs: &str) -> Row {
    (d, s.into(), m.into(), e.into(), size, lines, disp.into(), file.into(), cs.into())
}

#[test]
fn bodystructure_describes_every_part_with_its_section() {
    let fx = Fixture::start();
    let (c, uid) = connected_with_the_message(&fx);
    let infos = c.fetch_info(&uid.to_string(), true, FetchItems { body_structure: true, ..FetchItems::NONE }).unwrap();
    assert_eq!(infos.len(), 1);
    assert_eq!((infos[0].uid, infos[0].subject.as_str()), (uid, ""), "only what was asked for");
    let tree = infos[0].body_structure.as_ref().expect("a BODYSTRUCTURE");
    assert_eq!(
        rows(tree),
        [
            row(0, "TEXT", "multipart/mixed", "", 0, 0, "", "", ""),
            row(1, "1", "multipart/alternative", "", 0, 0, "", "", ""),
            row(2, "1.1", "text/plain", "quoted-printable", 25, 2, "", "", "utf-8"),
            row(2, "1.2", "text/html", "7bit", 9, 1, "", "", "utf-8"),
            row(1, "2", "application/pdf", "base64", 12, 0, "attachment", "report.pdf", ""),
            row(1, "3", "message/rfc822", "7bit", 54, 4, "", "", ""),
            row(2, "3.1", "text/plain", "7bit", 11, 1, "", "", "US-ASCII"),
        ]
    );
    assert_eq!(tree.param("boundary"), Some("outer"));
    let pdf = &tree.children[1];
    assert_eq!((pdf.id.as_str(), pdf.description.as_str()), ("<pdf1@example.com>", "the report"));
    assert_eq!(pdf.param("name"), Some("r.pdf"));
    assert_eq!(pdf.disposition_params, [("filename".to_owned(), "report.pdf".to_owned())]);

    // Each section number fetches exactly that part: its size is the part's size.
    for (_, p) in tree.flatten().into_iter().filter(|(_, p)| !p.is_multipart()) {
        let mut got = Vec::new();
        c.fetch_body(uid, true, &p.section, &mut got).unwrap();
        assert_eq!(got.len() as u32, p.size, "section {}", p.section);
    }
    let mut pdf_bytes = Vec::new();
    c.fetch_body(uid, true, "2", &mut pdf_bytes).unwrap();
    assert_eq!(pdf_bytes, b"JVBERi0xLjQK");
    let mut inner = Vec::new();
    c.fetch_body(uid, true, "3.1", &mut inner).unwrap();
    assert_eq!(inner, b"Inner body.");
    // Fetching the structure left the message unseen.
    assert_eq!(c.search(&Search::new().unseen(), true).unwrap(), [uid]);
    c.disconnect().unwrap();
}

#[test]
fn all_items_include_the_structure_and_the_envelope() {
    let fx = Fixture::start();
    let (c, uid) = connected_with_the_message(&fx);
    let infos = c.fetch_info("1:*", false, FetchItems::ALL).unwrap();
    assert_eq!(infos.len(), 1);
    let m = &infos[0];
    assert_eq!((m.number, m.uid, m.size), (1, uid, MULTIPART.len() as u32));
    assert_eq!((m.subject.as_str(), m.from.as_str()), ("parts", "alice@example.com"));
    let tree = m.body_structure.as_ref().unwrap();
    assert_eq!(tree.children.len(), 3);
    assert_eq!(tree.children[2].children[0].section, "3.1");
    c.disconnect().unwrap();
}
