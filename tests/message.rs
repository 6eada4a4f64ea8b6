//! The Message object without a server: compose → save → load → compare, header and address
//! safety, section file names, limits, broken MIME, lazily parsed bytes, streamed attachments.

mod message_fixture;

use csmail::error::*;
use csmail::message::{Mailbox, Message, Section};
use csmail::source::MessageSource;
use message_fixture::{assert_same_as_rich, pseudo_random, rich_message};
use std::sync::Arc;

fn read_all(src: &mut dyn MessageSource, chunk: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; chunk];
    loop {
        let n = src.read(&mut buf).unwrap();
        if n == 0 {
            return out;
        }
        out.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn compose_save_load_compare() {
    let dir = tempfile::tempdir().unwrap();
    let (m, logo, pdf) = rich_message(dir.path());
    assert_same_as_rich(&m, &logo, &pdf, true);
    let file = dir.path().join("saved.eml");
    m.save_to_file(file.to_str().unwrap()).unwrap();
    // SaveToFile added Date and Message-ID once; the bytes and the message agree.
    let id = m.message_id().expect("a Message-ID was generated");
    assert!(id.ends_with("@example.com"), "{id}");
    assert!(m.header("Date").is_some());
    let saved = std::fs::read(&file).unwrap();
    assert!(m.data().unwrap().as_slice() == saved.as_slice(), "data() and SaveToFile give the same bytes");
    assert!(saved.is_ascii(), "a composed message is 7-bit");
    assert!(saved.split(|b| *b == b'\n').all(|l| l.len() <= 998), "no line longer than RFC 5322 allows");

    let loaded = Message::new();
    loaded.load_from_file(file.to_str().unwrap()).unwrap();
    assert_same_as_rich(&loaded, &logo, &pdf, true);
    assert_eq!(loaded.message_id(), Some(id));
    assert_eq!(loaded.header("Date"), m.header("Date"));
    assert!(!loaded.limits_exceeded());
    // Unchanged, a loaded message gives back exactly the bytes read.
    assert!(loaded.data().unwrap().as_slice() == saved.as_slice());
}

#[test]
fn bcc_is_in_the_saved_message_and_never_in_the_sent_one() {
    let dir = tempfile::tempdir().unwrap();
    let (m, logo, pdf) = rich_message(dir.path());
    let sent = read_all(m.source(false).unwrap().as_mut(), 4096);
    assert!(!String::from_utf8_lossy(&sent).to_ascii_lowercase().contains("\nbcc:"));
    assert!(String::from_utf8_lossy(&m.data().unwrap()).contains("\r\nBcc: <hidden@example.com>\r\n"));
    let back = Message::from_bytes(sent);
    assert_same_as_rich(&back, &logo, &pdf, false);
    // The envelope keeps the Bcc recipient.
    let (from, rcpts) = m.envelope().unwrap();
    assert_eq!(from, "joerg@example.com");
    assert_eq!(rcpts, ["jane@example.com", "bob@example.com", "carol@example.com", "hidden@example.com"]);
    // A message read from bytes loses its Bcc line when sent, and only it.
    let raw =
        b"From: a@example.com\r\nBcc: x@example.com,\r\n y@example.com\r\nTo: b@example.com\r\n\r\nbody\r\n".to_vec();
    let loaded = Message::from_bytes(raw);
    assert_eq!(loaded.envelope().unwrap().1, ["b@example.com", "x@example.com", "y@example.com"]);
    let sent = read_all(loaded.source(false).unwrap().as_mut(), 7);
    assert_eq!(sent, b"From: a@example.com\r\nTo: b@example.com\r\n\r\nbody\r\n");
}

#[test]
fn header_values_can_never_start_a_header() {
    let m = Message::new();
    for (name, value) in [
        ("Subject", "hi\r\nBcc: victim@example.com"),
        ("Subject", "hi\nX-Evil: 1"),
        ("Subject", "hi\rX"),
        ("X-Custom", "a\0b"),
        ("To", "a@example.com\r\nBcc: b@example.com"),
    ] {
        let e = m.set_header(name, value).unwrap_err();
        assert_eq!((e.result, e.eex), (CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter), "{name}: {value:?}");
        let e = m.add_header(name, value).unwrap_err();
        assert_eq!(e.eex, eexForbiddenCharacter);
    }
    for name in ["X Bad", "X:Bad", "", "Ünï", "X-\r\nBcc"] {
        assert_eq!(m.set_header(name, "v").unwrap_err().eex, eexInvalidHeader, "{name:?}");
    }
    assert_eq!(m.set_header("Date", "yesterday").unwrap_err().eex, eexInvalidHeader);
    m.set_header("Date", "Tue, 1 Dec 2026 10:00:00 +0000").unwrap();
    for name in ["Content-Type", "content-transfer-encoding", "MIME-Version"] {
        assert_eq!(m.set_header(name, "text/html").unwrap_err().eex, eexInvalidHeader, "{name}");
    }
    assert_eq!(
        m.add_address("From", Some("Evil\r\nBcc: x@y.example"), "a@example.com").unwrap_err().eex,
        eexInvalidAddress
    );
    assert_eq!(m.add_address("Subject", None, "a@example.com").unwrap_err().eex, eexInvalidHeader);
    // Long values fold: every line stays short, and the value reads back whole.
    let long = "word ".repeat(60) + "end";
    m.set_subject(&long).unwrap();
    m.add_address("From", None, "a@example.com").unwrap();
    m.set_text_body("x").unwrap();
    let data = m.data().unwrap();
    assert!(data.split(|b| *b == b'\n').all(|l| l.strip_suffix(b"\r").unwrap_or(l).len() <= 78), "folded");
    assert_eq!(Message::from_bytes(data.to_vec()).subject().as_deref(), Some(long.as_str()));
}

#[test]
fn addresses_are_validated_and_names_cannot_smuggle_addresses() {
    let m = Message::new();
    for bad in ["not an address", "a@", "a b@example.com", "<a@example.com>>", "a@exa mple.com", "a@b@c"] {
        let e = m.set_header("To", bad).unwrap_err();
        assert_eq!(e.eex, eexInvalidAddress, "{bad:?}");
        assert_eq!(m.add_address("To", None, bad).unwrap_err().eex, eexInvalidAddress, "{bad:?}");
    }
    // A display name full of address syntax stays a display name.
    for name in
        ["evil@attacker.example", "x <evil@attacker.example>, y", "\"quoted\" <a@b.example>", "Ünïcödé, <x@y.example>"]
    {
        let m = Message::new();
        m.add_address("To", Some(name), "ok@example.com").unwrap();
        m.add_address("From", None, "me@example.com").unwrap();
        let back = Message::from_bytes(m.data().unwrap().to_vec());
        assert_eq!(
            back.addresses("To"),
            vec![Mailbox { name: Some(name.into()), address: "ok@example.com".into() }],
            "{name}"
        );
        assert_eq!(back.envelope().unwrap().1, ["ok@example.com"]);
    }
    // Without From or recipients there is no envelope.
    let m = Message::new();
    assert_eq!(m.envelope().unwrap_err().eex, eexNoEnvelope);
    m.set_header("From", "a@example.com").unwrap();
    assert_eq!(m.envelope().unwrap_err().eex, eexNoEnvelope);
    m.set_header("Sender", "s@example.com").unwrap();
    m.set_header("To", "b@example.com, B@example.com").unwrap();
    assert_eq!(m.envelope().unwrap(), ("s@example.com".to_owned(), vec!["b@example.com".to_owned()]));
}

#[test]
fn section_save_to_file_stays_in_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let raw = b"From: a@example.com\r\nTo: b@example.com\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n\
--XX\r\nContent-Type: text/plain\r\n\r\nhi\r\n\
--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../escape.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n\
--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"/tmp/abs.txt\"\r\n\r\nabs\r\n\
--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"CON.txt\"\r\n\r\ncon\r\n\
--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''..%2F..%5Cwin.txt\r\n\r\nwin\r\n\
--XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"good.bin\"\r\n\r\ngood\r\n\
--XX--\r\n";
    let m = Message::from_bytes(raw.to_vec());
    let att = m.attachments();
    let names: Vec<String> = att.iter().map(|s| s.file_name().unwrap()).collect();
    assert_eq!(names, ["../../escape.txt", "/tmp/abs.txt", "CON.txt", "../..\\win.txt", "good.bin"]);
    for s in &att[..4] {
        let e = s.save_to_folder(folder.to_str().unwrap(), None).unwrap_err();
        assert_eq!((e.result, e.eex), (CSMAIL_E_INVALID_ARGUMENT, eexUnsafeFileName), "{:?}", s.file_name());
    }
    let p = att[4].save_to_folder(folder.to_str().unwrap(), None).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), b"good");
    // A caller-given name replaces a hostile one.
    let p = att[0].save_to_folder(folder.to_str().unwrap(), Some("escape.txt")).unwrap();
    assert_eq!(p, folder.join("escape.txt"));
    assert_eq!(std::fs::read(&p).unwrap(), b"hello");
    let mut written: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, ["escape.txt", "good.bin"]);
    assert!(!dir.path().join("escape.txt").exists());
    // A symbolic link planted under the name is not followed.
    #[cfg(unix)]
    {
        let target = dir.path().join("target.txt");
        std::fs::write(&target, b"keep").unwrap();
        std::os::unix::fs::symlink(&target, folder.join("link.bin")).unwrap();
        let e = att[4].save_to_folder(folder.to_str().unwrap(), Some("link.bin")).unwrap_err();
        assert_eq!((e.result, e.eex), (CSMAIL_E_IO, eexMessageSink));
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
    }
}

