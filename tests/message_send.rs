//! Message objects through the bundled server: compose → send (STARTTLS) → retrieve (POP3S) →
//! parse → compare every field and attachment byte for byte; Bcc recipients get the message
//! and never see the Bcc line; envelope errors stop before anything is sent.

mod common;
mod message_fixture;

use common::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::message::Message;
use csmail::options::*;
use message_fixture::{assert_same_as_rich, rich_message};

fn retrieve_all(fx: &Fixture, user: &str, pass: &str) -> Vec<Message> {
    let pop = fx.pop3(fx.server.pop3s_port, Some(fx.ssl(MODE_CHANNEL)), user, pass);
    pop.connect().unwrap();
    let (count, _) = pop.stat().unwrap();
    let msgs = (1..=count).map(|n| pop.retrieve_message(n).unwrap()).collect();
    pop.disconnect().unwrap();
    msgs
}

#[test]
fn compose_send_retrieve_compare() {
    let fx = Fixture::start();
    let dir = tempfile::tempdir().unwrap();
    let (m, logo, pdf) = rich_message(dir.path());
    // The envelope goes to users of the bundled server (its recipients are local parts).
    m.set_header("To", "\"Doe, Jane\" <bob@example.com>").unwrap();
    m.add_address("To", None, "bob@example.com").unwrap();
    m.set_header("Bcc", "alice@example.com").unwrap();
    m.set_header("Cc", "\"Carol C.\" <carol@example.com>").unwrap();
    let smtp = fx.smtp(fx.server.smtp_port, Some(fx.ssl(MODE_STARTTLS)));
    smtp.set_str(CSMAIL_PROP_USER, "alice").unwrap();
    smtp.set_str(CSMAIL_PROP_PASSWORD, "alicepass").unwrap();
    smtp.connect().unwrap();
    // carol is no user of the bundled server: the whole send is refused, nothing delivered.
    let e = smtp.send_message(&m).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_SERVER, eexSmtpServer));
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    // With PIPELINING the client closed the connection so that nothing is delivered.
    if smtp.get_int(CSMAIL_PROP_CONNECTED).unwrap() == 0 {
        smtp.connect().unwrap();
    }
    // The envelope given explicitly replaces the headers' (bob, and alice for the Bcc).
    smtp.send_message_to(&m, Some("alice@example.com"), Some(&["bob@example.com", "alice@example.com"])).unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    smtp.disconnect().unwrap();

    let sent_id = m.message_id().expect("generated before sending");
    for (user, pass) in [("bob", "bobpass"), ("alice", "alicepass")] {
        let got = retrieve_all(&fx, user, pass);
        assert_eq!(got.len(), 1, "{user}");
        let r = &got[0];
        assert_eq!(r.message_id().as_deref(), Some(sent_id.as_str()));
        assert_eq!(r.header("Date"), m.header("Date"));
        assert_eq!(r.header("Bcc"), None, "{user} sees no Bcc");
        assert_eq!(r.addresses("To").len(), 2);
        assert_eq!(r.addresses("To")[0].name.as_deref(), Some("Doe, Jane"));
        assert_eq!(r.addresses("Cc")[0].address, "carol@example.com");
        // Everything else as composed, the attachments byte for byte.
        r.set_header("To", &m.header("To").unwrap()).unwrap();
        r.set_header("To", "\"Doe, Jane\" <jane@example.com>, bob@example.com").unwrap();
        assert_same_as_rich(r, &logo, &pdf, false);
    }
}

