//! IMAPClient against the bundled server: IMAPS and STARTTLS with the same SSLInfo outputs,
//! logins that work and fail with exact codes, mailboxes, search, fetch byte for byte (into
//! memory, a file, a callback and a Message), flags, copy, move, expunge, append, IDLE with a
//! delivery, and log redaction.

mod common;
use common::*;
use csmail::api::imap_client::{FetchItems, FlagOp, ImapEvent, Search};
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, ImapClient};
use csmail::error::*;
use csmail::log::*;
use csmail::options::*;
use csmail::source::FnSink;
use std::time::Duration;

const MSG: &[u8] =
    b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: imap one\r\n\r\nHello Bob.\r\n.leading dot\r\nend\r\n";
const MSG2: &[u8] = b"From: carol@example.com\r\nTo: bob@example.com\r\nSubject: second\r\n\r\nSecond body.\r\n";

/// Delivers `msg` to bob over SMTP.
fn deliver(fx: &Fixture, msg: &[u8]) {
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    smtp.send("alice@example.com", &["bob@example.com"], &mut &msg[..]).unwrap();
    smtp.disconnect().unwrap();
}

fn imaps(fx: &Fixture, user: &str, pass: &str) -> ImapClient {
    fx.imap(fx.server.imaps_port, Some(fx.ssl(MODE_CHANNEL)), user, pass)
}

#[test]
fn imaps_connects_with_the_sslinfo_outputs_and_logs_in() {
    let fx = Fixture::start();
    let ssl = fx.ssl(MODE_CHANNEL);
    let c = fx.imap(fx.server.imaps_port, Some(ssl.clone()), "bob", "bobpass");
    c.connect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS13);
    assert_eq!(n.certificate.status, CERTIFICATE_VALID);
    assert_eq!(n.certificate.details.subject, "CN=localhost");
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
    // After login the capabilities are those of the authenticated state (no AUTH= any more).
    let caps = c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    assert!(caps.split('\n').any(|l| l == "IDLE"), "{caps}");
    assert!(!caps.contains("AUTH="), "{caps}");
    assert!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap().starts_with("OK "));
    c.disconnect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

#[test]
fn starttls_is_required_and_credentials_wait_for_it() {
    let fx = Fixture::start();
    let (log, lines) = collecting_log();
    log.set_level(LOG_S_INFORMATION);
    let c = fx.imap(fx.server.imap_port, Some(fx.ssl(MODE_STARTTLS)), "bob", "bobpass");
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    c.disconnect().unwrap();
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    let starttls = logged.iter().position(|l| l == "C: A0001 STARTTLS").expect("STARTTLS sent first");
    let auth = logged.iter().position(|l| l.contains("AUTHENTICATE")).expect("AUTHENTICATE sent");
    // Capabilities read again over TLS, before the login.
    let recap = logged.iter().position(|l| l == "C: A0002 CAPABILITY").expect("CAPABILITY again");
    assert!(starttls < recap && recap < auth, "{logged:#?}");
    // AUTHENTICATE PLAIN with SASL-IR, redacted.
    assert_eq!(logged[auth], "C: A0003 AUTHENTICATE PLAIN <redacted>");
    assert!(!logged.iter().any(|l| l.contains(&common::sasl::plain("bob", "bobpass"))));
}

#[test]
fn plain_imap_without_tls_refuses_login_when_logindisabled() {
    let fx = Fixture::start();
    let c = fx.imap(fx.server.imap_port, None, "bob", "bobpass");
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_USER_PASS).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert!(e.text.contains("LOGINDISABLED"), "{}", e.text);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    assert_info(&c.extended_error(), &e);
}

#[test]
fn a_wrong_password_is_an_auth_failure_with_the_servers_code() {
    let fx = Fixture::start();
    for mech in [CSMAIL_AUTH_AUTO, CSMAIL_AUTH_USER_PASS, CSMAIL_AUTH_LOGIN, CSMAIL_AUTH_CRAM_MD5] {
        let c = imaps(&fx, "bob", "wrong");
        c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
        let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexImapNo);
        assert!(e.text.contains("[AUTHENTICATIONFAILED]"), "{mech}: {}", e.text);
        assert!(e.text.starts_with("login failed: the server refused "), "{}", e.text);
        assert_info(&c.extended_error(), &e);
        assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "NO [AUTHENTICATIONFAILED] Authentication failed");
    }
    // Every mechanism logs in with the right password.
    for mech in [CSMAIL_AUTH_PLAIN, CSMAIL_AUTH_USER_PASS, CSMAIL_AUTH_LOGIN, CSMAIL_AUTH_CRAM_MD5] {
        let c = imaps(&fx, "bob", "bobpass");
        c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
        c.connect().unwrap_or_else(|e| panic!("{mech}: {e}"));
        c.noop().unwrap();
        c.disconnect().unwrap();
    }
}