fn nested(depth: usize) -> Vec<u8> {
    let mut s = String::from("From: a@example.com\r\nSubject: deep\r\n");
    for i in 0..depth {
        s += &format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
    }
    s += "Content-Type: text/plain\r\n\r\ninnermost\r\n";
    for i in (0..depth).rev() {
        s += &format!("--b{i}--\r\n");
    }
    s.into_bytes()
}

#[test]
fn hostile_nesting_and_part_counts_are_bounded() {
    let ok = Message::from_bytes(nested(10));
    assert!(!ok.limits_exceeded());
    assert_eq!(ok.sections().len(), 1);
    assert_eq!(ok.text_body().as_deref(), Some("innermost"));

    let raw = nested(200);
    let deep = Message::from_bytes(raw.clone());
    assert!(deep.limits_exceeded());
    assert_eq!(deep.subject().as_deref(), Some("deep"));
    assert!(deep.body().depth() <= csmail::message::limits::CSMAIL_MESSAGE_MAX_DEPTH as usize);
    assert_eq!(deep.data().unwrap().as_slice(), raw.as_slice(), "the bytes stay available");

    let mut wide = String::from("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=W\r\n\r\n");
    for i in 0..3000 {
        wide += &format!("--W\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n");
    }
    wide += "--W--\r\n";
    let wide = Message::from_bytes(wide.into_bytes());
    assert!(wide.limits_exceeded());
    assert_eq!(wide.body().count(), csmail::message::limits::CSMAIL_MESSAGE_MAX_PARTS as usize);

    // Composing refuses to go over the limits.
    let root = Section::new("multipart/mixed").unwrap();
    let mut cur = root.clone();
    for _ in 0..40 {
        let next = Section::new("multipart/mixed").unwrap();
        cur.add_child(next.clone()).unwrap();
        cur = next;
    }
    let m = Message::new();
    assert_eq!(m.set_body(root).unwrap_err().eex, eexMimeLimit);
    // Nor can a section contain itself.
    let a = Section::new("multipart/mixed").unwrap();
    let b = Section::new("multipart/mixed").unwrap();
    a.add_child(b.clone()).unwrap();
    assert_eq!(b.add_child(a.clone()).unwrap_err().eex, eexInvalidArgument);
    assert_eq!(a.add_child(a.clone()).unwrap_err().eex, eexInvalidArgument);
}

