//! SEARCH criteria (RFC 3501 6.4.4): flags, addresses and header substrings (raw and
//! RFC 2047-decoded), BODY/TEXT (raw and decoded text parts), dates on the internal date,
//! sizes, UID and sequence sets, NOT/OR/parentheses; CHARSET UTF-8 or US-ASCII.

use mail_parser::{Address, HeaderValue, Message, MessageParser};

use super::command::Tok;
use super::date;
use super::session::{in_set, parse_set};
use super::store::Msg;

#[derive(Debug)]
enum Crit {
    All,
    None,
    Flag(char, bool),
    Recent(bool),
    New,
    Header(String, String),
    Body(String),
    Text(String),
    Since(i64),
    Before(i64),
    On(i64),
    Larger(u64),
    Smaller(u64),
    Uids(Vec<(u32, u32)>),
    Seqs(Vec<(u32, u32)>),
    Not(Box<Crit>),
    Or(Box<Crit>, Box<Crit>),
    And(Vec<Crit>),
}

struct P<'a> {
    toks: &'a [Tok],
    i: usize,
    max_seq: u32,
    max_uid: u32,
    /// NOT/OR/list nesting so far: bounded like the tokenizer's lists, so a line of
    /// `NOT NOT NOT ...` cannot exhaust the stack in `key` or `eval`.
    depth: usize,
}

impl P<'_> {
    fn next(&mut self) -> Option<&Tok> {
        let t = self.toks.get(self.i);
        self.i += 1;
        t
    }

    fn string(&mut self, key: &str) -> Result<String, String> {
        self.next().and_then(Tok::text).ok_or_else(|| format!("BAD {key} needs a string"))
    }

    fn number(&mut self, key: &str) -> Result<u64, String> {
        self.next().and_then(Tok::text).and_then(|s| s.parse().ok()).ok_or_else(|| format!("BAD {key} needs a number"))
    }

    fn day(&mut self, key: &str) -> Result<i64, String> {
        self.next()
            .and_then(Tok::text)
            .and_then(|s| date::parse_day(&s))
            .ok_or_else(|| format!("BAD {key} needs a date like 1-Feb-2024"))
    }

    fn key(&mut self) -> Result<Crit, String> {
        if self.depth > super::command::MAX_DEPTH {
            return Err("BAD Search criteria nested too deeply".into());
        }
        self.depth += 1;
        let k = self.key_inner();
        self.depth -= 1;
        k
    }

    fn key_inner(&mut self) -> Result<Crit, String> {
        let t = self.next().ok_or("BAD Missing search key")?.clone();
        let a = match t {
            Tok::List(v) => {
                let mut sub = P { toks: &v, i: 0, max_seq: self.max_seq, max_uid: self.max_uid, depth: self.depth };
                let mut all = Vec::new();
                while sub.i < v.len() {
                    all.push(sub.key()?);
                }
                return Ok(Crit::And(all));
            }
            Tok::Str(_) => return Err("BAD Search keys are atoms".into()),
            Tok::Atom(a) => a,
        };
        let up = a.to_ascii_uppercase();
        let flag = |c, on| Ok(Crit::Flag(c, on));
        match up.as_str() {
            "ALL" => Ok(Crit::All),
            "ANSWERED" => flag('R', true),
            "UNANSWERED" => flag('R', false),
            "DELETED" => flag('T', true),
            "UNDELETED" => flag('T', false),
            "DRAFT" => flag('D', true),
            "UNDRAFT" => flag('D', false),
            "FLAGGED" => flag('F', true),
            "UNFLAGGED" => flag('F', false),
            "SEEN" => flag('S', true),
            "UNSEEN" => flag('S', false),
            "RECENT" => Ok(Crit::Recent(true)),
            "OLD" => Ok(Crit::Recent(false)),
            "NEW" => Ok(Crit::New),
            "KEYWORD" => self.string(&up).map(|_| Crit::None),
            "UNKEYWORD" => self.string(&up).map(|_| Crit::All),
            "FROM" | "TO" | "CC" | "BCC" | "SUBJECT" => Ok(Crit::Header(up.clone(), self.string(&up)?)),
            "HEADER" => {
                let name = self.string(&up)?;
                Ok(Crit::Header(name.to_ascii_uppercase(), self.string(&up)?))
            }
            "BODY" => Ok(Crit::Body(self.string(&up)?)),
            "TEXT" => Ok(Crit::Text(self.string(&up)?)),
            "SINCE" => Ok(Crit::Since(self.day(&up)?)),
            "BEFORE" => Ok(Crit::Before(self.day(&up)?)),
            "ON" => Ok(Crit::On(self.day(&up)?)),
            "LARGER" => Ok(Crit::Larger(self.number(&up)?)),
            "SMALLER" => Ok(Crit::Smaller(self.number(&up)?)),
            "UID" => {
                let s = self.string(&up)?;
                Ok(Crit::Uids(parse_set(&s, self.max_uid).ok_or("BAD Invalid UID set")?))
            }
            "NOT" => Ok(Crit::Not(Box::new(self.key()?))),
            "OR" => {
                let a = self.key()?;
                Ok(Crit::Or(Box::new(a), Box::new(self.key()?)))
            }
            _ => match parse_set(&a, self.max_seq) {
                Some(s) => Ok(Crit::Seqs(s)),
                None => Err(format!("BAD Unknown search key {a}")),
            },
        }
    }
}

