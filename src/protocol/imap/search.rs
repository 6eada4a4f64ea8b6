//! SEARCH and UID SEARCH (RFC 9051 6.4.4) with a small criteria builder: every string goes out
//! as a quoted string or a literal (UTF-8 with CHARSET UTF-8 when not ASCII), so no criterion
//! can inject anything.

use super::command::{check_string, Command};
use super::ImapSession;
use crate::error::{Error, Result};
use imap_proto::{MailboxDatum, Response};

/// One search key.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    /// A key without argument (ALL, SEEN, UNSEEN, DELETED, FLAGGED, ANSWERED, NEW ...).
    Flag(&'static str),
    /// A key with a string argument (FROM, TO, SUBJECT, BODY, TEXT, KEYWORD).
    Text(&'static str, String),
    /// HEADER name value.
    Header(String, String),
    /// A key with a number (LARGER, SMALLER).
    Number(&'static str, u64),
    /// A key with a date (SINCE, BEFORE, ON) as year, month 1-12, day 1-31.
    Date(&'static str, u16, u8, u8),
    /// UID set.
    Uid(String),
    Not(Box<Search>),
    Or(Box<Search>, Box<Search>),
    /// Search keys as the application wrote them (the C API): ASCII, no CR/LF/NUL, no literal.
    Raw(String),
}

/// Search criteria: the keys are ANDed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    keys: Vec<Key>,
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl Search {
    pub fn new() -> Search {
        Search::default()
    }
    fn key(mut self, k: Key) -> Search {
        self.keys.push(k);
        self
    }
    pub fn all(self) -> Search {
        self.key(Key::Flag("ALL"))
    }
    pub fn seen(self) -> Search {
        self.key(Key::Flag("SEEN"))
    }
    pub fn unseen(self) -> Search {
        self.key(Key::Flag("UNSEEN"))
    }
    pub fn flagged(self) -> Search {
        self.key(Key::Flag("FLAGGED"))
    }
    pub fn deleted(self) -> Search {
        self.key(Key::Flag("DELETED"))
    }
    pub fn answered(self) -> Search {
        self.key(Key::Flag("ANSWERED"))
    }
    pub fn unanswered(self) -> Search {
        self.key(Key::Flag("UNANSWERED"))
    }
    pub fn unflagged(self) -> Search {
        self.key(Key::Flag("UNFLAGGED"))
    }
    pub fn undeleted(self) -> Search {
        self.key(Key::Flag("UNDELETED"))
    }
    pub fn draft(self) -> Search {
        self.key(Key::Flag("DRAFT"))
    }
    pub fn undraft(self) -> Search {
        self.key(Key::Flag("UNDRAFT"))
    }
    /// Recent and not seen (IMAP4rev1; IMAP4rev2 servers have no \Recent).
    pub fn new_messages(self) -> Search {
        self.key(Key::Flag("NEW"))
    }
    pub fn cc(self, s: &str) -> Search {
        self.key(Key::Text("CC", s.to_owned()))
    }
    pub fn bcc(self, s: &str) -> Search {
        self.key(Key::Text("BCC", s.to_owned()))
    }
    pub fn unkeyword(self, s: &str) -> Search {
        self.key(Key::Text("UNKEYWORD", s.to_owned()))
    }
    pub fn from(self, s: &str) -> Search {
        self.key(Key::Text("FROM", s.to_owned()))
    }
    pub fn to(self, s: &str) -> Search {
        self.key(Key::Text("TO", s.to_owned()))
    }
    pub fn subject(self, s: &str) -> Search {
        self.key(Key::Text("SUBJECT", s.to_owned()))
    }
    pub fn body(self, s: &str) -> Search {
        self.key(Key::Text("BODY", s.to_owned()))
    }
    pub fn text(self, s: &str) -> Search {
        self.key(Key::Text("TEXT", s.to_owned()))
    }
    pub fn keyword(self, s: &str) -> Search {
        self.key(Key::Text("KEYWORD", s.to_owned()))
    }
    pub fn header(self, name: &str, value: &str) -> Search {
        self.key(Key::Header(name.to_owned(), value.to_owned()))
    }
    pub fn larger(self, n: u64) -> Search {
        self.key(Key::Number("LARGER", n))
    }
    pub fn smaller(self, n: u64) -> Search {
        self.key(Key::Number("SMALLER", n))
    }
    /// Messages whose internal date is on or after (year, month 1-12, day 1-31); a date that
    /// does not exist is refused when the search is sent.
    pub fn since(self, y: u16, m: u8, d: u8) -> Search {
        self.key(Key::Date("SINCE", y, m, d))
    }
    /// Internal date before the day.
    pub fn before(self, y: u16, m: u8, d: u8) -> Search {
        self.key(Key::Date("BEFORE", y, m, d))
    }
    /// Internal date on the day.
    pub fn on(self, y: u16, m: u8, d: u8) -> Search {
        self.key(Key::Date("ON", y, m, d))
    }
    /// Messages with these UIDs ("1:5,7").
    pub fn uids(self, set: &str) -> Search {
        self.key(Key::Uid(set.to_owned()))
    }
    pub fn not(self, s: Search) -> Search {
        self.key(Key::Not(Box::new(s)))
    }
    pub fn or(self, a: Search, b: Search) -> Search {
        self.key(Key::Or(Box::new(a), Box::new(b)))
    }
    /// Search keys in IMAP syntax ("UNSEEN FROM \"bob\""); refused when sent if they hold CR,
    /// LF, NUL, a literal announcement or anything not ASCII (use the builder for those).
    pub fn raw(self, keys: &str) -> Search {
        self.key(Key::Raw(keys.to_owned()))
    }

    /// Checks every key as sending would (CR/LF/NUL in strings, dates, UID sets, raw keys), so
    /// a builder can refuse a bad key when it is added.
    pub fn check(&self) -> Result<()> {
        self.write(Command::new("SEARCH"), false).map(|_| ())
    }

    /// Whether no key was added (the search is then ALL).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn is_ascii(&self) -> bool {
        self.keys.iter().all(|k| match k {
            Key::Text(_, s) => s.is_ascii(),
            Key::Header(n, v) => n.is_ascii() && v.is_ascii(),
            Key::Not(s) => s.is_ascii(),
            Key::Or(a, b) => a.is_ascii() && b.is_ascii(),
            _ => true,
        })
    }

    /// Writes the keys onto `cmd` (ALL when there are none).
    fn write(&self, mut cmd: Command, utf8: bool) -> Result<Command> {
        if self.keys.is_empty() {
            return Ok(cmd.raw("ALL"));
        }
        for k in &self.keys {
            cmd = match k {
                Key::Flag(f) => cmd.raw(f),
                Key::Text(name, s) => {
                    check_string("a search string", s.as_bytes())?;
                    cmd.raw(name).quoted(s, utf8)
                }
                Key::Header(n, v) => {
                    check_string("a header name", n.as_bytes())?;
                    check_string("a search string", v.as_bytes())?;
                    cmd.raw("HEADER").quoted(n, utf8).quoted(v, utf8)
                }
                Key::Number(name, n) => cmd.raw(&format!("{name} {n}")),
                Key::Date(name, y, m, d) => cmd.raw(&format!("{name} {}", date(*y, *m, *d)?)),
                Key::Uid(set) => cmd.raw("UID").raw(&sequence_set(set)?),
                Key::Not(s) => s.write(cmd.raw("NOT"), utf8)?,
                Key::Raw(keys) => {
                    check_string("the search keys", keys.as_bytes())?;
                    if keys.trim().is_empty() || !keys.is_ascii() || keys.contains('{') {
                        return Err(Error::invalid_arg(
                            "search keys must be ASCII IMAP search keys without literals ({n}); \
                             put strings that are not ASCII through the search builder",
                        ));
                    }
                    cmd.raw(keys.trim())
                }
                Key::Or(a, b) => {
                    let c = a.write(cmd.raw("OR").raw("("), utf8)?.raw(")");
                    b.write(c.raw("("), utf8)?.raw(")")
                }
            };
        }
        Ok(cmd)
    }
}

/// An IMAP date ("1-Feb-2024"); a day the calendar does not have is refused.
fn date(y: u16, m: u8, d: u8) -> Result<String> {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if y == 0 || y > 9999 || d == 0 || d > days {
        return Err(Error::invalid_arg(format!(
            "{y:04}-{m:02}-{d:02} is not a date (year 1-9999, month 1-12, a day the month has)"
        )));
    }
    Ok(format!("{d}-{}-{y}", MONTHS[usize::from(m - 1)]))
}

/// Checks a sequence set ("1:5,7,9:*"): digits, ':', ',' and '*' only.
pub fn sequence_set(set: &str) -> Result<String> {
    let ok = !set.is_empty()
        && set.bytes().all(|b| b.is_ascii_digit() || b == b':' || b == b',' || b == b'*')
        && set.split(',').all(|r| !r.is_empty() && r.split(':').count() <= 2 && r.split(':').all(|n| !n.is_empty()));
    if !ok {
        return Err(Error::invalid_arg(format!(
            "{set:?} is not a message set: numbers, ranges a:b and * separated by commas"
        )));
    }
    Ok(set.to_owned())
}

/// The most numbers an ESEARCH ALL may expand to (a range "1:4000000000" costs nothing to send).
const MAX_ESEARCH_NUMBERS: u64 = 10_000_000;

/// The numbers of an ESEARCH response's ALL (RFC 4731, IMAP4rev2's SEARCH answer):
/// `ESEARCH (TAG "A1") UID ALL 1:3,5` gives [1, 2, 3, 5]; no ALL gives none. None when it is
/// not an ESEARCH response or is malformed; an error when it expands past the limit.
pub fn esearch_all(text: &str) -> Option<Result<Vec<u32>>> {
    let mut words = text.split_ascii_whitespace();
    if !words.next()?.eq_ignore_ascii_case("ESEARCH") {
        return None;
    }
    let mut words = words.peekable();
    if words.peek().is_some_and(|w| w.starts_with('(')) {
        // The correlator: (TAG "A0003").
        for w in words.by_ref() {
            if w.ends_with(')') {
                break;
            }
        }
    }
    while let Some(w) = words.next() {
        if w.eq_ignore_ascii_case("UID") {
            continue;
        }
        let value = words.next()?;
        if !w.eq_ignore_ascii_case("ALL") {
            continue;
        }
        let mut out = Vec::new();
        for range in value.split(',') {
            let (a, b) = range.split_once(':').unwrap_or((range, range));
            let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
            let (lo, hi) = (a.min(b), a.max(b));
            if out.len() as u64 + u64::from(hi - lo) + 1 > MAX_ESEARCH_NUMBERS {
                return Some(Err(Error::protocol(
                    crate::error::eexReplyTooLong,
                    format!("an ESEARCH answer of over {MAX_ESEARCH_NUMBERS} messages"),
                )));
            }
            out.extend(lo..=hi);
        }
        return Some(Ok(out));
    }
    Some(Ok(Vec::new()))
}

impl ImapSession {
    /// SEARCH (or UID SEARCH): the matching message numbers (UIDs).
    pub fn search(&mut self, criteria: &Search, uid: bool) -> Result<Vec<u32>> {
        let mut cmd = Command::new(if uid { "UID SEARCH" } else { "SEARCH" });
        if !self.utf8 && !criteria.is_ascii() {
            cmd = cmd.raw("CHARSET UTF-8");
        }
        let utf8 = self.utf8;
        let cmd = criteria.write(cmd, utf8)?;
        // "OR (" and " )" read fine for servers; tidy them for logs and tests.
        let cmd = tidy(cmd);
        let mut found = Vec::new();
        self.run(&cmd, &mut |r| {
            if let Response::MailboxData(MailboxDatum::Search(ids)) = r {
                found.extend_from_slice(ids);
            }
            Ok(())
        })?;
        Ok(found)
    }
}

fn tidy(mut cmd: Command) -> Command {
    for p in &mut cmd.parts {
        if let super::Part::Text(t) = p {
            *t = t.replace("( ", "(").replace(" )", ")");
        }
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &Search) -> String {
        let c = tidy(s.write(Command::new("SEARCH"), false).unwrap());
        c.lines("A1", true).into_iter().map(|(l, _)| l).collect::<Vec<_>>().join("|")
    }

    #[test]
    fn criteria() {
        assert_eq!(line(&Search::new()), "A1 SEARCH ALL");
        assert_eq!(line(&Search::new().unseen().from("a@b.c")), "A1 SEARCH UNSEEN FROM \"a@b.c\"");
        assert_eq!(line(&Search::new().subject("x\" OR ALL")), "A1 SEARCH SUBJECT \"x\\\" OR ALL\"");
        assert_eq!(line(&Search::new().subject("Grüße")), "A1 SEARCH SUBJECT {7+}|");
        assert_eq!(
            line(&Search::new().or(Search::new().seen(), Search::new().larger(10)).since(2024, 2, 1)),
            "A1 SEARCH OR (SEEN) (LARGER 10) SINCE 1-Feb-2024"
        );
        assert_eq!(line(&Search::new().not(Search::new().deleted()).uids("1:5,7")), "A1 SEARCH NOT DELETED UID 1:5,7");
        assert!(Search::new().subject("a\r\nA2 LOGOUT").write(Command::new("SEARCH"), false).is_err());
        assert_eq!(
            line(&Search::new().on(2024, 2, 29).unflagged().cc("x").new_messages()),
            "A1 SEARCH ON 29-Feb-2024 UNFLAGGED CC \"x\" NEW"
        );
        for (y, m, d) in [(2023, 2, 29), (2024, 13, 1), (2024, 0, 1), (2024, 4, 31), (0, 1, 1), (2024, 1, 0)] {
            let e = Search::new().since(y, m, d).check().unwrap_err();
            assert_eq!(e.result, crate::error::CSMAIL_E_INVALID_ARGUMENT, "{y}-{m}-{d}");
        }
        assert!(Search::new().before(1900, 12, 31).check().is_ok());
        assert!(sequence_set("1 2").is_err() && sequence_set("1:").is_err() && sequence_set("").is_err());
        assert_eq!(sequence_set("1:*,4").unwrap(), "1:*,4");
        assert_eq!(esearch_all("ESEARCH (TAG \"A3\") UID ALL 1:3,7,9:8 MIN 1").unwrap().unwrap(), [1, 2, 3, 7, 8, 9]);
        assert_eq!(esearch_all("ESEARCH (TAG \"A3\") UID").unwrap().unwrap(), Vec::<u32>::new());
        assert_eq!(esearch_all("ESEARCH COUNT 3 ALL 4").unwrap().unwrap(), [4]);
        assert_eq!(esearch_all("SEARCH 1 2"), None);
        assert_eq!(esearch_all("ESEARCH ALL x"), None);
        let e = esearch_all("ESEARCH ALL 1:4000000000").unwrap().unwrap_err();
        assert_eq!(e.eex, crate::error::eexReplyTooLong);
        assert_eq!(line(&Search::new().raw(" UNSEEN FROM \"x\" ")), "A1 SEARCH UNSEEN FROM \"x\"");
        for bad in ["A {5}", "\r\nA2 LOGOUT", "SUBJECT \"ü\"", " "] {
            assert!(Search::new().raw(bad).write(Command::new("SEARCH"), false).is_err(), "{bad:?}");
        }
    }
}
