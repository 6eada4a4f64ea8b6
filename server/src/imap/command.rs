//! Reading one IMAP command off the wire (a line plus any literals it announces) and
//! splitting it into tokens. A hand-written parser of the command subset this test server
//! speaks: small, bounded, and strict about what it accepts.
//!
//! Limits: a line may hold [`MAX_LINE`] octets, a literal at most the server's message size
//! limit, a whole command at most that plus [`MAX_LINE`]. A synchronising literal over the
//! limit is refused before the client sends it; a non-synchronising one (LITERAL+) over the
//! limit ends the session, since its bytes are already on their way.

use std::io;

use crate::conn::{Conn, Line};

/// The longest line of a command (between literals).
pub(crate) const MAX_LINE: usize = 64 * 1024;

/// One command as read: the wire bytes with the literals inline (`{n}` CRLF then n octets),
/// ready for [`tokenize`].
pub(crate) enum Read {
    Command(Vec<u8>),
    /// Refused without reading the rest: (tag, response text) for a tagged BAD or NO.
    Refused(String, String),
    /// The session must end with this BYE text.
    Bye(String),
    Eof,
}

/// The literal announced at the end of a line: (length, non-synchronising).
pub(crate) fn literal_at_end(line: &[u8]) -> Option<(u64, bool)> {
    let body = line.strip_suffix(b"}")?;
    let open = body.iter().rposition(|&b| b == b'{')?;
    let inner = &body[open + 1..];
    let (digits, plus) = match inner.strip_suffix(b"+") {
        Some(d) => (d, true),
        None => (inner, false),
    };
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((std::str::from_utf8(digits).ok()?.parse().ok()?, plus))
}

/// The tag of a command line (its first word), for responses to commands we cannot read.
pub(crate) fn tag_of(line: &[u8]) -> String {
    let end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
    let t = String::from_utf8_lossy(&line[..end]).into_owned();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic() && b != b'+') {
        "*".into()
    } else {
        t
    }
}

/// Reads a command, answering `+` continuation requests for synchronising literals.
pub(crate) fn read(conn: &mut Conn, max_literal: u64) -> io::Result<Read> {
    let mut cmd: Vec<u8> = Vec::new();
    let mut tag: Option<String> = None;
    loop {
        let line = match conn.read_line(MAX_LINE)? {
            Line::Eof => return Ok(Read::Eof),
            // The tag went with the dropped bytes, so no tagged answer is possible: end the
            // session rather than leave the client waiting for one (Dovecot does the same).
            Line::TooLong => return Ok(Read::Bye(format!("Command line over {MAX_LINE} octets"))),
            Line::Text(l) => l,
        };
        let tag = tag.get_or_insert_with(|| tag_of(&line)).clone();
        let lit = literal_at_end(&line);
        cmd.extend_from_slice(&line);
        let Some((n, plus)) = lit else { return Ok(Read::Command(cmd)) };
        let total = cmd.len() as u64 + n;
        if n > max_literal || total > max_literal + MAX_LINE as u64 {
            if plus {
                return Ok(Read::Bye(format!("Literal of {n} octets is over the limit of {max_literal}")));
            }
            return Ok(Read::Refused(
                tag,
                format!("NO [TOOBIG] Literal of {n} octets is over the limit of {max_literal}"),
            ));
        }
        cmd.extend_from_slice(b"\r\n");
        if !plus {
            conn.reply("+ Ready for literal data");
        }
        if !conn.read_exact_into(n as usize, Some(&mut cmd))? {
            return Ok(Read::Eof);
        }
    }
}

/// A token of a command's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An atom; brackets in it may hold spaces and parentheses (`BODY[HEADER.FIELDS (A B)]<0.5>`).
    Atom(String),
    /// A quoted string or a literal.
    Str(Vec<u8>),
    List(Vec<Tok>),
}

impl Tok {
    /// The atom's or string's text (atoms and strings are interchangeable as "astring").
    pub(crate) fn text(&self) -> Option<String> {
        match self {
            Tok::Atom(a) => Some(a.clone()),
            Tok::Str(s) => String::from_utf8(s.clone()).ok(),
            Tok::List(_) => None,
        }
    }

    pub(crate) fn atom_upper(&self) -> Option<String> {
        match self {
            Tok::Atom(a) => Some(a.to_ascii_uppercase()),
            _ => None,
        }
    }
}

/// Splits a command after its tag and name into tokens. Errors are BAD response texts.
pub(crate) fn tokenize(b: &[u8]) -> Result<Vec<Tok>, String> {
    let mut p = Parser { b, i: 0, depth: 0 };
    let toks = p.seq(false)?;
    if p.i != b.len() {
        return Err("Unexpected ')'".into());
    }
    Ok(toks)
}

