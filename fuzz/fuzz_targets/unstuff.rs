//! The POP3 multi-line decoder on anything a server may send: it never panics, consumes no more
//! than it was given, never hands out more than it consumed, and gives the same result however
//! the input is cut into chunks.
#![no_main]

use csmail::fuzz_api::Unstuffer;
use libfuzzer_sys::fuzz_target;

/// (decoded bytes, bytes consumed, terminator found)
fn unstuff(chunks: &[&[u8]]) -> (Vec<u8>, usize, bool) {
    let mut u = Unstuffer::new();
    let mut out = Vec::new();
    let mut consumed = 0;
    for c in chunks {
        let r = u
            .push(c, |span| {
                assert!(!span.is_empty());
                out.extend_from_slice(span);
                Ok::<(), ()>(())
            })
            .unwrap();
        assert!(r.consumed <= c.len());
        consumed += r.consumed;
        if r.done {
            return (out, consumed, true);
        }
        assert_eq!(r.consumed, c.len(), "not done but input left over");
    }
    (out, consumed, false)
}

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        return;
    }
    let wire = &data[1..];
    let cut = usize::from(data[0]) % (wire.len() + 1);
    let whole = unstuff(&[wire]);
    assert!(whole.0.len() <= whole.1);
    assert_eq!(unstuff(&[&wire[..cut], &wire[cut..]]), whole, "cut at {cut}");
    let bytewise: Vec<&[u8]> = wire.chunks(1).collect();
    assert_eq!(unstuff(&bytewise), whole, "byte by byte");
});
