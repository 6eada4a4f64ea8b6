//! The C search criteria builder (csmail_search) against the bundled server: every kind of key
//! finds exactly the messages it should, strings that try to inject stay strings, UTF-8 goes
//! out with CHARSET UTF-8, and bad keys (CR/LF, NULL, bad UTF-8, impossible dates, keys given to
//! the wrong function, empty NOT/OR) are refused when added with the criteria left as they were.

mod common;
use common::c_imap::*;
use common::*;
use csmail::api::imap_objects::*;
use csmail::error::*;
use csmail::ffi::common::csmail_last_eex;
use csmail::ffi::imap::*;
use csmail::ffi::imap_search::*;
use std::ffi::c_char;
use std::ptr::{null, null_mut};

/// Three messages in bob's INBOX, and a C client with INBOX selected.
fn mailbox(fx: &Fixture) -> *mut csmail_imap {
    let api = fx.imap(fx.server.imap_port, None, "bob", "bobpass");
    api.connect().unwrap();
    let one = "From: alice@example.com\r\nTo: bob@example.com\r\nCc: carol@example.com\r\n\
               Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n\r\nhello world\r\n";
    let two = format!(
        "From: dave@example.com\r\nTo: bob@example.com\r\nSubject: report\r\n\r\nquarterly numbers\r\n{}\r\n",
        "z".repeat(6000)
    );
    let three = "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: re: report\r\n\r\nthanks\r\n";
    api.append("INBOX", &["\\Seen", "\\Flagged"], &mut one.as_bytes()).unwrap();
    api.append("INBOX", &[], &mut two.as_bytes()).unwrap();
    api.append("INBOX", &["\\Answered", "\\Deleted"], &mut three.as_bytes()).unwrap();
    api.disconnect().unwrap();
    let h = connected_c_imap(fx);
    c_select(h, "INBOX", true);
    h
}

fn search(h: *const csmail_imap, s: *const csmail_search) -> String {
    // SAFETY: buffers from string_out.
    string_out(|b, n, needed| unsafe { csmail_imap_search_criteria(h, s, 0, b, n, needed) })
}

/// New criteria made by `build`; released after the search.
fn found(h: *const csmail_imap, build: impl FnOnce(*const csmail_search)) -> String {
    let s = csmail_search_new();
    build(s);
    let r = search(h, s);
    assert_eq!(csmail_search_release(s), CSMAIL_OK);
    r
}

fn ok(rc: i32) {
    assert_eq!(rc, CSMAIL_OK, "{}", last_text());
}