#[test]
fn list_select_search_fetch_byte_for_byte() {
    let fx = Fixture::start();
    deliver(&fx, MSG);
    deliver(&fx, MSG2);
    let c = imaps(&fx, "bob", "bobpass");
    c.connect().unwrap();
    c.create_mailbox("Archive").unwrap();
    c.create_mailbox("Entwürfe").unwrap();
    let names: Vec<String> = c.list("", "*").unwrap().into_iter().map(|e| e.name).collect();
    assert!(names.contains(&"INBOX".to_owned()) && names.contains(&"Archive".to_owned()), "{names:?}");
    assert!(names.contains(&"Entwürfe".to_owned()), "{names:?}");
    let archive = c.list("", "Archive").unwrap();
    assert_eq!(archive.len(), 1);
    assert!(archive[0].attributes.iter().any(|a| a == "\\Archive"), "{:?}", archive[0]);

    let st = c.status("INBOX").unwrap();
    assert_eq!((st.messages, st.unseen), (Some(2), Some(2)));
    let info = c.select("INBOX").unwrap();
    assert_eq!(info.exists, 2);
    assert!(info.uid_validity > 0);
    assert_eq!(info.uid_next, 3);
    assert!(!info.read_only);
    assert!(info.flags.iter().any(|f| f == "\\Seen"), "{:?}", info.flags);

    assert_eq!(c.search(&Search::new().all(), false).unwrap(), [1, 2]);
    assert_eq!(c.search(&Search::new().subject("second"), true).unwrap(), [2]);
    assert_eq!(c.search(&Search::new().from("carol"), false).unwrap(), [2]);
    assert_eq!(c.search(&Search::new().subject("nothing like it"), false).unwrap(), Vec::<u32>::new());
    // A search string that tries to inject a command stays a string.
    assert_eq!(c.search(&Search::new().subject("x\" OR ALL \""), false).unwrap(), Vec::<u32>::new());

    let infos = c.fetch_info("1:*", false, FetchItems::ALL).unwrap();
    assert_eq!(infos.len(), 2);
    assert_eq!((infos[0].number, infos[0].uid, infos[0].size), (1, 1, MSG.len() as u32));
    assert_eq!(infos[0].subject, "imap one");
    assert_eq!(infos[1].from, "carol@example.com");
    assert!(!infos[0].flags.iter().any(|f| f == "\\Seen"), "{:?}", infos[0].flags);
    assert!(!infos[0].internal_date.is_empty());

    // Into memory, a callback, a file, and a Message: byte for byte, and BODY.PEEK keeps \Seen off.
    let mut got = Vec::new();
    assert_eq!(c.fetch_body(1, true, "", &mut got).unwrap(), MSG.len() as u64);
    assert_eq!(got, MSG);
    let mut pieces = Vec::new();
    c.fetch_body(
        2,
        false,
        "",
        &mut FnSink(|d: &[u8]| {
            pieces.extend_from_slice(d);
            Ok(())
        }),
    )
    .unwrap();
    assert_eq!(pieces, MSG2);
    let path = fx.dir.path().join("m1.eml");
    c.fetch_file(1, true, path.to_str().unwrap()).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), MSG);
    let m = c.fetch_message(2, true).unwrap();
    assert_eq!(m.subject().as_deref(), Some("second"));
    let mut text = Vec::new();
    c.fetch_body(1, true, "TEXT", &mut text).unwrap();
    assert_eq!(text, b"Hello Bob.\r\n.leading dot\r\nend\r\n");
    assert_eq!(c.search(&Search::new().unseen(), false).unwrap(), [1, 2]);

    // A UID that does not exist.
    let e = expect_err(c.fetch_body(99, true, "", &mut Vec::new()), CSMAIL_E_SERVER, eexImapNo);
    assert_eq!(e.text, "no UID 99 in the selected mailbox");
    c.disconnect().unwrap();
}