#[test]
fn the_envelope_comes_from_the_message() {
    let fx = Fixture::start();
    let m = Message::new();
    m.set_header("From", "Alice <alice@example.com>").unwrap();
    m.set_header("To", "Bob <bob@example.com>").unwrap();
    m.set_header("Bcc", "alice@example.com").unwrap();
    m.set_subject("envelope").unwrap();
    m.set_text_body("body").unwrap();
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    smtp.send_message(&m).unwrap();
    // No sender or no recipient: refused before the server hears of it, recorded in ErrorInfo.
    let empty = Message::new();
    let e = smtp.send_message(&empty).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_INVALID_ARGUMENT, eexNoEnvelope));
    assert_eq!(smtp.extended_error().number, eexNoEnvelope);
    smtp.disconnect().unwrap();
    let bob = retrieve_all(&fx, "bob", "bobpass");
    let alice = retrieve_all(&fx, "alice", "alicepass");
    assert_eq!((bob.len(), alice.len()), (1, 1));
    for r in [&bob[0], &alice[0]] {
        assert_eq!(r.subject().as_deref(), Some("envelope"));
        // A single-part body ends with the line end the transport needs.
        assert_eq!(r.text_body().as_deref(), Some("body\r\n"));
        assert_eq!(r.header("Bcc"), None);
        assert!(!String::from_utf8_lossy(&r.data().unwrap()).contains("Bcc"));
    }
}

#[test]
fn a_retrieved_message_is_resent_unchanged() {
    let fx = Fixture::start();
    let raw = b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: =?iso-8859-1?q?r=E9sum=E9?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nR\xe9sum\xe9 line\r\n.dot line\r\n";
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    smtp.send_message(&Message::from_bytes(raw.to_vec())).unwrap();
    smtp.disconnect().unwrap();
    let got = retrieve_all(&fx, "bob", "bobpass");
    assert!(got[0].data().unwrap().as_slice() == raw, "byte for byte");
    assert_eq!(got[0].subject().as_deref(), Some("résumé"));
    assert_eq!(got[0].text_body().as_deref(), Some("Résumé line\r\n.dot line\r\n"));
    assert_eq!(got[0].sections()[0].charset().as_deref(), Some("iso-8859-1"));
    assert_eq!(got[0].sections()[0].content().unwrap(), b"R\xe9sum\xe9 line\r\n.dot line\r\n");
}

#[test]
fn an_address_that_needs_smtputf8_is_refused_clearly_without_it() {
    let s = Scripted::start("smtp_message_no_smtputf8", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let m = Message::new();
    m.set_header("From", "Jörg <jörg@bücher.example>").unwrap();
    m.set_header("To", "bob@example.com").unwrap();
    m.set_text_body("hi").unwrap();
    let e = c.send_message(&m).unwrap_err();
    // Refused before anything is sent: a local refusal, not the server's.
    assert_eq!((e.result, e.eex), (CSMAIL_E_REFUSED_LOCALLY, eexSmtpUtf8Required));
    assert_eq!(e.text, "an address is not ASCII and the server does not offer SMTPUTF8");
    assert_eq!(c.extended_error().number, eexSmtpUtf8Required);
    c.disconnect().unwrap();
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n", "no envelope was sent");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// The message a scripted session received: from after DATA to the line before the final dot.
fn data_sent(received: &[u8]) -> &[u8] {
    let start = received.windows(6).position(|w| w == b"DATA\r\n").expect("DATA was sent") + 6;
    let end = received.windows(5).position(|w| w == b"\r\n.\r\n").expect("the data was ended") + 2;
    &received[start..end]
}

/// One message sent to the server without SMTPUTF8: refused before MAIL with eexSmtpUtf8Required,
/// the text naming the header and the address; only EHLO and QUIT on the wire.
fn assert_refused_without_smtputf8(m: &Message, envelope: Option<(&str, &[&str])>, header: &str, address: &str) {
    let s = Scripted::start("smtp_message_no_smtputf8", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = match envelope {
        None => c.send_message(m),
        Some((from, rcpts)) => c.send_message_to(m, Some(from), Some(rcpts)),
    }
    .unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_REFUSED_LOCALLY, eexSmtpUtf8Required), "{header}: {e}");
    assert_eq!(
        e.text,
        format!(
            "the {header} address {address} is not ASCII and the server does not offer SMTPUTF8; use an ASCII \
             address (a domain may be written in its xn-- form) or a server with SMTPUTF8"
        )
    );
    assert_eq!(c.extended_error().number, eexSmtpUtf8Required);
    // A local refusal: no server reply belongs to it.
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 0);
    c.disconnect().unwrap();
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n", "{header}: no MAIL was sent");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn a_non_ascii_address_outside_the_envelope_is_refused_without_smtputf8() {
    let ascii = || {
        let m = Message::new();
        m.set_header("From", "Alice <alice@example.com>").unwrap();
        m.set_header("To", "bob@example.com").unwrap();
        m.set_text_body("hi").unwrap();
        m
    };
    // Only in Reply-To: the envelope is ASCII.
    let m = ascii();
    m.add_address("Reply-To", Some("Jörg"), "jörg@bücher.example").unwrap();
    assert_refused_without_smtputf8(&m, None, "Reply-To", "jörg@bücher.example");
    // Only in Sender, the envelope given.
    let m = ascii();
    m.set_header("Sender", "jörg@bücher.example").unwrap();
    assert_refused_without_smtputf8(
        &m,
        Some(("alice@example.com", &["bob@example.com"])),
        "Sender",
        "jörg@bücher.example",
    );
    // Only in To, the envelope given.
    let m = ascii();
    m.add_address("To", None, "zoë@example.com").unwrap();
    assert_refused_without_smtputf8(&m, Some(("alice@example.com", &["bob@example.com"])), "To", "zoë@example.com");
}

