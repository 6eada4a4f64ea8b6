//! The POP3 client state machine (RFC 1939) with CAPA and RESP-CODES (RFC 2449), STLS
//! (RFC 2595), SASL PLAIN (RFC 5034), APOP, and pipelined retrieval.

use super::dotstuff::Unstuffer;
use super::line::Conn;
use super::sasl;
use super::smtp::{Mechanism, TlsPlan};
use super::source::{MessageSink, Progress};
use crate::error::{self, Error, Result};
use crate::log::LOG_F_SSL;
use std::collections::VecDeque;

/// Longest status line accepted (RFC 1939: 512 octets; some servers send longer texts).
const MAX_STATUS_LINE: usize = 4096;
/// Longest CAPA/LIST/UIDL listing, in lines.
const MAX_LIST_LINES: usize = 1_000_000;
/// Commands kept in flight by a pipelined batch (measured 4x faster than one at a time).
const PIPELINE_WINDOW: usize = 8;

#[derive(Clone, Debug, Default)]
pub struct Capabilities {
    /// Every CAPA line; empty when the server does not know CAPA.
    pub lines: Vec<String>,
    pub stls: bool,
    pub pipelining: bool,
    pub user: bool,
    pub sasl: Vec<String>,
    pub known: bool,
}

impl Capabilities {
    fn parse(lines: Vec<String>) -> Capabilities {
        let mut c = Capabilities { known: true, ..Capabilities::default() };
        for l in &lines {
            let mut w = l.split_ascii_whitespace();
            match w.next().map(|k| k.to_ascii_uppercase()).as_deref() {
                Some("STLS") => c.stls = true,
                Some("PIPELINING") => c.pipelining = true,
                Some("USER") => c.user = true,
                Some("SASL") => c.sasl.extend(w.map(|m| m.to_ascii_uppercase())),
                _ => {}
            }
        }
        c.lines = lines;
        c
    }
}

pub struct Pop3Params<'a> {
    pub user: &'a str,
    pub password: &'a str,
    pub mechanism: Mechanism,
    pub tls: Option<TlsPlan>,
}

pub struct Pop3Session {
    conn: Conn,
    pub caps: Capabilities,
    /// The APOP timestamp of the greeting, if any.
    timestamp: Option<String>,
    /// The last status line (without +OK/-ERR), for the REPLY_TEXT property.
    pub last: String,
    pub broken: bool,
    /// Messages marked deleted in this session (committed only by QUIT's +OK).
    pub deleted: usize,
}

fn pop_error(result: i32, what: &str, line: &str) -> Error {
    Error::new(result, error::eexPopServer, format!("{what}: {line}"))
}

impl Pop3Session {
    /// Greeting, CAPA, STLS, CAPA again, login.
    /// On failure the connection is closed and the last status line comes back with the error.
    pub fn open(conn: Conn, p: &Pop3Params) -> std::result::Result<Pop3Session, (Error, String)> {
        let mut s = Pop3Session {
            conn,
            caps: Capabilities::default(),
            timestamp: None,
            last: String::new(),
            broken: false,
            deleted: 0,
        };
        match s.introduce(p) {
            Ok(()) => Ok(s),
            Err(e) => {
                let last = std::mem::take(&mut s.last);
                // A refused login (-ERR, no usable mechanism) leaves the state clean: QUIT.
                if e.result == error::CSMAIL_E_AUTH && !s.broken {
                    s.conn.quit_after_refusal();
                }
                s.close();
                Err((e, last))
            }
        }
    }

    fn introduce(&mut self, p: &Pop3Params) -> Result<()> {
        let (ok, greeting) = self.status("reading the greeting")?;
        if !ok {
            return Err(pop_error(error::CSMAIL_E_CONNECT, "the server refused the connection", &greeting));
        }
        self.timestamp =
            greeting.find('<').and_then(|a| greeting[a..].find('>').map(|b| greeting[a..a + b + 1].to_owned()));
        self.capa()?;
        if let Some(plan) = p.tls.as_ref().filter(|t| t.starttls) {
            self.stls(plan)?;
        }
        self.login(p)
    }

