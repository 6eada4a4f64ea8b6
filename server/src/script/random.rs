//! The seeded random hostile server: a script generated from a seed that follows the shape of an
//! SMTP, POP3 or IMAP session (one reply for each line the client sends, so a client that keeps to
//! the protocol stays in step) but answers at random with what real and broken servers send: wrong
//! and random codes, truncated, huge and endless lines, bare LF and bare CR, NUL, invalid UTF-8,
//! bad numbers, replies cut off in the middle, slow drip, silence and hang-ups; for IMAP also
//! untagged data before every completion, literals (some announcing far more than follows),
//! spoofed tags and BYE.
//!
//! The same seed always gives the same script, so a failing session is reproduced by its seed;
//! [`random_text`] gives the script's text (the format of the `script` module) to save it.

use super::parse::Script;

/// Which protocol's session shape the script follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Greeting, EHLO, (AUTH), MAIL, RCPT, DATA, the data, QUIT.
    Smtp,
    /// Greeting, CAPA, USER and PASS (APOP when the greeting has a timestamp), STAT, LIST 1, UIDL 1, RETR 1, TOP 1,
    /// DELE 1, QUIT.
    Pop3,
    /// A greeting with capabilities, then for each line the client sends (a command, a SASL
    /// answer, DONE) untagged data and a completion tagged with the client's tag (`\T`).
    Imap,
}

impl Script {
    /// A random hostile session for `seed` (see the module documentation). `login` adds the
    /// rounds of an authentication exchange to an SMTP session (POP3 always logs in).
    pub fn random(seed: u64, dialect: Dialect, login: bool) -> Script {
        Script::parse(&random_text(seed, dialect, login)).expect("generated scripts parse")
    }
}

/// The text of [`Script::random`]'s script.
pub fn random_text(seed: u64, dialect: Dialect, login: bool) -> String {
    let mut g = Gen { rng: fastrand::Rng::with_seed(seed), out: String::new(), ended: false };
    g.comment(&format!("random hostile {dialect:?} session, seed {seed}"));
    match dialect {
        Dialect::Smtp => g.smtp(login),
        Dialect::Pop3 => g.pop3(),
        Dialect::Imap => g.imap(),
    }
    g.out
}

/// Bytes as script text: printable ASCII as is, the rest as `\xHH`.
fn esc(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        match c {
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s
}

/// Stands for the client's tag in generated IMAP lines; [`tags`] turns it into the script's
/// `\T` (a fault that cuts it leaves only stray control bytes).
const TAG: &str = "\x01T\x01";

/// `esc`'s text with every escaped [`TAG`] as `\T`.
fn tags(escaped: String) -> String {
    escaped.replace("\\x01T\\x01", "\\T")
}

/// How a reply goes wrong, or `Good`.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Good,
    /// A well-formed refusal (4xx/5xx, -ERR).
    Refusal,
    /// A random status (any three digits; a wrong or misspelt POP3 word).
    RandomStatus,
    /// Part of the reply, then the connection closes.
    Truncated,
    /// A line of 4 KB to 70 KB.
    HugeLine,
    /// Hundreds of kilobytes without a line end, then close.
    EndlessLine,
    /// A multi-line reply of thousands of lines.
    EndlessReply,
    BareLf,
    BareCr,
    Nul,
    InvalidUtf8,
    /// Numbers that are negative, too large or not numbers.
    BadNumbers,
    /// A multi-line reply cut off after its first line.
    MidReplyDrop,
    /// The good reply one byte at a time with pauses.
    SlowDrip,
    Empty,
    /// Nothing more; the connection stays open.
    Hang,
    Close,
}

struct Gen {
    rng: fastrand::Rng,
    out: String,
    /// A CLOSE or HANG was written: nothing after it would run.
    ended: bool,
}

impl Gen {
    fn line(&mut self, l: &str) {
        if !self.ended {
            self.out.push_str(l);
            self.out.push('\n');
        }
    }

    fn comment(&mut self, c: &str) {
        self.line(&format!("# {c}"));
    }

    fn send(&mut self, b: &[u8]) {
        self.line(&format!("S: {}", tags(esc(b))));
    }

    fn raw(&mut self, b: &[u8]) {
        if !b.is_empty() {
            self.line(&format!("RAW: {}", tags(esc(b))));
        }
    }