#[test]
fn broken_mime_is_never_fatal() {
    let samples: Vec<&[u8]> = vec![
        b"",
        b"no headers at all, just text",
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\nContent-Type: text/plain\r\n\r\nunterminated",
        b"From: a@example.com\r\nContent-Type: multipart/mixed\r\n\r\nmultipart without a boundary\r\n",
        b"From: a@example.com\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64###\r\n",
        b"From: a@example.com\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbad =ZZ escape =\r\n",
        b"From: =?bogus?Q?x?= <a@example.com>\r\nSubject: =?utf-8?B?!!!?=\r\n\r\n\xff\xfe\x00binary\r\n",
        b"Content-Type: text/plain; charset=\"no-such-charset\"\r\n\r\n\xe9t\xe9\r\n",
        b"From: a@example.com\r\nContent-Type: multipart/alternative; boundary=\"\"\r\n\r\n--\r\n\r\n--\r\n",
    ];
    for raw in samples {
        let m = Message::from_bytes(raw.to_vec());
        let _ = (m.subject(), m.headers(), m.text_body(), m.html_body(), m.attachments(), m.limits_exceeded());
        for s in m.sections() {
            let _ = (s.content().unwrap(), s.text().unwrap(), s.file_name(), s.content_type());
        }
        assert_eq!(m.data().unwrap().as_slice(), raw, "{:?}", String::from_utf8_lossy(raw));
    }
    let m = Message::from_bytes(b"no headers at all, just text".to_vec());
    assert_eq!(m.text_body().as_deref(), Some("no headers at all, just text"));
    // Found by the fuzzer: a header name that cannot be written again is left out when a
    // changed message is composed, and breaks nothing after it.
    let raw = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions/broken-header-name.eml")).unwrap();
    let m = Message::from_bytes(raw);
    m.set_header("X-Added", "1").unwrap();
    let again = Message::from_bytes(m.data().unwrap().to_vec());
    assert_eq!(again.header("X-Added").as_deref(), Some("1"));
    // Also found by the fuzzer: a Date mail-parser cannot read is not written again (it would
    // swallow the next field); a new one is made.
    let raw = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions/broken-date.eml")).unwrap();
    let m = Message::from_bytes(raw);
    assert_eq!(m.header("Date"), None);
    m.set_header("X-Added", "1").unwrap();
    let again = Message::from_bytes(m.data().unwrap().to_vec());
    assert_eq!(again.header("X-Added").as_deref(), Some("1"));
    assert!(again.header("Date").is_some());
}

