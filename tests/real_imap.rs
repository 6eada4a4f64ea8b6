//! IMAPClient against real Dovecot IMAP (with Postfix delivering), as scripts/mailservers.sh
//! sets them up: IMAP 1143 with STARTTLS (127.0.0.2: LOGINDISABLED before it), IMAPS 1993, the
//! special-use folders Sent, Drafts, Trash, Junk and Archive, hierarchy separator ".", Maildir
//! storage. Every test is ignored by default; scripts/test-real-servers.sh runs them, or with
//! the servers up:
//!
//! ```sh
//! bash scripts/mailservers.sh start && cargo test --test real_imap -- --ignored --test-threads=1
//! bash scripts/mailservers.sh stop
//! ```
//!
//! Mail sent through Postfix is found by SEARCH, fetched byte for byte (Dovecot's LMTP prepends
//! Return-Path, Delivered-To and Received, Postfix its Received: the sent bytes are the end of
//! what is fetched), flagged, moved and expunged; IDLE wakes when Postfix delivers. Most cases
//! work in a scratch mailbox of their own (a fresh UIDVALIDITY, UIDs from 1), so UIDs, flags
//! and counts are exact; the wire is checked in the client's log (COPYUID, EXPUNGE, modified
//! UTF-7 names).

mod real_common;

use csmail::api::imap_client::{FetchItems, FlagOp, ImapEvent, Search};
use csmail::api::properties::*;
use csmail::error::*;
use real_common::imap::*;
use real_common::*;
use std::time::Duration;

// Each port from the variable scripts/mailservers.sh reads (and writes into ports.env), with
// the same default.

real_common::ports! {
    /// IMAP, STARTTLS offered; on 127.0.0.2 LOGINDISABLED before it.
    imap_port = "CSMAIL_MAILSRV_IMAP_PORT", 1143;
    /// IMAP with implicit TLS.
    imaps = "CSMAIL_MAILSRV_IMAPS_PORT", 1993;
    /// SMTP, STARTTLS offered, AUTH only after STARTTLS.
    smtp_starttls = "CSMAIL_MAILSRV_SMTP_PORT", 2525;
}

const STRICT_IMAP_HOST: &str = "127.0.0.2";
/// POP3S, for what real_common needs (this file reads mailboxes over IMAP).
fn via_pop3s() -> Pop3Via {
    Pop3Via {
        host: "localhost",
        port: env_port("CSMAIL_MAILSRV_POP3S_PORT", 1995),
        tls: Security::Implicit,
        mech: CSMAIL_AUTH_AUTO,
    }
}
/// How Postfix's 250 after the data begins.
const QUEUED_ENHANCED: &str = "2.0.0";
const QUEUED: &str = "2.0.0 Ok: queued as ";
/// Dovecot's UIDL (POP3 only; unused over IMAP).
fn check_uid(_uid: &str, _message: &[u8]) {}
/// The CA that signed the servers' certificate.
fn ca_file() -> String {
    ca_file_in("CSMAIL_MAILSRV_DIR", "/tmp/csmail-mailsrv", "scripts/mailservers.sh start")
}
const ALICE: (&str, &str) = ("alice", "alicepass");
const BOB: (&str, &str) = ("bob", "bobpass");

