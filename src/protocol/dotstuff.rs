//! Streaming dot-stuffing (SMTP DATA) and unstuffing (POP3 RETR/TOP).
//!
//! Both keep their state across buffer boundaries, so a message moves through in chunks and
//! memory does not grow with its size. The stuffer also canonicalises line ends: a bare CR or a
//! bare LF becomes CRLF, so no sequence in the body can be read as an end of data by any server
//! (SMTP smuggling), and the data always ends with exactly one CRLF.CRLF.
//!
//! NUL bytes pass through unchanged, but a line whose first byte other than NUL is a dot counts
//! as dot-leading: `\0.x` goes out as `.\0.x`. A receiver that keeps NULs removes the added dot
//! and gets the line back; one that drops NULs (many do) sees `..x` and removes one dot. So no
//! body gives a second CRLF.CRLF either way, and both receive the message the sender meant.

use memchr::{memchr, memchr2};

/// SMTP DATA encoder.
#[derive(Debug)]
pub struct Stuffer {
    /// No byte other than NUL has been seen on the current line.
    at_line_start: bool,
    pending_cr: bool,
    /// NULs at the start of the current line, held until the next byte shows whether the line
    /// is dot-leading (they may end one chunk and the dot begin the next).
    held_nuls: usize,
}

impl Default for Stuffer {
    fn default() -> Self {
        Stuffer { at_line_start: true, pending_cr: false, held_nuls: 0 }
    }
}

impl Stuffer {
    pub fn new() -> Stuffer {
        Stuffer::default()
    }

    /// Encodes `input` onto `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut i = 0;
        while i < input.len() {
            if self.pending_cr {
                self.pending_cr = false;
                out.extend_from_slice(b"\r\n");
                self.at_line_start = true;
                if input[i] == b'\n' {
                    i += 1;
                    continue;
                }
            }
            if self.at_line_start {
                let nuls = input[i..].iter().take_while(|&&b| b == 0).count();
                self.held_nuls += nuls;
                i += nuls;
                if i == input.len() {
                    break;
                }
                if input[i] == b'.' {
                    out.push(b'.');
                }
                out.resize(out.len() + self.held_nuls, 0);
                self.held_nuls = 0;
            }
            let j = memchr2(b'\r', b'\n', &input[i..]).map_or(input.len(), |p| i + p);
            if j > i {
                out.extend_from_slice(&input[i..j]);
                self.at_line_start = false;
            }
            if j == input.len() {
                break;
            }
            if input[j] == b'\n' {
                out.extend_from_slice(b"\r\n");
                self.at_line_start = true;
            } else {
                self.pending_cr = true;
            }
            i = j + 1;
        }
    }

    /// Ends the data: completes the last line and appends the terminator.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.held_nuls > 0 {
            out.resize(out.len() + self.held_nuls, 0);
            self.held_nuls = 0;
            self.at_line_start = false;
        }
        if self.pending_cr || !self.at_line_start {
            out.extend_from_slice(b"\r\n");
        }
        self.pending_cr = false;
        self.at_line_start = true;
        out.extend_from_slice(b".\r\n");
    }
}

/// What a message amounts to before it is sent: its size as RFC 1870 counts it for SIZE= (the
/// octets the Stuffer sends, CRLF line ends included, without the stuffing dots and the final
/// ".\r\n"), and whether it has 8-bit bytes (BODY=8BITMIME is declared only then). Follows the
/// Stuffer's line-end rules: a bare CR or LF counts as CRLF, a missing final CRLF is added.
#[derive(Debug)]
pub struct Measure {
    size: u64,
    eight_bit: bool,
    at_line_start: bool,
    pending_cr: bool,
}

impl Default for Measure {
    fn default() -> Self {
        Measure { size: 0, eight_bit: false, at_line_start: true, pending_cr: false }
    }
}

/// The result of a Measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// RFC 1870 size.
    pub size: u64,
    /// Any byte over 0x7F.
    pub eight_bit: bool,
}

impl Measure {
    pub fn new() -> Measure {
        Measure::default()
    }