    fn close(&mut self) {
        self.line("CLOSE");
        self.ended = true;
    }

    fn expect_any(&mut self) {
        self.line("C: *");
    }

    fn fault(&mut self) -> Fault {
        use Fault::*;
        match self.rng.u32(0..100) {
            0..=54 => Good,
            55..=60 => Refusal,
            61..=65 => RandomStatus,
            66..=68 => Truncated,
            69..=70 => HugeLine,
            71 => EndlessLine,
            72..=73 => EndlessReply,
            74..=76 => BareLf,
            77..=78 => BareCr,
            79..=81 => Nul,
            82..=84 => InvalidUtf8,
            85..=88 => BadNumbers,
            89..=90 => MidReplyDrop,
            91..=94 => SlowDrip,
            95..=96 => Empty,
            97 => Hang,
            _ => Close,
        }
    }

    /// Writes `good` (whole lines, each with CRLF) or a fault in its place; `refusal`,
    /// `random` and `numbers` are the protocol's versions of those faults.
    fn reply(&mut self, good: &[Vec<u8>], refusal: &[u8], random: &[u8], numbers: &[u8]) {
        let first = good.first().cloned().unwrap_or_default();
        match self.fault() {
            Fault::Good => good.iter().for_each(|l| self.send(l)),
            Fault::Refusal => self.send(refusal),
            Fault::RandomStatus => self.send(random),
            Fault::Truncated => {
                let cut = self.rng.usize(0..=first.len());
                self.raw(&first[..cut]);
                self.close();
            }
            Fault::HugeLine => {
                let n = self.rng.usize(4_000..70_000);
                self.raw(&first[..first.len().min(4)]);
                self.line(&format!("RAWN: {n} a"));
                self.raw(b"\r\n");
            }
            Fault::EndlessLine => {
                let n = self.rng.usize(100_000..400_000);
                self.raw(&first[..first.len().min(4)]);
                self.line(&format!("RAWN: {n} x"));
                self.close();
            }
            Fault::EndlessReply => {
                let n = self.rng.usize(500..20_000);
                let head = &first[..first.len().min(3)];
                let mut l = head.to_vec();
                l.extend_from_slice(b"-more");
                self.line(&format!("S*{n}: {}", tags(esc(&l))));
                self.send(&first);
            }
            Fault::BareLf => {
                let mut l = first.clone();
                l.extend_from_slice(b"\nand more\n");
                self.raw(&l);
            }
            Fault::BareCr => {
                let mut l = first.clone();
                l.extend_from_slice(b"\rrest\r\n");
                self.raw(&l);
            }
            Fault::Nul => {
                let mut l = first.clone();
                let at = self.rng.usize(0..=l.len());
                l.insert(at, 0);
                self.send(&l);
            }
            Fault::InvalidUtf8 => {
                let mut l = first.clone();
                l.extend_from_slice(b" \xff\xfe\xc3(\xed\xa0\x80");
                self.send(&l);
            }
            Fault::BadNumbers => self.send(numbers),
            Fault::MidReplyDrop => {
                let mut l = first[..first.len().min(3)].to_vec();
                l.extend_from_slice(b"-first line of many");
                self.send(&l);
                self.close();
            }
            Fault::SlowDrip => {
                // The first bytes one at a time with pauses, the rest of a long reply at once.
                let whole: Vec<u8> = good.iter().flat_map(|l| l.iter().copied().chain(*b"\r\n")).collect();
                let dripped = whole.len().min(48);
                let mut i = 0;
                while i < dripped {
                    // An IMAP tag mark goes whole, to become the client's tag.
                    let step = if whole[i..].starts_with(TAG.as_bytes()) { TAG.len() } else { 1 };
                    self.raw(&whole[i..i + step]);
                    i += step;
                    let ms = self.rng.u32(0..3);
                    self.line(&format!("SLEEP {ms}"));
                }
                self.raw(&whole[i..]);
            }
            Fault::Empty => {
                let e: &[u8] = [&b""[..], b" ", b"\t", b"   "][self.rng.usize(0..4)];
                self.send(e);
            }
            Fault::Hang => {
                self.line("HANG");
                self.ended = true;
            }
            Fault::Close => self.close(),
        }
    }

    fn random_code(&mut self) -> Vec<u8> {
        let code = self.rng.u32(0..1000);
        let sep = [" ", "-", "", "x", "  "][self.rng.usize(0..5)];
        format!("{code:03}{sep}random status").into_bytes()
    }

