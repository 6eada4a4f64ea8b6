//! Reading IMAP responses (RFC 9051 2.2.2, 7): the framing in front of the grammar. A response
//! is a line, or lines joined by literals (`{n}` CRLF and n octets). The framing reads line
//! pieces with a size limit and a deadline, streams one message literal of a FETCH into a sink
//! (so memory does not grow with the message), refuses any other literal over the limit before
//! reading it, and hands the assembled bytes to the grammar (`imap-proto`).

use crate::error::{self, Error, Result};
use crate::protocol::line::LineConnection;
use crate::protocol::source::{MessageSink, Progress};
use std::time::Instant;

/// The most a response may hold in memory, literals included (a LIST of many thousand
/// mailboxes, a SEARCH of a million messages); a message body is streamed, not held.
pub(crate) const MAX_RESPONSE: usize = 8 * 1024 * 1024;

/// Where a FETCH's message literal goes, and how far it got.
pub struct BodyTarget<'a> {
    pub sink: &'a mut dyn MessageSink,
    pub progress: Progress<'a>,
    /// Bytes written into the sink (None until a body literal came).
    pub written: Option<u64>,
}

/// Where responses are read from: the connection, or (fuzzing) bytes in memory.
pub trait Input {
    fn buffered(&self) -> &[u8];
    fn consume(&mut self, n: usize);
    /// Reads more; 0 at the end of the stream.
    fn fill(&mut self, deadline: Option<Instant>, step: &str) -> Result<usize>;
    fn log(&self) -> &crate::log::Logger;
}

impl Input for LineConnection {
    fn buffered(&self) -> &[u8] {
        LineConnection::buffered(self)
    }
    fn consume(&mut self, n: usize) {
        LineConnection::consume(self, n)
    }
    fn fill(&mut self, deadline: Option<Instant>, step: &str) -> Result<usize> {
        LineConnection::fill(self, deadline, step)
    }
    fn log(&self) -> &crate::log::Logger {
        &self.log
    }
}

/// Bytes in memory handed out a piece at a time, as a network would (the fuzz target).
#[cfg(any(test, feature = "fuzzing"))]
pub struct MemoryInput {
    data: Vec<u8>,
    /// Bytes consumed.
    start: usize,
    /// Bytes made available.
    end: usize,
    piece: usize,
    log: crate::log::Logger,
}

#[cfg(any(test, feature = "fuzzing"))]
impl MemoryInput {
    pub fn new(data: Vec<u8>, piece: usize) -> MemoryInput {
        MemoryInput { data, start: 0, end: 0, piece: piece.max(1), log: crate::log::Logger::default() }
    }
}

#[cfg(any(test, feature = "fuzzing"))]
impl Input for MemoryInput {
    fn buffered(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }
    fn consume(&mut self, n: usize) {
        self.start += n;
        assert!(self.start <= self.end, "consumed more than was buffered");
    }
    fn fill(&mut self, _: Option<Instant>, _: &str) -> Result<usize> {
        let n = self.piece.min(self.data.len() - self.end);
        self.end += n;
        Ok(n)
    }
    fn log(&self) -> &crate::log::Logger {
        &self.log
    }
}

/// What kind of response a line is, by its start.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// Our tag: the completion of the command in flight.
    Tagged,
    /// "* ...": data or a status the server may send at any time.
    Untagged,
    /// "+ ...": the server waits for more of the command.
    Continuation,
}

/// A tagged completion: the status word and the text after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub status: Status,
    /// The status line without the tag ("NO [TRYCREATE] no such mailbox").
    pub line: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    No,
    Bad,
}

/// Tells what `bytes` is when `tag` is the command in flight. Only a line starting with that
/// exact tag and a space completes it; anything else that is not untagged or a continuation is
/// a protocol error (a tag of no command of ours).
pub fn classify(bytes: &[u8], tag: &str) -> Option<Kind> {
    if bytes.starts_with(tag.as_bytes()) && bytes.get(tag.len()) == Some(&b' ') {
        Some(Kind::Tagged)
    } else if bytes.starts_with(b"* ") {
        Some(Kind::Untagged)
    } else if bytes.starts_with(b"+") {
        Some(Kind::Continuation)
    } else {
        None
    }
}

/// The completion in a tagged line: "TAG OK|NO|BAD text".
pub fn completion(bytes: &[u8], tag: &str) -> Option<Completion> {
    let rest = bytes.get(tag.len() + 1..)?;
    let line = String::from_utf8_lossy(rest).trim_end_matches(['\r', '\n']).to_owned();
    let word = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
    let status = match word.as_str() {
        "OK" => Status::Ok,
        "NO" => Status::No,
        "BAD" => Status::Bad,
        _ => return None,
    };
    Some(Completion { status, line })
}