    pub fn is_tls(&self) -> bool {
        self.conn.is_tls()
    }

    /// Reads a status line: (true, text) for +OK, (false, line) for -ERR.
    fn status(&mut self, step: &str) -> Result<(bool, String)> {
        let deadline = self.conn.deadline();
        let line = match self.conn.read_line(MAX_STATUS_LINE, deadline, step) {
            Ok(l) => l,
            Err(e) => {
                self.broken = true;
                return Err(e);
            }
        };
        let text = String::from_utf8_lossy(&line).into_owned();
        // "+OK" and "-ERR" are whole words (RFC 1939 3): "+OKAY" is not a status.
        let word = |w: &str| text == w || text.starts_with(&format!("{w} "));
        if word("+OK") {
            self.last = text[3..].trim_start().to_owned();
            Ok((true, self.last.clone()))
        } else if word("-ERR") {
            self.last = text.clone();
            Ok((false, text))
        } else {
            self.broken = true;
            Err(Error::protocol(
                error::eexMalformedReply,
                format!(
                    "malformed POP3 status while {step}: {:?}",
                    String::from_utf8_lossy(&line[..line.len().min(80)])
                ),
            ))
        }
    }

    fn command(&mut self, line: &str, redacted: Option<&str>, step: &str) -> Result<(bool, String)> {
        if let Err(e) = self.conn.send(line, redacted, step) {
            self.broken = true;
            return Err(e);
        }
        self.status(step)
    }

    /// Reads the lines of a multi-line response into memory (CAPA, LIST, UIDL).
    fn listing(&mut self, step: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let deadline = self.conn.deadline();
        loop {
            let line = match self.conn.read_line(MAX_STATUS_LINE, deadline, step) {
                Ok(l) => l,
                Err(e) => {
                    self.broken = true;
                    return Err(e);
                }
            };
            if line == b"." {
                return Ok(out);
            }
            if out.len() >= MAX_LIST_LINES {
                self.broken = true;
                return Err(Error::protocol(
                    error::eexReplyTooLong,
                    format!("listing of over {MAX_LIST_LINES} lines while {step}"),
                ));
            }
            let l = line.strip_prefix(b".").unwrap_or(&line);
            out.push(String::from_utf8_lossy(l).into_owned());
        }
    }

    fn capa(&mut self) -> Result<()> {
        let (ok, _) = self.command("CAPA", None, "sending CAPA")?;
        self.caps = if ok { Capabilities::parse(self.listing("reading CAPA")?) } else { Capabilities::default() };
        Ok(())
    }

    fn stls(&mut self, plan: &TlsPlan) -> Result<()> {
        // A server without CAPA may still know STLS; one that lists capabilities without it does not.
        if self.caps.known && !self.caps.stls {
            if plan.allow_plaintext {
                self.conn
                    .log
                    .warn(LOG_F_SSL, || "STLS is not offered: going on WITHOUT TLS (SSLAllowPlaintext)".into());
                return Ok(());
            }
            return Err(Error::new(
                error::CSMAIL_E_CONNECT,
                error::eexStartTlsNotOffered,
                "TLS is required and the server does not offer STLS",
            ));
        }
        let (ok, line) = self.command("STLS", None, "sending STLS")?;
        if !ok {
            if plan.allow_plaintext && !self.caps.known {
                self.conn
                    .log
                    .warn(LOG_F_SSL, || format!("STLS refused ({line}): going on WITHOUT TLS (SSLAllowPlaintext)"));
                return Ok(());
            }
            return Err(Error::new(
                error::CSMAIL_E_CONNECT,
                error::eexStartTlsRefused,
                format!("the server refused STLS: {line}"),
            ));
        }
        self.conn.upgrade(&plan.ctx)?;
        // RFC 2595 4: capabilities learned before TLS are forgotten and asked for again.
        self.caps = Capabilities::default();
        self.capa()
    }

