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
type Row<'a> = (usize, &'a str, String, &'a str, u32, u32, &'a str, &'a str, &'a str);

fn rows(p: &BodyPart) -> Vec<Row<'_>> {
    p.flatten()
        .into_iter()
        .map(|(d, p)| {
            (
                d,
                p.section.as_str(),
                p.mime_type(),
                p.encoding.as_str(),
                p.size,
                p.lines,
                p.disposition.as_str(),
                p.file_name(),
                p.charset(),
            )
        })
        .collect()
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
            (0, "TEXT", "multipart/mixed".to_owned(), "", 0, 0, "", "", ""),
            (1, "1", "multipart/alternative".to_owned(), "", 0, 0, "", "", ""),
            (2, "1.1", "text/plain".to_owned(), "quoted-printable", 25, 2, "", "", "utf-8"),
            (2, "1.2", "text/html".to_owned(), "7bit", 9, 1, "", "", "utf-8"),
            (1, "2", "application/pdf".to_owned(), "base64", 12, 0, "attachment", "report.pdf", ""),
            (1, "3", "message/rfc822".to_owned(), "7bit", 54, 4, "", "", ""),
            (2, "3.1", "text/plain".to_owned(), "7bit", 11, 1, "", "", "US-ASCII"),
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

// ---- The same through the C functions: csmail_imap_fetch_info and the csmail_fetchlist ----

mod c_api {
    use super::*;
    use crate::common::c_imap::*;
    use csmail::api::imap_objects::*;
    use csmail::error::*;
    use csmail::ffi::imap::*;
    use csmail::ffi::imap_fetchlist::*;
    use csmail::ffi::message::*;
    use std::ffi::c_char;
    use std::ptr::{null, null_mut};

    /// Bob over IMAPS with the multipart message appended and INBOX selected.
    fn connected(fx: &Fixture) -> (*mut csmail_imap, u32) {
        let (api, uid) = connected_with_the_message(fx);
        api.disconnect().unwrap();
        let h = connected_c_imap(fx);
        c_select(h, "INBOX", false);
        (h, uid)
    }

    fn int(l: *const csmail_fetchlist, i: usize, field: i32) -> u32 {
        let mut v = u32::MAX;
        // SAFETY: a valid out pointer.
        assert_eq!(unsafe { csmail_fetchlist_get_int(l, i, field, &mut v) }, CSMAIL_OK, "field {field}");
        v
    }

    fn text(l: *const csmail_fetchlist, i: usize, field: i32) -> String {
        // SAFETY: buffers from string_out.
        string_out(|b, n, needed| unsafe { csmail_fetchlist_get_str(l, i, field, b, n, needed) })
    }

    fn part_int(l: *const csmail_fetchlist, p: usize, field: i32) -> u32 {
        let mut v = u32::MAX;
        // SAFETY: a valid out pointer.
        assert_eq!(unsafe { csmail_fetchlist_part_get_int(l, 0, p, field, &mut v) }, CSMAIL_OK, "{p} {field}");
        v
    }

    fn part_text(l: *const csmail_fetchlist, p: usize, field: i32) -> String {
        // SAFETY: buffers from string_out.
        string_out(|b, n, needed| unsafe { csmail_fetchlist_part_get_str(l, 0, p, field, b, n, needed) })
    }

