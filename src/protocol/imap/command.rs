//! IMAP commands as the client builds them (RFC 9051 2.2, 4.3): text parts that are safe by
//! construction (atoms, numbers, quoted strings) and literals for anything else, so no argument
//! can end a command early or start another one.

use crate::error::{self, Error, Result};

/// One piece of a command: text that goes on the command line, or a literal sent after a
/// `{n}` announcement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Literal { data: Vec<u8>, secret: bool },
}

/// A command without its tag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    pub parts: Vec<Part>,
    /// The command's name, for error texts and steps ("SELECT").
    pub name: String,
    /// The whole command line is a secret in the log (LOGIN with quoted credentials).
    pub secret_line: bool,
}

/// ASTRING-CHAR without the resp-specials: what may stand unquoted as an atom (RFC 9051 9).
fn is_atom_char(b: u8) -> bool {
    b > 0x20 && b < 0x7f && !b"(){ %*\"\\]".contains(&b)
}

/// Refuses NUL (no IMAP string can carry it) and CR/LF (a literal could, but in a name or a
/// credential they are always a mistake or an attack).
pub fn check_string(what: &str, value: &[u8]) -> Result<()> {
    if value.iter().any(|&b| b == 0 || b == b'\r' || b == b'\n') {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexForbiddenCharacter,
            format!("{what} contains CR, LF or NUL"),
        ));
    }
    Ok(())
}

impl Command {
    pub fn new(name: &str) -> Command {
        Command { parts: vec![Part::Text(name.to_owned())], name: name.to_owned(), secret_line: false }
    }

    /// Appends raw text the caller built from safe pieces (numbers, keywords, sequence sets).
    pub fn raw(mut self, text: &str) -> Command {
        match self.parts.last_mut() {
            Some(Part::Text(t)) => {
                t.push(' ');
                t.push_str(text);
            }
            // After a literal the line goes on with a space before the next argument.
            _ => self.parts.push(Part::Text(format!(" {text}"))),
        }
        self
    }

    /// Appends a string argument: an atom when it is one, a quoted string when it is printable
    /// ASCII, a literal otherwise (non-ASCII; `utf8` allows 8-bit quoted strings once
    /// UTF8=ACCEPT is enabled, RFC 6855 3).
    pub fn string(self, value: &str, utf8: bool) -> Command {
        self.string_as(value.as_bytes(), utf8, false, false)
    }

    /// A string that must be quoted or a literal even when it looks like an atom (so NIL, or a
    /// search key word, stays a string).
    pub fn quoted(self, value: &str, utf8: bool) -> Command {
        self.string_as(value.as_bytes(), utf8, false, true)
    }

    /// A credential: always a literal, redacted in the log.
    pub fn secret(mut self, value: &str) -> Command {
        self = self.raw("");
        self.parts.push(Part::Literal { data: value.as_bytes().to_vec(), secret: true });
        self
    }

    fn string_as(self, value: &[u8], utf8: bool, secret: bool, never_atom: bool) -> Command {
        let atom = !never_atom
            && !value.is_empty()
            && value.iter().all(|&b| is_atom_char(b))
            && !value.eq_ignore_ascii_case(b"NIL");
        if atom {
            return self.raw(std::str::from_utf8(value).expect("atom chars are ASCII"));
        }
        let quotable = value.len() <= 1024
            && value.iter().all(|&b| (b >= 0x20 && b != 0x7f) && (utf8 || b < 0x80))
            && (utf8 || value.is_ascii());
        if quotable && !secret {
            let mut q = Vec::with_capacity(value.len() + 2);
            q.push(b'"');
            for &c in value {
                if c == b'"' || c == b'\\' {
                    q.push(b'\\');
                }
                q.push(c);
            }
            q.push(b'"');
            return self.raw(&String::from_utf8_lossy(&q));
        }
        let mut c = self.raw("");
        c.parts.push(Part::Literal { data: value.to_vec(), secret });
        c
    }

    /// The literal announcements and the command line pieces, as they go on the wire with
    /// `tag`: each element is a line to send (without CRLF), followed by the literal to send
    /// after it, if any. `non_sync` announces literals as `{n+}` (LITERAL+).
    pub fn lines(&self, tag: &str, non_sync: bool) -> Vec<(String, Option<&Part>)> {
        let mut out: Vec<(String, Option<&Part>)> = Vec::new();
        let mut line = format!("{tag} ");
        for p in &self.parts {
            match p {
                Part::Text(t) => line.push_str(t),
                Part::Literal { data, .. } => {
                    // Text parts end in a space before a literal (see `raw("")`): trim doubles.
                    if line.ends_with("  ") {
                        line.pop();
                    }
                    let plus = if non_sync { "+" } else { "" };
                    line.push_str(&format!("{{{}{plus}}}", data.len()));
                    out.push((std::mem::take(&mut line), Some(p)));
                }
            }
        }
        out.push((line, None));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(c: &Command) -> String {
        let mut s = String::new();
        for (line, lit) in c.lines("A1", false) {
            s.push_str(&line);
            s.push_str("\r\n");
            if let Some(Part::Literal { data, .. }) = lit {
                s.push_str(std::str::from_utf8(data).unwrap());
            }
        }
        s
    }

    #[test]
    fn strings_are_atoms_quoted_or_literals() {
        assert_eq!(wire(&Command::new("SELECT").string("INBOX", false)), "A1 SELECT INBOX\r\n");
        assert_eq!(wire(&Command::new("SELECT").string("My Box", false)), "A1 SELECT \"My Box\"\r\n");
        assert_eq!(wire(&Command::new("SELECT").string("a\"b\\c", false)), "A1 SELECT \"a\\\"b\\\\c\"\r\n");
        assert_eq!(wire(&Command::new("SELECT").string("", false)), "A1 SELECT \"\"\r\n");
        assert_eq!(wire(&Command::new("SELECT").string("nil", false)), "A1 SELECT \"nil\"\r\n");
        // Not ASCII: a literal, unless UTF8=ACCEPT is on.
        assert_eq!(wire(&Command::new("SELECT").string("Grüße", false)), "A1 SELECT {7}\r\nGrüße\r\n");
        assert_eq!(wire(&Command::new("SELECT").string("Grüße", true)), "A1 SELECT \"Grüße\"\r\n");
        // Specials never go bare: a '*', '%', '(' or ']' is quoted.
        assert_eq!(wire(&Command::new("LIST").string("", false).string("*", false)), "A1 LIST \"\" \"*\"\r\n");
        assert_eq!(wire(&Command::new("X").string("a]b", false)), "A1 X \"a]b\"\r\n");
    }

    #[test]
    fn secrets_are_literals_and_literal_plus_is_announced() {
        let c = Command::new("LOGIN").string("user", false).secret("p w\"d");
        assert_eq!(wire(&c), "A1 LOGIN user {5}\r\np w\"d\r\n");
        let lines = c.lines("A2", true);
        assert_eq!(lines[0].0, "A2 LOGIN user {5+}");
        assert_eq!(lines[1].0, "");
    }

    #[test]
    fn cr_lf_nul_are_refused() {
        for bad in [&b"a\rb"[..], b"a\nb", b"a\0b"] {
            let e = check_string("mailbox name", bad).unwrap_err();
            assert_eq!((e.result, e.eex), (error::CSMAIL_E_INVALID_ARGUMENT, error::eexForbiddenCharacter));
        }
        check_string("x", b"ok \"quoted\" \\").unwrap();
    }
}
