//! SMTP replies as the client reads them: the bytes a server sends, cut into lines as the line
//! engine does (LF ends a line, a CR before it goes), each line added to the reply being read
//! (`Reply::push_line`), a finished reply read again as an EHLO reply. It never panics; a
//! finished reply has one code of 200-599, one text per line read, and an enhanced status code
//! only of the form class.subject.detail.
#![no_main]

use csmail::fuzz_api::{ehlo_extensions, Reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut reply = Reply::default();
    let mut lines = 0;
    for raw in data.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        lines += 1;
        match reply.push_line(line) {
            None => {
                // A malformed line ends the reply with an error; start over as the next reply.
                reply = Reply::default();
                lines = 0;
            }
            Some(false) => {}
            Some(true) => {
                assert!((200..600).contains(&reply.code), "code {}", reply.code);
                assert_eq!(reply.lines.len(), lines);
                if !reply.enhanced.is_empty() {
                    let parts: Vec<&str> = reply.enhanced.split('.').collect();
                    assert_eq!(parts.len(), 3, "{:?}", reply.enhanced);
                    assert!(parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
                }
                let _ = (reply.text(), reply.summary());
                let (_size, auth) = ehlo_extensions(&reply);
                assert!(auth.iter().all(|m| !m.is_empty() && m.bytes().all(|b| !b.is_ascii_lowercase())));
                reply = Reply::default();
                lines = 0;
            }
        }
    }
});
