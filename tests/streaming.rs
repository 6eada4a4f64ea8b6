//! The streaming paths at full size (issue 9): a retrieved message reaches a C write callback
//! in pieces of at least 16 KiB, not a call per line, byte for byte.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::error::CSMAIL_OK;
use csmail::ffi::pop3::*;
use std::ffi::{c_void, CString};

/// A 1 MiB message of 78-byte lines, one in 40 starting with a dot.
fn big_message() -> Vec<u8> {
    let mut m = b"From: a@example.com\r\nTo: alice@example.com\r\nSubject: big\r\n\r\n".to_vec();
    let mut i = 0;
    while m.len() < 1024 * 1024 {
        if i % 40 == 39 {
            m.push(b'.');
        }
        m.extend_from_slice(format!("{i:075}\r\n").as_bytes());
        i += 1;
    }
    m
}

unsafe extern "system" fn record_piece(ud: *mut c_void, data: *const u8, len: usize) -> i32 {
    // SAFETY: ud is the Vec<Vec<u8>> below; data is readable for len bytes during the call.
    let pieces = unsafe { &mut *(ud as *mut Vec<Vec<u8>>) };
    pieces.push(unsafe { std::slice::from_raw_parts(data, len) }.to_vec());
    0
}

unsafe extern "system" fn refuse(_ud: *mut c_void, _data: *const u8, _len: usize) -> i32 {
    7
}

/// A POP3 client for alice on the bundled server's plain port, connected.
fn connected_pop3(fx: &Fixture) -> *mut csmail_pop3 {
    let p = csmail_pop3_new();
    let (host, user, pass) =
        (CString::new("127.0.0.1").unwrap(), CString::new("alice").unwrap(), CString::new("alicepass").unwrap());
    // SAFETY: a valid handle and NUL-terminated strings.
    unsafe {
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_int(p, CSMAIL_PROP_PORT, fx.server.pop3_port as i32), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_USER, user.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_pop3_set_str(p, CSMAIL_PROP_PASSWORD, pass.as_ptr()), CSMAIL_OK);
    }
    assert_eq!(csmail_pop3_connect(p), CSMAIL_OK);
    p
}

fn deliver(fx: &Fixture, msg: &[u8]) {
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    smtp.send("a@example.com", &["alice@example.com"], &mut &msg[..]).unwrap();
    smtp.disconnect().unwrap();
}

#[test]
fn a_refusal_in_the_middle_of_a_big_message_closes_the_connection() {
    let fx = Fixture::start();
    deliver(&fx, &big_message());
    let p = connected_pop3(&fx);
    assert_eq!(csmail_pop3_retrieve_cb(p, 1, Some(refuse), std::ptr::null_mut()), csmail::error::CSMAIL_E_IO);
    assert_eq!(csmail::ffi::common::csmail_last_eex(), csmail::error::eexMessageSink);
    let mut connected = 9;
    // SAFETY: a local out-pointer.
    assert_eq!(unsafe { csmail_pop3_get_int(p, CSMAIL_PROP_CONNECTED, &mut connected) }, CSMAIL_OK);
    assert_eq!(connected, 0, "the rest of the message was in flight");
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
}

#[test]
fn the_write_callback_gets_pieces_of_at_least_16_kib() {
    let fx = Fixture::start();
    let msg = big_message();
    deliver(&fx, &msg);
    let p = connected_pop3(&fx);
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let ud = &mut pieces as *mut Vec<Vec<u8>> as *mut c_void;
    assert_eq!(csmail_pop3_retrieve_cb(p, 1, Some(record_piece), ud), CSMAIL_OK);
    // SAFETY: NULL is allowed for committed_out.
    assert_eq!(unsafe { csmail_pop3_disconnect(p, std::ptr::null_mut()) }, CSMAIL_OK);
    assert_eq!(csmail_pop3_release(p), CSMAIL_OK);
    assert_eq!(pieces.concat(), msg, "byte for byte");
    let (_, all_but_last) = pieces.split_last().unwrap();
    let sizes: Vec<usize> = pieces.iter().map(Vec::len).collect();
    assert!(all_but_last.iter().all(|p| p.len() >= 16 * 1024), "{sizes:?}");
    assert!(pieces.len() <= msg.len() / (16 * 1024) + 1, "{} calls: {sizes:?}", pieces.len());
}