    pub fn push(&mut self, input: &[u8]) {
        let mut i = 0;
        while i < input.len() {
            if self.pending_cr {
                self.pending_cr = false;
                self.size += 2;
                self.at_line_start = true;
                if input[i] == b'\n' {
                    i += 1;
                    continue;
                }
            }
            let j = memchr2(b'\r', b'\n', &input[i..]).map_or(input.len(), |p| i + p);
            if j > i {
                self.size += (j - i) as u64;
                self.eight_bit = self.eight_bit || !input[i..j].is_ascii();
                self.at_line_start = false;
            }
            if j == input.len() {
                break;
            }
            if input[j] == b'\n' {
                self.size += 2;
                self.at_line_start = true;
            } else {
                self.pending_cr = true;
            }
            i = j + 1;
        }
    }

    pub fn finish(self) -> Shape {
        let end = if self.pending_cr || !self.at_line_start { 2 } else { 0 };
        Shape { size: self.size + end, eight_bit: self.eight_bit }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UState {
    LineStart,
    Dot,
    DotCr,
    Body,
}

/// POP3 multi-line decoder: removes the stuffed dots and finds the terminating line.
#[derive(Debug)]
pub struct Unstuffer {
    state: UState,
}

impl Default for Unstuffer {
    fn default() -> Self {
        Unstuffer { state: UState::LineStart }
    }
}

/// What one `push` did.
#[derive(Debug, PartialEq, Eq)]
pub struct Unstuffed {
    /// Input bytes consumed (all of it, unless the terminator ended the data).
    pub consumed: usize,
    /// The terminating line was found; bytes after it belong to the next response.
    pub done: bool,
}

impl Unstuffer {
    pub fn new() -> Unstuffer {
        Unstuffer::default()
    }

    /// Decodes `input`, handing content spans to `emit` (no copies of the body itself).
    pub fn push<E>(&mut self, input: &[u8], mut emit: impl FnMut(&[u8]) -> Result<(), E>) -> Result<Unstuffed, E> {
        let mut i = 0;
        while i < input.len() {
            match self.state {
                UState::LineStart => {
                    if input[i] == b'.' {
                        self.state = UState::Dot;
                        i += 1;
                    } else {
                        self.state = UState::Body;
                    }
                }
                UState::Dot => {
                    if input[i] == b'\r' {
                        self.state = UState::DotCr;
                        i += 1;
                    } else if input[i] == b'\n' {
                        // ".\n": a lenient terminator from servers that send bare LF.
                        return Ok(Unstuffed { consumed: i + 1, done: true });
                    } else {
                        // The stuffed dot is dropped; the line goes on.
                        self.state = UState::Body;
                    }
                }
                UState::DotCr => {
                    if input[i] == b'\n' {
                        return Ok(Unstuffed { consumed: i + 1, done: true });
                    }
                    emit(b"\r")?;
                    self.state = UState::Body;
                }
                UState::Body => {
                    let end = memchr(b'\n', &input[i..]).map_or(input.len(), |p| i + p + 1);
                    emit(&input[i..end])?;
                    if input[end - 1] == b'\n' {
                        self.state = UState::LineStart;
                    }
                    i = end;
                }
            }
        }
        Ok(Unstuffed { consumed: input.len(), done: false })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stuff_chunks(chunks: &[&[u8]]) -> Vec<u8> {
        let mut s = Stuffer::new();
        let mut out = Vec::new();
        for c in chunks {
            s.push(c, &mut out);
        }
        s.finish(&mut out);
        out
    }

    fn stuff(input: &[u8]) -> Vec<u8> {
        // Every split point must give the same bytes as the whole.
        let whole = stuff_chunks(&[input]);
        for k in 0..=input.len() {
            assert_eq!(stuff_chunks(&[&input[..k], &input[k..]]), whole, "split at {k}");
        }
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(stuff_chunks(&bytewise), whole);
        whole
    }

    #[test]
    fn plain_message_gets_terminator() {
        assert_eq!(stuff(b"Subject: x\r\n\r\nhello\r\n"), b"Subject: x\r\n\r\nhello\r\n.\r\n");
    }

    #[test]
    fn missing_final_crlf_is_added() {
        assert_eq!(stuff(b"hello"), b"hello\r\n.\r\n");
    }

    #[test]
    fn empty_message() {
        assert_eq!(stuff(b""), b".\r\n");
    }

    #[test]
    fn leading_dots_are_doubled() {
        assert_eq!(stuff(b".\r\n..x\r\n.y"), b"..\r\n...x\r\n..y\r\n.\r\n");
    }

    #[test]
    fn bare_lf_and_cr_become_crlf() {
        assert_eq!(stuff(b"a\nb\rc\r\n"), b"a\r\nb\r\nc\r\n.\r\n");
        assert_eq!(stuff(b"a\r"), b"a\r\n.\r\n");
        assert_eq!(stuff(b"\r\r\n"), b"\r\n\r\n.\r\n");
    }

    /// The smtpsmug end-of-data variants: none may survive as anything but stuffed text.
    #[test]
    fn smuggling_vectors_are_neutralised() {
        let vectors: [&[u8]; 9] =
            [b"\n.\n", b"\r.\r", b"\r.\n", b"\n.\r", b"\n.\r\n", b"\r\n.\n", b"\r.\r\n", b"\r\n.\r", b"\r\n\x00.\r\n"];
        for v in vectors {
            let mut msg = b"Subject: s\r\n\r\nbody".to_vec();
            msg.extend_from_slice(v);
            msg.extend_from_slice(b"MAIL FROM:<evil@x>\r\n");
            let out = stuff(&msg);
            // Exactly one end-of-data sequence, at the very end.
            let eod = out.windows(5).filter(|w| w == b"\r\n.\r\n").count();
            assert_eq!(eod, 1, "vector {v:?} gave {out:?}");
            assert!(out.ends_with(b"\r\n.\r\n"));
            // No bare CR or LF anywhere.
            for (k, &b) in out.iter().enumerate() {
                if b == b'\n' {
                    assert_eq!(out[k - 1], b'\r', "bare LF in {out:?}");
                }
                if b == b'\r' {
                    assert_eq!(out[k + 1], b'\n', "bare CR in {out:?}");
                }
            }
        }
    }

    /// `data` with its NUL bytes removed: what a receiver that drops NULs sees.
    fn without_nuls(data: &[u8]) -> Vec<u8> {
        data.iter().copied().filter(|&b| b != 0).collect()
    }

    /// How many end-of-data sequences the receiver sees, the DATA command's CRLF included.
    fn ends_of_data(wire: &[u8]) -> usize {
        let mut all = b"\r\n".to_vec();
        all.extend_from_slice(wire);
        all.windows(5).filter(|w| w == b"\r\n.\r\n").count()
    }

    /// Defect 2: a NUL before a dot at the start of a line made the line dot-leading for a
    /// receiver that drops NULs, so `\r\n\0.\r\n` was an end of data there. Every placement of
    /// NULs around dots and line ends, split at every chunk boundary (`stuff` checks that every
    /// split gives the same bytes): exactly one end of data with and without NULs, and both
    /// kinds of receiver unstuff the message the sender meant.
    #[test]
    fn nuls_before_a_dot_cannot_end_the_data() {
        assert_eq!(stuff(b"a\r\n\0.\r\nMAIL FROM:<e@x>\r\n"), b"a\r\n.\0.\r\nMAIL FROM:<e@x>\r\n.\r\n");
        assert_eq!(stuff(b"\0\0.x"), b".\0\0.x\r\n.\r\n");
        assert_eq!(stuff(b"\0"), b"\0\r\n.\r\n");
        assert_eq!(stuff(b"x\r\n\0\0"), b"x\r\n\0\0\r\n.\r\n");
        assert_eq!(stuff(b"\0x.\r\n"), b"\0x.\r\n.\r\n");
        let pieces: [&[u8]; 8] = [b"\0", b".", b"\r\n", b"\r", b"\n", b"x", b"\0\0", b".\0"];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for d in pieces {
                        let msg = [b"t\r\n", a, b, c, d, b"\r\nRCPT TO:<e@x>"].concat();
                        let wire = stuff(&msg);
                        assert_eq!(ends_of_data(&wire), 1, "{msg:?} gave {wire:?}");
                        assert_eq!(ends_of_data(&without_nuls(&wire)), 1, "{msg:?} gave {wire:?} (NULs dropped)");
                        let (kept, _, done) = unstuff_chunks(&[&wire]);
                        assert!(done);
                        assert_eq!(kept, stuff_canonical(&msg), "{msg:?}");
                        let (dropped, _, done) = unstuff_chunks(&[&without_nuls(&wire)]);
                        assert!(done);
                        assert_eq!(dropped, without_nuls(&stuff_canonical(&msg)), "{msg:?}");
                    }
                }
            }
        }
    }