#[test]
fn every_kind_of_key_finds_exactly_its_messages() {
    let fx = plain_imap_fixture();
    let h = mailbox(&fx);
    // SAFETY: valid handles and NUL-terminated strings throughout.
    unsafe {
        assert_eq!(found(h, |_| {}), "1 2 3", "no key: ALL");
        assert_eq!(found(h, |s| ok(csmail_search_add(s, CSMAIL_SEARCH_UNSEEN))), "2 3");
        assert_eq!(found(h, |s| ok(csmail_search_add(s, CSMAIL_SEARCH_FLAGGED))), "1");
        assert_eq!(found(h, |s| ok(csmail_search_add(s, CSMAIL_SEARCH_UNFLAGGED))), "2 3");
        assert_eq!(found(h, |s| ok(csmail_search_add(s, CSMAIL_SEARCH_ANSWERED))), "3");
        assert_eq!(found(h, |s| ok(csmail_search_add(s, CSMAIL_SEARCH_UNDELETED))), "1 2");
        assert_eq!(found(h, |s| ok(csmail_search_add(s, CSMAIL_SEARCH_DRAFT))), "");
        assert_eq!(found(h, |s| ok(csmail_search_add_str(s, CSMAIL_SEARCH_FROM, cs("alice").as_ptr()))), "1 3");
        assert_eq!(found(h, |s| ok(csmail_search_add_str(s, CSMAIL_SEARCH_CC, cs("carol").as_ptr()))), "1");
        assert_eq!(found(h, |s| ok(csmail_search_add_str(s, CSMAIL_SEARCH_SUBJECT, cs("report").as_ptr()))), "2 3");
        assert_eq!(found(h, |s| ok(csmail_search_add_str(s, CSMAIL_SEARCH_BODY, cs("quarterly").as_ptr()))), "2");
        assert_eq!(found(h, |s| ok(csmail_search_add_str(s, CSMAIL_SEARCH_TEXT, cs("thanks").as_ptr()))), "3");
        // UTF-8: a literal with CHARSET UTF-8; the server decodes the encoded word.
        assert_eq!(found(h, |s| ok(csmail_search_add_str(s, CSMAIL_SEARCH_SUBJECT, cs("Grüße").as_ptr()))), "1");
        assert_eq!(found(h, |s| ok(csmail_search_add_header(s, cs("Cc").as_ptr(), cs("carol@").as_ptr()))), "1");
        assert_eq!(found(h, |s| ok(csmail_search_add_number(s, CSMAIL_SEARCH_LARGER, 5000))), "2");
        assert_eq!(found(h, |s| ok(csmail_search_add_number(s, CSMAIL_SEARCH_SMALLER, 5000))), "1 3");
        assert_eq!(found(h, |s| ok(csmail_search_add_date(s, CSMAIL_SEARCH_SINCE, 2000, 1, 1))), "1 2 3");
        assert_eq!(found(h, |s| ok(csmail_search_add_date(s, CSMAIL_SEARCH_BEFORE, 2000, 1, 1))), "");
        assert_eq!(found(h, |s| ok(csmail_search_add_date(s, CSMAIL_SEARCH_ON, 2000, 2, 29))), "");
        assert_eq!(found(h, |s| ok(csmail_search_add_uids(s, cs("2:*").as_ptr()))), "2 3");
        assert_eq!(found(h, |s| ok(csmail_search_add_raw(s, cs("FLAGGED FROM \"alice\"").as_ptr()))), "1");
        // Keys are ANDed.
        let r = found(h, |s| {
            ok(csmail_search_add_str(s, CSMAIL_SEARCH_FROM, cs("alice").as_ptr()));
            ok(csmail_search_add(s, CSMAIL_SEARCH_UNSEEN));
        });
        assert_eq!(r, "3");
        // NOT and OR take other criteria, copied when added.
        let deleted = csmail_search_new();
        ok(csmail_search_add(deleted, CSMAIL_SEARCH_DELETED));
        let flagged = csmail_search_new();
        ok(csmail_search_add(flagged, CSMAIL_SEARCH_FLAGGED));
        let large = csmail_search_new();
        ok(csmail_search_add_number(large, CSMAIL_SEARCH_LARGER, 5000));
        assert_eq!(found(h, |s| ok(csmail_search_add_not(s, deleted))), "1 2");
        assert_eq!(found(h, |s| ok(csmail_search_add_or(s, flagged, large))), "1 2");
        let r = found(h, |s| {
            ok(csmail_search_add_or(s, flagged, large));
            ok(csmail_search_add(large, CSMAIL_SEARCH_SEEN)); // changes `large`, not `s`
            ok(csmail_search_add_not(s, deleted));
        });
        assert_eq!(r, "1 2");
        for c in [deleted, flagged, large] {
            assert_eq!(csmail_search_release(c), CSMAIL_OK);
        }
        // A UID SEARCH gives UIDs.
        let s = csmail_search_new();
        ok(csmail_search_add(s, CSMAIL_SEARCH_SEEN));
        let uids = string_out(|b, n, needed| csmail_imap_search_criteria(h, s, 1, b, n, needed));
        assert_eq!(uids, "1");
        assert_eq!(csmail_search_release(s), CSMAIL_OK);
    }
    assert_eq!(csmail_imap_release(h), CSMAIL_OK);
}

