//! IMAPClient against misbehaving servers (the bundled server's scripted mode): STARTTLS
//! downgrade and injection, huge literal announcements, tags spoofed inside literals, stray
//! tags, BYE in the middle, unknown untagged responses, never-ending lines, and what the log
//! shows of credentials. Every test checks the exact result code and eex number and what the
//! client put on the wire.

mod common;
use common::*;
use csmail::api::imap_client::Search;
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, ImapClient};
use csmail::error::*;
use csmail::log::*;
use csmail::options::*;
use csmail_server::Script;

const GREETING: &str = "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR IDLE] ready";

fn client(port: u16) -> ImapClient {
    scripted_imap(port, 5000)
}

fn start(script: &str) -> Scripted {
    Scripted::start_script(Script::parse(script).expect("script parses"), false)
}

/// A session logged in with AUTHENTICATE PLAIN (SASL-IR), then `rest`.
fn logged_in(rest: &str) -> String {
    format!(
        "{GREETING}\nC: A0001 AUTHENTICATE PLAIN {}\nS: A0001 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\n{rest}",
        sasl::plain("bob", "bobpass")
    )
}

#[test]
fn bytes_injected_after_the_starttls_ok_abort_the_session() {
    let s = start(
        "S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\nC: A0001 STARTTLS\nRAW: A0001 OK Begin TLS\\r\\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\\r\\n\nEXPECT-EOF\n",
    );
    let c = client(s.port());
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsInjection);
    assert_info(&c.extended_error(), &e);
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert_eq!(out.received, b"A0001 STARTTLS\r\n");
}

#[test]
fn starttls_not_offered_stops_before_any_credential() {
    let s = start("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\nEXPECT-EOF\n");
    let c = client(s.port());
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsNotOffered);
    assert_eq!(e.text, "TLS is required and the server does not offer STARTTLS");
    let out = s.finish();
    assert_eq!(out.received, b"");
}

#[test]
fn starttls_then_capabilities_again_then_login_over_tls() {
    let s = Scripted::start_script(
        Script::parse(&format!(
            "S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\nC: A0001 STARTTLS\nS: A0001 OK Begin TLS\nTLS\n\
             C: A0002 CAPABILITY\nS: * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\nS: A0002 OK done\n\
             C: A0003 AUTHENTICATE PLAIN {}\nS: A0003 OK [CAPABILITY IMAP4rev1] in\nC: A0004 LOGOUT\nS: * BYE bye\nS: A0004 OK bye\n",
            sasl::plain("bob", "bobpass")
        ))
        .unwrap(),
        false,
    );
    let c = client(s.port());
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    c.connect().unwrap();
    assert_eq!(c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap(), "IMAP4rev1");
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert!(out.completed);
}

#[test]
fn a_huge_literal_announcement_is_refused_before_it_is_read() {
    let s = start(&logged_in("C: A0002 LIST \"\" \"*\"\nS: * LIST () \"/\" {999999999999}\nHANG\n"));
    let c = client(s.port());
    c.connect().unwrap();
    let e = expect_err(c.list("", "*"), CSMAIL_E_PROTOCOL, eexReplyTooLong);
    assert!(e.text.contains("999999999999 bytes"), "{}", e.text);
    // The protocol state is unknown: the session is closed.
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(s);
}

#[test]
fn a_tag_inside_a_literal_does_not_complete_the_command() {
    let body = "Subject: x\r\n\r\nA0002 OK fake completion\r\n* BYE fake\r\n";
    let s = start(&logged_in(&format!(
        "C: A0002 UID FETCH 7 (UID BODY.PEEK[])\nRAW: * 1 FETCH (UID 7 BODY[] {{{}}}\\r\\n{}\nS: )\nS: * 2 FETCH (FLAGS (\\\\Seen))\nS: A0002 OK done\nC: A0003 LOGOUT\nS: A0003 OK bye\n",
        body.len(),
        body.replace('\r', "\\r").replace('\n', "\\n")
    )));
    let c = client(s.port());
    c.connect().unwrap();
    let mut got = Vec::new();
    assert_eq!(c.fetch_body(7, true, "", &mut got).unwrap(), body.len() as u64);
    assert_eq!(got, body.as_bytes());
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "OK done");
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
}