    fn login(&mut self, p: &Pop3Params) -> Result<()> {
        let tls = self.conn.is_tls();
        let sasl_plain = self.caps.sasl.iter().any(|m| m == "PLAIN");
        // AUTO's order. Over TLS the password is protected either way: SASL PLAIN when the
        // server lists it, else USER/PASS (or APOP when the server lists its capabilities
        // without USER). In the clear, APOP when the greeting offers it (a timestamp), because
        // APOP keeps the password off the wire; if the server refuses it, AUTO does not fall
        // back to USER/PASS, which would send the password in the clear.
        let mech = match p.mechanism {
            Mechanism::Auto if tls && sasl_plain => Mechanism::Plain,
            Mechanism::Auto if !tls && self.timestamp.is_some() => Mechanism::Apop,
            // A server that lists its capabilities without USER does not take USER/PASS.
            Mechanism::Auto if self.caps.known && !self.caps.user && self.timestamp.is_some() => Mechanism::Apop,
            Mechanism::Auto => Mechanism::UserPass,
            Mechanism::Plain | Mechanism::UserPass | Mechanism::Apop => p.mechanism,
            _ => return Err(Error::invalid_arg("POP3 authentication is AUTO, PLAIN, USER/PASS or APOP")),
        };
        let step = "logging in";
        let name = match mech {
            Mechanism::Apop => "APOP",
            Mechanism::Plain => "SASL PLAIN",
            _ => "USER/PASS",
        };
        // The refusal names the mechanism tried; when AUTO chose APOP in the clear it also says
        // why, and what to do instead.
        let why = if p.mechanism == Mechanism::Auto && mech == Mechanism::Apop && !tls {
            " (AUTO chose APOP because the connection is not encrypted and APOP keeps the password \
             off the wire; it does not fall back to USER/PASS, which would send the password in the \
             clear: use TLS, or ask for USER/PASS explicitly)"
        } else {
            ""
        };
        let failed = |line: &str| {
            let mut e = pop_error(error::CSMAIL_E_AUTH, &format!("{name} login failed"), line);
            e.text.push_str(why);
            e
        };
        match mech {
            Mechanism::Apop => {
                let Some(ts) = self.timestamp.clone() else {
                    return Err(Error::new(
                        error::CSMAIL_E_AUTH,
                        error::eexAuthNotSupported,
                        "APOP: the greeting has no timestamp",
                    ));
                };
                let digest = sasl::apop(&ts, p.password);
                let (ok, line) = self.command(
                    &format!("APOP {} {digest}", p.user),
                    Some(&format!("APOP {} <redacted>", p.user)),
                    step,
                )?;
                if !ok {
                    return Err(failed(&line));
                }
            }
            Mechanism::Plain => {
                if self.caps.known && !sasl_plain {
                    return Err(Error::new(
                        error::CSMAIL_E_AUTH,
                        error::eexAuthNotSupported,
                        "the server does not offer SASL PLAIN",
                    ));
                }
                let ir = sasl::plain(p.user, p.password);
                self.conn.send(&format!("AUTH PLAIN {ir}"), Some("AUTH PLAIN <redacted>"), step)?;
                let deadline = self.conn.deadline();
                let line = self.conn.read_line(MAX_STATUS_LINE, deadline, step)?;
                // A server that wants the response after an empty challenge says "+ ".
                if line.starts_with(b"+ ") || line == b"+" {
                    self.conn.send(&ir, Some("<redacted>"), step)?;
                    let (ok, line) = self.status(step)?;
                    if !ok {
                        return Err(failed(&line));
                    }
                } else if line.starts_with(b"-ERR") {
                    let l = String::from_utf8_lossy(&line).into_owned();
                    self.last = l.clone();
                    return Err(failed(&l));
                } else if !line.starts_with(b"+OK") {
                    self.broken = true;
                    return Err(Error::protocol(error::eexMalformedReply, "malformed reply to AUTH PLAIN"));
                }
            }
            _ => {
                let (ok, line) = self.command(&format!("USER {}", p.user), None, step)?;
                if !ok {
                    return Err(failed(&line));
                }
                let (ok, line) = self.command(&format!("PASS {}", p.password), Some("PASS <redacted>"), step)?;
                if !ok {
                    return Err(failed(&line));
                }
            }
        }
        Ok(())
    }