/// With SMTPUTF8 on the server, a non-ASCII address only in the header still puts SMTPUTF8 on
/// MAIL (the script expects it), and the address goes out as UTF-8.
#[test]
fn a_non_ascii_header_address_asks_for_smtputf8_with_an_ascii_envelope() {
    let s = Scripted::start("smtp_message_smtputf8_header", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let m = Message::new();
    m.set_header("From", "a@example.com").unwrap();
    m.set_header("To", "b@example.com").unwrap();
    m.add_address("Reply-To", None, "jörg@bücher.example").unwrap();
    m.set_text_body("hi").unwrap();
    c.send_message(&m).unwrap();
    c.disconnect().unwrap();
    drop(c);
    let out = s.finish();
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
    let back = Message::from_bytes(data_sent(&out.received).to_vec());
    assert_eq!(back.addresses("Reply-To")[0].address, "jörg@bücher.example");
}

/// A non-ASCII display name needs no SMTPUTF8: it goes out RFC 2047-encoded, the address as is.
#[test]
fn a_non_ascii_display_name_is_encoded_without_smtputf8() {
    let s = Scripted::start("smtp_message_no_8bitmime", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let m = Message::new();
    m.set_header("From", "a@example.com").unwrap();
    m.set_header("To", "b@example.com").unwrap();
    m.add_address("Reply-To", Some("Jörg Bücher"), "joerg@example.com").unwrap();
    m.set_text_body("hi").unwrap();
    c.send_message(&m).unwrap();
    c.disconnect().unwrap();
    drop(c);
    let out = s.finish();
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
    let data = data_sent(&out.received);
    assert!(data.is_ascii(), "7-bit on the wire: {}", show(data));
    let back = Message::from_bytes(data.to_vec());
    let reply_to = back.addresses("Reply-To");
    assert_eq!(reply_to.len(), 1);
    assert_eq!((reply_to[0].name.as_deref(), reply_to[0].address.as_str()), (Some("Jörg Bücher"), "joerg@example.com"));
}

#[test]
fn an_8bit_message_goes_7bit_to_a_server_without_8bitmime() {
    let s = Scripted::start("smtp_message_no_8bitmime", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: =?iso-8859-1?q?caf=E9?=\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 cr\xe8me\r\n";
    let m = Message::from_bytes(raw.to_vec());
    assert!(m.is_8bit());
    c.send_message(&m).unwrap();
    c.disconnect().unwrap();
    drop(c);
    let out = s.finish();
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
    let data = data_sent(&out.received);
    assert!(data.is_ascii(), "7-bit on the wire: {}", show(data));
    let back = Message::from_bytes(data.to_vec());
    assert_eq!(back.subject().as_deref(), Some("café"));
    assert_eq!(back.message_id().as_deref(), Some("x@example.com"));
    let part = &back.sections()[0];
    assert_eq!(part.charset().as_deref(), Some("iso-8859-1"));
    assert_eq!(part.content().unwrap(), b"Caf\xe9 cr\xe8me\r\n");
}