/// The response code of a status text ("OK [UIDNEXT 5] x" gives ("UIDNEXT", "5")).
pub fn response_code(text: &str) -> Option<(String, &str)> {
    let start = text.find('[')?;
    let end = start + text[start..].find(']')?;
    let inner = &text[start + 1..end];
    let (name, args) = inner.split_once(' ').unwrap_or((inner, ""));
    Some((name.to_ascii_uppercase(), args))
}

/// The bytes the grammar may read. imap-proto 0.17 slices the text after a status response's
/// code at byte 1, assuming a space there: `* OK [ALERT]\xbbx` (found by fuzzing) would panic
/// on the multi-byte character. A status response whose code is followed by anything but a
/// space or the line end gets the space inserted.
pub fn for_grammar(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let rest = if let Some(r) = bytes.strip_prefix(b"* ") {
        r
    } else if let Some(sp) = memchr::memchr(b' ', bytes) {
        &bytes[sp + 1..]
    } else {
        return bytes.into();
    };
    let word_end = memchr::memchr(b' ', rest).unwrap_or(rest.len());
    let word = rest[..word_end].to_ascii_uppercase();
    let status = matches!(word.as_slice(), b"OK" | b"NO" | b"BAD" | b"BYE" | b"PREAUTH");
    let code_at = if bytes.starts_with(b"+") {
        Some(bytes.iter().position(|&b| b != b'+' && b != b' ').unwrap_or(bytes.len()))
    } else if status && rest.get(word_end + 1) == Some(&b'[') {
        Some(bytes.len() - rest.len() + word_end + 1)
    } else {
        None
    };
    let Some(open) = code_at.filter(|&i| bytes.get(i) == Some(&b'[')) else { return bytes.into() };
    let code_line = &bytes[open..];
    let code_line = &code_line[..memchr::memchr(b'\n', code_line).unwrap_or(code_line.len())];
    let Some(close) = memchr::memchr(b']', code_line).map(|c| open + c) else { return bytes.into() };
    match bytes.get(close + 1) {
        Some(b' ' | b'\r' | b'\n') | None => bytes.into(),
        Some(_) => {
            let mut fixed = Vec::with_capacity(bytes.len() + 1);
            fixed.extend_from_slice(&bytes[..=close]);
            fixed.push(b' ');
            fixed.extend_from_slice(&bytes[close + 1..]);
            fixed.into()
        }
    }
}

/// The literal size a line piece announces at its end (`{n}` or `{n+}`), if any.
pub fn literal_announcement(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\r\n").or_else(|| line.strip_suffix(b"\n"))?;
    let body = line.strip_suffix(b"}")?;
    let open = memchr::memrchr(b'{', body)?;
    let digits = body[open + 1..].strip_suffix(b"+").unwrap_or(&body[open + 1..]);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Whether the literal announced at the end of `line` is a message (or a part of one) of an
/// untagged FETCH: `BODY[...]`, `BODY[...]<origin>`, `BINARY[...]`, `RFC822`, `RFC822.TEXT`.
fn is_body_literal(response: &[u8], line: &[u8]) -> bool {
    if !response.starts_with(b"* ") || memchr::memmem::find(&response[..response.len().min(40)], b" FETCH ").is_none() {
        return false;
    }
    let Some(open) = memchr::memrchr(b'{', line) else { return false };
    let before = line[..open].strip_suffix(b" ").unwrap_or(&line[..open]);
    let upper = before.to_ascii_uppercase();
    upper.ends_with(b"]") || upper.ends_with(b">") || upper.ends_with(b"RFC822") || upper.ends_with(b"RFC822.TEXT")
}

fn closed(step: &str) -> Error {
    Error::new(
        error::CSMAIL_E_NETWORK,
        error::eexConnectionClosed,
        format!("the server closed the connection while {step}"),
    )
}

fn too_long(step: &str) -> Error {
    Error::protocol(error::eexReplyTooLong, format!("a response over {MAX_RESPONSE} bytes while {step}"))
}

/// Reads one line piece (up to and including LF) into `out`, within the response limit.
fn read_piece<I: Input>(conn: &mut I, out: &mut Vec<u8>, deadline: Instant, step: &str) -> Result<()> {
    loop {
        let avail = conn.buffered();
        if let Some(pos) = memchr::memchr(b'\n', avail) {
            if out.len() + pos + 1 > MAX_RESPONSE {
                return Err(too_long(step));
            }
            out.extend_from_slice(&avail[..=pos]);
            conn.consume(pos + 1);
            return Ok(());
        }
        let n = avail.len();
        if out.len() + n > MAX_RESPONSE {
            return Err(too_long(step));
        }
        out.extend_from_slice(avail);
        conn.consume(n);
        if conn.fill(Some(deadline), step)? == 0 {
            return Err(closed(step));
        }
    }
}

/// Streams `n` literal bytes into the body target, in the sink's pieces.
fn stream_literal<I: Input>(conn: &mut I, n: u64, target: &mut BodyTarget, step: &str) -> Result<()> {
    let mut left = n;
    let mut done = 0u64;
    while left > 0 {
        if conn.buffered().is_empty() && conn.fill(None, step)? == 0 {
            return Err(closed(step));
        }
        let avail = conn.buffered();
        let take = avail.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        target.sink.write(&avail[..take]).map_err(|e| {
            Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("storing the message failed: {e}"))
                .with_os(&e)
        })?;
        conn.consume(take);
        left -= take as u64;
        done += take as u64;
        if !(target.progress)(done, Some(n)) {
            return Err(Error::aborted());
        }
    }
    target.sink.finish().map_err(|e| {
        Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("storing the message failed: {e}")).with_os(&e)
    })?;
    target.written = Some(n);
    Ok(())
}