    fn bad_number(&mut self) -> String {
        ["-1", "99999999999999999999999", "abc", "", "0x10", "+5", "1e9", "18446744073709551616", "4294967296"]
            [self.rng.usize(0..9)]
        .to_owned()
    }

    // --- SMTP --------------------------------------------------------------------------------

    fn smtp_reply(&mut self, code: u16, lines: &[String]) {
        let good: Vec<Vec<u8>> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                format!("{code}{sep}{l}").into_bytes()
            })
            .collect();
        let refusal =
            format!("{} 5.0.0 refused", [421, 450, 451, 452, 500, 501, 502, 503, 550, 554][self.rng.usize(0..10)]);
        let random = self.random_code();
        let numbers = format!("{code} {} 4.4.4.4 {}", self.bad_number(), self.bad_number());
        self.reply(&good, refusal.as_bytes(), &random, numbers.as_bytes());
    }

    fn smtp(&mut self, login: bool) {
        self.smtp_reply(220, &["random.example ESMTP hostile".into()]);
        self.expect_any(); // EHLO
        let mut ehlo = vec!["random.example greets you".to_string()];
        let exts = [
            "PIPELINING".to_string(),
            format!("SIZE {}", if self.rng.bool() { "1000000".into() } else { self.bad_number() }),
            "8BITMIME".into(),
            "SMTPUTF8".into(),
            "ENHANCEDSTATUSCODES".into(),
            "AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2".into(),
            "AUTH".into(),
            "X-\u{7f}JUNK".into(),
            "DSN".into(),
        ];
        for e in exts {
            if self.rng.bool() {
                ehlo.push(e);
            }
        }
        self.smtp_reply(250, &ehlo);
        if login {
            for _ in 0..self.rng.usize(1..4) {
                self.expect_any(); // AUTH, then the responses
                if self.rng.bool() {
                    let challenge = ["VXNlcm5hbWU6", "UGFzc3dvcmQ6", "PDEyMy40NTZAaG9zdD4=", "!!notbase64!!", ""];
                    let c = challenge[self.rng.usize(0..challenge.len())].to_string();
                    self.smtp_reply(334, &[c]);
                } else {
                    self.smtp_reply(235, &["2.7.0 accepted".into()]);
                    break;
                }
            }
        }
        self.expect_any(); // MAIL
        self.smtp_reply(250, &["2.1.0 ok".into()]);
        self.expect_any(); // RCPT
        self.smtp_reply(250, &["2.1.5 ok".into()]);
        self.expect_any(); // DATA
        self.smtp_reply(354, &["go ahead".into()]);
        self.line("DATA");
        self.smtp_reply(250, &["2.0.0 queued as RANDOM".into()]);
        self.expect_any(); // QUIT
        self.smtp_reply(221, &["2.0.0 bye".into()]);
    }

    // --- POP3 --------------------------------------------------------------------------------

    fn pop3_status(&mut self, good: &[Vec<u8>], numbers: &[u8]) {
        let refusal = ["-ERR no", "-ERR [IN-USE] busy", "-ERR [AUTH] bad", "-ERR"][self.rng.usize(0..4)];
        let random = ["+OKAY", "OK", "+ok", "-ERROR x", "*", "+", "-", "+OK\u{0}"][self.rng.usize(0..8)];
        self.reply(good, refusal.as_bytes(), random.as_bytes(), numbers);
    }

    fn body_line(&mut self) -> Vec<u8> {
        let pool: [&[u8]; 14] = [
            b"Subject: random",
            b"",
            b".",
            b"..",
            b"..x",
            b".\x00",
            b"\x00.",
            b"a\rb",
            b"a\nb",
            b"\xff\xfe bytes",
            b"line with trailing CR\r",
            b". ",
            b"...",
            b"ordinary text",
        ];
        let mut l = pool[self.rng.usize(0..pool.len())].to_vec();
        if self.rng.u32(0..50) == 0 {
            l = vec![b'L'; self.rng.usize(1_000..100_000)];
        }
        l
    }

    /// "+OK", body lines, "."; the body may end without its terminator or with a bare-LF one.
    fn pop3_multiline(&mut self, status: &[u8], body: Vec<Vec<u8>>) {
        let mut good = vec![status.to_vec()];
        good.extend(body);
        match self.rng.u32(0..20) {
            0 => {
                good.iter().for_each(|l| self.send(l));
                self.close();
            }
            1 => {
                good.iter().for_each(|l| self.send(l));
                self.raw(b".\n");
            }
            _ => {
                good.push(b".".to_vec());
                let numbers = format!("+OK {} octets", self.bad_number());
                self.pop3_status(&good, numbers.as_bytes());
            }
        }
    }

    fn pop3(&mut self) {
        // A greeting with a timestamp makes a client log in with one line (APOP), without one
        // with two (USER, PASS).
        let apop = self.rng.bool();
        let greeting: &[u8] = if apop { b"+OK hostile ready <1234.5678@random.example>" } else { b"+OK hostile ready" };
        self.pop3_status(&[greeting.to_vec()], b"+OK <unterminated");
        self.expect_any(); // CAPA
        let mut caps = vec![b"+OK capabilities".to_vec()];
        for c in ["USER", "TOP", "UIDL", "PIPELINING", "SASL PLAIN LOGIN CRAM-MD5", "RESP-CODES", "STLS", "JUNK \u{1}"]
        {
            if self.rng.bool() {
                caps.push(c.as_bytes().to_vec());
            }
        }
        self.pop3_multiline(b"+OK capabilities", caps[1..].to_vec());
        for _ in 0..if apop { 1 } else { 2 } {
            self.expect_any(); // APOP, or USER and PASS
            self.pop3_status(&[b"+OK".to_vec()], b"+ \xff");
        }
        self.expect_any(); // STAT
        let numbers = format!("+OK {} {}", self.bad_number(), self.bad_number());
        self.pop3_status(&[b"+OK 1 120".to_vec()], numbers.as_bytes());
        self.expect_any(); // LIST 1
        let numbers = format!("+OK 1 {}", self.bad_number());
        self.pop3_status(&[b"+OK 1 120".to_vec()], numbers.as_bytes());
        self.expect_any(); // UIDL 1
        let numbers = format!("+OK {} uid", self.bad_number());
        self.pop3_status(&[b"+OK 1 uid-1".to_vec()], numbers.as_bytes());
        for _ in 0..2 {
            self.expect_any(); // RETR 1, TOP 1 n
            let n = self.rng.usize(0..12);
            let body = (0..n).map(|_| self.body_line()).collect();
            self.pop3_multiline(b"+OK message follows", body);
        }
        self.expect_any(); // DELE 1
        self.pop3_status(&[b"+OK deleted".to_vec()], b"+OK 1 2 3");
        self.expect_any(); // QUIT
        self.pop3_status(&[b"+OK bye".to_vec()], b"+OK -1");
    }

    // --- IMAP --------------------------------------------------------------------------------

    /// Untagged data a server may send before any completion.
    fn imap_untagged(&mut self) -> Vec<Vec<u8>> {
        let pool: [&[u8]; 14] = [
            b"* 3 EXISTS",
            b"* 0 RECENT",
            b"* 2 EXPUNGE",
            b"* OK [UIDVALIDITY 1234] UIDs valid",
            b"* OK [UIDNEXT 9] next",
            b"* FLAGS (\\Answered \\Seen \\Deleted)",
            b"* 1 FETCH (FLAGS (\\Seen) UID 7)",
            b"* SEARCH 1 2 3",
            b"* LIST (\\HasNoChildren \\Trash) \".\" Trash",
            b"* CAPABILITY IMAP4rev1 IDLE",
            b"* OK [ALERT] the server is hostile",
            b"* STATUS INBOX (MESSAGES 1 UIDNEXT 2)",
            b"* ENABLED UTF8=ACCEPT",
            b"* NO [ALERT] unsolicited",
        ];
        let mut out = Vec::new();
        for _ in 0..self.rng.usize(0..3) {
            out.push(pool[self.rng.usize(0..pool.len())].to_vec());
        }
        if self.rng.u32(0..4) == 0 {
            // A FETCH with a literal: the announcement counts the lines up to ")", CRLFs included.
            let body: Vec<Vec<u8>> = (0..self.rng.usize(0..6)).map(|_| self.body_line()).collect();
            let len: usize = body.iter().map(|l| l.len() + 2).sum();
            out.push(format!("* 1 FETCH (UID 1 RFC822.SIZE {len} BODY[] {{{len}}}").into_bytes());
            out.extend(body);
            out.push(b")".to_vec());
        }
        out
    }

    /// Untagged data, then the tagged completion `status` (or a fault in their place).
    fn imap_reply(&mut self, status: &str) {
        let mut good = self.imap_untagged();
        good.push(format!("{TAG} {status}").into_bytes());
        let refusals = [
            format!("{TAG} NO [AUTHENTICATIONFAILED] refused"),
            format!("{TAG} BAD what?"),
            format!("{TAG} NO [TRYCREATE] no such mailbox"),
            "* BYE shutting down".to_string(),
        ];
        let refusal = refusals[self.rng.usize(0..refusals.len())].clone();
        let random = [
            format!("{TAG} MAYBE"),
            TAG.to_string(),
            "A999999 OK spoofed tag".to_string(),
            format!("{TAG}x OK near miss"),
            "+ go on".to_string(),
            "* OK".to_string(),
            "*".to_string(),
            format!("{TAG} OK [UIDVALIDITY] no number"),
        ];
        let random = random[self.rng.usize(0..random.len())].clone();
        let numbers = [
            format!("* {} EXISTS", self.bad_number()),
            format!("* 1 FETCH (UID {} RFC822.SIZE {})", self.bad_number(), self.bad_number()),
            "* 1 FETCH (BODY[] {99999999999999})".to_string(),
            format!("* 1 FETCH (BODY[] {{{}}}", self.bad_number()),
            format!("{TAG} OK [APPENDUID {} {}] done", self.bad_number(), self.bad_number()),
        ];
        let numbers = numbers[self.rng.usize(0..numbers.len())].clone();
        self.reply(&good, refusal.as_bytes(), random.as_bytes(), numbers.as_bytes());
    }

    fn imap(&mut self) {
        let mut caps = vec!["IMAP4rev1"];
        for c in
            ["IMAP4rev2", "STARTTLS", "LOGINDISABLED", "AUTH=PLAIN", "SASL-IR", "LITERAL+", "IDLE", "MOVE", "UIDPLUS"]
        {
            if self.rng.bool() {
                caps.push(c);
            }
        }
        let greeting = format!("* OK [CAPABILITY {}] hostile ready", caps.join(" "));
        let random = ["* PREAUTH", "* BYE go away", "+ OK", "* OK", "OK hi"][self.rng.usize(0..5)];
        self.reply(&[greeting.into_bytes()], b"* BYE too busy", random.as_bytes(), b"* OK [CAPABILITY \x00]");
        for _ in 0..self.rng.usize(6..16) {
            self.expect_any();
            let status = ["OK done", "OK [READ-WRITE] selected", "OK [COPYUID 1 1 2] copied", "OK [APPENDUID 1 5] ok"]
                [self.rng.usize(0..4)];
            self.imap_reply(status);
        }
        self.expect_any(); // LOGOUT
        self.send(b"* BYE logging out");
        self.send(format!("{TAG} OK LOGOUT completed").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_script_and_every_script_parses() {
        assert_eq!(random_text(7, Dialect::Smtp, true), random_text(7, Dialect::Smtp, true));
        assert_ne!(random_text(7, Dialect::Pop3, false), random_text(8, Dialect::Pop3, false));
        for seed in 0..2000 {
            for d in [Dialect::Smtp, Dialect::Pop3, Dialect::Imap] {
                let text = random_text(seed, d, seed % 2 == 0);
                Script::parse(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
            }
        }
    }

    #[test]
    fn imap_sessions_answer_with_the_clients_tag() {
        let all: String = (0..200).map(|s| random_text(s, Dialect::Imap, false)).collect();
        assert!(all.contains("S: \\T OK done"), "{all}");
        assert!(all.contains("S: * BYE logging out\nS: \\T OK LOGOUT completed"));
        assert!(all.contains("A999999 OK spoofed tag"));
        assert!(all.contains("BODY[] {"));
        assert!(!all.contains("\\x01T\\x01"), "every whole tag mark became \\T");
    }

    #[test]
    fn escapes_round_trip_through_the_parser() {
        let bytes: Vec<u8> = (0..=255).collect();
        let s = Script::parse(&format!("RAW: {}", esc(&bytes))).unwrap();
        assert_eq!(s.steps, vec![super::super::parse::Step::Send { data: bytes, times: 1, tags: vec![] }]);
    }
}