    fn expect_ok(&mut self, line: &str, step: &str) -> Result<String> {
        let (ok, text) = self.command(line, None, step)?;
        if !ok {
            return Err(pop_error(error::CSMAIL_E_SERVER, step, &text));
        }
        Ok(text)
    }

    fn malformed(&mut self, what: &str, text: &str) -> Error {
        self.broken = true;
        Error::protocol(error::eexMalformedReply, format!("malformed {what} reply: {text:?}"))
    }

    /// STAT: message count and mailbox size.
    pub fn stat(&mut self) -> Result<(u32, u64)> {
        let text = self.expect_ok("STAT", "sending STAT")?;
        let mut w = text.split_ascii_whitespace();
        match (w.next().and_then(|n| n.parse().ok()), w.next().and_then(|n| n.parse().ok())) {
            (Some(n), Some(size)) => Ok((n, size)),
            _ => Err(self.malformed("STAT", &text)),
        }
    }

    /// LIST n: one message's size.
    pub fn list(&mut self, n: u32) -> Result<u64> {
        let text = self.expect_ok(&format!("LIST {n}"), "sending LIST")?;
        match text.split_ascii_whitespace().nth(1).and_then(|s| s.parse().ok()) {
            Some(size) => Ok(size),
            None => Err(self.malformed("LIST", &text)),
        }
    }

    /// UIDL n: one message's unique id.
    pub fn uidl(&mut self, n: u32) -> Result<String> {
        let text = self.expect_ok(&format!("UIDL {n}"), "sending UIDL")?;
        match text.split_ascii_whitespace().nth(1) {
            Some(id) if id.len() <= 70 => Ok(id.to_owned()),
            _ => Err(self.malformed("UIDL", &text)),
        }
    }

    /// UIDL for the whole mailbox: (number, id) pairs.
    pub fn uidl_all(&mut self) -> Result<Vec<(u32, String)>> {
        self.expect_ok("UIDL", "sending UIDL")?;
        let lines = self.listing("reading UIDL")?;
        let mut out = Vec::with_capacity(lines.len());
        for l in lines {
            let mut w = l.split_ascii_whitespace();
            match (w.next().and_then(|n| n.parse().ok()), w.next()) {
                (Some(n), Some(id)) => out.push((n, id.to_owned())),
                _ => return Err(self.malformed("UIDL", &l)),
            }
        }
        Ok(out)
    }