#[test]
fn a_read_message_keeps_its_bytes_until_changed() {
    let raw = b"From: A <a@example.com>\r\nTo:   b@example.com\r\nSubject: =?iso-8859-1?q?caf=E9?=\r\nX-Odd:   spacing kept\r\n\r\nBody\r\n".to_vec();
    let m = Message::from_bytes(raw.clone());
    assert_eq!(m.subject().as_deref(), Some("café"));
    assert_eq!(m.text_body().as_deref(), Some("Body\r\n"));
    assert_eq!(m.data().unwrap().as_slice(), raw.as_slice());
    m.set_subject("changed").unwrap();
    let changed = m.data().unwrap();
    assert_ne!(changed.as_slice(), raw.as_slice());
    let back = Message::from_bytes(changed.to_vec());
    assert_eq!(back.subject().as_deref(), Some("changed"));
    assert_eq!(back.addresses("From"), vec![Mailbox { name: Some("A".into()), address: "a@example.com".into() }]);
    assert_eq!(back.text_body().as_deref(), Some("Body\r\n"));
    // A change through a section handle is seen too.
    let s = back.sections()[0].clone();
    let before = back.data().unwrap();
    s.set_text("new body").unwrap();
    let after = back.data().unwrap();
    assert_ne!(before, after);
    assert_eq!(Message::from_bytes(after.to_vec()).text_body().as_deref(), Some("new body"));
}

