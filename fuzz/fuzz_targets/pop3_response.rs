//! POP3 responses as the client reads them: the bytes a server sends, cut into lines as the line
//! engine does, read as status lines (`parse_status`) and as the lines of a multi-line listing
//! up to its "." (`listing_line`), and the listing read as CAPA. It never panics; "+OK" and
//! "-ERR" are recognised only as whole words, and an +OK status's text never starts with a space.
#![no_main]

use csmail::fuzz_api::{capabilities, listing_line, parse_status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut listing = Vec::new();
    for raw in data.split(|&b| b == b'\n') {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        match parse_status(line) {
            Some((true, text)) => {
                assert!(line == b"+OK" || line.starts_with(b"+OK "));
                assert!(!text.starts_with(' '));
            }
            Some((false, text)) => {
                assert!(line == b"-ERR" || line.starts_with(b"-ERR "));
                assert!(text.starts_with("-ERR"));
            }
            None => {
                assert!(!(line == b"+OK" || line.starts_with(b"+OK ") || line.starts_with(b"-ERR ") || line == b"-ERR"))
            }
        }
        if line == b"." {
            capabilities(std::mem::take(&mut listing));
        } else {
            let l = listing_line(line);
            assert!(l.len() <= line.len() * 3);
            listing.push(l);
        }
    }
    capabilities(listing);
});
