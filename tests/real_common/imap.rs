//! The IMAP side of the real-server fixture: a connected IMAPClient, waiting for a delivery to
//! show up in the selected mailbox, scratch mailboxes of a known state (a fresh UIDVALIDITY,
//! UIDs from 1), and the wire as the log shows it.

use super::{imap, unique_tag, Client, Security, DELIVERY_WAIT};
use csmail::api::imap_client::{FetchItems, ListEntry, Search};
use csmail::api::properties::*;
use csmail::api::ImapClient;
use std::time::{Duration, Instant};

/// A connected IMAP client (panics with the transcript when the connection fails).
#[track_caller]
pub fn connected(host: &str, port: u16, tls: Security, login: (&str, &str), mech: i32) -> Client<ImapClient> {
    let c = imap(host, port, tls, login, mech);
    if let Err(e) = c.c.connect() {
        panic!("IMAP connect failed: {e}\n{}", c.transcript());
    }
    assert_eq!(c.c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c
}

/// Waits (up to DELIVERY_WAIT, with NOOP so the server reports new mail) until SEARCH finds the
/// message tagged `tag` in the selected mailbox; returns its UID.
#[track_caller]
pub fn await_uid(c: &ImapClient, tag: &str) -> u32 {
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

/// A tag without the hierarchy separator ".", for mailbox names.
pub fn name_tag() -> String {
    unique_tag().replace('.', "_")
}

/// A new, empty mailbox `prefix-<tag>`: its UIDs start at 1. Returns its name.
#[track_caller]
pub fn scratch_mailbox(c: &Client<ImapClient>, prefix: &str) -> String {
    let name = format!("{prefix}-{}", name_tag());
    if let Err(e) = c.c.create_mailbox(&name) {
        panic!("CREATE {name} failed: {e}\n{}", c.transcript());
    }
    name
}

/// The mailbox LIST marks with the special-use attribute `attr` (RFC 6154).
#[track_caller]
pub fn special_use(list: &[ListEntry], attr: &str) -> String {
    let e = list.iter().find(|e| e.attributes.iter().any(|a| a == attr));
    e.unwrap_or_else(|| panic!("no mailbox has {attr}: {list:?}")).name.clone()
}

/// Every UID in the selected mailbox.
pub fn all_uids(c: &ImapClient) -> Vec<u32> {
    c.search(&Search::new().all(), true).unwrap()
}

/// The flags of the message with `uid`, sorted.
#[track_caller]
pub fn flags_of(c: &ImapClient, uid: u32) -> Vec<String> {
    let items = FetchItems { flags: true, ..FetchItems::NONE };
    let info = c.fetch_info(&uid.to_string(), true, items).unwrap();
    assert_eq!(info.len(), 1, "{info:?}");
    assert_eq!(info[0].uid, uid);
    let mut f = info[0].flags.clone();
    f.sort();
    f
}

/// The whole message with `uid`, fetched with BODY.PEEK[].
#[track_caller]
pub fn body_of(c: &ImapClient, uid: u32) -> Vec<u8> {
    let mut got = Vec::new();
    let n = c.fetch_body(uid, true, "", &mut got).unwrap();
    assert_eq!(n, got.len() as u64);
    got
}

/// The lines the client sent ("C: ...") and received ("S: ...") since `from` (an index into
/// the log), for checking what went over the wire.
pub fn wire_since(c: &Client<ImapClient>, from: usize) -> Vec<String> {
    c.log().into_iter().skip(from).filter(|l| l.starts_with("C: ") || l.starts_with("S: ")).collect()
}

/// The one logged line after `from` that contains `needle`.
#[track_caller]
pub fn wire_line(c: &Client<ImapClient>, from: usize, needle: &str) -> String {
    let hits: Vec<String> = wire_since(c, from).into_iter().filter(|l| l.contains(needle)).collect();
    match &hits[..] {
        [one] => one.clone(),
        _ => panic!("expected one line with {needle:?}, found {hits:?}\n{}", c.transcript()),
    }
}

/// The `[COPYUID validity from to]` code in a logged response line: (validity, from, to).
#[track_caller]
pub fn copyuid(line: &str) -> (u32, String, String) {
    let (_, rest) = line.split_once("[COPYUID ").unwrap_or_else(|| panic!("no COPYUID in {line:?}"));
    let code = &rest[..rest.find(']').expect("the code ends with ]")];
    let parts: Vec<&str> = code.split(' ').collect();
    assert_eq!(parts.len(), 3, "{line:?}");
    (parts[0].parse().unwrap(), parts[1].to_owned(), parts[2].to_owned())
}

/// The untagged responses `* n WHAT` logged since `from`.
pub fn untagged(c: &Client<ImapClient>, from: usize, what: &str) -> Vec<String> {
    let end = format!(" {what}");
    wire_since(c, from).into_iter().filter(|l| l.starts_with("S: * ") && l.ends_with(&end)).collect()
}