#[test]
fn strings_cannot_inject_and_bad_keys_are_refused_when_added() {
    let fx = plain_imap_fixture();
    let h = mailbox(&fx);
    let s = csmail_search_new();
    // SAFETY: valid handles; the bad arguments are what is under test.
    unsafe {
        ok(csmail_search_add_str(s, CSMAIL_SEARCH_FROM, cs("alice").as_ptr()));
        // A quote that tries to close the string and add OR ALL: still one string.
        let rc = csmail_search_add_str(s, CSMAIL_SEARCH_SUBJECT, cs("x\" OR ALL \"").as_ptr());
        ok(rc);
        assert_eq!(search(h, s), "");
        assert_eq!(csmail_search_release(s), CSMAIL_OK);

        let s = csmail_search_new();
        ok(csmail_search_add(s, CSMAIL_SEARCH_UNSEEN));
        let refused = |rc: i32, eex: i32, text: &str| {
            assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT, "{text}");
            assert_eq!(csmail_last_eex(), eex, "{text}");
            assert_eq!(last_text(), text);
        };
        refused(
            csmail_search_add_str(s, CSMAIL_SEARCH_SUBJECT, cs("a\r\nA9 LOGOUT").as_ptr()),
            eexForbiddenCharacter,
            "a search string contains CR, LF or NUL",
        );
        refused(csmail_search_add_str(s, CSMAIL_SEARCH_SUBJECT, null()), eexInvalidArgument, "value is NULL");
        let bad_utf8 = [b'a', 0xC3, 0];
        let rc = csmail_search_add_str(s, CSMAIL_SEARCH_SUBJECT, bad_utf8.as_ptr() as *const c_char);
        assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
        refused(
            csmail_search_add_header(s, cs("X-A\r\nB").as_ptr(), cs("v").as_ptr()),
            eexForbiddenCharacter,
            "a header name contains CR, LF or NUL",
        );
        refused(
            csmail_search_add(s, CSMAIL_SEARCH_FROM),
            eexUnknownOption,
            "search key 20 is not a key without argument (the CSMAIL_SEARCH_* keys of csmail_search_add)",
        );
        refused(
            csmail_search_add_str(s, CSMAIL_SEARCH_SEEN, cs("x").as_ptr()),
            eexUnknownOption,
            "search key 2 is not a key with a string (the CSMAIL_SEARCH_* keys of csmail_search_add_str)",
        );
        refused(
            csmail_search_add_number(s, CSMAIL_SEARCH_SINCE, 1),
            eexUnknownOption,
            "search key 50 is not a key with a number (the CSMAIL_SEARCH_* keys of csmail_search_add_number)",
        );
        refused(
            csmail_search_add_date(s, CSMAIL_SEARCH_SINCE, 2023, 2, 29),
            eexInvalidArgument,
            "2023-02-29 is not a date (year 1-9999, month 1-12, a day the month has)",
        );
        refused(
            csmail_search_add_date(s, CSMAIL_SEARCH_BEFORE, 2024, -1, 1),
            eexInvalidArgument,
            "2024--1-1 is not a date (year 1-9999, month 1-12, a day the month has)",
        );
        refused(
            csmail_search_add_uids(s, cs("1 OR ALL").as_ptr()),
            eexInvalidArgument,
            "\"1 OR ALL\" is not a message set: numbers, ranges a:b and * separated by commas",
        );
        let rc = csmail_search_add_raw(s, cs("SUBJECT {5}").as_ptr());
        assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
        let rc = csmail_search_add_raw(s, cs("SUBJECT \"ü\"").as_ptr());
        assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
        let empty = csmail_search_new();
        refused(
            csmail_search_add_not(s, empty),
            eexInvalidArgument,
            "NOT of criteria without keys (add a key to them first)",
        );
        refused(
            csmail_search_add_or(s, empty, s),
            eexInvalidArgument,
            "OR of criteria without keys (add a key to both first)",
        );
        assert_eq!(csmail_search_release(empty), CSMAIL_OK);
        assert_eq!(csmail_search_add_not(s, empty), CSMAIL_E_INVALID_HANDLE, "released");
        assert_eq!(csmail_search_add_not(s, h as *const csmail_search), CSMAIL_E_INVALID_HANDLE, "another type");
        // Nothing refused was kept: the criteria are still just UNSEEN.
        assert_eq!(search(h, s), "2 3");
        // Criteria that include themselves (OR s s) are copied first.
        ok(csmail_search_add_or(s, s, s));
        assert_eq!(search(h, s), "2 3");
        // A NULL or released criteria handle for the search.
        let mut needed = 0;
        assert_eq!(csmail_imap_search_criteria(h, null(), 0, null_mut(), 0, &mut needed), CSMAIL_E_INVALID_HANDLE);
        assert_eq!(csmail_search_release(s), CSMAIL_OK);
        assert_eq!(csmail_imap_search_criteria(h, s, 0, null_mut(), 0, &mut needed), CSMAIL_E_INVALID_HANDLE);
        assert_eq!(csmail_search_add(s, CSMAIL_SEARCH_ALL), CSMAIL_E_INVALID_HANDLE);
        // The session went on through all of it.
        assert_eq!(csmail_imap_noop(h), CSMAIL_OK);
    }
    assert_eq!(csmail_imap_release(h), CSMAIL_OK);
}
