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

use memchr::{memchr2, memchr2_iter, memmem};
use std::sync::LazyLock;

/// The search for a line that starts with a dot, built once: `memmem::find` builds its searcher
/// on every call, which costs more than the search itself when dotted lines are a few lines
/// apart (a retrieved message is searched span by span).
static LINE_DOT: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(b"\n."));

/// SMTP DATA encoder (and, without dots, the line-end canonicaliser of BDAT).
#[derive(Debug)]
pub struct Stuffer {
    /// No byte other than NUL has been seen on the current line.
    at_line_start: bool,
    pending_cr: bool,
    /// DATA: leading dots are doubled and `finish` appends the terminator. BDAT (RFC 3030)
    /// sends the message as it is: only the line ends are made CRLF.
    dots: bool,
    /// NULs at the start of the current line, held until the next byte shows whether the line
    /// is dot-leading (they may end one chunk and the dot begin the next).
    held_nuls: usize,
}

impl Default for Stuffer {
    fn default() -> Self {
        Stuffer { at_line_start: true, pending_cr: false, dots: true, held_nuls: 0 }
    }
}

impl Stuffer {
    pub fn new() -> Stuffer {
        Stuffer::default()
    }

    /// For BDAT chunks: bare CR and LF become CRLF, the data ends with CRLF, no dot is added.
    pub fn without_dots() -> Stuffer {
        Stuffer { dots: false, ..Stuffer::default() }
    }

    /// Encodes `input` onto `out`.
    ///
    /// Works span by span: the bytes between two places that need attention (a dot at the start
    /// of a line, a bare CR, a bare LF) are copied in one piece, so a canonical CRLF text with
    /// few leading dots moves in a handful of copies whatever its line count.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        // Block by block: a block of plain CRLF text (nearly every message) takes the fast path,
        // any other goes byte-rule by byte-rule; both keep the same state across blocks.
        for block in input.chunks(BLOCK) {
            if !self.push_plain(block, out) {
                self.push_spans(block, out);
            }
        }
    }

    /// BDAT: when `input` goes out unchanged (plain CRLF text, nothing held from the previous
    /// input), notes it as pushed and returns true; the caller sends `input` itself, without a
    /// copy through a chunk buffer. Otherwise changes nothing and returns false.
    pub fn passes_unchanged(&mut self, input: &[u8]) -> bool {
        if self.dots || self.pending_cr || self.held_nuls > 0 || input.is_empty() || !is_plain_crlf(input) {
            return false;
        }
        self.at_line_start = input[input.len() - 1] == b'\n';
        true
    }

    /// The fast path for a block of plain CRLF text: copied in spans between the line-leading
    /// dots (DATA doubles them), found with one substring search instead of a stop at every line
    /// end. Returns false, having done nothing, for any other block.
    fn push_plain(&mut self, block: &[u8], out: &mut Vec<u8>) -> bool {
        if self.pending_cr || self.held_nuls > 0 || block.is_empty() || !is_plain_crlf(block) {
            return false;
        }
        let mut span = 0;
        if self.dots {
            if self.at_line_start && block[0] == b'.' {
                out.push(b'.');
            }
            for p in LINE_DOT.find_iter(block) {
                out.extend_from_slice(&block[span..=p]);
                out.push(b'.');
                span = p + 1;
            }
        }
        out.extend_from_slice(&block[span..]);
        self.at_line_start = block[block.len() - 1] == b'\n';
        true
    }

    /// The byte rules, span by span (any input).
    fn push_spans(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let len = input.len();
        if len == 0 {
            return;
        }
        let mut i = 0;
        if self.pending_cr {
            // The CR that ended the previous chunk: with an LF here it was a CRLF, else bare.
            self.pending_cr = false;
            out.extend_from_slice(b"\r\n");
            self.at_line_start = true;
            if input[0] == b'\n' {
                i = 1;
                if len == 1 {
                    return;
                }
            }
        }
        // input[span..] is not copied yet; `skip` steps over the LF of a CRLF already handled.
        let mut span = i;
        if self.dots && self.at_line_start {
            // NULs held from the previous chunk stand before this input's first byte.
            let nuls = leading_nuls(&input[i..]);
            if i + nuls == len {
                self.held_nuls += nuls;
                return;
            }
            if input[i + nuls] == b'.' {
                out.push(b'.');
            }
            out.resize(out.len() + self.held_nuls, 0);
            self.held_nuls = 0;
        }
        let mut skip = usize::MAX;
        for j in memchr2_iter(b'\r', b'\n', &input[i..]).map(|p| p + i) {
            if j == skip {
                continue;
            }
            let next = if input[j] == b'\r' {
                match input.get(j + 1) {
                    Some(b'\n') => {
                        // A proper line end: nothing to change, the span goes on.
                        skip = j + 1;
                        j + 2
                    }
                    None => {
                        // A CR at the end: the next chunk says whether an LF follows.
                        out.extend_from_slice(&input[span..j]);
                        self.pending_cr = true;
                        self.at_line_start = false;
                        return;
                    }
                    Some(_) => {
                        out.extend_from_slice(&input[span..j]);
                        out.extend_from_slice(b"\r\n");
                        span = j + 1;
                        j + 1
                    }
                }
            } else {
                // A bare LF.
                out.extend_from_slice(&input[span..j]);
                out.extend_from_slice(b"\r\n");
                span = j + 1;
                j + 1
            };
            if self.dots && next < len {
                // A line starts at `next`: it is dot-leading when its first byte other than NUL
                // is a dot. NULs that reach the end of the input are held for the next chunk.
                let nuls = leading_nuls(&input[next..]);
                if next + nuls == len {
                    out.extend_from_slice(&input[span..next]);
                    self.held_nuls = nuls;
                    self.at_line_start = true;
                    return;
                }
                if input[next + nuls] == b'.' {
                    out.extend_from_slice(&input[span..next]);
                    out.push(b'.');
                    span = next;
                }
            }
        }
        out.extend_from_slice(&input[span..]);
        self.at_line_start = input[len - 1] == b'\n';
    }

    /// Ends the data: completes the last line and appends the terminator (DATA only).
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
        if self.dots {
            out.extend_from_slice(b".\r\n");
        }
    }
}