    /// Streams a multi-line body (after its +OK) into `sink`, unstuffing as it goes.
    fn read_body(&mut self, sink: &mut dyn MessageSink, total: Option<u64>, progress: Progress) -> Result<u64> {
        let mut un = Unstuffer::new();
        let mut done: u64 = 0;
        let sink_error: std::io::Error;
        loop {
            if !self.conn.buffered().is_empty() {
                let r = un.push(self.conn.buffered(), |span| {
                    done += span.len() as u64;
                    sink.write(span)
                });
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        sink_error = e;
                        break;
                    }
                };
                self.conn.consume(r.consumed);
                if !progress(done, total) {
                    self.broken = true;
                    return Err(Error::aborted());
                }
                if r.done {
                    sink.finish().map_err(|e| {
                        Error::new(
                            error::CSMAIL_E_IO,
                            error::eexMessageSink,
                            format!("storing the message failed: {e}"),
                        )
                        .with_os(&e)
                    })?;
                    return Ok(done);
                }
            }
            match self.conn.fill(None, "receiving the message") {
                Ok(0) => {
                    self.broken = true;
                    return Err(Error::new(
                        error::CSMAIL_E_NETWORK,
                        error::eexConnectionClosed,
                        "the server closed the connection in the middle of a message",
                    ));
                }
                Ok(_) => {}
                Err(e) => {
                    self.broken = true;
                    return Err(e);
                }
            }
        }
        self.broken = true;
        let e = sink_error;
        Err(Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("storing the message failed: {e}"))
            .with_os(&e))
    }

    /// RETR n into `sink`.
    pub fn retr(&mut self, n: u32, sink: &mut dyn MessageSink, total: Option<u64>, progress: Progress) -> Result<u64> {
        self.expect_ok(&format!("RETR {n}"), "sending RETR")?;
        self.read_body(sink, total, progress)
    }

    /// TOP n lines into `sink`.
    pub fn top(&mut self, n: u32, lines: u32, sink: &mut dyn MessageSink, progress: Progress) -> Result<u64> {
        self.expect_ok(&format!("TOP {n} {lines}"), "sending TOP")?;
        self.read_body(sink, None, progress)
    }

    pub fn dele(&mut self, n: u32) -> Result<()> {
        self.expect_ok(&format!("DELE {n}"), "sending DELE")?;
        self.deleted += 1;
        Ok(())
    }

    pub fn rset(&mut self) -> Result<()> {
        self.expect_ok("RSET", "sending RSET")?;
        self.deleted = 0;
        Ok(())
    }

    pub fn noop(&mut self) -> Result<()> {
        self.expect_ok("NOOP", "sending NOOP").map(|_| ())
    }

    /// Retrieves several messages, each into the sink `open(n)` gives, deleting each after it
    /// arrived when `delete` is set. With PIPELINING, up to 8 commands are kept in flight.
    pub fn retrieve_many(
        &mut self,
        numbers: &[u32],
        delete: bool,
        open: &mut dyn FnMut(u32) -> Box<dyn MessageSink>,
        progress: Progress,
    ) -> Result<()> {
        if !self.caps.pipelining {
            for &n in numbers {
                let mut sink = open(n);
                self.retr(n, sink.as_mut(), None, &mut *progress)?;
                drop(sink);
                if delete {
                    self.dele(n)?;
                }
            }
            return Ok(());
        }
        // The commands in flight, in order: (message number, is_retr).
        let mut queue: VecDeque<(u32, bool)> = VecDeque::new();
        let mut commands = numbers.iter().flat_map(|&n| {
            let d = if delete { Some((n, false)) } else { None };
            std::iter::once((n, true)).chain(d)
        });
        loop {
            while queue.len() < PIPELINE_WINDOW {
                let Some((n, retr)) = commands.next() else { break };
                let line = if retr { format!("RETR {n}") } else { format!("DELE {n}") };
                self.conn.queue(&line, None)?;
                queue.push_back((n, retr));
            }
            if let Err(e) = self.conn.flush("sending pipelined commands") {
                self.broken = true;
                return Err(e);
            }
            let Some((n, retr)) = queue.pop_front() else { return Ok(()) };
            let (ok, text) = self.status(if retr { "reading RETR" } else { "reading DELE" })?;
            if !ok {
                // The rest of the window is still coming; the protocol state stays known only if
                // we read it, so the session is closed instead.
                self.broken = true;
                return Err(pop_error(
                    error::CSMAIL_E_SERVER,
                    &format!("{} {n}", if retr { "RETR" } else { "DELE" }),
                    &text,
                ));
            }
            if retr {
                let mut sink = open(n);
                self.read_body(sink.as_mut(), None, &mut *progress)?;
            } else {
                self.deleted += 1;
            }
        }
    }

    /// QUIT: returns whether the server confirmed, which commits the deletions (RFC 1939 6).
    pub fn quit(mut self) -> Result<bool> {
        if self.broken {
            self.conn.close();
            return Ok(false);
        }
        let r = self.command("QUIT", None, "sending QUIT");
        self.conn.close();
        match r {
            Ok((true, _)) => Ok(true),
            Ok((false, line)) => Err(pop_error(error::CSMAIL_E_SERVER, "QUIT refused: deletions not committed", &line)),
            Err(e) => Err(e),
        }
    }

    pub fn close(mut self) {
        self.conn.close();
    }
}
