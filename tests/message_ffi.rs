//! The Message and Section C functions at their edges: NULL, released and wrong-type handles,
//! strings in and out, caller buffers, byte pointers that stay valid, sections that outlive
//! their message, and Send(Message) errors.

use csmail::error::*;
use csmail::ffi::common::{csmail_last_eex, csmail_last_error_text};
use csmail::ffi::message::*;
use csmail::ffi::message_send::*;
use csmail::ffi::section::*;
use csmail::ffi::smtp::*;
use csmail::message::*;
use std::ffi::{c_char, c_void, CString};
use std::ptr::{null, null_mut};

fn cs(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_text() -> String {
    let mut buf = vec![0 as c_char; 4096];
    // SAFETY: a writable local buffer.
    unsafe { csmail_last_error_text(buf.as_mut_ptr(), buf.len(), null_mut()) };
    // SAFETY: NUL-terminated by csmail.
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

/// A string out of a get function, through the size query first.
fn get(f: impl Fn(*mut c_char, usize, *mut usize) -> i32) -> String {
    let mut needed = 0usize;
    assert_eq!(f(null_mut(), 0, &mut needed), CSMAIL_OK, "{}", last_text());
    let mut buf = vec![0 as c_char; needed];
    assert_eq!(f(buf.as_mut_ptr(), buf.len(), null_mut()), CSMAIL_OK);
    // SAFETY: NUL-terminated by csmail.
    unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

/// Every csmail_message_ function that takes a Message handle, called with `m` (the names
/// without the prefix). `live` is a valid section for the functions that take one, so only `m`
/// can make them fail.
fn message_calls(m: *const csmail_message, live: *const csmail_section) -> Vec<(&'static str, i32)> {
    let (n, v, a) = (cs("Subject"), cs("x"), cs("a@example.com"));
    let mut count = 0usize;
    let mut i = 0i32;
    let mut sec: *mut csmail_section = null_mut();
    let (mut data, mut len) = (null(), 0usize);
    let mut buf = [0 as c_char; 16];
    // SAFETY: valid local pointers; the handle is what is tested.
    unsafe {
        vec![
            ("data", csmail_message_data(m, &mut data, &mut len)),
            ("load_mem", csmail_message_load_mem(m, b"x".as_ptr(), 1)),
            ("load_from_file", csmail_message_load_from_file(m, v.as_ptr())),
            ("save_to_file", csmail_message_save_to_file(m, v.as_ptr())),
            ("get_header", csmail_message_get_header(m, n.as_ptr(), buf.as_mut_ptr(), buf.len(), null_mut())),
            ("set_header", csmail_message_set_header(m, n.as_ptr(), v.as_ptr())),
            ("add_header", csmail_message_add_header(m, n.as_ptr(), v.as_ptr())),
            ("header_count", csmail_message_header_count(m, &mut count)),
            ("header_at", csmail_message_header_at(m, 0, null_mut(), 0, null_mut(), null_mut(), 0, null_mut())),
            ("add_address", csmail_message_add_address(m, cs("To").as_ptr(), null(), a.as_ptr())),
            ("address_count", csmail_message_address_count(m, cs("To").as_ptr(), &mut count)),
            (
                "address_at",
                csmail_message_address_at(
                    m,
                    cs("To").as_ptr(),
                    0,
                    null_mut(),
                    0,
                    null_mut(),
                    null_mut(),
                    0,
                    null_mut(),
                ),
            ),
            ("get_text_body", csmail_message_get_text_body(m, null_mut(), 0, &mut count)),
            ("set_text_body", csmail_message_set_text_body(m, v.as_ptr())),
            ("get_html_body", csmail_message_get_html_body(m, null_mut(), 0, &mut count)),
            ("set_html_body", csmail_message_set_html_body(m, v.as_ptr())),
            ("get_priority", csmail_message_get_priority(m, &mut i)),
            ("set_priority", csmail_message_set_priority(m, 1)),
            ("add_attachment_file", csmail_message_add_attachment_file(m, v.as_ptr(), null(), null(), null_mut())),
            (
                "add_attachment_mem",
                csmail_message_add_attachment_mem(m, v.as_ptr(), b"x".as_ptr(), 1, null(), null_mut()),
            ),
            (
                "add_inline_mem",
                csmail_message_add_inline_mem(m, v.as_ptr(), null(), b"x".as_ptr(), 1, null(), null_mut()),
            ),
            ("add_inline_file", csmail_message_add_inline_file(m, v.as_ptr(), v.as_ptr(), null(), null_mut())),
            ("section_count", csmail_message_section_count(m, &mut count)),
            ("section", csmail_message_section(m, 0, &mut sec)),
            ("attachment_count", csmail_message_attachment_count(m, &mut count)),
            ("attachment", csmail_message_attachment(m, 0, &mut sec)),
            ("body", csmail_message_body(m, &mut sec)),
            ("add_section", csmail_message_add_section(m, live)),
            ("remove_section", csmail_message_remove_section(m, live)),
            ("limits_exceeded", csmail_message_limits_exceeded(m, &mut i)),
            ("addref", csmail_message_addref(m)),
            // Last: with a valid handle it would go.
            ("release", csmail_message_release(m)),
        ]
    }
}

/// Every csmail_section_ function that takes a Section handle, called with `s`; `live` is a
/// valid section for add_child.
fn section_calls(s: *const csmail_section, live: *const csmail_section) -> Vec<(&'static str, i32)> {
    let v = cs("x");
    let mut count = 0usize;
    let mut size = 0u64;
    let mut i = 0i32;
    let mut child: *mut csmail_section = null_mut();
    // SAFETY: valid local pointers; the handle is what is tested.
    unsafe {
        vec![
            ("get_str", csmail_section_get_str(s, CSMAIL_SECTION_CONTENT_TYPE, null_mut(), 0, &mut count)),
            ("set_str", csmail_section_set_str(s, CSMAIL_SECTION_FILE_NAME, v.as_ptr())),
            ("get_param", csmail_section_get_param(s, v.as_ptr(), null_mut(), 0, &mut count)),
            ("set_param", csmail_section_set_param(s, v.as_ptr(), v.as_ptr())),
            ("get_header", csmail_section_get_header(s, v.as_ptr(), null_mut(), 0, &mut count)),
            ("set_header", csmail_section_set_header(s, v.as_ptr(), v.as_ptr())),
            ("size", csmail_section_size(s, &mut size)),
            ("is_attachment", csmail_section_is_attachment(s, &mut i)),
            ("content", csmail_section_content(s, null_mut(), 0, &mut count)),
            ("text", csmail_section_text(s, null_mut(), 0, &mut count)),
            ("content_cb", csmail_section_content_cb(s, None, null_mut())),
            ("save_to_file", csmail_section_save_to_file(s, v.as_ptr(), v.as_ptr())),
            ("set_content_mem", csmail_section_set_content_mem(s, b"x".as_ptr(), 1)),
            ("set_content_file", csmail_section_set_content_file(s, v.as_ptr())),
            ("set_text", csmail_section_set_text(s, v.as_ptr())),
            ("child_count", csmail_section_child_count(s, &mut count)),
            ("child", csmail_section_child(s, 0, &mut child)),
            ("add_child", csmail_section_add_child(s, live)),
            ("addref", csmail_section_addref(s)),
            ("release", csmail_section_release(s)),
        ]
    }
}

/// The SMTPClient functions that send a Message, called with `smtp` and `m` (full names).
fn send_calls(smtp: *const csmail_smtp, m: *const csmail_message) -> Vec<(&'static str, i32)> {
    // SAFETY: NULL from and recipients (count 0) are allowed; the handles are what is tested.
    unsafe {
        vec![
            ("csmail_smtp_send_message", csmail_smtp_send_message(smtp, m)),
            ("csmail_smtp_send_message_to", csmail_smtp_send_message_to(smtp, m, null(), null(), 0)),
        ]
    }
}

fn new_section(ct: &str) -> *mut csmail_section {
    let mut s = null_mut();
    // SAFETY: local out-pointer.
    assert_eq!(unsafe { csmail_section_new(cs(ct).as_ptr(), &mut s) }, CSMAIL_OK);
    s
}

/// Every Message, Section and Send(Message) function refuses NULL, released and wrong-type
/// handles with CSMAIL_E_INVALID_HANDLE and eexInvalidHandle; returns the names it swept.
fn sweep_invalid_handles() -> std::collections::BTreeSet<String> {
    let mut swept = std::collections::BTreeSet::new();
    let mut check = |name: String, kind: &str, rc: i32| {
        assert_eq!(rc, CSMAIL_E_INVALID_HANDLE, "{name} with {kind}: {}", last_text());
        assert_eq!(csmail_last_eex(), eexInvalidHandle, "{name} with {kind}");
        assert!(last_text().contains("handle"), "{name} with {kind}: {}", last_text());
        swept.insert(name);
    };
    let released_msg = csmail_message_new();
    assert_eq!(csmail_message_release(released_msg), CSMAIL_OK);
    let released_sec = new_section("text/plain");
    assert_eq!(csmail_section_release(released_sec), CSMAIL_OK);
    let released_smtp = csmail_smtp_new();
    assert_eq!(csmail_smtp_release(released_smtp), CSMAIL_OK);
    let live_sec = new_section("text/plain");
    let live_msg = csmail_message_new();
    let live_smtp = csmail_smtp_new();
    for (kind, m) in
        [("NULL", null()), ("released", released_msg as *const _), ("a Section", live_sec as *const csmail_message)]
    {
        for (name, rc) in message_calls(m, live_sec) {
            check(format!("csmail_message_{name}"), kind, rc);
        }
        for (name, rc) in send_calls(live_smtp, m) {
            check(name.to_owned(), &format!("{kind} as the message"), rc);
        }
    }
    for (kind, s) in
        [("NULL", null()), ("released", released_sec as *const _), ("a Message", live_msg as *const csmail_section)]
    {
        for (name, rc) in section_calls(s, live_sec) {
            check(format!("csmail_section_{name}"), kind, rc);
        }
    }
    for (kind, smtp) in
        [("NULL", null()), ("released", released_smtp as *const _), ("a Message", live_msg as *const csmail_smtp)]
    {
        for (name, rc) in send_calls(smtp, live_msg) {
            check(name.to_owned(), &format!("{kind} as the SMTPClient"), rc);
        }
    }
    // The wrong-type calls left the objects alone: each still has exactly its one reference.
    assert_eq!(csmail_smtp_release(live_smtp), CSMAIL_OK);
    assert_eq!(csmail_section_release(live_sec), CSMAIL_OK);
    assert_eq!(csmail_message_release(live_msg), CSMAIL_OK);
    assert_eq!(csmail_section_release(live_sec), CSMAIL_E_INVALID_HANDLE);
    assert_eq!(csmail_message_release(live_msg), CSMAIL_E_INVALID_HANDLE);
    swept
}

#[test]
fn null_released_and_wrong_type_handles_are_refused() {
    sweep_invalid_handles();
}

/// The functions the header declares for Message, Section and Send(Message): a new one that the
/// sweep above does not call makes this test fail.
#[test]
fn the_handle_sweep_covers_every_message_function_of_the_header() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/csmail.h")).unwrap();
    let mut declared = std::collections::BTreeSet::new();
    for line in header.lines().filter(|l| !l.trim_start().starts_with(['*', '/', '#'])) {
        for prefix in ["csmail_message_", "csmail_section_", "csmail_smtp_send_message"] {
            let mut rest = line;
            while let Some(at) = rest.find(prefix) {
                let tail = &rest[at..];
                let end = tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(tail.len());
                if tail[end..].starts_with('(') {
                    declared.insert(tail[..end].to_owned());
                }
                rest = &tail[end..];
            }
        }
    }
    // The constructors take no handle: csmail_message_new has no argument, and
    // csmail_section_new refuses a NULL out-pointer.
    for constructor in ["csmail_message_new", "csmail_section_new"] {
        assert!(declared.remove(constructor), "{constructor} is declared");
    }
    // SAFETY: NULL is what is tested.
    assert_eq!(unsafe { csmail_section_new(null(), null_mut()) }, CSMAIL_E_INVALID_ARGUMENT);
    assert!(declared.len() > 50, "{declared:?}");
    let swept = sweep_invalid_handles();
    let missing: Vec<_> = declared.difference(&swept).collect();
    assert!(missing.is_empty(), "not in the invalid-handle sweep of tests/message_ffi.rs: {missing:?}");
    let unknown: Vec<_> = swept.difference(&declared).collect();
    assert!(unknown.is_empty(), "swept but not in the header: {unknown:?}");
}

#[test]
fn compose_in_c_and_read_back() {
    let m = csmail_message_new();
    let png: Vec<u8> = (0..=255u8).collect();
    let mut att: *mut csmail_section = null_mut();
    // SAFETY: valid handles and NUL-terminated strings.
    unsafe {
        assert_eq!(
            csmail_message_add_address(m, cs("From").as_ptr(), cs("Zoë, Z.").as_ptr(), cs("z@example.com").as_ptr()),
            CSMAIL_OK
        );
        assert_eq!(
            csmail_message_set_header(m, cs("to").as_ptr(), cs("\"B, B\" <b@example.com>, c@example.com").as_ptr()),
            CSMAIL_OK
        );
        assert_eq!(csmail_message_set_header(m, cs("Subject").as_ptr(), cs("Ünïcödé").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_message_set_text_body(m, cs("text").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_message_set_html_body(m, cs("<b>html</b>").as_ptr()), CSMAIL_OK);
        assert_eq!(
            csmail_message_add_attachment_mem(m, cs("pic.png").as_ptr(), png.as_ptr(), png.len(), null(), &mut att),
            CSMAIL_OK
        );
        // Refusals: CR/LF, bad UTF-8, bad addresses, Content-* as a plain header.
        assert_eq!(
            csmail_message_set_header(m, cs("Subject").as_ptr(), cs("a\r\nBcc: x@y.example").as_ptr()),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_last_eex(), eexForbiddenCharacter);
        let bad = [0xC3u8, 0x28, 0];
        assert_eq!(
            csmail_message_set_header(m, cs("Subject").as_ptr(), bad.as_ptr() as *const c_char),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_last_eex(), eexInvalidUtf8);
        assert_eq!(
            csmail_message_add_address(m, cs("To").as_ptr(), null(), cs("no address").as_ptr()),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_last_eex(), eexInvalidAddress);
        assert_eq!(
            csmail_message_set_header(m, cs("Content-Type").as_ptr(), cs("text/html").as_ptr()),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_last_eex(), eexInvalidHeader);
        assert_eq!(csmail_message_set_priority(m, 9), CSMAIL_E_INVALID_ARGUMENT);
    }
    assert_eq!(
        get(|b, l, n| unsafe { csmail_section_get_str(att, CSMAIL_SECTION_CONTENT_TYPE, b, l, n) }),
        "image/png"
    );
    // The bytes: the pointer stays valid after the message changes.
    let (mut data, mut len) = (null(), 0usize);
    // SAFETY: valid handle, local out-pointers.
    assert_eq!(unsafe { csmail_message_data(m, &mut data, &mut len) }, CSMAIL_OK);
    // SAFETY: valid while the message lives.
    let first = unsafe { std::slice::from_raw_parts(data, len) }.to_vec();
    // SAFETY: as above.
    unsafe {
        assert_eq!(csmail_message_set_header(m, cs("X-Later").as_ptr(), cs("1").as_ptr()), CSMAIL_OK);
        let (mut d2, mut l2) = (null(), 0usize);
        assert_eq!(csmail_message_data(m, &mut d2, &mut l2), CSMAIL_OK);
        assert_ne!(d2, data);
        assert!(std::slice::from_raw_parts(data, len) == first.as_slice(), "the old bytes are still there");
    }

    // Read back through a second message loaded from memory.
    let r = csmail_message_new();
    // SAFETY: valid handle and buffer.
    assert_eq!(unsafe { csmail_message_load_mem(r, first.as_ptr(), first.len()) }, CSMAIL_OK);
    assert_eq!(get(|b, l, n| unsafe { csmail_message_get_header(r, cs("subject").as_ptr(), b, l, n) }), "Ünïcödé");
    assert_eq!(
        get(|b, l, n| unsafe { csmail_message_get_header(r, cs("To").as_ptr(), b, l, n) }),
        "\"B, B\" <b@example.com>, c@example.com"
    );
    assert_eq!(get(|b, l, n| unsafe { csmail_message_get_header(r, cs("X-Absent").as_ptr(), b, l, n) }), "");
    assert_eq!(get(|b, l, n| unsafe { csmail_message_get_text_body(r, b, l, n) }), "text");
    assert_eq!(get(|b, l, n| unsafe { csmail_message_get_html_body(r, b, l, n) }), "<b>html</b>");
    let mut count = 0usize;
    // SAFETY: valid handles and local pointers.
    unsafe {
        assert_eq!(csmail_message_address_count(r, cs("From").as_ptr(), &mut count), CSMAIL_OK);
        assert_eq!(count, 1);
        let name =
            get(|b, l, n| csmail_message_address_at(r, cs("From").as_ptr(), 0, b, l, n, null_mut(), 0, null_mut()));
        let addr =
            get(|b, l, n| csmail_message_address_at(r, cs("From").as_ptr(), 0, null_mut(), 0, null_mut(), b, l, n));
        assert_eq!((name.as_str(), addr.as_str()), ("Zoë, Z.", "z@example.com"));
        assert_eq!(
            csmail_message_address_at(r, cs("From").as_ptr(), 1, null_mut(), 0, null_mut(), null_mut(), 0, null_mut()),
            CSMAIL_E_INVALID_ARGUMENT
        );
        // A buffer too small gets nothing and the size.
        let mut small = [0x55 as c_char; 3];
        let mut needed = 0usize;
        assert_eq!(
            csmail_message_get_header(r, cs("Subject").as_ptr(), small.as_mut_ptr(), small.len(), &mut needed),
            CSMAIL_E_BUFFER_TOO_SMALL
        );
        assert_eq!(needed, "Ünïcödé".len() + 1);
        assert_eq!(small, [0x55; 3]);
        assert_eq!(csmail_message_header_count(r, &mut count), CSMAIL_OK);
        let names: Vec<String> = (0..count)
            .map(|i| get(|b, l, n| csmail_message_header_at(r, i, b, l, n, null_mut(), 0, null_mut())))
            .collect();
        assert_eq!(&names[..3], ["From", "To", "Subject"]);
        assert!(names.contains(&"Message-ID".to_owned()) && names.contains(&"Date".to_owned()));
        // Attachments: the bytes, in a buffer and through a callback.
        assert_eq!(csmail_message_attachment_count(r, &mut count), CSMAIL_OK);
        assert_eq!(count, 1);
        let mut a = null_mut();
        assert_eq!(csmail_message_attachment(r, 0, &mut a), CSMAIL_OK);
        let mut needed = 0usize;
        assert_eq!(csmail_section_content(a, null_mut(), 0, &mut needed), CSMAIL_OK);
        assert_eq!(needed, 256);
        let mut buf = vec![0u8; 255];
        assert_eq!(csmail_section_content(a, buf.as_mut_ptr(), buf.len(), &mut needed), CSMAIL_E_BUFFER_TOO_SMALL);
        let mut buf = vec![0u8; 256];
        assert_eq!(csmail_section_content(a, buf.as_mut_ptr(), buf.len(), null_mut()), CSMAIL_OK);
        assert_eq!(buf, png);
        unsafe extern "C" fn collect(ud: *mut c_void, data: *const u8, len: usize) -> i32 {
            // SAFETY: ud is the test's Vec; data has len bytes during the call.
            unsafe { (*(ud as *mut Vec<u8>)).extend_from_slice(std::slice::from_raw_parts(data, len)) };
            0
        }
        let mut got: Vec<u8> = Vec::new();
        assert_eq!(csmail_section_content_cb(a, Some(collect), &mut got as *mut Vec<u8> as *mut c_void), CSMAIL_OK);
        assert_eq!(got, png);
        // Properties: unknown, read-only.
        assert_eq!(csmail_section_get_str(a, 99, null_mut(), 0, &mut needed), CSMAIL_E_INVALID_ARGUMENT);
        assert_eq!(csmail_last_eex(), eexUnknownOption);
        assert_eq!(
            csmail_section_set_str(a, CSMAIL_SECTION_TRANSFER_ENCODING, cs("8bit").as_ptr()),
            CSMAIL_E_INVALID_ARGUMENT
        );
        assert_eq!(csmail_last_eex(), eexReadOnlyOption);
        assert_eq!(get(|b, l, n| csmail_section_get_str(a, CSMAIL_SECTION_TRANSFER_ENCODING, b, l, n)), "base64");
        // SaveToFile of a section: hostile names refused.
        let dir = tempfile::tempdir().unwrap();
        let folder = cs(dir.path().to_str().unwrap());
        for bad in ["../x.png", "/etc/x", "NUL", "a\\b"] {
            assert_eq!(
                csmail_section_save_to_file(a, folder.as_ptr(), cs(bad).as_ptr()),
                CSMAIL_E_INVALID_ARGUMENT,
                "{bad}"
            );
            assert_eq!(csmail_last_eex(), eexUnsafeFileName);
        }
        assert_eq!(csmail_section_save_to_file(a, folder.as_ptr(), null()), CSMAIL_OK, "{}", last_text());
        assert_eq!(std::fs::read(dir.path().join("pic.png")).unwrap(), png);
        // The section outlives both messages.
        assert_eq!(csmail_message_release(r), CSMAIL_OK);
        assert_eq!(csmail_message_release(m), CSMAIL_OK);
        assert_eq!(get(|b, l, n| csmail_section_get_str(a, CSMAIL_SECTION_FILE_NAME, b, l, n)), "pic.png");
        assert_eq!(csmail_section_release(a), CSMAIL_OK);
        assert_eq!(csmail_section_release(att), CSMAIL_OK);
    }
}

#[test]
fn sections_built_in_c() {
    let root = new_section("multipart/mixed");
    let text = new_section("");
    let bin = new_section("application/octet-stream");
    // SAFETY: valid handles and strings.
    unsafe {
        assert_eq!(csmail_section_set_text(text, cs("hello").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_section_set_content_mem(bin, [1u8, 2, 3].as_ptr(), 3), CSMAIL_OK);
        assert_eq!(csmail_section_set_str(bin, CSMAIL_SECTION_FILE_NAME, cs("d.bin").as_ptr()), CSMAIL_OK);
        assert_eq!(
            csmail_section_set_header(bin, cs("Content-Description").as_ptr(), cs("three bytes").as_ptr()),
            CSMAIL_OK
        );
        assert_eq!(csmail_section_add_child(root, text), CSMAIL_OK);
        assert_eq!(csmail_section_add_child(root, bin), CSMAIL_OK);
        assert_eq!(csmail_section_add_child(text, bin), CSMAIL_E_INVALID_ARGUMENT, "a leaf holds no sections");
        assert_eq!(csmail_section_add_child(root, root), CSMAIL_E_INVALID_ARGUMENT);
        assert_eq!(csmail_section_set_content_mem(root, [1u8].as_ptr(), 1), CSMAIL_E_INVALID_ARGUMENT);
        let m = csmail_message_new();
        assert_eq!(csmail_message_add_address(m, cs("From").as_ptr(), null(), cs("a@example.com").as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_message_add_section(m, bin), CSMAIL_OK);
        assert_eq!(csmail_message_add_section(m, bin), CSMAIL_E_INVALID_ARGUMENT);
        let mut count = 0usize;
        assert_eq!(csmail_message_section_count(m, &mut count), CSMAIL_OK);
        assert_eq!(count, 1);
        assert_eq!(csmail_message_remove_section(m, bin), CSMAIL_OK);
        assert_eq!(csmail_message_remove_section(m, bin), CSMAIL_E_INVALID_ARGUMENT);
        let (mut data, mut len) = (null(), 0usize);
        assert_eq!(csmail_message_data(m, &mut data, &mut len), CSMAIL_OK);
        // Send(Message) without recipients: refused before any network, in the client's ErrorInfo.
        let smtp = csmail_smtp_new();
        assert_eq!(csmail_smtp_send_message(smtp, m), CSMAIL_E_INVALID_ARGUMENT);
        assert_eq!(csmail_last_eex(), eexNoEnvelope);
        let rcpt = [cs("b@example.com")];
        let ptrs: Vec<*const c_char> = rcpt.iter().map(|c| c.as_ptr()).collect();
        assert_eq!(csmail_smtp_send_message_to(smtp, m, null(), ptrs.as_ptr(), 1), CSMAIL_E_NOT_CONNECTED);
        assert_eq!(csmail_smtp_release(smtp), CSMAIL_OK);
        assert_eq!(csmail_message_release(m), CSMAIL_OK);
        for s in [root, text, bin] {
            assert_eq!(csmail_section_release(s), CSMAIL_OK);
        }
    }
}
