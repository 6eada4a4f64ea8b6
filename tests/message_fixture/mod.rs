//! The shared message of the Message tests: every field the object model has, and the check
//! that a message read back has them all, attachments byte for byte.
#![allow(dead_code)]

use csmail::message::{Mailbox, Message};

pub fn pseudo_random(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as u8
        })
        .collect()
}

/// A message with everything the object model has, its attachment file in `dir`.
pub fn rich_message(dir: &std::path::Path) -> (Message, Vec<u8>, Vec<u8>) {
    let m = Message::new();
    m.add_address("From", Some("Jörg Müller"), "joerg@example.com").unwrap();
    m.add_address("To", Some("Doe, Jane"), "jane@example.com").unwrap();
    m.add_address("To", None, "bob@example.com").unwrap();
    m.set_header("Cc", "\"Carol C.\" <carol@example.com>").unwrap();
    m.set_header("Bcc", "hidden@example.com").unwrap();
    m.set_header("Reply-To", "replies@example.com").unwrap();
    m.set_subject("Grüße — the report ✓").unwrap();
    m.set_header("In-Reply-To", "<orig.1@example.com>").unwrap();
    m.set_header("References", "<root.0@example.com> <orig.1@example.com>").unwrap();
    m.set_header("X-Custom", "custom value").unwrap();
    m.set_priority(1).unwrap();
    m.set_text_body("Hello Jane,\r\nthe report is attached.\r\nÄÖÜ äöü ß\r\n").unwrap();
    m.set_html_body("<p>Hello Jane, <img src=\"cid:logo@example.com\"> the report.</p>\r\n").unwrap();
    let logo = pseudo_random(3000, 7);
    m.add_inline_bytes("logo@example.com", Some("logo.png"), logo.clone(), None).unwrap();
    let pdf = pseudo_random(200_001, 11);
    let long_name = "Jahresabschluß 2024 — Übersicht der Ergebnisse und nächsten Schritte (endgültig).pdf";
    let path = dir.join("report.bin");
    std::fs::write(&path, &pdf).unwrap();
    m.add_attachment_file(path.to_str().unwrap(), None, Some(long_name)).unwrap();
    m.add_attachment_bytes("notes.txt", b"line 1\nline 2 with trailing space \n".to_vec(), None).unwrap();
    (m, logo, pdf)
}

pub fn assert_same_as_rich(m: &Message, logo: &[u8], pdf: &[u8], with_bcc: bool) {
    assert_eq!(
        m.addresses("From"),
        vec![Mailbox { name: Some("Jörg Müller".into()), address: "joerg@example.com".into() }]
    );
    assert_eq!(
        m.addresses("To"),
        vec![
            Mailbox { name: Some("Doe, Jane".into()), address: "jane@example.com".into() },
            Mailbox { name: None, address: "bob@example.com".into() },
        ]
    );
    assert_eq!(m.addresses("Cc"), vec![Mailbox { name: Some("Carol C.".into()), address: "carol@example.com".into() }]);
    if with_bcc {
        assert_eq!(m.addresses("Bcc"), vec![Mailbox { name: None, address: "hidden@example.com".into() }]);
    } else {
        assert_eq!(m.addresses("Bcc"), vec![]);
        assert_eq!(m.header("Bcc"), None);
    }
    assert_eq!(m.header("Reply-To").as_deref(), Some("replies@example.com"));
    assert_eq!(m.subject().as_deref(), Some("Grüße — the report ✓"));
    assert_eq!(m.header("In-Reply-To").as_deref(), Some("<orig.1@example.com>"));
    assert_eq!(m.header("References").as_deref(), Some("<root.0@example.com> <orig.1@example.com>"));
    assert_eq!(m.header("X-Custom").as_deref(), Some("custom value"));
    assert_eq!(m.priority(), 1);
    assert_eq!(m.text_body().as_deref(), Some("Hello Jane,\r\nthe report is attached.\r\nÄÖÜ äöü ß\r\n"));
    assert_eq!(m.html_body().as_deref(), Some("<p>Hello Jane, <img src=\"cid:logo@example.com\"> the report.</p>\r\n"));
    let sections = m.sections();
    let kinds: Vec<String> = sections.iter().map(|s| s.content_type()).collect();
    assert_eq!(kinds, ["text/plain", "text/html", "image/png", "application/pdf", "text/plain"]);
    let inline = &sections[2];
    assert_eq!(inline.content_id().as_deref(), Some("logo@example.com"));
    assert_eq!(inline.disposition().as_deref(), Some("inline"));
    assert_eq!(inline.content().unwrap(), logo);
    assert!(!inline.is_attachment());
    let att = m.attachments();
    assert_eq!(att.len(), 2);
    assert_eq!(
        att[0].file_name().as_deref(),
        Some("Jahresabschluß 2024 — Übersicht der Ergebnisse und nächsten Schritte (endgültig).pdf")
    );
    assert_eq!(att[0].content().unwrap(), pdf);
    assert_eq!(att[1].file_name().as_deref(), Some("notes.txt"));
    assert_eq!(att[1].content().unwrap(), b"line 1\nline 2 with trailing space \n");
    // The layout: mixed [ alternative [ text, related [ html, png ] ], pdf, txt ].
    let root = m.body();
    assert_eq!(root.content_type(), "multipart/mixed");
    let top: Vec<String> = root.children().iter().map(|s| s.content_type()).collect();
    assert_eq!(top, ["multipart/alternative", "application/pdf", "text/plain"]);
    let alt: Vec<String> = root.children()[0].children().iter().map(|s| s.content_type()).collect();
    assert_eq!(alt, ["text/plain", "multipart/related"]);
}
