//! The Message object through real servers: composed by csmail, sent to Postfix (STARTTLS,
//! AUTH), delivered by LMTP to Dovecot, retrieved over POP3S and parsed: every field and
//! attachment as composed, Bcc gone. Ignored by default, like tests/real_servers.rs; run with
//!
//! ```sh
//! bash scripts/test-real-servers.sh
//! # or, with the servers already running (scripts/mailservers.sh start):
//! cargo test --test real_servers_message -- --ignored --test-threads=1
//! ```
//!
//! The state directory (CA in pki/ca.pem) is `$CSMAIL_MAILSRV_DIR`, by default
//! /tmp/csmail-mailsrv, as in the script. The message carries a unique tag in its Subject and
//! is deleted after the check.

mod message_fixture;

use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, Pop3Client, SmtpClient, SslInfo};
use csmail::message::Message;
use csmail::options::*;
use message_fixture::{assert_same_as_rich, rich_message};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Postfix, STARTTLS offered, AUTH after STARTTLS; Dovecot POP3 with implicit TLS.
/// The ports from the variables scripts/mailservers.sh reads and writes (ports.env), with its
/// defaults.
fn smtp_starttls() -> u16 {
    env_port("CSMAIL_MAILSRV_SMTP_PORT", 2525)
}
fn pop3s() -> u16 {
    env_port("CSMAIL_MAILSRV_POP3S_PORT", 1995)
}

fn env_port(var: &str, default: u16) -> u16 {
    match std::env::var(var) {
        Ok(p) if !p.is_empty() => p.parse().unwrap_or_else(|_| panic!("{var}={p:?} is not a port")),
        _ => default,
    }
}
const DELIVERY_WAIT: Duration = Duration::from_secs(5);

fn ca_file() -> String {
    let dir = match std::env::var_os("CSMAIL_MAILSRV_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from("/tmp/csmail-mailsrv"),
    };
    let ca = dir.join("pki").join("ca.pem");
    assert!(ca.is_file(), "{} is missing: run scripts/mailservers.sh start first", ca.display());
    ca.to_str().expect("UTF-8 path").to_owned()
}

fn ssl(mode: i32) -> Arc<SslInfo> {
    let s = Arc::new(SslInfo::new());
    s.set_mode(mode).unwrap();
    s.set_str(SSLCAFile, &ca_file()).unwrap();
    s.set_int(SSLNoSystemRoots, 1).unwrap();
    s
}

/// Waits for the message whose Subject holds `tag` in `user`'s mailbox, retrieves it as a
/// Message and deletes it.
fn take(user: &str, pass: &str, tag: &str) -> Message {
    let start = Instant::now();
    loop {
        let p = Pop3Client::new();
        p.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
        p.set_int(CSMAIL_PROP_PORT, pop3s() as i32).unwrap();
        p.set_str(CSMAIL_PROP_USER, user).unwrap();
        p.set_str(CSMAIL_PROP_PASSWORD, pass).unwrap();
        p.set_advanced_handler(AdvancedHandler::Ssl(ssl(MODE_CHANNEL))).unwrap();
        p.connect().unwrap();
        let (count, _) = p.stat().unwrap();
        for n in 1..=count {
            let head = p.top_message(n, 0).unwrap();
            if head.subject().is_some_and(|s| s.contains(tag)) {
                let m = p.retrieve_message(n).unwrap();
                p.delete(n).unwrap();
                assert!(p.disconnect().unwrap());
                return m;
            }
        }
        p.disconnect().unwrap();
        assert!(start.elapsed() < DELIVERY_WAIT, "{tag} did not reach {user}'s mailbox within {DELIVERY_WAIT:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs scripts/mailservers.sh start"]
fn postfix_and_dovecot_carry_a_composed_message() {
    let dir = tempfile::tempdir().unwrap();
    let (m, logo, pdf) = rich_message(dir.path());
    let t = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let tag = format!("{}-{}.{:09}", std::process::id(), t.as_secs(), t.subsec_nanos());
    m.set_subject(&format!("Grüße — the report ✓ {tag}")).unwrap();
    let smtp = SmtpClient::new();
    smtp.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
    smtp.set_int(CSMAIL_PROP_PORT, smtp_starttls() as i32).unwrap();
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000).unwrap();
    smtp.set_str(CSMAIL_PROP_USER, "alice").unwrap();
    smtp.set_str(CSMAIL_PROP_PASSWORD, "alicepass").unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Ssl(ssl(MODE_STARTTLS))).unwrap();
    smtp.connect().unwrap();
    // The headers name example.com people; the envelope goes to the servers' users: bob, and
    // alice as the blind copy.
    smtp.send_message_to(&m, Some("alice@example.com"), Some(&["bob@example.com", "alice@example.com"])).unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    smtp.disconnect().unwrap();

    for (user, pass) in [("bob", "bobpass"), ("alice", "alicepass")] {
        let r = take(user, pass, &tag);
        assert_eq!(r.header("Bcc"), None, "{user} sees no Bcc");
        assert_eq!(r.message_id(), m.message_id());
        assert_eq!(r.header("Date"), m.header("Date"));
        assert_eq!(r.subject(), m.subject());
        // The servers prepend their trace fields; everything csmail wrote is unchanged.
        assert!(r.header("Received").is_some());
        r.set_subject("Grüße — the report ✓").unwrap();
        assert_same_as_rich(&r, &logo, &pdf, false);
    }
}