/// What a criterion may need of the message's content, loaded once per message.
struct Content {
    raw: Vec<u8>,
}

fn contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

fn header_text(msg: &Message, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for h in msg.root_part().headers.iter().filter(|h| h.name.as_str().eq_ignore_ascii_case(name)) {
        if let Some(raw) = msg.raw_message().get(h.offset_start as usize..h.offset_end as usize) {
            out.push(String::from_utf8_lossy(raw).replace("\r\n", "").replace('\n', ""));
        }
        match &h.value {
            HeaderValue::Text(t) => out.push(t.to_string()),
            HeaderValue::TextList(l) => out.extend(l.iter().map(|t| t.to_string())),
            HeaderValue::Address(a) => {
                let addrs: Vec<_> = match a {
                    Address::List(l) => l.iter().collect(),
                    Address::Group(g) => g.iter().flat_map(|g| g.addresses.iter()).collect(),
                };
                for x in addrs {
                    out.push(format!("{} <{}>", x.name.as_deref().unwrap_or(""), x.address.as_deref().unwrap_or("")));
                }
            }
            _ => {}
        }
    }
    out
}

fn body_matches(msg: &Message, raw: &[u8], needle: &str) -> bool {
    let body_start = msg.root_part().offset_body as usize;
    let raw_body = String::from_utf8_lossy(raw.get(body_start..).unwrap_or(&[]));
    if contains(&raw_body, needle) {
        return true;
    }
    (0..msg.text_body_count()).any(|i| msg.body_text(i).is_some_and(|t| contains(&t, needle)))
}

fn eval(c: &Crit, seq: u32, m: &Msg, content: &mut Option<Content>) -> bool {
    let mut load = |m: &Msg| -> Vec<u8> {
        content.get_or_insert_with(|| Content { raw: std::fs::read(&m.path).unwrap_or_default() }).raw.clone()
    };
    let day = m.internal.div_euclid(86400);
    match c {
        Crit::All => true,
        Crit::None => false,
        Crit::Flag(f, on) => m.flags.contains(f) == *on,
        Crit::Recent(on) => m.recent == *on,
        Crit::New => m.recent && !m.flags.contains(&'S'),
        Crit::Since(d) => day >= *d,
        Crit::Before(d) => day < *d,
        Crit::On(d) => day == *d,
        Crit::Larger(n) => m.size > *n,
        Crit::Smaller(n) => m.size < *n,
        Crit::Uids(s) => in_set(s, m.uid),
        Crit::Seqs(s) => in_set(s, seq),
        Crit::Not(k) => !eval(k, seq, m, content),
        Crit::Or(a, b) => eval(a, seq, m, content) || eval(b, seq, m, content),
        Crit::And(v) => v.iter().all(|k| eval(k, seq, m, content)),
        Crit::Header(name, needle) => {
            let raw = load(m);
            let Some(msg) = MessageParser::default().parse(&raw[..]) else { return false };
            let vals = header_text(&msg, name);
            if needle.is_empty() {
                return !vals.is_empty();
            }
            vals.iter().any(|v| contains(v, needle))
        }
        Crit::Body(needle) | Crit::Text(needle) => {
            let raw = load(m);
            let Some(msg) = MessageParser::default().parse(&raw[..]) else { return false };
            if matches!(c, Crit::Text(_)) {
                let head = raw.get(..msg.root_part().offset_body as usize).unwrap_or(&[]);
                let head_ok = contains(&String::from_utf8_lossy(head), needle)
                    || msg.root_part().headers.iter().any(|h| match &h.value {
                        HeaderValue::Text(t) => contains(t, needle),
                        _ => false,
                    });
                if head_ok {
                    return true;
                }
            }
            body_matches(&msg, &raw, needle)
        }
    }
}

/// Runs a SEARCH; returns the sequence numbers (or UIDs) found, or the tagged error text.
pub(crate) fn run(msgs: &[Msg], args: &[Tok], uid: bool) -> Result<Vec<u32>, String> {
    let mut args = args;
    if args.first().and_then(Tok::atom_upper).as_deref() == Some("CHARSET") {
        let cs = args.get(1).and_then(Tok::text).ok_or("BAD CHARSET needs a name")?;
        if !["UTF-8", "US-ASCII"].contains(&cs.to_ascii_uppercase().as_str()) {
            return Err("NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset".into());
        }
        args = &args[2..];
    }
    if args.is_empty() {
        return Err("BAD SEARCH needs criteria".into());
    }
    let max_uid = msgs.last().map(|m| m.uid).unwrap_or(0);
    let mut p = P { toks: args, i: 0, max_seq: msgs.len() as u32, max_uid, depth: 0 };
    let mut all = Vec::new();
    while p.i < args.len() {
        all.push(p.key()?);
    }
    let crit = Crit::And(all);
    let mut found = Vec::new();
    for (i, m) in msgs.iter().enumerate() {
        let mut content = None;
        if eval(&crit, i as u32 + 1, m, &mut content) {
            found.push(if uid { m.uid } else { i as u32 + 1 });
        }
    }
    Ok(found)
}
