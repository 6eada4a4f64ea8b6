//! A courteous client and exact reports, against the bundled server's scripted mode:
//! - QUIT after a refused login where the protocol state is clean (SMTP 535, no usable
//!   mechanism, POP3 -ERR), with a short wait for its reply; none where it is not;
//! - local refusals (a message over SIZE, a non-ASCII address without SMTPUTF8) are
//!   CSMAIL_E_REFUSED_LOCALLY, and no older reply stays visible as if it belonged to them;
//! - SIZE= is the RFC 1870 size and BODY=8BITMIME is declared only for 8-bit data;
//! - POP3 AUTO says which mechanism it tried when the login fails, and falls back to nothing
//!   that would send the password in the clear.
//!
//! Every test asserts the result code, the eex number, the text and the bytes on the wire.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::source::FnSource;

fn smtp_with_login(s: &Scripted) -> csmail::SmtpClient {
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c
}

/// The script ran to its end without a surprise, and the client sent exactly `wire`.
#[track_caller]
fn assert_wire(s: Scripted, wire: &[u8]) {
    let out = s.finish();
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
    assert_eq!(show(&out.received), show(wire));
}

// ---- QUIT after a refused login ----

#[test]
fn smtp_535_then_quit() {
    let s = Scripted::start("smtp_auth_535", false);
    let c = smtp_with_login(&s);
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert_eq!(e.text, "authentication failed: 535 5.7.8 Authentication credentials invalid");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    // The refusal stays the last reply, not the QUIT's 221.
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 535);
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "5.7.8 Authentication credentials invalid");
    drop(c);
    assert_wire(s, b"EHLO client.test\r\nAUTH PLAIN AHUAcA==\r\nQUIT\r\n");
}

/// A server that does not answer QUIT costs a short wait, not the whole timeout, and changes
/// nothing in the result.
#[test]
fn smtp_535_then_quit_unanswered() {
    let s = Scripted::start("smtp_auth_535_quit_unanswered", false);
    let c = smtp_with_login(&s);
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert_eq!(e.text, "authentication failed: 535 5.7.8 Authentication credentials invalid");
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 535);
    drop(c);
    assert_wire(s, b"EHLO client.test\r\nAUTH PLAIN AHUAcA==\r\nQUIT\r\n");
}

#[test]
fn smtp_no_usable_mechanism_then_quit() {
    let s = Scripted::start("smtp_no_mechanism_quit", false);
    let c = smtp_with_login(&s);
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert_eq!(e.text, "the server offers no usable AUTH mechanism (offered: [])");
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_wire(s, b"EHLO client.test\r\nQUIT\r\n");
}

/// An AUTH exchange the server leaves unfinished (it asks for more): the state is unknown, so
/// the client closes without QUIT (a QUIT would be read as the next SASL response).
#[test]
fn smtp_unfinished_auth_closes_without_quit() {
    let s = Scripted::start("smtp_auth_login_unfinished", false);
    let c = smtp_with_login(&s);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_LOGIN).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert_eq!(e.text, "authentication failed: 334 VGhpcmQ6");
    drop(c);
    assert_wire(s, b"EHLO client.test\r\nAUTH LOGIN\r\ndQ==\r\ncA==\r\n");
}

#[test]
fn pop3_err_then_quit() {
    let s = Scripted::start("pop3_pass_resp_code", false);
    let c = s.pop3(1500);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_USER_PASS).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert_eq!(e.text, "USER/PASS login failed: -ERR [AUTH] bad");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "-ERR [AUTH] bad");
    drop(c);
    assert_wire(s, b"CAPA\r\nUSER u\r\nPASS p\r\nQUIT\r\n");
}

/// AUTO in the clear tries APOP; refused, it says so and how to go on, sends no USER/PASS (the
/// password would go in the clear), and says QUIT.
#[test]
fn pop3_auto_names_apop_and_does_not_fall_back() {
    let s = Scripted::start("pop3_auto_apop_refused", false);
    let c = s.pop3(1500);
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert_eq!(
        e.text,
        "APOP login failed: -ERR [AUTH] Bad login (AUTO chose APOP because the connection is not \
         encrypted and APOP keeps the password off the wire; it does not fall back to USER/PASS, \
         which would send the password in the clear: use TLS, or ask for USER/PASS explicitly)"
    );
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_wire(s, b"CAPA\r\nAPOP u da877f1f3b959005495feb445132c6fc\r\nQUIT\r\n");
}