/// The block size of the Stuffer's and the Measure's fast path: one bare line end sends only
/// its own block down the slow path.
const BLOCK: usize = 4096;

/// Whether `block` is plain CRLF text that needs no change but its leading dots: every CR is
/// followed by an LF and every LF follows a CR inside the block, and no NUL (lines that begin
/// with NULs follow their own rule). One pass that the compiler vectorises, where the byte rules
/// stop at every CR and LF.
fn is_plain_crlf(block: &[u8]) -> bool {
    let n = block.len();
    if n == 0 || block[0] == b'\n' || block[n - 1] == b'\r' || block[n - 1] == 0 {
        return n == 0;
    }
    let odd = block[..n - 1]
        .iter()
        .zip(&block[1..])
        .fold(0u8, |acc, (&a, &b)| acc | ((a == b'\r') != (b == b'\n')) as u8 | (a == 0) as u8);
    odd == 0
}

/// How many NUL bytes `input` starts with.
fn leading_nuls(input: &[u8]) -> usize {
    input.iter().take_while(|&&b| b == 0).count()
}

/// What a message amounts to before it is sent: its size as RFC 1870 counts it for SIZE= (the
/// octets the Stuffer sends, CRLF line ends included, without the stuffing dots and the final
/// ".\r\n"), and whether it has 8-bit bytes (BODY=8BITMIME is declared only then). Follows the
/// Stuffer's line-end rules: a bare CR or LF counts as CRLF, a missing final CRLF is added.
#[derive(Debug)]
pub struct Measure {
    size: u64,
    eight_bit: bool,
    nul: bool,
    at_line_start: bool,
    pending_cr: bool,
}

impl Default for Measure {
    fn default() -> Self {
        Measure { size: 0, eight_bit: false, nul: false, at_line_start: true, pending_cr: false }
    }
}

/// The result of a Measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// RFC 1870 size.
    pub size: u64,
    /// Any byte over 0x7F.
    pub eight_bit: bool,
    /// Any NUL byte (an IMAP literal cannot carry one, RFC 9051 4.3).
    pub nul: bool,
}

impl Measure {
    pub fn new() -> Measure {
        Measure::default()
    }

    pub fn push(&mut self, input: &[u8]) {
        for block in input.chunks(BLOCK) {
            // Plain CRLF text counts as it is.
            if !self.pending_cr && is_plain_crlf(block) && !block.is_empty() {
                self.size += block.len() as u64;
                self.eight_bit = self.eight_bit || !block.is_ascii();
                self.at_line_start = block[block.len() - 1] == b'\n';
            } else {
                self.push_spans(block);
            }
        }
    }