/// How deeply lists may nest: enough for any real command, and a hostile line of 64 KiB of
/// '(' cannot exhaust the connection thread's stack.
pub(crate) const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn seq(&mut self, in_list: bool) -> Result<Vec<Tok>, String> {
        let mut out = Vec::new();
        loop {
            while self.b.get(self.i) == Some(&b' ') {
                self.i += 1;
            }
            match self.b.get(self.i) {
                None if in_list => return Err("Missing ')'".into()),
                None => return Ok(out),
                Some(b')') if in_list => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b')') => return Ok(out),
                Some(b'(') => {
                    if self.depth == MAX_DEPTH {
                        return Err("Lists nested too deeply".into());
                    }
                    self.i += 1;
                    self.depth += 1;
                    out.push(Tok::List(self.seq(true)?));
                    self.depth -= 1;
                }
                Some(b'"') => out.push(Tok::Str(self.quoted()?)),
                Some(b'{') => out.push(Tok::Str(self.literal()?)),
                Some(_) => out.push(Tok::Atom(self.atom()?)),
            }
        }
    }

    fn quoted(&mut self) -> Result<Vec<u8>, String> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.b.get(self.i) {
                None | Some(b'\r') | Some(b'\n') | Some(0) => return Err("Unterminated quoted string".into()),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => match self.b.get(self.i + 1) {
                    Some(&c @ (b'\\' | b'"')) => {
                        out.push(c);
                        self.i += 2;
                    }
                    _ => return Err("Bad escape in quoted string".into()),
                },
                Some(&c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn literal(&mut self) -> Result<Vec<u8>, String> {
        let close = self.b[self.i..].iter().position(|&b| b == b'}').ok_or("Bad literal")? + self.i;
        let spec = std::str::from_utf8(&self.b[self.i + 1..close]).map_err(|_| "Bad literal")?;
        let n: usize = spec.trim_end_matches('+').parse().map_err(|_| "Bad literal length")?;
        let start = close + 1;
        if self.b.get(start..start + 2) != Some(b"\r\n") {
            return Err("Literal must end the line".into());
        }
        let data = self.b.get(start + 2..start + 2 + n).ok_or("Short literal")?.to_vec();
        self.i = start + 2 + n;
        Ok(data)
    }

    fn atom(&mut self) -> Result<String, String> {
        let start = self.i;
        let mut depth = 0usize;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'[' => depth += 1,
                b']' if depth > 0 => depth -= 1,
                b' ' | b'(' | b')' if depth == 0 => break,
                b'"' | b'{' if depth == 0 => break,
                0..=0x1f | 0x7f => return Err("Control character in command".into()),
                _ => {}
            }
            self.i += 1;
        }
        if depth > 0 {
            return Err("Missing ']'".into());
        }
        let a = &self.b[start..self.i];
        String::from_utf8(a.to_vec()).map_err(|_| "8-bit characters in an atom".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_lists_strings_literals_and_sections() {
        let t = tokenize(b"1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10>) \"a \\\"q\\\"\" {3}\r\nx y").unwrap();
        assert_eq!(
            t,
            vec![
                Tok::Atom("1:*".into()),
                Tok::List(vec![
                    Tok::Atom("FLAGS".into()),
                    Tok::Atom("BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10>".into())
                ]),
                Tok::Str(b"a \"q\"".to_vec()),
                Tok::Str(b"x y".to_vec()),
            ]
        );
        assert!(tokenize(b"(a").is_err());
        assert!(tokenize(b"a)").is_err());
        assert!(tokenize(b"\"abc").is_err());
        assert!(tokenize(b"{5}\r\nab").is_err());
        assert!(tokenize(b"a\x01").is_err());
        assert_eq!(tokenize(&[b'('; 40_000]), Err("Lists nested too deeply".to_string()));
        let mut ok = vec![b'('; MAX_DEPTH];
        ok.extend(vec![b')'; MAX_DEPTH]);
        assert!(tokenize(&ok).is_ok());
    }

    #[test]
    fn literal_announcements() {
        assert_eq!(literal_at_end(b"A1 APPEND x {12}"), Some((12, false)));
        assert_eq!(literal_at_end(b"A1 APPEND x {12+}"), Some((12, true)));
        assert_eq!(literal_at_end(b"A1 APPEND x {}"), None);
        assert_eq!(literal_at_end(b"A1 APPEND x {99999999999999999999}"), None);
        assert_eq!(tag_of(b"a.1 NOOP"), "a.1");
        assert_eq!(tag_of(b"+ NOOP"), "*");
    }
}