#[test]
fn a_line_with_a_tag_of_no_command_of_ours_is_a_protocol_error() {
    let s = start(&logged_in("C: A0002 NOOP\nS: B0002 OK spoofed\nHANG\n"));
    let c = client(s.port());
    c.connect().unwrap();
    let e = expect_err(c.noop(), CSMAIL_E_PROTOCOL, eexMalformedReply);
    assert!(e.text.contains("B0002 OK spoofed"), "{}", e.text);
    // A tag that only begins like ours does not complete it either.
    let s2 = start(&logged_in("C: A0002 NOOP\nS: A00021 OK spoofed\nHANG\n"));
    let c2 = client(s2.port());
    c2.connect().unwrap();
    expect_err(c2.noop(), CSMAIL_E_PROTOCOL, eexMalformedReply);
    drop((s, s2));
}

#[test]
fn bye_at_any_time_is_a_clear_error() {
    let s = start(&logged_in("C: A0002 SELECT INBOX\nS: * 3 EXISTS\nS: * BYE server shutting down\nCLOSE\n"));
    let c = client(s.port());
    c.connect().unwrap();
    let e = expect_err(c.select("INBOX"), CSMAIL_E_NETWORK, eexImapBye);
    assert_eq!(e.text, "the server ended the session: BYE server shutting down");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    let s = start("S: * BYE too busy\nCLOSE\n");
    let c = client(s.port());
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexImapBye);
    assert_eq!(e.text, "the server refused the connection: * BYE too busy");
}

#[test]
fn unknown_untagged_responses_are_ignored() {
    let s = start(&logged_in(
        "C: A0002 SEARCH UNSEEN\nS: * XFOO (bar \"baz\") {3}\nS: abc\nS: * 7 FANCY x\nS: * OK [XCODE 1] still here\nS: * SEARCH 2 4\nS: * 4 EXPUNGE\nS: A0002 OK done\nC: A0003 LOGOUT\nS: * BYE\nS: A0003 OK bye\n",
    ));
    let c = client(s.port());
    c.connect().unwrap();
    assert_eq!(c.search(&Search::new().unseen(), false).unwrap(), [2, 4]);
    c.disconnect().unwrap();
    assert_eq!(s.finish().mismatches, Vec::<String>::new());
}

#[test]
fn a_never_ending_line_is_bounded() {
    let s = start(&logged_in("C: A0002 NOOP\nRAW: * OK \nRAWN: 9000000 x\nHANG\n"));
    let c = client(s.port());
    c.connect().unwrap();
    let e = expect_err(c.noop(), CSMAIL_E_PROTOCOL, eexReplyTooLong);
    assert_eq!(e.text, "a response over 8388608 bytes while waiting for the reply to NOOP");
    drop(s);
}

#[test]
fn login_literals_are_redacted_and_alerts_reach_the_error_text() {
    let s = start(
        "S: * OK [CAPABILITY IMAP4rev1] ready\nC: A0001 LOGIN \"bob\" {7}\nS: + go\nC: bobpass\nS: * OK [ALERT] password expires soon\nS: A0001 NO [AUTHENTICATIONFAILED] bad\nC: A0002 LOGOUT\nS: A0002 OK bye\n",
    );
    let (log, lines) = collecting_log();
    log.set_level(LOG_S_INFORMATION);
    let c = client(s.port());
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexImapNo);
    assert_eq!(
        e.text,
        "login failed: the server refused LOGIN: NO [AUTHENTICATIONFAILED] bad (server alert: OK [ALERT] password expires soon)"
    );
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    assert!(logged.iter().any(|l| l == "C: A0001 LOGIN \"bob\" {7}"), "{logged:#?}");
    assert!(logged.iter().any(|l| l == "C: <redacted>"), "{logged:#?}");
    assert!(!logged.iter().any(|l| l.contains("bobpass")), "{logged:#?}");
}