#[test]
fn store_copy_move_expunge_and_append() {
    let fx = Fixture::start();
    deliver(&fx, MSG);
    deliver(&fx, MSG2);
    let c = imaps(&fx, "bob", "bobpass");
    c.connect().unwrap();
    c.create_mailbox("Keep").unwrap();
    c.select("INBOX").unwrap();
    c.store_flags("1", true, FlagOp::Add, &["\\Seen", "\\Flagged"]).unwrap();
    let f = c.fetch_info("1", true, FetchItems { flags: true, ..FetchItems::NONE });
    // \Recent (IMAP4rev1) may come too.
    let mut flags: Vec<String> = f.unwrap()[0].flags.iter().filter(|f| *f != "\\Recent").cloned().collect();
    flags.sort();
    assert_eq!(flags, ["\\Flagged", "\\Seen"]);
    assert_eq!(c.search(&Search::new().unseen(), true).unwrap(), [2]);
    c.store_flags("1", true, FlagOp::Remove, &["\\Flagged"]).unwrap();
    assert_eq!(c.search(&Search::new().flagged(), true).unwrap(), Vec::<u32>::new());

    c.copy("1", true, "Keep").unwrap();
    // COPY into a mailbox that does not exist: NO [TRYCREATE] in the text.
    let e = expect_err(c.copy("1", true, "Nowhere"), CSMAIL_E_SERVER, eexImapNo);
    assert!(e.text.contains("[TRYCREATE]"), "{}", e.text);
    assert!(e.text.starts_with("the server refused UID COPY: NO [TRYCREATE]"), "{}", e.text);

    c.move_messages("2", true, "Keep").unwrap();
    assert_eq!(c.search(&Search::new().all(), true).unwrap(), [1]);
    assert_eq!(c.status("Keep").unwrap().messages, Some(2));

    c.store_flags("1", true, FlagOp::Add, &["\\Deleted"]).unwrap();
    c.uid_expunge("1").unwrap();
    assert_eq!(c.search(&Search::new().all(), true).unwrap(), Vec::<u32>::new());

    let uid = c.append("INBOX", &["\\Seen"], &mut &MSG2[..]).unwrap();
    assert!(uid > 0);
    let mut got = Vec::new();
    c.fetch_body(uid, true, "", &mut got).unwrap();
    assert_eq!(got, MSG2);
    assert_eq!(c.search(&Search::new().seen(), true).unwrap(), [uid]);
    // A flag that would break the list is refused before anything is sent.
    let e = expect_err(
        c.store_flags("1", true, FlagOp::Add, &["\\Seen) A9 LOGOUT"]),
        CSMAIL_E_INVALID_ARGUMENT,
        eexInvalidArgument,
    );
    assert_info(&c.extended_error(), &e);
    // CR/LF in a mailbox name: refused.
    expect_err(c.create_mailbox("a\r\nA9 LOGOUT"), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    c.rename_mailbox("Keep", "Kept").unwrap();
    c.delete_mailbox("Kept").unwrap();
    c.close_mailbox(false).unwrap();
    c.disconnect().unwrap();
}

#[test]
fn idle_returns_when_a_message_arrives() {
    let fx = Fixture::start();
    let c = imaps(&fx, "bob", "bobpass");
    c.connect().unwrap();
    assert_eq!(c.select("INBOX").unwrap().exists, 0);
    let port = fx.server.smtp_port;
    let sender = std::thread::spawn(move || {
        let smtp = csmail::api::SmtpClient::new();
        smtp.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
        smtp.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        smtp.connect().unwrap();
        smtp.send("alice@example.com", &["bob@example.com"], &mut &MSG[..]).unwrap();
        smtp.disconnect().unwrap();
    });
    let out = c.idle(Duration::from_secs(60)).unwrap();
    sender.join().unwrap();
    assert_eq!(out.exists, 1);
    assert!(out.events.contains(&ImapEvent::Exists(1)), "{:?}", out.events);
    let mut got = Vec::new();
    c.fetch_body(1, false, "", &mut got).unwrap();
    assert_eq!(got, MSG);
    c.disconnect().unwrap();
}

#[test]
fn idle_without_a_change_ends_after_its_wait_and_the_session_goes_on() {
    let fx = Fixture::start();
    let c = imaps(&fx, "bob", "bobpass");
    c.connect().unwrap();
    c.select("INBOX").unwrap();
    let out = c.idle(Duration::from_millis(200)).unwrap();
    assert_eq!(out.events, []);
    assert_eq!(out.exists, 0);
    c.noop().unwrap();
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "OK NOOP completed");
    c.disconnect().unwrap();
}

// An abort during IDLE (DONE, the session kept): tests/imap_streams.rs.