/// How deep parenthesised lists may nest in one response. imap-proto reads nested lists
/// (BODYSTRUCTURE, envelopes) by recursion, about 6 KiB of stack a level in a release build and
/// 50 KiB in a debug one: a few kilobytes of "((((" from a hostile server would overflow the
/// stack of the application's thread and abort the process. 64 levels is far past real mail
/// (a MIME tree 60 levels deep).
const MAX_NESTING: usize = 64;

/// Refuses a response whose lists nest deeper than MAX_NESTING; parentheses inside quoted
/// strings and literals do not count.
pub fn check_nesting(bytes: &[u8]) -> Result<()> {
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Error::protocol(
                        error::eexMalformedReply,
                        format!("the server sent a response nested over {MAX_NESTING} lists deep"),
                    ));
                }
            }
            b')' => depth = depth.saturating_sub(1),
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' => {
                // A literal `{n}` (or `{n+}`) and its line end: its n bytes are data.
                let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
                let mut j = i + 1 + digits;
                j += usize::from(bytes.get(j) == Some(&b'+'));
                let n = std::str::from_utf8(&bytes[i + 1..i + 1 + digits]).ok().and_then(|d| d.parse::<usize>().ok());
                let eol = match (bytes.get(j), bytes.get(j + 1), bytes.get(j + 2)) {
                    (Some(b'}'), Some(b'\r'), Some(b'\n')) => Some(j + 2),
                    (Some(b'}'), Some(b'\n'), _) => Some(j + 1),
                    _ => None,
                };
                if let (Some(n), Some(eol)) = (n, eol) {
                    i = eol.saturating_add(n);
                }
            }
            _ => {}
        }
        i = i.saturating_add(1);
    }
    Ok(())
}