// ---- local refusals, SIZE and BODY ----

/// Three sends on one session: a 7-bit message with bare line ends and leading dots (SIZE= is
/// its RFC 1870 size, no BODY=), an 8-bit one (BODY=8BITMIME), one of unknown size (no SIZE=,
/// BODY=8BITMIME since its bytes cannot be known beforehand). Between them, two local refusals:
/// over SIZE and a non-ASCII address without SMTPUTF8; nothing of them reaches the wire, and the
/// reply properties are empty after them rather than showing the last 250.
#[test]
fn size_body_and_local_refusals() {
    let s = Scripted::start("smtp_size_and_body", false);
    let c = s.smtp(1500);
    c.connect().unwrap();

    // 12 + 2 + 4 + 3 = 21 octets with CRLF line ends; the stuffing dot is not counted.
    let first: &[u8] = b"Subject: x\n\n.a\nb";
    c.send("a@example.com", &["b@example.com"], &mut &first[..]).unwrap();
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "2.0.0 first queued");

    let over = vec![b'x'; 1001];
    let e = expect_err(
        c.send("a@example.com", &["b@example.com"], &mut &over[..]),
        CSMAIL_E_REFUSED_LOCALLY,
        eexMessageTooLarge,
    );
    assert_eq!(e.text, "the message has 1003 bytes; the server accepts at most 1000 (SIZE)");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 0);
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "");
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);

    let second = "Gr\u{fc}\u{df}e\r\n".as_bytes();
    c.send("a@example.com", &["b@example.com"], &mut &second[..]).unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);

    let e = expect_err(
        c.send("a@example.com", &["b\u{fc}@example.com"], &mut &first[..]),
        CSMAIL_E_REFUSED_LOCALLY,
        eexSmtpUtf8Required,
    );
    assert_eq!(e.text, "an address is not ASCII and the server does not offer SMTPUTF8");
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 0);
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "");

    let mut rest: &[u8] = b"Subject: y\r\n\r\nno size known\r\n";
    let mut source = FnSource(move |buf: &mut [u8]| std::io::Read::read(&mut rest, buf));
    c.send("a@example.com", &["b@example.com"], &mut source).unwrap();
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "2.0.0 third queued");
    c.disconnect().unwrap();

    let envelope = |mail: &str| format!("{mail}\r\nRCPT TO:<b@example.com>\r\nDATA\r\n");
    let wire = format!(
        "EHLO client.test\r\n{}Subject: x\r\n\r\n..a\r\nb\r\n.\r\n{}Gr\u{fc}\u{df}e\r\n.\r\n{}Subject: y\r\n\r\nno size known\r\n.\r\nQUIT\r\n",
        envelope("MAIL FROM:<a@example.com> SIZE=21"),
        envelope("MAIL FROM:<a@example.com> SIZE=9 BODY=8BITMIME"),
        envelope("MAIL FROM:<a@example.com> BODY=8BITMIME"),
    );
    assert_wire(s, wire.as_bytes());
}

// ---- CHUNKING: no message byte before the envelope is accepted ----

/// MAIL refused on a server with CHUNKING: the client sent MAIL and RCPT only — no BDAT, no
/// message byte that the server could read as commands — then RSET, and stays connected.
#[test]
fn chunking_sends_no_chunk_behind_a_refused_envelope() {
    let s = Scripted::start("smtp_chunking_mail_refused", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let msg = b"Subject: x\r\n\r\nRCPT TO:<evil@example.com>\r\n";
    let e = expect_err(c.send("a@example.com", &["b@example.com"], &mut &msg[..]), CSMAIL_E_SERVER, eexSmtpServer);
    assert_eq!(e.text, "MAIL FROM refused: 530 5.7.0 Must issue a STARTTLS command first");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.disconnect().unwrap();
    drop(c);
    assert_wire(s, b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nRSET\r\nQUIT\r\n");
}