#[test]
fn file_attachments_stream_in_chunks_with_the_announced_size() {
    let dir = tempfile::tempdir().unwrap();
    for len in [0usize, 1, 56, 57, 58, 57 * 1024, 57 * 1024 + 5, 300_000] {
        let data = pseudo_random(len, len as u32 + 1);
        let path = dir.path().join(format!("f{len}.bin"));
        std::fs::write(&path, &data).unwrap();
        let m = Message::new();
        m.set_header("From", "a@example.com").unwrap();
        m.set_text_body("see attachment").unwrap();
        m.add_attachment_file(path.to_str().unwrap(), Some("application/x-test"), None).unwrap();
        let mut src = m.source(true).unwrap();
        let size = src.size().unwrap();
        let bytes = read_all(src.as_mut(), 1000);
        assert_eq!(bytes.len() as u64, size, "announced size for {len}");
        assert!(bytes.split(|b| *b == b'\n').all(|l| l.strip_suffix(b"\r").unwrap_or(l).len() <= 78));
        let back = Message::from_bytes(bytes);
        let att = back.attachments();
        assert_eq!(att.len(), 1);
        assert_eq!(att[0].content_type(), "application/x-test");
        assert_eq!(att[0].file_name().as_deref(), Some(format!("f{len}.bin").as_str()));
        assert_eq!(att[0].content().unwrap(), data, "content of {len}");
    }
    // A file that shrinks between compose and send fails the send instead of sending garbage.
    let path = dir.path().join("shrinks.bin");
    std::fs::write(&path, vec![1u8; 10_000]).unwrap();
    let m = Message::new();
    m.add_attachment_file(path.to_str().unwrap(), None, None).unwrap();
    std::fs::write(&path, vec![1u8; 10]).unwrap();
    let mut src = m.source(true).unwrap();
    let mut buf = vec![0u8; 100_000];
    let err = loop {
        match src.read(&mut buf) {
            Ok(0) => panic!("the shrunk file was sent as if complete"),
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert!(err.to_string().contains("shorter"), "{err}");
}

#[test]
fn sections_can_be_added_removed_and_built_by_hand() {
    let m = Message::new();
    m.set_header("From", "a@example.com").unwrap();
    m.set_text_body("text").unwrap();
    let a = m.add_attachment_bytes("a.csv", b"x,y\n1,2\n".to_vec(), None).unwrap();
    assert_eq!(a.content_type(), "text/csv");
    let b = m.add_attachment_bytes("b.dat", vec![0, 1, 2], Some("application/x-b")).unwrap();
    assert_eq!(m.attachments().len(), 2);
    assert!(m.remove_section(&a));
    assert!(!m.remove_section(&a));
    assert_eq!(m.attachments().len(), 1);
    assert!(Arc::ptr_eq(&m.attachments()[0], &b));
    let c = Section::new("application/json").unwrap();
    c.set_content(b"{}".to_vec()).unwrap();
    c.set_file_name(Some("c.json")).unwrap();
    m.add_section(c.clone()).unwrap();
    assert_eq!(m.add_section(c.clone()).unwrap_err().eex, eexInvalidArgument);
    let back = Message::from_bytes(m.data().unwrap().to_vec());
    let names: Vec<Option<String>> = back.attachments().iter().map(|s| s.file_name()).collect();
    assert_eq!(names, [Some("b.dat".into()), Some("c.json".into())]);
    assert_eq!(back.text_body().as_deref(), Some("text"));
    // Section property checks.
    assert_eq!(Section::new("nonsense").unwrap_err().eex, eexInvalidHeader);
    assert_eq!(c.set_content_type("text/\r\nBcc").unwrap_err().eex, eexInvalidHeader);
    assert_eq!(c.set_header("Content-Type", "x/y").unwrap_err().eex, eexInvalidHeader);
    assert_eq!(c.set_header("X-Note", "a\nb").unwrap_err().eex, eexForbiddenCharacter);
    assert_eq!(c.set_param("boundary", Some("x")).unwrap_err().eex, eexInvalidHeader);
    assert_eq!(c.set_content_id(Some("has space")).unwrap_err().eex, eexInvalidHeader);
    c.set_param("format", Some("flowed")).unwrap();
    assert_eq!(c.param("format").as_deref(), Some("flowed"));
}

/// An inline resource (Content-ID and a file name, as `add_inline_file` makes) is never the body,
/// whatever its type: an HTML body with an inline .txt file is multipart/related with the HTML
/// first, and there is no text body. A body part that only carries a Content-ID stays the body.
#[test]
fn an_inline_text_file_is_a_related_resource_not_the_text_body() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("notes.txt");
    std::fs::write(&txt, "inline words\r\n").unwrap();
    let m = Message::new();
    m.set_html_body("<p>see <a href=\"cid:notes\">notes</a></p>").unwrap();
    m.add_inline_file("notes", txt.to_str().unwrap(), None).unwrap();
    assert_eq!(m.text_body(), None);
    assert_eq!(m.html_body().as_deref(), Some("<p>see <a href=\"cid:notes\">notes</a></p>"));
    let root = m.body();
    assert_eq!(root.content_type(), "multipart/related");
    let kids: Vec<String> = root.children().iter().map(|s| s.content_type()).collect();
    assert_eq!(kids, ["text/html", "text/plain"]);
    assert_eq!(root.children()[1].content_id().as_deref(), Some("notes"));

    // Setting a text body now adds one next to the HTML, and the inline part stays with the HTML.
    m.set_text_body("plain words").unwrap();
    assert_eq!(m.text_body().as_deref(), Some("plain words"));
    let root = m.body();
    assert_eq!(root.content_type(), "multipart/alternative");
    let kids: Vec<String> = root.children().iter().map(|s| s.content_type()).collect();
    assert_eq!(kids, ["text/plain", "multipart/related"]);

    // A parsed body part with a Content-ID but no file name is still the body.
    let parsed = Message::from_bytes(
        b"Content-Type: text/plain\r\nContent-ID: <body@x>\r\nSubject: s\r\n\r\nthe body\r\n".to_vec(),
    );
    assert_eq!(parsed.text_body().as_deref(), Some("the body\r\n"));
}