    /// The canonical form of a message: bare CR and LF as CRLF, ending with CRLF (unless empty).
    fn stuff_canonical(msg: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
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

    fn unstuff_chunks(chunks: &[&[u8]]) -> (Vec<u8>, usize, bool) {
        let mut u = Unstuffer::new();
        let mut out = Vec::new();
        let mut consumed_total = 0;
        for c in chunks {
            let r = u
                .push(c, |s| {
                    out.extend_from_slice(s);
                    Ok::<(), ()>(())
                })
                .unwrap();
            consumed_total += r.consumed;
            if r.done {
                return (out, consumed_total, true);
            }
        }
        (out, consumed_total, false)
    }

    #[test]
    fn unstuffing_across_every_split() {
        let wire = b"a\r\n..b\r\n.\r\n+OK next";
        let (whole, consumed, done) = unstuff_chunks(&[wire]);
        assert_eq!(whole, b"a\r\n.b\r\n");
        assert!(done);
        assert_eq!(consumed, wire.len() - b"+OK next".len());
        for k in 0..=wire.len() {
            let (out, c, d) = unstuff_chunks(&[&wire[..k], &wire[k..]]);
            assert_eq!((out.as_slice(), c, d), (whole.as_slice(), consumed, true), "split at {k}");
        }
    }

    #[test]
    fn unstuffing_odd_lines() {
        assert_eq!(unstuff_chunks(&[b".\r\n"]), (vec![], 3, true));
        assert_eq!(unstuff_chunks(&[b".\rx\r\n.\r\n"]).0, b"\rx\r\n");
        assert_eq!(unstuff_chunks(&[b"x\n.\n"]), (b"x\n".to_vec(), 4, true));
        // No terminator yet: everything consumed, not done.
        assert_eq!(unstuff_chunks(&[b"abc\r\n.."]), (b"abc\r\n.".to_vec(), 7, false));
    }

    #[test]
    fn stuff_then_unstuff_round_trips_canonical_text() {
        let msg = b"From: a\r\n\r\n.x\r\n..\r\n.\r\nend\r\n";
        let wire = stuff(msg);
        let (back, _, done) = unstuff_chunks(&[&wire]);
        assert!(done);
        assert_eq!(back, msg);
    }

    /// The Measure's size is the stuffed data less its stuffing dots and terminator, for every
    /// split of the input; 8-bit bytes are seen wherever they are.
    #[test]
    fn measure_matches_the_stuffer() {
        let cases: &[&[u8]] = &[
            b"",
            b"hello",
            b"Subject: x\r\n\r\nhello\r\n",
            b".\r\n..x\r\n.y",
            b"a\nb\rc\r\n",
            b"ends in CR\r",
            b"\r\n.\r\n",
            "Gr\u{fc}\u{df}e\r\n".as_bytes(),
        ];
        for input in cases {
            // The stuffed data less its terminator, less the dot added at each line that
            // begins with one.
            let stuffed = stuff(input);
            let body = &stuffed[..stuffed.len() - 3];
            let dots = body.split(|&b| b == b'\n').filter(|l| l.first() == Some(&b'.')).count();
            let expected = (body.len() - dots) as u64;
            for k in 0..=input.len() {
                let mut m = Measure::new();
                m.push(&input[..k]);
                m.push(&input[k..]);
                let shape = m.finish();
                assert_eq!(shape.size, expected, "{:?} split at {k}", String::from_utf8_lossy(input));
                assert_eq!(shape.eight_bit, !input.is_ascii(), "{:?}", String::from_utf8_lossy(input));
            }
        }
    }

    #[test]
    fn measure_of_a_crlf_message_is_its_length() {
        let msg = b"Subject: x\r\n\r\n.leading dot\r\nlast\r\n";
        let mut m = Measure::new();
        m.push(msg);
        assert_eq!(m.finish(), Shape { size: msg.len() as u64, eight_bit: false });
        let mut m = Measure::new();
        m.push(b"no final line end");
        assert_eq!(m.finish().size, 19);
    }
}