/// Reads one whole response: line pieces and the literals between them. A FETCH's first message
/// literal goes into `body` (and stands as `{0}` in the bytes returned); every other literal is
/// read into the response, within MAX_RESPONSE, refused before a byte of it is read when its
/// announcement is over that. A response nested deeper than MAX_NESTING is refused. The bytes
/// end with CRLF.
pub fn read_response<I: Input>(
    conn: &mut I,
    mut deadline: Instant,
    mut body: Option<&mut BodyTarget>,
    step: &str,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let start = out.len();
        read_piece(conn, &mut out, deadline, step)?;
        let piece_end = out.len();
        let shown = out[start..].strip_suffix(b"\r\n").or_else(|| out[start..].strip_suffix(b"\n"));
        conn.log().reply(shown.unwrap_or(&out[start..]));
        let Some(n) = literal_announcement(&out[start..]) else {
            if !out.ends_with(b"\r\n") {
                // A bare LF ends the line for us; the grammar wants CRLF.
                out.pop();
                out.extend_from_slice(b"\r\n");
            }
            check_nesting(&out)?;
            return Ok(out);
        };
        let streamable = body.as_ref().is_some_and(|b| b.written.is_none()) && is_body_literal(&out, &out[start..]);
        if streamable {
            let target = body.as_deref_mut().expect("checked above");
            let open = memchr::memrchr(b'{', &out[start..piece_end]).expect("announcement has a brace") + start;
            out.truncate(open);
            out.extend_from_slice(b"{0}\r\n");
            conn.log().info(crate::log::LOG_F_PROTOCOL, || format!("S: ({n} bytes of message data)"));
            // The message streams with the idle timeout per read; the rest of the response
            // then gets the time it had left before.
            let left = deadline.saturating_duration_since(Instant::now());
            // Named as POP3 names it: the low-speed limit and the deadline say "while receiving
            // the message".
            stream_literal(conn, n, target, "receiving the message")?;
            deadline = Instant::now() + left;
            continue;
        }
        if (out.len() as u64).saturating_add(n) > MAX_RESPONSE as u64 {
            return Err(Error::protocol(
                error::eexReplyTooLong,
                format!("the server announced a literal of {n} bytes while {step}, over the {MAX_RESPONSE}-byte limit"),
            ));
        }
        // Normalise `{n+}` to `{n}` for the grammar.
        if out[..piece_end].ends_with(b"+}\r\n") {
            out.truncate(piece_end - 4);
            out.extend_from_slice(b"}\r\n");
        }
        let mut left = n as usize;
        while left > 0 {
            if conn.buffered().is_empty() && conn.fill(Some(deadline), step)? == 0 {
                return Err(closed(step));
            }
            let avail = conn.buffered();
            let take = avail.len().min(left);
            out.extend_from_slice(&avail[..take]);
            conn.consume(take);
            left -= take;
        }
    }
}