    #[test]
    fn fetch_info_gives_fields_and_every_part_through_caller_buffers() {
        let fx = plain_imap_fixture();
        let (h, uid) = connected(&fx);
        let mut list: *mut csmail_fetchlist = null_mut();
        // SAFETY: valid handle, string and out pointer.
        let rc = unsafe { csmail_imap_fetch_info(h, cs("1:*").as_ptr(), 0, CSMAIL_FETCH_ITEM_ALL, &mut list) };
        assert_eq!(rc, CSMAIL_OK);
        let mut count = 0usize;
        // SAFETY: valid out pointer.
        assert_eq!(unsafe { csmail_fetchlist_count(list, &mut count) }, CSMAIL_OK);
        assert_eq!(count, 1);
        assert_eq!(int(list, 0, CSMAIL_FETCHED_NUMBER), 1);
        assert_eq!(int(list, 0, CSMAIL_FETCHED_UID), uid);
        assert_eq!(int(list, 0, CSMAIL_FETCHED_SIZE), MULTIPART.len() as u32);
        assert_eq!(int(list, 0, CSMAIL_FETCHED_PART_COUNT), 7);
        assert_eq!(text(list, 0, CSMAIL_FETCHED_SUBJECT), "parts");
        assert_eq!(text(list, 0, CSMAIL_FETCHED_FROM), "alice@example.com");
        assert_eq!(text(list, 0, CSMAIL_FETCHED_MESSAGE_ID), "");
        assert!(!text(list, 0, CSMAIL_FETCHED_FLAGS).contains("\\Seen"));
        assert!(!text(list, 0, CSMAIL_FETCHED_INTERNAL_DATE).is_empty());

        let sections: Vec<String> = (0..7).map(|p| part_text(list, p, CSMAIL_PART_SECTION)).collect();
        assert_eq!(sections, ["TEXT", "1", "1.1", "1.2", "2", "3", "3.1"]);
        let depths: Vec<u32> = (0..7).map(|p| part_int(list, p, CSMAIL_PART_DEPTH)).collect();
        assert_eq!(depths, [0, 1, 2, 2, 1, 1, 2]);
        let children: Vec<u32> = (0..7).map(|p| part_int(list, p, CSMAIL_PART_CHILD_COUNT)).collect();
        assert_eq!(children, [3, 2, 0, 0, 0, 1, 0]);
        assert_eq!(part_text(list, 2, CSMAIL_PART_MIME_TYPE), "text/plain");
        assert_eq!(part_text(list, 2, CSMAIL_PART_CHARSET), "utf-8");
        assert_eq!(part_text(list, 2, CSMAIL_PART_ENCODING), "quoted-printable");
        assert_eq!((part_int(list, 2, CSMAIL_PART_SIZE), part_int(list, 2, CSMAIL_PART_LINES)), (25, 2));
        assert_eq!(part_text(list, 4, CSMAIL_PART_MIME_TYPE), "application/pdf");
        assert_eq!(part_text(list, 4, CSMAIL_PART_DISPOSITION), "attachment");
        assert_eq!(part_text(list, 4, CSMAIL_PART_FILE_NAME), "report.pdf");
        assert_eq!(part_text(list, 4, CSMAIL_PART_CONTENT_ID), "<pdf1@example.com>");
        assert_eq!(part_text(list, 4, CSMAIL_PART_DESCRIPTION), "the report");
        assert_eq!(part_text(list, 4, CSMAIL_PART_LANGUAGE), "");
        assert_eq!(part_int(list, 4, CSMAIL_PART_SIZE), 12);
        assert_eq!(part_text(list, 5, CSMAIL_PART_MIME_TYPE), "message/rfc822");

        // Out of range, a field of the other kind, an unknown one: clear refusals.
        let mut v = 0u32;
        // SAFETY: valid pointers; the list and index values are what is under test.
        unsafe {
            assert_eq!(csmail_fetchlist_get_int(list, 1, CSMAIL_FETCHED_UID, &mut v), CSMAIL_E_INVALID_ARGUMENT);
            assert_eq!(last_text(), "message 1 of 1");
            assert_eq!(csmail_fetchlist_part_get_int(list, 0, 7, CSMAIL_PART_SIZE, &mut v), CSMAIL_E_INVALID_ARGUMENT);
            assert_eq!(last_text(), "part 7 of 7");
            assert_eq!(csmail_fetchlist_get_int(list, 0, CSMAIL_FETCHED_SUBJECT, &mut v), CSMAIL_E_INVALID_ARGUMENT);
            assert_eq!(csmail::ffi::common::csmail_last_eex(), eexUnknownOption);
            let rc = csmail_fetchlist_part_get_str(list, 0, 0, CSMAIL_PART_SIZE, null_mut(), 0, null_mut());
            assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
            assert_eq!(csmail_fetchlist_get_int(list, 0, CSMAIL_FETCHED_UID, null_mut()), CSMAIL_E_INVALID_ARGUMENT);
        }
        assert_eq!(csmail_fetchlist_release(list), CSMAIL_OK);
        assert_eq!(csmail_fetchlist_release(list), CSMAIL_E_INVALID_HANDLE);
        // SAFETY: a released handle is what is under test.
        assert_eq!(unsafe { csmail_fetchlist_count(list, &mut count) }, CSMAIL_E_INVALID_HANDLE);
        assert_eq!(csmail_imap_release(h), CSMAIL_OK);
    }

