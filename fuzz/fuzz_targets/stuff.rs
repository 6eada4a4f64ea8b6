//! The SMTP DATA encoder: whatever the body and however it is cut into chunks, the bytes on the
//! wire are the same, have no bare CR or LF, hold exactly one end of data (CRLF.CRLF, counting
//! the DATA command's CRLF) also once NULs are removed, and unstuff to the canonical body, for a
//! receiver that keeps NULs and for one that drops them.
#![no_main]

use csmail::fuzz_api::{Stuffer, Unstuffer};
use libfuzzer_sys::fuzz_target;

fn stuff(chunks: &[&[u8]]) -> Vec<u8> {
    let mut s = Stuffer::new();
    let mut out = Vec::new();
    for c in chunks {
        s.push(c, &mut out);
    }
    s.finish(&mut out);
    out
}

fn unstuff(wire: &[u8]) -> Vec<u8> {
    let mut u = Unstuffer::new();
    let mut out = Vec::new();
    let r = u
        .push(wire, |span| {
            out.extend_from_slice(span);
            Ok::<(), ()>(())
        })
        .unwrap();
    assert!(r.done, "no terminator found in {wire:?}");
    assert_eq!(r.consumed, wire.len(), "the terminator is not at the end of {wire:?}");
    out
}

/// Bare CR and LF as CRLF, ending with CRLF unless empty.
fn canonical(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + 2);
    let mut i = 0;
    while i < msg.len() {
        match msg[i] {
            b'\r' if msg.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 1;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn without_nuls(data: &[u8]) -> Vec<u8> {
    data.iter().copied().filter(|&b| b != 0).collect()
}

fn ends_of_data(wire: &[u8]) -> usize {
    let mut all = b"\r\n".to_vec();
    all.extend_from_slice(wire);
    all.windows(5).filter(|w| w == b"\r\n.\r\n").count()
}

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose two cut points; the rest is the body.
    if data.len() < 2 {
        return;
    }
    let msg = &data[2..];
    let mut a = usize::from(data[0]) % (msg.len() + 1);
    let mut b = usize::from(data[1]) % (msg.len() + 1);
    if a > b {
        std::mem::swap(&mut a, &mut b);
    }
    let wire = stuff(&[msg]);
    assert_eq!(stuff(&[&msg[..a], &msg[a..b], &msg[b..]]), wire, "cut at {a} and {b}");
    assert!(wire == b".\r\n" || wire.ends_with(b"\r\n.\r\n"));
    for (k, &c) in wire.iter().enumerate() {
        if c == b'\n' {
            assert!(k > 0 && wire[k - 1] == b'\r', "bare LF in {wire:?}");
        }
        if c == b'\r' {
            assert_eq!(wire.get(k + 1), Some(&b'\n'), "bare CR in {wire:?}");
        }
    }
    assert_eq!(ends_of_data(&wire), 1, "{wire:?}");
    let dropped = without_nuls(&wire);
    assert_eq!(ends_of_data(&dropped), 1, "{wire:?} without NULs");
    let body = canonical(msg);
    assert_eq!(unstuff(&wire), body);
    assert_eq!(unstuff(&dropped), without_nuls(&body));
});
