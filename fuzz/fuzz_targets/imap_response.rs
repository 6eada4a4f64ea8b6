//! IMAP responses as the client reads them: the bytes a server sends, handed out in pieces of a
//! size the input chooses, framed into responses (line pieces joined by literals, the first
//! FETCH message literal streamed out, every other one bounded) and read by the grammar (and
//! ESEARCH answers by csmail's own reading). It never panics, every response ends with CRLF and
//! stays within the response limit, and no more is streamed than was sent.
#![no_main]

use csmail::fuzz_api::imap_responses;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else { return };
    imap_responses(rest, usize::from(cut) + 1);
});