    /// The byte rules, line end by line end (any input).
    fn push_spans(&mut self, input: &[u8]) {
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
                self.nul = self.nul || memchr::memchr(0, &input[i..j]).is_some();
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
        Shape { size: self.size + end, eight_bit: self.eight_bit, nul: self.nul }
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

    /// Decodes `input`, handing content spans to `emit` (no copies of the body itself): one span
    /// for everything between two lines that start with a dot.
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
                    // Everything up to the next line that starts with a dot goes out in one span.
                    match LINE_DOT.find(&input[i..]) {
                        Some(p) => {
                            emit(&input[i..i + p + 1])?;
                            self.state = UState::Dot;
                            i += p + 2;
                        }
                        None => {
                            emit(&input[i..])?;
                            if input[input.len() - 1] == b'\n' {
                                self.state = UState::LineStart;
                            }
                            i = input.len();
                        }
                    }
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

    /// The rules spelled out byte by byte: the span stuffer must give exactly these bytes.
    fn reference_stuff(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut line_start = true;
        let mut k = 0;
        while k < input.len() {
            let n = input[k..].iter().take_while(|&&b| b == 0).count();
            if line_start && n > 0 {
                // A line whose first byte other than NUL is a dot is dot-leading: the dot goes
                // before the NULs.
                if input.get(k + n) == Some(&b'.') {
                    out.push(b'.');
                }
                out.resize(out.len() + n, 0);
                line_start = false;
                k += n;
                if k == input.len() {
                    break;
                }
            }
            let b = input[k];
            if line_start && b == b'.' {
                out.push(b'.');
            }
            match b {
                b'\r' => {
                    out.extend_from_slice(b"\r\n");
                    if input.get(k + 1) == Some(&b'\n') {
                        k += 1;
                    }
                    line_start = true;
                }
                b'\n' => {
                    out.extend_from_slice(b"\r\n");
                    line_start = true;
                }
                _ => {
                    out.push(b);
                    line_start = false;
                }
            }
            k += 1;
        }
        if !line_start {
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b".\r\n");
        out
    }

    /// 3000 deterministic random inputs over `alphabet` (up to 39 bytes), each with random
    /// chunk boundaries, handed to `check(input, chunks)`.
    fn random_inputs(mut seed: u64, alphabet: [u8; 6], mut check: impl FnMut(&[u8], &[&[u8]])) {
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..3000 {
            let len = (next() % 40) as usize;
            let input: Vec<u8> = (0..len).map(|_| alphabet[(next() % 6) as usize]).collect();
            let mut chunks = Vec::new();
            let mut at = 0;
            while at < input.len() {
                let end = (at + 1 + (next() % 7) as usize).min(input.len());
                chunks.push(&input[at..end]);
                at = end;
            }
            check(&input, &chunks);
        }
    }

    #[test]
    fn spans_give_the_bytes_of_the_byte_by_byte_rules_for_any_input_and_chunking() {
        // Inputs dense in CR, LF, dots and NULs.
        random_inputs(0x9e37_79b9_7f4a_7c15, [b'\r', b'\n', b'.', b'a', b'\0', b'b'], |input, chunks| {
            let expected = reference_stuff(input);
            assert_eq!(stuff_chunks(chunks), expected, "input {input:?} in chunks {chunks:?}");
            assert_eq!(stuff_chunks(&[input]), expected, "input {input:?}");
        });
    }

    /// Messages of many blocks, mostly plain CRLF text (the fast path) with a bare CR, a bare
    /// LF, a NUL-led dot line or a CR/LF pair split at a block or chunk boundary here and there
    /// (the byte rules): the same bytes as the byte-by-byte reference, for DATA, BDAT and the
    /// Measure, in any chunking.
    #[test]
    fn long_plain_text_with_odd_bytes_here_and_there_matches_the_byte_rules() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..60 {
            let mut input = Vec::new();
            let target = 3 * BLOCK + (next() % (2 * BLOCK as u64)) as usize;
            while input.len() < target {
                let width = (next() % 90) as usize;
                let mut line: Vec<u8> = (0..width).map(|k| b"ab.c d\xc3"[(k + round) % 7]).collect();
                match next() % 40 {
                    0 => line.insert(0, b'.'),
                    1 if round % 3 == 0 => line.push(b'\r'),
                    2 if round % 3 == 0 => line.insert(0, 0),
                    3 if round % 3 == 1 => line.push(b'\n'),
                    _ => {}
                }
                input.extend_from_slice(&line);
                input.extend_from_slice(if round % 3 == 2 && next() % 50 == 0 { b"\n" } else { b"\r\n" });
            }
            if round % 4 == 0 {
                input.pop(); // ends in CR, or with no line end
            }
            let expected = reference_stuff(&input);
            let step = 1 + (next() % (3 * BLOCK as u64)) as usize;
            let chunks: Vec<&[u8]> = input.chunks(step).collect();
            assert_eq!(stuff_chunks(&chunks), expected, "round {round}, chunks of {step}");
            assert_eq!(stuff_chunks(&[&input]), expected, "round {round}");
            // BDAT: the DATA form less its stuffing dots and terminator, whichever of
            // passes_unchanged and push takes each chunk.
            let mut bdat = Stuffer::without_dots();
            let mut out = Vec::new();
            for c in &chunks {
                if bdat.passes_unchanged(c) {
                    out.extend_from_slice(c);
                } else {
                    bdat.push(c, &mut out);
                }
            }
            bdat.finish(&mut out);
            let mut back = Vec::new();
            Unstuffer::new()
                .push(&expected, |span| {
                    back.extend_from_slice(span);
                    Ok::<(), ()>(())
                })
                .unwrap();
            assert_eq!(out, back, "round {round}, BDAT in chunks of {step}");
            let mut m = Measure::new();
            for c in &chunks {
                m.push(c);
            }
            assert_eq!(
                m.finish(),
                Shape { size: back.len() as u64, eight_bit: true, nul: input.contains(&0) },
                "round {round}"
            );
        }
    }