    #[test]
    fn fetch_info_items_and_arguments() {
        let fx = plain_imap_fixture();
        let (h, uid) = connected(&fx);
        let mut list: *mut csmail_fetchlist = null_mut();
        // SAFETY: valid handles and pointers except where a bad argument is under test.
        unsafe {
            // Only FLAGS: no size, no envelope, no parts.
            let set = cs(&uid.to_string());
            assert_eq!(csmail_imap_fetch_info(h, set.as_ptr(), 1, CSMAIL_FETCH_ITEM_FLAGS, &mut list), CSMAIL_OK);
            assert_eq!(int(list, 0, CSMAIL_FETCHED_UID), uid);
            assert_eq!(int(list, 0, CSMAIL_FETCHED_SIZE), 0);
            assert_eq!(int(list, 0, CSMAIL_FETCHED_PART_COUNT), 0);
            assert_eq!(text(list, 0, CSMAIL_FETCHED_SUBJECT), "");
            assert_eq!(csmail_fetchlist_release(list), CSMAIL_OK);
            // A UID set with nothing in it: an empty list.
            assert_eq!(csmail_imap_fetch_info(h, cs("999").as_ptr(), 1, 0, &mut list), CSMAIL_OK);
            let mut count = 9usize;
            assert_eq!(csmail_fetchlist_count(list, &mut count), CSMAIL_OK);
            assert_eq!(count, 0);
            assert_eq!(csmail_fetchlist_release(list), CSMAIL_OK);
            // Bad arguments are refused before anything is sent.
            let mut out = null_mut();
            assert_eq!(csmail_imap_fetch_info(h, cs("1").as_ptr(), 0, 0x40, &mut out), CSMAIL_E_INVALID_ARGUMENT);
            assert!(out.is_null());
            assert_eq!(csmail_imap_fetch_info(h, cs("1 FLAGS").as_ptr(), 0, 1, &mut out), CSMAIL_E_INVALID_ARGUMENT);
            assert_eq!(csmail_imap_fetch_info(h, null(), 0, 1, &mut out), CSMAIL_E_INVALID_ARGUMENT);
            assert_eq!(csmail_imap_fetch_info(h, cs("1").as_ptr(), 0, 1, null_mut()), CSMAIL_E_INVALID_ARGUMENT);
            let bad = [0x31u8, 0xff, 0];
            let rc = csmail_imap_fetch_info(h, bad.as_ptr() as *const c_char, 0, 1, &mut out);
            assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
            // The session goes on.
            assert_eq!(csmail_imap_noop(h), CSMAIL_OK);
        }
        assert_eq!(csmail_imap_release(h), CSMAIL_OK);
        // A released client.
        // SAFETY: a released handle is what is under test.
        let rc = unsafe { csmail_imap_fetch_info(h, cs("1").as_ptr(), 0, 1, &mut list) };
        assert_eq!(rc, CSMAIL_E_INVALID_HANDLE);
    }

    #[test]
    fn a_section_from_the_structure_fetches_that_part_and_fetch_gives_a_message() {
        let fx = plain_imap_fixture();
        let (h, uid) = connected(&fx);
        // SAFETY: valid handles and pointers throughout.
        unsafe {
            let mut list = null_mut();
            let set = cs(&uid.to_string());
            assert_eq!(
                csmail_imap_fetch_info(h, set.as_ptr(), 1, CSMAIL_FETCH_ITEM_BODYSTRUCTURE, &mut list),
                CSMAIL_OK
            );
            let section = cs(&part_text(list, 4, CSMAIL_PART_SECTION));
            assert_eq!(csmail_fetchlist_release(list), CSMAIL_OK);
            let mut pieces: Vec<Vec<u8>> = Vec::new();
            let rc = csmail_imap_fetch_cb(h, uid, 1, section.as_ptr(), Some(record), &mut pieces as *mut _ as *mut _);
            assert_eq!(rc, CSMAIL_OK);
            assert_eq!(pieces.concat(), b"JVBERi0xLjQK");

            // csmail_imap_fetch: the whole message as a Message object, byte for byte.
            let mut m = null_mut();
            assert_eq!(csmail_imap_fetch(h, uid, 1, &mut m), CSMAIL_OK);
            let (mut data, mut len) = (null(), 0usize);
            assert_eq!(csmail_message_data(m, &mut data, &mut len), CSMAIL_OK);
            assert_eq!(std::slice::from_raw_parts(data, len), MULTIPART.as_bytes());
            let mut count = 0usize;
            assert_eq!(csmail_message_attachment_count(m, &mut count), CSMAIL_OK);
            assert_eq!(count, 2, "the PDF and the attached message");
            assert_eq!(csmail_message_release(m), CSMAIL_OK);
            // A UID that is not there, and a NULL out pointer.
            assert_eq!(csmail_imap_fetch(h, 999, 1, &mut m), CSMAIL_E_SERVER);
            assert_eq!(csmail::ffi::common::csmail_last_eex(), eexImapNo);
            assert_eq!(csmail_imap_fetch(h, uid, 1, null_mut()), CSMAIL_E_INVALID_ARGUMENT);
        }
        assert_eq!(csmail_imap_release(h), CSMAIL_OK);
    }

    unsafe extern "system" fn record(ud: *mut std::ffi::c_void, data: *const u8, len: usize) -> i32 {
        // SAFETY: ud is a Vec<Vec<u8>>; data is readable for len bytes during the call.
        let pieces = unsafe { &mut *(ud as *mut Vec<Vec<u8>>) };
        pieces.push(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
        0
    }
}