#[test]
#[ignore = "needs Dovecot and Postfix: scripts/mailservers.sh"]
fn postfix_to_dovecot_search_fetch_flag_move_expunge() {
    let smtp = smtp("localhost", smtp_starttls(), Security::StartTls, Some(ALICE));
    smtp.connect_ok();
    let (tag, sent) = send_tagged(&smtp, BOB_ADDR);
    smtp.c.disconnect().unwrap();

    let c = connected("localhost", imaps(), Security::Implicit, BOB, CSMAIL_AUTH_AUTO);
    assert_eq!(c.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    c.assert_no_secret_logged(BOB.0, BOB.1);
    let list = c.c.list("", "*").unwrap();
    for (name, attr) in [("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"), ("Junk", "\\Junk")] {
        let e = list.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no {name} in {list:?}"));
        assert!(e.attributes.iter().any(|a| a == attr), "{e:?}");
        assert_eq!(e.delimiter.as_deref(), Some("."));
    }
    c.c.select("INBOX").unwrap();
    let uid = await_uid(&c.c, &tag);
    let mut got = Vec::new();
    c.c.fetch_body(uid, true, "", &mut got).unwrap();
    assert!(got.ends_with(&sent), "the sent bytes end the fetched message:\n{}", show(&got));
    let info = c.c.fetch_info(&uid.to_string(), true, FetchItems::ALL).unwrap();
    assert_eq!(info.len(), 1);
    assert_eq!(info[0].size as usize, got.len());
    assert_eq!(info[0].message_id, format!("<{tag}@csmail.test>"));
    assert!(!info[0].flags.iter().any(|f| f == "\\Seen"), "BODY.PEEK leaves it unseen: {:?}", info[0].flags);

    c.c.store_flags(&uid.to_string(), true, FlagOp::Add, &["\\Flagged"]).unwrap();
    assert!(c.c.search(&Search::new().flagged(), true).unwrap().contains(&uid));
    c.c.move_messages(&uid.to_string(), true, "Trash").unwrap();
    assert_eq!(c.c.search(&Search::new().subject(&tag), true).unwrap(), Vec::<u32>::new());
    c.c.select("Trash").unwrap();
    let in_trash = c.c.search(&Search::new().subject(&tag), true).unwrap();
    assert_eq!(in_trash.len(), 1);
    let t = in_trash[0].to_string();
    c.c.store_flags(&t, true, FlagOp::Add, &["\\Deleted"]).unwrap();
    c.c.uid_expunge(&t).unwrap();
    assert_eq!(c.c.search(&Search::new().subject(&tag), true).unwrap(), Vec::<u32>::new());
    c.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn starttls_logindisabled_and_a_wrong_password() {
    // 127.0.0.2: LOGINDISABLED in the clear; STARTTLS first, then the login works.
    let c = connected(STRICT_IMAP_HOST, imap_port(), Security::StartTls, BOB, CSMAIL_AUTH_AUTO);
    assert_eq!(c.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    c.c.disconnect().unwrap();
    // In the clear LOGIN and AUTHENTICATE PLAIN are refused by the client before a credential
    // goes out (the greeting lists LOGINDISABLED and AUTH=CRAM-MD5 only); it logs out.
    for (mech, text) in [
        (
            CSMAIL_AUTH_USER_PASS,
            "the server does not allow the LOGIN command here (LOGINDISABLED; it offers AUTHENTICATE with: \
             CRAM-MD5); no credentials were sent. Use TLS, or set CSMAIL_PROP_AUTH_MECH to a mechanism the \
             server offers",
        ),
        (
            CSMAIL_AUTH_PLAIN,
            "the server does not offer AUTHENTICATE PLAIN (it offers: CRAM-MD5); no credentials were sent",
        ),
    ] {
        let c = imap(STRICT_IMAP_HOST, imap_port(), Security::Plain, BOB, mech);
        let e = expect_err(c.c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported, c.c.extended_error());
        assert_eq!(e.text, text);
        assert!(wire_line(&c, 0, "S: * OK [CAPABILITY ").contains(" STARTTLS LOGINDISABLED AUTH=CRAM-MD5]"));
        let sent: Vec<String> = wire_since(&c, 0).into_iter().filter(|l| l.starts_with("C: ")).collect();
        assert_eq!(sent, ["C: A0001 LOGOUT"]);
        assert_eq!(c.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    }
    // AUTO in the clear takes CRAM-MD5, which keeps the password off the wire.
    let c = connected(STRICT_IMAP_HOST, imap_port(), Security::Plain, BOB, CSMAIL_AUTH_AUTO);
    assert_eq!(c.c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    c.assert_logged("C: A0001 AUTHENTICATE CRAM-MD5");
    c.assert_no_secret_logged(BOB.0, BOB.1);
    c.c.disconnect().unwrap();
    // A wrong password over IMAPS: Dovecot's [AUTHENTICATIONFAILED].
    for mech in [CSMAIL_AUTH_PLAIN, CSMAIL_AUTH_USER_PASS, CSMAIL_AUTH_CRAM_MD5] {
        let c = imap("localhost", imaps(), Security::Implicit, (BOB.0, WRONG), mech);
        let e = c.c.connect().unwrap_err();
        assert_eq!((e.result, e.eex), (CSMAIL_E_AUTH, eexImapNo), "{mech}: {e}");
        assert!(e.text.contains("[AUTHENTICATIONFAILED]"), "{}", e.text);
        c.assert_no_secret_logged(BOB.0, WRONG);
    }
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn append_to_drafts_with_a_utf8_name_and_idle() {
    let c = connected("localhost", imaps(), Security::Implicit, ALICE, CSMAIL_AUTH_AUTO);
    let tag = unique_tag();
    let folder = format!("Entwürfe-{tag}");
    c.c.create_mailbox(&folder).unwrap();
    assert!(c.c.list("", "*").unwrap().iter().any(|e| e.name == folder));
    let msg = message(&tag, ALICE_ADDR);
    let uid = c.c.append(&folder, &["\\Draft"], &mut &msg[..]).unwrap();
    c.c.select(&folder).unwrap();
    let mut got = Vec::new();
    c.c.fetch_body(uid, true, "", &mut got).unwrap();
    assert_eq!(show(&got), show(&msg), "APPEND then FETCH, byte for byte");
    // IDLE with nothing happening ends after its wait and leaves the session usable.
    let out = c.c.idle(Duration::from_millis(300)).unwrap();
    assert_eq!((out.events.len(), out.exists), (0, 1));
    c.c.close_mailbox(false).unwrap();
    c.c.delete_mailbox(&folder).unwrap();
    c.c.disconnect().unwrap();
}

/// Dovecot's maildir of `user` (mail_location = maildir:$DIR/mail/%n): a mailbox is a directory
/// "." + its modified UTF-7 name.
fn maildir(user: &str) -> std::path::PathBuf {
    let ca = std::path::PathBuf::from(ca_file());
    ca.parent().and_then(|p| p.parent()).expect("the state directory").join("mail").join(user)
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn store_flags_and_a_keyword_read_back_with_fetch_flags() {
    let c = connected("localhost", imaps(), Security::Implicit, ALICE, CSMAIL_AUTH_AUTO);
    let folder = scratch_mailbox(&c, "flags");
    let tag = unique_tag();
    assert_eq!(c.c.append(&folder, &[], &mut &message(&tag, ALICE_ADDR)[..]).unwrap(), 1, "APPENDUID");
    let info = c.c.select(&folder).unwrap();
    assert_eq!((info.exists, info.uid_next), (1, 2));
    assert!(info.permanent_flags.iter().any(|f| f == "\\*"), "keywords may be created: {info:?}");
    // \Recent: this session is the first to see the message.
    assert_eq!(flags_of(&c.c, 1), ["\\Recent"]);

    c.c.store_flags("1", true, FlagOp::Add, &["\\Flagged", "\\Seen", "$CsmailTest"]).unwrap();
    assert_eq!(flags_of(&c.c, 1), ["$CsmailTest", "\\Flagged", "\\Recent", "\\Seen"]);
    assert_eq!(c.c.search(&Search::new().keyword("$CsmailTest"), true).unwrap(), [1]);
    assert_eq!(c.c.search(&Search::new().unseen(), true).unwrap(), Vec::<u32>::new());
    c.c.store_flags("1", true, FlagOp::Remove, &["\\Seen", "$CsmailTest"]).unwrap();
    assert_eq!(flags_of(&c.c, 1), ["\\Flagged", "\\Recent"]);
    assert_eq!(c.c.search(&Search::new().unseen(), true).unwrap(), [1]);
    c.c.store_flags("1", true, FlagOp::Replace, &["\\Answered"]).unwrap();
    assert_eq!(flags_of(&c.c, 1), ["\\Answered", "\\Recent"], "\\Recent stays: no STORE changes it");
    assert_eq!(c.c.search(&Search::new().answered(), true).unwrap(), [1]);
    // A flag that is not an atom is refused before anything is sent.
    let from = c.log().len();
    let e = c.c.store_flags("1", true, FlagOp::Add, &["bad flag"]).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument), "{e}");
    assert_eq!(wire_since(&c, from), Vec::<String>::new());

    c.c.close_mailbox(false).unwrap();
    c.c.delete_mailbox(&folder).unwrap();
    c.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn copy_and_move_to_special_use_folders_with_copyuid_then_expunge_and_uid_expunge() {
    let c = connected("localhost", imaps(), Security::Implicit, ALICE, CSMAIL_AUTH_AUTO);
    let list = c.c.list("", "*").unwrap();
    let (archive, trash) = (special_use(&list, "\\Archive"), special_use(&list, "\\Trash"));
    assert_eq!((archive.as_str(), trash.as_str()), ("Archive", "Trash"));
    let folder = scratch_mailbox(&c, "move");
    let tags: Vec<String> = (0..4).map(|_| unique_tag()).collect();
    for (i, tag) in tags.iter().enumerate() {
        let uid = c.c.append(&folder, &[], &mut &message(tag, ALICE_ADDR)[..]).unwrap();
        assert_eq!(uid as usize, i + 1, "APPENDUID");
    }
    let st = c.c.status(&folder).unwrap();
    assert_eq!((st.messages, st.uid_next, st.unseen), (Some(4), Some(5), Some(4)));
    let info = c.c.select(&folder).unwrap();
    assert_eq!((info.exists, info.uid_validity), (4, st.uid_validity.unwrap()));
    let sent_1 = body_of(&c.c, 1);

    // COPY uid 1 to Archive: [COPYUID archive-validity 1 its-uidnext], the copy is the same bytes.
    let to = c.c.status(&archive).unwrap();
    let from = c.log().len();
    c.c.copy("1", true, &archive).unwrap();
    let line = wire_line(&c, from, "[COPYUID ");
    assert!(line.starts_with("S: A"), "the tagged OK of UID COPY: {line}");
    assert_eq!(copyuid(&line), (to.uid_validity.unwrap(), "1".into(), to.uid_next.unwrap().to_string()));
    assert_eq!(all_uids(&c.c), [1, 2, 3, 4], "COPY leaves the source as it was");

    // MOVE uid 2 to Trash: COPYUID in an untagged OK, then EXPUNGE of message 2.
    let to_trash = c.c.status(&trash).unwrap();
    let from = c.log().len();
    c.c.move_messages("2", true, &trash).unwrap();
    let line = wire_line(&c, from, "[COPYUID ");
    assert!(line.starts_with("S: * OK [COPYUID "), "{line}");
    assert_eq!(copyuid(&line), (to_trash.uid_validity.unwrap(), "2".into(), to_trash.uid_next.unwrap().to_string()));
    assert_eq!(untagged(&c, from, "EXPUNGE"), ["S: * 2 EXPUNGE"]);
    assert_eq!(all_uids(&c.c), [1, 3, 4]);

    // EXPUNGE: uid 1 marked \Deleted goes, message numbers shift.
    c.c.store_flags("1", true, FlagOp::Add, &["\\Deleted"]).unwrap();
    let from = c.log().len();
    c.c.expunge().unwrap();
    assert_eq!(untagged(&c, from, "EXPUNGE"), ["S: * 1 EXPUNGE"]);
    assert_eq!(all_uids(&c.c), [3, 4]);
    // UID EXPUNGE removes only the UIDs named, though 3 is \Deleted too.
    c.c.store_flags("3:4", true, FlagOp::Add, &["\\Deleted"]).unwrap();
    let from = c.log().len();
    c.c.uid_expunge("4").unwrap();
    assert!(wire_line(&c, from, "C: ").ends_with(" UID EXPUNGE 4"), "{}", c.transcript());
    assert_eq!(untagged(&c, from, "EXPUNGE"), ["S: * 2 EXPUNGE"]);
    assert_eq!(all_uids(&c.c), [3]);
    assert_eq!(flags_of(&c.c, 3), ["\\Deleted", "\\Recent"]);
    assert_eq!(c.c.status(&folder).unwrap().messages, Some(1), "EXISTS went from 4 to 1");
    c.c.close_mailbox(false).unwrap();

    // The copy and the moved message are the bytes appended.
    for (mailbox, to, tag) in [(&archive, &to, &tags[0]), (&trash, &to_trash, &tags[1])] {
        c.c.select(mailbox).unwrap();
        let uid = to.uid_next.unwrap();
        assert_eq!(c.c.search(&Search::new().subject(tag), true).unwrap(), [uid]);
        assert_eq!(show(&body_of(&c.c, uid)), show(&message(tag, ALICE_ADDR)));
        c.c.store_flags(&uid.to_string(), true, FlagOp::Add, &["\\Deleted"]).unwrap();
        c.c.uid_expunge(&uid.to_string()).unwrap();
    }
    assert_eq!(show(&sent_1), show(&message(&tags[0], ALICE_ADDR)));
    c.c.close_mailbox(false).unwrap();
    c.c.delete_mailbox(&folder).unwrap();
    c.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn append_from_memory_and_from_a_file_with_bare_lf() {
    let c = connected("localhost", imaps(), Security::Implicit, ALICE, CSMAIL_AUTH_AUTO);
    let folder = scratch_mailbox(&c, "append");
    let tag = unique_tag();
    let msg = message(&tag, ALICE_ADDR);
    assert_eq!(c.c.append(&folder, &["\\Seen", "$Sent"], &mut &msg[..]).unwrap(), 1);
    // A file with bare LF line ends goes as CRLF lines (the literal announces the converted
    // size), and Dovecot stores and serves exactly those.
    let lf = format!("From: <{SENDER}>\nTo: <{ALICE_ADDR}>\nSubject: bare LF {tag}\n\nline one\n.dot\n\nlast\n");
    let crlf = lf.replace('\n', "\r\n");
    let path = std::env::temp_dir().join(format!("csmail-real-imap-{tag}.eml"));
    std::fs::write(&path, &lf).unwrap();
    let from = c.log().len();
    assert_eq!(c.c.append_file(&folder, &[], path.to_str().unwrap()).unwrap(), 2);
    std::fs::remove_file(&path).unwrap();
    c.assert_logged(&format!("C: ({} bytes of message data)", crlf.len()));
    assert!(
        wire_line(&c, from, " APPEND ").ends_with(&format!(" {{{}+}}", crlf.len())),
        "LITERAL+: {}",
        c.transcript()
    );
    let ok = wire_line(&c, from, "[APPENDUID ");
    assert!(ok.contains(" 2] "), "{ok}");

    let info = c.c.select(&folder).unwrap();
    assert_eq!((info.exists, info.uid_next), (2, 3));
    assert_eq!(show(&body_of(&c.c, 1)), show(&msg), "APPEND then FETCH, byte for byte");
    assert_eq!(flags_of(&c.c, 1), ["$Sent", "\\Recent", "\\Seen"]);
    assert_eq!(show(&body_of(&c.c, 2)), show(crlf.as_bytes()), "what Dovecot stores of bare LF lines");
    let sizes = c.c.fetch_info("1:2", true, FetchItems::ALL).unwrap();
    let sizes: Vec<(u32, u32)> = sizes.iter().map(|m| (m.uid, m.size)).collect();
    assert_eq!(sizes, [(1, msg.len() as u32), (2, crlf.len() as u32)]);
    // STATUS counts: two messages, one unseen (the file), UIDNEXT 3.
    c.c.close_mailbox(false).unwrap();
    let st = c.c.status(&folder).unwrap();
    assert_eq!(
        (st.messages, st.unseen, st.uid_next, st.uid_validity),
        (Some(2), Some(1), Some(3), Some(info.uid_validity))
    );
    c.c.delete_mailbox(&folder).unwrap();
    c.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn create_rename_delete_a_utf8_mailbox_in_modified_utf7() {
    let c = connected("localhost", imaps(), Security::Implicit, ALICE, CSMAIL_AUTH_AUTO);
    let tag = name_tag();
    let (name, renamed) = (format!("Entwürfe-{tag}"), format!("Ordner ß&Co-{tag}"));
    let (wire, wire_renamed) = (format!("Entw&APw-rfe-{tag}"), format!("\"Ordner &AN8-&-Co-{tag}\""));
    let from = c.log().len();
    c.c.create_mailbox(&name).unwrap();
    assert!(wire_line(&c, from, "C: ").ends_with(&format!(" CREATE {wire}")), "{}", c.transcript());
    assert!(maildir(ALICE.0).join(format!(".{wire}")).is_dir(), "Dovecot's maildir for {name}");
    assert!(c.c.list("", "*").unwrap().iter().any(|e| e.name == name), "LIST decodes the name");

    let from = c.log().len();
    c.c.rename_mailbox(&name, &renamed).unwrap();
    assert!(wire_line(&c, from, "C: ").ends_with(&format!(" RENAME {wire} {wire_renamed}")), "{}", c.transcript());
    let dir = maildir(ALICE.0).join(format!(".Ordner &AN8-&-Co-{tag}"));
    assert!(dir.is_dir() && !maildir(ALICE.0).join(format!(".{wire}")).exists());
    let list = c.c.list("", "*").unwrap();
    assert!(list.iter().any(|e| e.name == renamed) && !list.iter().any(|e| e.name == name), "{list:?}");

    c.c.delete_mailbox(&renamed).unwrap();
    assert!(!dir.exists());
    assert!(!c.c.list("", "*").unwrap().iter().any(|e| e.name == renamed));
    // A mailbox that is not there: Dovecot's NO, as the IMAP eex.
    let e = c.c.delete_mailbox(&renamed).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_SERVER, eexImapNo), "{e}");
    assert!(e.text.contains("[NONEXISTENT]"), "{}", e.text);
    c.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs Dovecot and Postfix: scripts/mailservers.sh"]
fn idle_returns_with_exists_when_postfix_delivers() {
    let c = connected("localhost", imaps(), Security::Implicit, BOB, CSMAIL_AUTH_AUTO);
    let before = c.c.select("INBOX").unwrap().exists;
    let sender = std::thread::spawn(|| {
        let smtp = smtp("localhost", smtp_starttls(), Security::StartTls, Some(ALICE));
        smtp.connect_ok();
        let sent = send_tagged(&smtp, BOB_ADDR);
        smtp.c.disconnect().unwrap();
        sent
    });
    // Until the delivery is reported (an IDLE that runs out is restarted).
    let mut rounds = 0;
    let out = loop {
        let out = c.c.idle(Duration::from_secs(2)).unwrap();
        if !out.events.is_empty() {
            break out;
        }
        rounds += 1;
        assert!(rounds < 10, "no EXISTS within 10 IDLE rounds\n{}", c.transcript());
    };
    assert_eq!(out.events, [ImapEvent::Exists(before + 1)], "{}", c.transcript());
    assert_eq!(out.exists, before + 1);
    c.assert_logged("S: + idling");
    c.assert_logged("C: DONE");
    let (tag, sent) = sender.join().unwrap();
    let uid = await_uid(&c.c, &tag);
    let got = body_of(&c.c, uid);
    assert!(got.ends_with(&sent), "the sent bytes end the fetched message:\n{}", show(&got));
    c.c.store_flags(&uid.to_string(), true, FlagOp::Add, &["\\Deleted"]).unwrap();
    c.c.uid_expunge(&uid.to_string()).unwrap();
    c.c.disconnect().unwrap();
}

#[test]
#[ignore = "needs Dovecot: scripts/mailservers.sh"]
fn authenticate_plain_with_sasl_ir_and_the_wrong_password_in_errorinfo() {
    let c = connected("localhost", imaps(), Security::Implicit, BOB, CSMAIL_AUTH_PLAIN);
    let caps = c.c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap();
    assert!(caps.lines().any(|l| l == "SASL-IR"), "{caps}");
    // SASL-IR: the response goes on the command line, no "+" round trip.
    let auth = wire_line(&c, 0, "AUTHENTICATE");
    assert!(auth.starts_with("C: A") && auth.ends_with(" AUTHENTICATE PLAIN <redacted>"), "{auth}");
    assert!(!c.log().iter().any(|l| l.starts_with("S: +")), "{}", c.transcript());
    c.assert_no_secret_logged(BOB.0, BOB.1);
    c.c.disconnect().unwrap();

    let c = imap("localhost", imaps(), Security::Implicit, (BOB.0, WRONG), CSMAIL_AUTH_PLAIN);
    let e = expect_err(c.c.connect(), CSMAIL_E_AUTH, eexImapNo, c.c.extended_error());
    assert!(e.text.contains("[AUTHENTICATIONFAILED] Authentication failed."), "{}", e.text);
    assert_eq!(c.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    c.assert_no_secret_logged(BOB.0, WRONG);
}