#[test]
fn mailbox_names_with_quotes_backslashes_and_non_ascii_cannot_inject() {
    // On the wire: A0002 CREATE "a\" A9 LOGOUT \\" (a script writes a backslash as \\).
    let s = start(&logged_in(
        r#"C: A0002 CREATE "a\\" A9 LOGOUT \\\\"
S: A0002 OK made
C: A0003 CREATE Entw&APw-rfe
S: A0003 OK made
C: A0004 LOGOUT
S: A0004 OK bye
"#,
    ));
    let c = client(s.port());
    c.connect().unwrap();
    c.create_mailbox("a\" A9 LOGOUT \\").unwrap();
    c.create_mailbox("Entwürfe").unwrap();
    expect_err(c.create_mailbox("x\0y"), CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter);
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
}

#[test]
fn move_without_move_is_copy_store_and_uid_expunge() {
    // The login's capabilities: IMAP4rev1 UIDPLUS, no MOVE.
    let s = start(&format!(
        "{GREETING}\nC: A0001 AUTHENTICATE PLAIN {}\nS: A0001 OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in\n{}",
        sasl::plain("bob", "bobpass"),
        r"C: A0002 SELECT INBOX
S: * 2 EXISTS
S: A0002 OK [READ-WRITE] selected
C: A0003 UID COPY 7 Archive
S: A0003 OK [COPYUID 1 7 3] copied
C: A0004 UID STORE 7 +FLAGS.SILENT (\\Deleted)
S: A0004 OK stored
C: A0005 UID EXPUNGE 7
S: * 2 EXPUNGE
S: A0005 OK expunged
C: A0006 LOGOUT
S: * BYE
S: A0006 OK bye
"
    ));
    let c = client(s.port());
    c.connect().unwrap();
    assert_eq!(c.select("INBOX").unwrap().exists, 2);
    c.move_messages("7", true, "Archive").unwrap();
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert!(out.completed);
}

#[test]
fn append_with_a_synchronising_literal_waits_for_the_go_ahead() {
    let msg = "Subject: x\r\n\r\nbody\r\n";
    let s = start(&logged_in(&format!(
        "C: A0002 APPEND INBOX (\\\\Seen) {{{}}}\nS: + go ahead\nLITERAL\nC: \nS: A0002 OK [APPENDUID 5 9] appended\nC: A0003 APPEND Drafts {{{}}}\nS: A0003 NO [TRYCREATE] no Drafts\nC: A0004 LOGOUT\nS: A0004 OK bye\n",
        msg.len(),
        msg.len()
    )));
    let c = client(s.port());
    c.connect().unwrap();
    assert_eq!(c.append("INBOX", &["\\Seen"], &mut msg.as_bytes()).unwrap(), 9);
    // Refused before the literal: nothing of the message is sent, the session goes on.
    let e = expect_err(c.append("Drafts", &[], &mut msg.as_bytes()), CSMAIL_E_SERVER, eexImapNo);
    assert_eq!(e.text, "the server refused APPEND: NO [TRYCREATE] no Drafts");
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert!(contains(&out.received, format!("{{{}}}\r\n{msg}\r\n", msg.len()).as_bytes()));
}

#[test]
fn a_bodystructure_nested_thousands_deep_is_refused_not_a_stack_overflow() {
    // 5000 nested lists in a few dozen kilobytes: read by recursion they would overflow any
    // thread's stack and abort the process.
    let depth = 5000;
    let structure =
        format!("{}\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1{}", "(".repeat(depth), " \"mixed\")".repeat(depth));
    let s = start(&logged_in(&format!(
        "C: A0002 UID FETCH 1 (UID BODYSTRUCTURE)\nS: * 1 FETCH (UID 1 BODYSTRUCTURE {structure})\nS: A0002 OK done\nEXPECT-EOF\n"
    )));
    let c = client(s.port());
    c.connect().unwrap();
    let items =
        csmail::api::imap_client::FetchItems { body_structure: true, ..csmail::api::imap_client::FetchItems::NONE };
    let e = expect_err(c.fetch_info("1", true, items), CSMAIL_E_PROTOCOL, eexMalformedReply);
    assert_eq!(e.text, "the server sent a response nested over 64 lists deep");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    let out = s.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
}