    #[test]
    fn without_dots_only_the_line_ends_change() {
        for input in [&b".a\r\n.\r\nb\nc\rd"[..], b"", b"x\r", b".\n.\r\n"] {
            let expected: Vec<u8> = {
                // The DATA form minus its dots and terminator.
                let mut u = Unstuffer::new();
                let mut back = Vec::new();
                let wire = reference_stuff(input);
                u.push(&wire, |s| {
                    back.extend_from_slice(s);
                    Ok::<(), ()>(())
                })
                .unwrap();
                back
            };
            for k in 0..=input.len() {
                let mut s = Stuffer::without_dots();
                let mut out = Vec::new();
                s.push(&input[..k], &mut out);
                s.push(&input[k..], &mut out);
                s.finish(&mut out);
                assert_eq!(out, expected, "{input:?} split at {k}");
            }
        }
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

    /// The unstuffing rules byte by byte, for comparison: (content, consumed, done).
    fn reference_unstuff(wire: &[u8]) -> (Vec<u8>, usize, bool) {
        let mut out = Vec::new();
        let mut k = 0;
        let mut line_start = true;
        while k < wire.len() {
            if line_start && wire[k] == b'.' {
                match (wire.get(k + 1), wire.get(k + 2)) {
                    (Some(b'\n'), _) => return (out, k + 2, true),
                    (Some(b'\r'), Some(b'\n')) => return (out, k + 3, true),
                    // Undecided at the end of the input: the dot (and CR) wait.
                    (None, _) | (Some(b'\r'), None) => return (out, wire.len(), false),
                    _ => {
                        k += 1;
                        line_start = false;
                        continue;
                    }
                }
            }
            out.push(wire[k]);
            line_start = wire[k] == b'\n';
            k += 1;
        }
        (out, wire.len(), false)
    }

    #[test]
    fn span_unstuffing_matches_the_byte_rules_for_any_input_and_chunking() {
        random_inputs(0x2545_f491_4f6c_dd1d, [b'\r', b'\n', b'.', b'a', b'\n', b'.'], |wire, chunks| {
            let expected = reference_unstuff(wire);
            let (out, consumed, done) = unstuff_chunks(chunks);
            if expected.2 {
                assert_eq!((&out, consumed, done), (&expected.0, expected.1, true), "wire {wire:?} chunks {chunks:?}");
            } else {
                // Not terminated: the content so far, less a dot (and CR) still undecided at the end.
                assert!(!done, "wire {wire:?}");
                assert_eq!(out, expected.0, "wire {wire:?} chunks {chunks:?}");
            }
        });
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
    fn measure_finds_a_nul_anywhere() {
        for (input, nul) in [(&b"a\r\nb\0c\r\n"[..], true), (b"\0", true), (b"x\n\0\n", true), (b"a\r\nb\n", false)] {
            let mut m = Measure::new();
            for c in input.chunks(2) {
                m.push(c);
            }
            assert_eq!(m.finish().nul, nul, "{input:?}");
        }
    }

    #[test]
    fn measure_of_a_crlf_message_is_its_length() {
        let msg = b"Subject: x\r\n\r\n.leading dot\r\nlast\r\n";
        let mut m = Measure::new();
        m.push(msg);
        assert_eq!(m.finish(), Shape { size: msg.len() as u64, eight_bit: false, nul: false });
        let mut m = Measure::new();
        m.push(b"no final line end");
        assert_eq!(m.finish().size, 19);
    }
}
