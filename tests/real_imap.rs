//! IMAPClient against real Dovecot IMAP (with Postfix delivering), as scripts/mailservers.sh
//! sets them up: IMAP 1143 with STARTTLS (127.0.0.2: LOGINDISABLED before it), IMAPS 1993, the
//! special-use folders Sent, Drafts, Trash and Junk, hierarchy separator ".". Every test is
//! ignored by default; run them with the servers up:
//!
//! ```sh
//! bash scripts/mailservers.sh start && cargo test --test real_imap -- --ignored --test-threads=1
//! bash scripts/mailservers.sh stop
//! ```
//!
//! Mail sent through Postfix is found by SEARCH, fetched byte for byte (Dovecot's LMTP prepends
//! Return-Path, Delivered-To and Received, Postfix its Received: the sent bytes are the end of
//! what is fetched), flagged, moved to Trash and expunged.

mod real_common;

use csmail::api::imap_client::{FlagOp, Search};
use csmail::api::properties::*;
use csmail::api::ImapClient;
use csmail::error::*;
use real_common::*;
use std::time::{Duration, Instant};

// Each port from the variable scripts/mailservers.sh reads (and writes into ports.env), with
// the same default.

/// imap_port(), STARTTLS offered; on 127.0.0.2 LOGINDISABLED before it.
fn imap_port() -> u16 {
    env_port("CSMAIL_MAILSRV_IMAP_PORT", 1143)
}
/// IMAP with implicit TLS.
fn imaps() -> u16 {
    env_port("CSMAIL_MAILSRV_IMAPS_PORT", 1993)
}
/// SMTP, STARTTLS offered, AUTH only after STARTTLS.
fn smtp_starttls() -> u16 {
    env_port("CSMAIL_MAILSRV_SMTP_PORT", 2525)
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

#[track_caller]
fn connected(host: &str, port: u16, tls: Security, login: (&str, &str), mech: i32) -> Client<ImapClient> {
    let c = imap(host, port, tls, login, mech);
    if let Err(e) = c.c.connect() {
        panic!("IMAP connect failed: {e}\n{}", c.transcript());
    }
    assert_eq!(c.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c
}

/// Waits (up to DELIVERY_WAIT, with NOOP so the server reports new mail) until SEARCH finds the
/// message tagged `tag` in the selected INBOX; returns its UID.
fn await_uid(c: &ImapClient, tag: &str) -> u32 {
    let start = Instant::now();
    loop {
        let found = c.search(&Search::new().subject(tag), true).unwrap();
        if let [uid] = found[..] {
            return uid;
        }
        assert!(found.is_empty(), "{tag} found {found:?}");
        assert!(start.elapsed() < DELIVERY_WAIT, "{tag} did not reach the mailbox within {DELIVERY_WAIT:?}");
        std::thread::sleep(Duration::from_millis(100));
        c.noop().unwrap();
    }
}

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
    let info = c.c.fetch_info(&uid.to_string(), true, csmail::api::imap_client::FetchItems::ALL).unwrap();
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
    let c = imap(STRICT_IMAP_HOST, imap_port(), Security::Plain, BOB, CSMAIL_AUTH_USER_PASS);
    let e = c.c.connect().unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_AUTH, eexAuthNotSupported), "{e}");
    c.assert_not_logged_prefix("C: A0002 LOGIN");
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
