//! The IMAPClient C functions against the bundled server: a 1 MiB message fetched into a write
//! callback in pieces of at least 16 KiB and appended from a read callback (of known and of
//! unknown size), byte for byte; a sink refusal in the middle; LIST, SELECT, STATUS, SEARCH
//! through caller buffers; IDLE that ends after its wait.

mod common;
use common::c_imap::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::ffi::imap::*;
use std::ffi::c_void;

fn big_message() -> Vec<u8> {
    let mut m = b"From: a@example.com\r\nTo: bob@example.com\r\nSubject: big\r\n\r\n".to_vec();
    let mut i = 0;
    while m.len() < 1024 * 1024 {
        m.extend_from_slice(format!("{i:075}\r\n").as_bytes());
        i += 1;
    }
    m
}

unsafe extern "system" fn record_piece(ud: *mut c_void, data: *const u8, len: usize) -> i32 {
    // SAFETY: ud is a Vec<Vec<u8>>; data is readable for len bytes during the call.
    let pieces = unsafe { &mut *(ud as *mut Vec<Vec<u8>>) };
    pieces.push(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
    0
}

unsafe extern "system" fn refuse(_ud: *mut c_void, _data: *const u8, _len: usize) -> i32 {
    7
}

/// Reads from a (&[u8], position) pair.
unsafe extern "system" fn read_from(ud: *mut c_void, buf: *mut u8, cap: usize, n_out: *mut usize) -> i32 {
    // SAFETY: ud is a (&[u8], usize); buf is writable for cap bytes; n_out is writable.
    let (data, pos) = unsafe { &mut *(ud as *mut (&[u8], usize)) };
    let n = cap.min(data.len() - *pos);
    unsafe {
        std::ptr::copy_nonoverlapping(data[*pos..].as_ptr(), buf, n);
        *n_out = n;
    }
    *pos += n;
    0
}

#[test]
fn append_from_a_callback_and_fetch_into_one_in_16_kib_pieces() {
    let fx = plain_imap_fixture();
    let msg = big_message();
    let h = connected_c_imap(&fx);
    let inbox = cs("INBOX");
    for size in [msg.len(), usize::MAX] {
        let mut src: (&[u8], usize) = (&msg, 0);
        let mut uid = 0u32;
        // SAFETY: valid strings, callback and out pointer.
        let rc = unsafe {
            csmail_imap_append_cb(
                h,
                inbox.as_ptr(),
                std::ptr::null(),
                size,
                Some(read_from),
                &mut src as *mut _ as *mut c_void,
                &mut uid,
            )
        };
        assert_eq!(rc, CSMAIL_OK);
        assert!(uid > 0);
        let mut exists = 0;
        // SAFETY: as above; NULL out pointers are allowed.
        let rc = unsafe {
            csmail_imap_select(
                h,
                inbox.as_ptr(),
                1,
                &mut exists,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(rc, CSMAIL_OK);
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        // SAFETY: a NULL section is the whole message.
        let rc = unsafe {
            csmail_imap_fetch_cb(h, uid, 1, std::ptr::null(), Some(record_piece), &mut pieces as *mut _ as *mut c_void)
        };
        assert_eq!(rc, CSMAIL_OK);
        assert_eq!(pieces.concat(), msg, "byte for byte");
        let (_, all_but_last) = pieces.split_last().unwrap();
        let sizes: Vec<usize> = pieces.iter().map(Vec::len).collect();
        assert!(all_but_last.iter().all(|p| p.len() >= 16 * 1024), "{sizes:?}");
    }
    assert_eq!(csmail_imap_disconnect(h), CSMAIL_OK);
    assert_eq!(csmail_imap_release(h), CSMAIL_OK);
}

#[test]
fn a_sink_refusal_in_the_middle_of_a_message_closes_the_connection() {
    let fx = plain_imap_fixture();
    let h = connected_c_imap(&fx);
    let msg = big_message();
    let api = fx.imap(fx.server.imap_port, None, "bob", "bobpass");
    api.connect().unwrap();
    api.append("INBOX", &[], &mut &msg[..]).unwrap();
    api.disconnect().unwrap();
    // SAFETY: valid strings.
    let rc = unsafe {
        csmail_imap_select(
            h,
            cs("INBOX").as_ptr(),
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, CSMAIL_OK);
    // SAFETY: as above.
    let rc = unsafe { csmail_imap_fetch_cb(h, 1, 0, cs("").as_ptr(), Some(refuse), std::ptr::null_mut()) };
    assert_eq!(rc, CSMAIL_E_IO);
    assert_eq!(csmail::ffi::common::csmail_last_eex(), eexMessageSink);
    let mut connected = 9;
    // SAFETY: a local out pointer.
    assert_eq!(unsafe { csmail_imap_get_int(h, CSMAIL_PROP_CONNECTED, &mut connected) }, CSMAIL_OK);
    assert_eq!(connected, 0, "the rest of the message was in flight");
    assert_eq!(csmail_imap_release(h), CSMAIL_OK);
}

#[test]
fn mailboxes_and_search_through_caller_buffers() {
    let fx = plain_imap_fixture();
    let h = connected_c_imap(&fx);
    // SAFETY: valid handles, strings and buffers throughout.
    unsafe {
        assert_eq!(csmail_imap_create(h, cs("Entwürfe").as_ptr()), CSMAIL_OK);
        let names = string_out(|b, l, n| csmail_imap_list(h, cs("").as_ptr(), cs("*").as_ptr(), b, l, n));
        let mut names: Vec<&str> = names.split('\n').collect();
        names.sort();
        assert_eq!(names, ["Entwürfe", "INBOX"]);
        let msg = b"Subject: one\r\n\r\nx\r\n";
        let mut src: (&[u8], usize) = (msg, 0);
        let mut uid = 0;
        let rc = csmail_imap_append_cb(
            h,
            cs("INBOX").as_ptr(),
            cs("\\Flagged").as_ptr(),
            msg.len(),
            Some(read_from),
            &mut src as *mut _ as *mut c_void,
            &mut uid,
        );
        assert_eq!(rc, CSMAIL_OK);
        let (mut messages, mut unseen, mut next, mut validity) = (0, 0, 0, 0);
        assert_eq!(
            csmail_imap_status(h, cs("INBOX").as_ptr(), &mut messages, &mut unseen, &mut next, &mut validity),
            CSMAIL_OK
        );
        assert_eq!((messages, unseen, next), (1, 1, uid + 1));
        let (mut exists, mut recent, mut v2, mut n2) = (0, 0, 0, 0);
        assert_eq!(
            csmail_imap_select(h, cs("INBOX").as_ptr(), 0, &mut exists, &mut recent, &mut v2, &mut n2),
            CSMAIL_OK
        );
        assert_eq!((exists, v2, n2), (1, validity, next));
        let found = string_out(|b, l, n| csmail_imap_search(h, cs("FLAGGED SUBJECT \"one\"").as_ptr(), 1, b, l, n));
        assert_eq!(found, uid.to_string());
        assert_eq!(string_out(|b, l, n| csmail_imap_search(h, cs("SEEN").as_ptr(), 0, b, l, n)), "");
        // A literal announcement in raw search keys is refused before anything is sent.
        let mut needed = 0;
        let rc = csmail_imap_search(h, cs("SUBJECT {3}").as_ptr(), 0, std::ptr::null_mut(), 0, &mut needed);
        assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
        // A NULL mailbox.
        assert_eq!(csmail_imap_create(h, std::ptr::null()), CSMAIL_E_INVALID_ARGUMENT);
        // IDLE with nothing happening: the wait runs out, the session goes on.
        let (mut exists, mut changed) = (0, 9);
        assert_eq!(csmail_imap_idle(h, 100, &mut exists, &mut changed), CSMAIL_OK);
        assert_eq!((exists, changed), (1, 0));
        assert_eq!(csmail_imap_store_flags(h, cs("1").as_ptr(), 0, 1, cs("\\Deleted").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_imap_expunge(h, std::ptr::null()), CSMAIL_OK);
        assert_eq!(csmail_imap_close_mailbox(h, 0), CSMAIL_OK);
        assert_eq!(csmail_imap_disconnect(h), CSMAIL_OK);
    }
    assert_eq!(csmail_imap_release(h), CSMAIL_OK);
}

unsafe extern "system" fn record_message(ud: *mut c_void, uid: u32, data: *const u8, len: usize) -> i32 {
    // SAFETY: ud is a Vec<(u32, Vec<u8>)>; data is readable for len bytes during the call.
    let got = unsafe { &mut *(ud as *mut Vec<(u32, Vec<u8>)>) };
    got.push((uid, unsafe { std::slice::from_raw_parts(data, len) }.to_vec()));
    0
}

#[test]
fn fetch_many_hands_each_whole_message_to_the_callback() {
    let fx = plain_imap_fixture();
    let h = connected_c_imap(&fx);
    let api = fx.imap(fx.server.imap_port, None, "bob", "bobpass");
    api.connect().unwrap();
    let messages: Vec<Vec<u8>> =
        (0..10).map(|i| format!("Subject: {i}\r\n\r\n{}\r\n", "y".repeat(i * 5000)).into_bytes()).collect();
    for m in &messages {
        api.append("INBOX", &[], &mut &m[..]).unwrap();
    }
    api.disconnect().unwrap();
    let uids: Vec<u32> = (1..=10).chain([77]).collect();
    let mut got: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut fetched = 0u32;
    // SAFETY: valid handle, array, callback and out pointer.
    unsafe {
        let rc = csmail_imap_select(
            h,
            cs("INBOX").as_ptr(),
            1,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        assert_eq!(rc, CSMAIL_OK);
        let rc = csmail_imap_fetch_many(
            h,
            uids.as_ptr(),
            uids.len(),
            Some(record_message),
            &mut got as *mut _ as *mut c_void,
            &mut fetched,
        );
        assert_eq!(rc, CSMAIL_OK);
        // A NULL callback is refused before anything is sent.
        let rc = csmail_imap_fetch_many(h, uids.as_ptr(), uids.len(), None, std::ptr::null_mut(), std::ptr::null_mut());
        assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT);
    }
    assert_eq!(fetched, 10);
    let want: Vec<(u32, Vec<u8>)> = messages.into_iter().enumerate().map(|(i, m)| (i as u32 + 1, m)).collect();
    assert_eq!(got, want);
    assert_eq!(csmail_imap_disconnect(h), CSMAIL_OK);
    assert_eq!(csmail_imap_release(h), CSMAIL_OK);
}

/// ENABLE and ID through caller buffers: what the server enabled (only what it knows), its ID
/// fields as name=value lines, and the refusals before anything is sent.
#[test]
fn enable_and_id_through_caller_buffers() {
    let fx = plain_imap_fixture();
    let h = connected_c_imap(&fx);
    // SAFETY: a valid handle, NUL-terminated strings and buffers from string_out.
    unsafe {
        let caps = cs("UTF8=ACCEPT CONDSTORE");
        assert_eq!(string_out(|b, n, needed| csmail_imap_enable(h, caps.as_ptr(), b, n, needed)), "UTF8=ACCEPT");
        let fields = cs("name=csmail-test\nversion=1.0");
        assert_eq!(string_out(|b, n, needed| csmail_imap_id(h, fields.as_ptr(), b, n, needed)), "name=csmail-server");
        // NULL sends ID NIL.
        assert_eq!(string_out(|b, n, needed| csmail_imap_id(h, std::ptr::null(), b, n, needed)), "name=csmail-server");
        let mut needed = 0usize;
        let bad_field = cs("no equals sign");
        assert_eq!(
            csmail_imap_id(h, bad_field.as_ptr(), std::ptr::null_mut(), 0, &mut needed),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(last_text(), "the ID field \"no equals sign\" is not name=value");
        let injected = cs("name=x\r");
        assert_eq!(
            csmail_imap_id(h, injected.as_ptr(), std::ptr::null_mut(), 0, &mut needed),
            CSMAIL_E_INVALID_ARGUMENT
        );
        let bad_cap = cs("UTF8=ACCEPT (x");
        assert_eq!(
            csmail_imap_enable(h, bad_cap.as_ptr(), std::ptr::null_mut(), 0, &mut needed),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(last_text(), "\"(x\" is not a capability name");
        assert_eq!(
            csmail_imap_enable(h, std::ptr::null(), std::ptr::null_mut(), 0, &mut needed),
            CSMAIL_E_INVALID_ARGUMENT
        );
        // The session is still usable after the refusals.
        assert_eq!(csmail_imap_noop(h), CSMAIL_OK);
        csmail_imap_release(h);
    }
}

/// LIST with attributes: the special-use attribute of a Trash folder, TAB before each name, a
/// UTF-8 name whole, a pattern that matches nothing gives an empty string.
#[test]
fn list_attributes_gives_special_use_before_each_name() {
    let fx = plain_imap_fixture();
    let h = connected_c_imap(&fx);
    // SAFETY: a valid handle, NUL-terminated strings and buffers from string_out.
    unsafe {
        assert_eq!(csmail_imap_create(h, cs("Trash").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_imap_create(h, cs("Entwürfe").as_ptr()), CSMAIL_OK);
        let text = string_out(|b, l, n| csmail_imap_list_attributes(h, cs("").as_ptr(), cs("*").as_ptr(), b, l, n));
        let mut lines: Vec<(&str, &str)> = text.split('\n').map(|l| l.split_once('\t').unwrap()).collect();
        lines.sort_by_key(|(_, name)| *name);
        let names: Vec<&str> = lines.iter().map(|(_, n)| *n).collect();
        assert_eq!(names, ["Entwürfe", "INBOX", "Trash"]);
        let trash: Vec<&str> = lines[2].0.split(' ').collect();
        assert!(trash.contains(&"\\Trash"), "{text}");
        assert!(!lines[0].0.contains("\\Trash") && !lines[1].0.contains("\\Trash"), "{text}");
        let none =
            string_out(|b, l, n| csmail_imap_list_attributes(h, cs("").as_ptr(), cs("Nothing*").as_ptr(), b, l, n));
        assert_eq!(none, "");
        let mut needed = 0usize;
        assert_eq!(
            csmail_imap_list_attributes(h, std::ptr::null(), cs("*").as_ptr(), std::ptr::null_mut(), 0, &mut needed),
            CSMAIL_E_INVALID_ARGUMENT
        );
        csmail_imap_release(h);
    }
}