/// Reads every response in `data` (handed out `piece` bytes at a time) as the client does,
/// streaming the first FETCH message literal into a buffer, and reads each with the grammar:
/// what the fuzz target and the unit tests drive. Returns the responses and the streamed body.
#[cfg(any(test, feature = "fuzzing"))]
pub fn read_all(data: &[u8], piece: usize) -> (Vec<Vec<u8>>, Vec<u8>) {
    let mut input = MemoryInput::new(data.to_vec(), piece);
    let mut body = Vec::new();
    let mut progress = |_: u64, _: Option<u64>| true;
    let mut target = BodyTarget { sink: &mut body, progress: &mut progress, written: None };
    let mut out = Vec::new();
    let far = Instant::now() + std::time::Duration::from_secs(3600);
    while let Ok(r) = read_response(&mut input, far, Some(&mut target), "fuzzing") {
        assert!(r.ends_with(b"\r\n") && r.len() <= MAX_RESPONSE + 2, "a response is framed and bounded");
        if let Some(Kind::Tagged) = classify(&r, "A0001") {
            let _ = completion(&r, "A0001");
        }
        let _ = imap_proto::Response::parse(&for_grammar(&r));
        let _ = response_code(&String::from_utf8_lossy(&r));
        if let Some(untagged) = r.strip_prefix(b"* ") {
            let _ = super::search::esearch_all(String::from_utf8_lossy(untagged).trim_end());
        }
        out.push(r);
    }
    assert!(body.len() <= data.len());
    (out, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_followed_by_a_multibyte_character_reaches_the_grammar_safely() {
        // The second: a line break before the code (found by fuzzing).
        for r in [
            &b"* OK [ALERT]\xbbhi\r\n"[..],
            b"ODY[]oC\n {3}\r\na OK [CAPA\r\n",
            b"A0001 NO [X]\xc3\xa9\r\n",
            b"+ [X]\xbb\r\n",
        ] {
            let fixed = for_grammar(r);
            let _ = imap_proto::Response::parse(&fixed);
        }
        assert_eq!(&*for_grammar(b"* OK [ALERT]\xbbhi\r\n"), b"* OK [ALERT] \xbbhi\r\n");
        // Not a status: BODY[]<0> stays as it is.
        let fetch = b"* 1 FETCH (BODY[]<0> {1}\r\nx)\r\n";
        assert_eq!(&*for_grammar(fetch), &fetch[..]);
        assert_eq!(&*for_grammar(b"* OK [UIDNEXT 5] x\r\n"), b"* OK [UIDNEXT 5] x\r\n");
    }

    #[test]
    fn responses_with_literals_are_framed_across_any_cut() {
        let data = b"* 1 FETCH (UID 3 BODY[] {13}\r\nA0001 OK hi\r\n FLAGS (\\Seen))\r\n* LIST () \"/\" {3}\r\na b\r\nA0001 OK done\r\n";
        for piece in [1, 2, 5, 64, 4096] {
            let (responses, body) = read_all(data, piece);
            assert_eq!(body, b"A0001 OK hi\r\n", "piece {piece}");
            assert_eq!(responses.len(), 3);
            assert_eq!(responses[0], b"* 1 FETCH (UID 3 BODY[] {0}\r\n FLAGS (\\Seen))\r\n");
            assert_eq!(responses[1], b"* LIST () \"/\" {3}\r\na b\r\n");
            assert_eq!(classify(&responses[2], "A0001"), Some(Kind::Tagged));
            match imap_proto::Response::parse(&responses[1]) {
                Ok((_, imap_proto::Response::MailboxData(imap_proto::MailboxDatum::List(l)))) => {
                    assert_eq!(l.name, "a b")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn lists_nested_past_the_limit_are_refused_before_the_grammar_sees_them() {
        let nested = |depth: usize| {
            let mut s = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
            s.extend(std::iter::repeat_n(b'(', depth - 1));
            s.extend_from_slice(b"\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
            for _ in 1..depth {
                s.extend_from_slice(b" \"mixed\")");
            }
            s.extend_from_slice(b")\r\n");
            s
        };
        assert!(check_nesting(&nested(MAX_NESTING)).is_ok());
        let e = check_nesting(&nested(MAX_NESTING + 1)).unwrap_err();
        assert_eq!((e.result, e.eex), (error::CSMAIL_E_PROTOCOL, error::eexMalformedReply));
        assert_eq!(e.text, "the server sent a response nested over 64 lists deep");
        // Parentheses in quoted strings (escaped quotes included) and literals are data.
        let deep = "(".repeat(200);
        let quoted = format!("* 1 FETCH (ENVELOPE (NIL \"a\\\"{deep}\" NIL))\r\n");
        assert!(check_nesting(quoted.as_bytes()).is_ok());
        let literal = format!("* 1 FETCH (BODY[] {{200}}\r\n{deep})\r\n");
        assert!(check_nesting(literal.as_bytes()).is_ok());
        let literal_plus = format!("* 1 FETCH (BODY[] {{200+}}\n{deep})\r\n");
        assert!(check_nesting(literal_plus.as_bytes()).is_ok());
        // A brace that is no literal hides nothing.
        let fake = format!("* 1 FETCH ({{x}} {deep})\r\n");
        assert!(check_nesting(fake.as_bytes()).is_err());
        // Through the framing: the whole deep response is refused, the session would break.
        let mut data = nested(100_000);
        data.extend_from_slice(b"A0001 OK done\r\n");
        let mut input = MemoryInput::new(data, 4096);
        let far = Instant::now() + std::time::Duration::from_secs(60);
        let e = read_response(&mut input, far, None, "reading").unwrap_err();
        assert_eq!(e.eex, error::eexMalformedReply);
    }

    #[test]
    fn tags_literals_and_codes() {
        assert_eq!(classify(b"A0001 OK done\r\n", "A0001"), Some(Kind::Tagged));
        // A tag that only starts like ours does not complete our command.
        assert_eq!(classify(b"A00011 OK done\r\n", "A0001"), None);
        assert_eq!(classify(b"* 3 EXISTS\r\n", "A0001"), Some(Kind::Untagged));
        assert_eq!(classify(b"+ go\r\n", "A0001"), Some(Kind::Continuation));
        let c = completion(b"A1 no [TRYCREATE] missing\r\n", "A1").unwrap();
        assert_eq!((c.status, c.line.as_str()), (Status::No, "no [TRYCREATE] missing"));
        assert_eq!(completion(b"A1 MAYBE\r\n", "A1"), None);
        assert_eq!(response_code("OK [UIDNEXT 5] x"), Some(("UIDNEXT".into(), "5")));
        assert_eq!(literal_announcement(b"* 1 FETCH (BODY[] {12}\r\n"), Some(12));
        assert_eq!(literal_announcement(b"A1 LOGIN {3+}\r\n"), Some(3));
        assert_eq!(literal_announcement(b"* OK {x}\r\n"), None);
        assert_eq!(literal_announcement(b"* OK {99999999999999999999}\r\n"), None);
        assert!(is_body_literal(b"* 1 FETCH (UID 4 BODY[] {12}\r\n", b"* 1 FETCH (UID 4 BODY[] {12}\r\n"));
        assert!(!is_body_literal(b"* LIST () \"/\" {3}\r\n", b"* LIST () \"/\" {3}\r\n"));
    }
}