#[test]
fn xoauth2_enable_utf8_and_id() {
    let fx = Fixture::start();
    // XOAUTH2 and OAUTHBEARER with SASL-IR: the bundled server takes "token-" and the password
    // as the user's token.
    let c = imaps(&fx, "bob", "token-bobpass");
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_OAUTHBEARER).unwrap();
    c.connect().unwrap();
    c.disconnect().unwrap();
    let c = imaps(&fx, "bob", "token-bobpass");
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_XOAUTH2).unwrap();
    c.connect().unwrap();
    let id = c.id(&[("name", "csmail"), ("version", "1 \"beta\"")]).unwrap();
    assert!(id.iter().any(|(k, _)| k == "name"), "{id:?}");
    assert_eq!(c.enable(&["UTF8=ACCEPT"]).unwrap(), ["UTF8=ACCEPT"]);
    // With UTF8=ACCEPT the name goes as UTF-8 and comes back so.
    c.create_mailbox("Grüße 日本").unwrap();
    let names: Vec<String> = c.list("", "Gr*").unwrap().into_iter().map(|e| e.name).collect();
    assert!(names.contains(&"Grüße 日本".to_owned()), "{names:?}");
    assert_eq!(c.select("Grüße 日本").unwrap().exists, 0);
    // A search string that is not ASCII.
    c.append(
        "Grüße 日本",
        &[],
        &mut &b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n\r\nGr\xc3\xbc\xc3\x9fe aus K\xc3\xb6ln\r\n"[..],
    )
    .unwrap();
    assert_eq!(c.search(&Search::new().body("Köln"), true).unwrap(), [1]);
    assert!(expect_err(c.enable(&["A B"]), CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument).text.contains("capability"));
    c.disconnect().unwrap();
    // A wrong token.
    let c = imaps(&fx, "bob", "expired-token");
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_XOAUTH2).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexImapNo);
    assert!(e.text.starts_with("login failed: the server refused AUTHENTICATE XOAUTH2: NO"), "{}", e.text);
    // The OAuth error challenge, answered and put in words.
    assert!(
        e.text.contains(" (the OAuth server says: the server rejected the OAuth token: status 401, required scope https://mail.google.com/, schemes bearer"),
        "{}",
        e.text
    );
}

#[test]
fn modified_utf7_names_without_utf8_accept() {
    let fx = Fixture::start();
    let c = imaps(&fx, "bob", "bobpass");
    c.connect().unwrap();
    c.create_mailbox("Entwürfe & Co").unwrap();
    let st = c.status("Entwürfe & Co").unwrap();
    assert_eq!(st.messages, Some(0));
    let names: Vec<String> = c.list("", "*").unwrap().into_iter().map(|e| e.name).collect();
    assert!(names.contains(&"Entwürfe & Co".to_owned()), "{names:?}");
    c.subscribe("Entwürfe & Co", true).unwrap();
    c.subscribe("Entwürfe & Co", false).unwrap();
    c.disconnect().unwrap();
}

#[test]
fn search_after_enable_imap4rev2_reads_esearch() {
    let fx = Fixture::start();
    deliver(&fx, MSG);
    deliver(&fx, MSG2);
    let c = imaps(&fx, "bob", "bobpass");
    let (log, lines) = collecting_log();
    log.set_level(LOG_S_INFORMATION);
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    assert_eq!(c.enable(&["IMAP4rev2"]).unwrap(), ["IMAP4rev2"]);
    c.select("INBOX").unwrap();
    assert_eq!(c.search(&Search::new().all(), true).unwrap(), [1, 2]);
    assert_eq!(c.search(&Search::new().subject("second"), false).unwrap(), [2]);
    assert_eq!(c.search(&Search::new().subject("none such"), false).unwrap(), Vec::<u32>::new());
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    assert!(logged.iter().any(|l| l.starts_with("S: * ESEARCH")), "{logged:#?}");
    c.disconnect().unwrap();
}

#[test]
fn fetch_many_keeps_eight_commands_in_flight_and_skips_missing_uids() {
    let fx = Fixture::start();
    let (log, lines) = collecting_log();
    log.set_level(LOG_S_INFORMATION);
    let c = imaps(&fx, "bob", "bobpass");
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    let messages: Vec<Vec<u8>> =
        (0..20).map(|i| format!("Subject: m{i}\r\n\r\n{}\r\n", "x".repeat(i * 1000)).into_bytes()).collect();
    for m in &messages {
        c.append("INBOX", &[], &mut &m[..]).unwrap();
    }
    c.select("INBOX").unwrap();
    let got = std::sync::Arc::new(parking_lot::Mutex::new(std::collections::BTreeMap::<u32, Vec<u8>>::new()));
    let g = got.clone();
    let mut open = move |uid: u32| -> Box<dyn csmail::source::MessageSink> {
        let g = g.clone();
        Box::new(FnSink(move |d: &[u8]| {
            g.lock().entry(uid).or_default().extend_from_slice(d);
            Ok(())
        }))
    };
    let uids: Vec<u32> = (1..=20).chain([99]).collect();
    lines.lock().clear();
    let fetched = c.fetch_many(&uids, &mut open).unwrap();
    assert_eq!(fetched, (1..=20).collect::<Vec<u32>>(), "UID 99 is not there");
    let got = got.lock();
    for (i, m) in messages.iter().enumerate() {
        assert_eq!(got[&(i as u32 + 1)], *m, "message {}", i + 1);
    }
    assert!(!got.contains_key(&99));
    // Pipelined: eight commands went out before the first response was read.
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    let first_reply = logged.iter().position(|l| l.starts_with("S: ")).unwrap();
    assert_eq!(logged[..first_reply].iter().filter(|l| l.contains(" UID FETCH ")).count(), 8, "{logged:#?}");
    c.disconnect().unwrap();
}
