//! Scripted mode: a one-connection server that follows a script, for tests
//! of how a client copes with a misbehaving (or precisely controlled) server.
//!
//! # Script format
//!
//! One step per line. Blank lines and lines whose first non-blank character
//! is `#` are ignored. Keywords are case-sensitive.
//!
//! | step | meaning |
//! |------|---------|
//! | `S: text` | send `text` + CRLF |
//! | `S*N: text` | send `text` + CRLF, N times (e.g. `S*100000: 250-x`) |
//! | `RAW: text` | send `text` as is, no CRLF added |
//! | `RAWN: count byte` | send `count` copies of one byte (a character or an escape), no CRLF |
//! | `C: pattern` | read one line from the client (up to LF, CRLF stripped) and compare; a trailing `*` matches any rest. A line that does not match is recorded in `mismatches` and the script goes on |
//! | `DATA` | read dot-stuffed data up to and including the `.` CRLF line (just consumed; the bytes are in `received`) |
//! | `TLS` | server side of a TLS handshake now (for STARTTLS/STLS); later steps run over TLS. Bytes the client sent before the handshake that were not consumed are dropped and recorded as a mismatch |
//! | `SLEEP ms` | pause |
//! | `CLOSE` | close the connection (ends the script) |
//! | `HANG` | send nothing more; keep the connection open until the client closes it or 30 s pass (ends the script) |
//! | `EXPECT-EOF` | wait (up to 30 s) until the client closes; anything it sends meanwhile is a mismatch |
//!
//! After `S:`, `S*N:`, `RAW:`, `RAWN:` and `C:` exactly one optional space is
//! skipped; the rest of the line (trailing spaces included) is the text.
//! Escapes in texts and patterns: `\r` `\n` `\t` `\0` `\\` `\xHH` (and `\*`
//! for a literal star at the end of a pattern).
//!
//! Reaching the end of the script closes the connection. `completed` is true
//! when every step ran. If the client hangs up while the server is sending,
//! or before a `C:`/`DATA` step got its input, the script stops there:
//! `completed` is false; a missing `C:` line is also recorded as a mismatch.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::conn::{is_hangup, Conn, Line};
use crate::Pki;

/// How long `finish`, HANG and EXPECT-EOF wait, and how long the server
/// waits for the client to connect.
const WAIT: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Send { data: Vec<u8>, times: u64 },
    Expect { pattern: Vec<u8>, prefix: bool, text: String },
    Data,
    Tls,
    Sleep(u64),
    Close,
    Hang,
    ExpectEof,
}

/// A parsed script (see the module documentation for the format).
#[derive(Clone, Debug)]
pub struct Script {
    steps: Vec<Step>,
}

fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = *b.get(i + 1).ok_or("trailing backslash")?;
        i += 2;
        match c {
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'0' => out.push(0),
            b'\\' => out.push(b'\\'),
            b'*' => out.push(b'*'),
            b'x' => {
                let hex =
                    s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("\\x needs two hex digits")?;
                out.push(hex);
                i += 2;
            }
            other => return Err(format!("unknown escape \\{}", other as char)),
        }
    }
    Ok(out)
}

impl Script {
    /// Parses script text. Errors name the offending line (1-based).
    pub fn parse(text: &str) -> Result<Script, String> {
        let mut steps = Vec::new();
        for (no, raw) in text.lines().enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let step = parse_step(trimmed).map_err(|e| format!("line {}: {}", no + 1, e))?;
            steps.push(step);
        }
        Ok(Script { steps })
    }

    /// Reads and parses a script file.
    pub fn from_file(p: &Path) -> Result<Script, String> {
        let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {}", p.display(), e))?;
        Script::parse(&text)
    }

    fn needs_tls(&self) -> bool {
        self.steps.contains(&Step::Tls)
    }
}

fn parse_step(line: &str) -> Result<Step, String> {
    if let Some((kw, rest)) = line.split_once(':') {
        let kw_ok = !kw.contains(' ');
        if kw_ok {
            let text = rest.strip_prefix(' ').unwrap_or(rest);
            match kw {
                "S" => {
                    let mut data = unescape(text)?;
                    data.extend_from_slice(b"\r\n");
                    return Ok(Step::Send { data, times: 1 });
                }
                "RAW" => return Ok(Step::Send { data: unescape(text)?, times: 1 }),
                "C" => {
                    let (pat, prefix) = match text.strip_suffix('*') {
                        Some(p) if !p.ends_with('\\') || p.ends_with("\\\\") => (p, true),
                        _ => (text, false),
                    };
                    return Ok(Step::Expect { pattern: unescape(pat)?, prefix, text: text.to_string() });
                }
                "RAWN" => {
                    let mut it = text.split_whitespace();
                    let count: u64 = it.next().and_then(|c| c.parse().ok()).ok_or("RAWN needs a count")?;
                    let byte = unescape(it.next().ok_or("RAWN needs a byte")?)?;
                    if byte.len() != 1 || it.next().is_some() {
                        return Err("RAWN: count byte (exactly one byte)".into());
                    }
                    return Ok(Step::Send { data: byte, times: count });
                }
                _ => {
                    if let Some(n) = kw.strip_prefix("S*") {
                        let times: u64 = n.parse().map_err(|_| format!("bad repeat count in {kw}"))?;
                        let mut data = unescape(text)?;
                        data.extend_from_slice(b"\r\n");
                        return Ok(Step::Send { data, times });
                    }
                }
            }
        }
    }
    let mut words = line.split_whitespace();
    let kw = words.next().unwrap_or("");
    let arg = words.next();
    let no_arg = ["DATA", "TLS", "CLOSE", "HANG", "EXPECT-EOF"].contains(&kw);
    if words.next().is_some() || (no_arg && arg.is_some()) {
        return Err(format!("unexpected text after {kw}"));
    }
    match (kw, arg) {
        ("DATA", None) => Ok(Step::Data),
        ("TLS", None) => Ok(Step::Tls),
        ("CLOSE", None) => Ok(Step::Close),
        ("HANG", None) => Ok(Step::Hang),
        ("EXPECT-EOF", None) => Ok(Step::ExpectEof),
        ("SLEEP", Some(ms)) => ms.parse().map(Step::Sleep).map_err(|_| format!("bad SLEEP duration {ms:?}")),
        ("SLEEP", None) => Err("SLEEP needs milliseconds".into()),
        _ => Err(format!("unknown step {line:?}")),
    }
}

/// What happened in a scripted session.
#[derive(Clone, Debug, Default)]
pub struct ScriptOutcome {
    /// Every byte the client sent (decrypted), in order.
    pub received: Vec<u8>,
    /// Human-readable descriptions of what did not go as scripted.
    pub mismatches: Vec<String>,
    /// True when every step ran.
    pub completed: bool,
}

/// A scripted server serving exactly one connection on a background thread.
pub struct ScriptedServer {
    pub port: u16,
    rx: mpsc::Receiver<(Vec<String>, bool)>,
    received: Arc<Mutex<Vec<u8>>>,
    handle: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    /// Listens on 127.0.0.1:0 and serves exactly one connection with the
    /// script, on a thread. If `implicit_tls`, TLS from the first byte with
    /// `pki`'s server config. A script with a `TLS` step also needs `pki`.
    pub fn start(script: Script, pki: Option<&Pki>, implicit_tls: bool) -> io::Result<ScriptedServer> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), script, pki, implicit_tls)
    }

    /// Like [`ScriptedServer::start`] on a given address (used by the binary).
    pub fn start_on(
        addr: SocketAddr,
        script: Script,
        pki: Option<&Pki>,
        implicit_tls: bool,
    ) -> io::Result<ScriptedServer> {
        if (implicit_tls || script.needs_tls()) && pki.is_none() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "TLS requested but no Pki given"));
        }
        let tls = pki.map(|p| p.server_config());
        let listener = TcpListener::bind(addr)?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new().name("csmail-script".into()).spawn(move || {
            let res = run(listener, script, tls, implicit_tls, rec);
            let _ = tx.send(res);
        })?;
        Ok(ScriptedServer { port, rx, received, handle: Some(handle) })
    }

    /// Waits (up to 30 s) for the script to end and returns what happened.
    pub fn finish(mut self) -> ScriptOutcome {
        let (mismatches, completed) = match self.rx.recv_timeout(WAIT) {
            Ok(r) => {
                if let Some(h) = self.handle.take() {
                    let _ = h.join();
                }
                r
            }
            Err(_) => (vec!["script did not finish within 30 s".to_string()], false),
        };
        ScriptOutcome { received: self.received.lock().unwrap().clone(), mismatches, completed }
    }
}

fn accept_one(listener: &TcpListener) -> io::Result<std::net::TcpStream> {
    // Non-blocking accept with a deadline, so a test whose client never
    // connects does not leave a thread blocked forever.
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + WAIT;
    loop {
        match listener.accept() {
            Ok((s, _)) => {
                s.set_nonblocking(false)?;
                return Ok(s);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if Instant::now() >= deadline {
                    return Err(io::Error::new(io::ErrorKind::TimedOut, "no client connected"));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Runs the script; returns (mismatches, completed).
fn run(
    listener: TcpListener,
    script: Script,
    tls: Option<Arc<rustls::ServerConfig>>,
    implicit_tls: bool,
    rec: Arc<Mutex<Vec<u8>>>,
) -> (Vec<String>, bool) {
    let mut mism = Vec::new();
    let sock = match accept_one(&listener) {
        Ok(s) => s,
        Err(e) => return (vec![format!("accept: {e}")], false),
    };
    drop(listener);
    // A generous read timeout so a stuck client cannot hold us forever.
    let _ = sock.set_read_timeout(Some(WAIT));
    // Likewise a client that stops reading must not block a send forever.
    let _ = sock.set_write_timeout(Some(WAIT));
    let mut conn = Conn::new(sock);
    conn.set_record(rec);
    if implicit_tls {
        if let Err(e) = conn.start_tls(tls.clone().expect("checked")) {
            mism.push(format!("TLS handshake: {e}"));
            return (mism, false);
        }
    }
    let mut completed = true;
    let mut close_gracefully = true;
    for (i, step) in script.steps.iter().enumerate() {
        match exec(&mut conn, step, &tls, &mut mism) {
            Ok(Flow::Next) => {}
            Ok(Flow::End) => {
                close_gracefully = !matches!(step, Step::Hang | Step::ExpectEof);
                // Steps after CLOSE/HANG/EXPECT-EOF never run.
                completed = i + 1 == script.steps.len();
                break;
            }
            Ok(Flow::Hangup) => {
                completed = false;
                close_gracefully = false;
                break;
            }
            Err(e) => {
                mism.push(format!("step {} ({step:?}): {e}", i + 1));
                completed = false;
                close_gracefully = false;
                break;
            }
        }
    }
    if close_gracefully {
        conn.close(Duration::from_millis(200));
    }
    (mism, completed)
}

enum Flow {
    Next,
    End,
    Hangup,
}

fn exec(
    conn: &mut Conn,
    step: &Step,
    tls: &Option<Arc<rustls::ServerConfig>>,
    mism: &mut Vec<String>,
) -> io::Result<Flow> {
    match step {
        Step::Send { data, times } => {
            // Send in chunks so huge repeats need little memory.
            let per_chunk = (65536 / data.len().max(1)).max(1) as u64;
            let mut left = *times;
            while left > 0 {
                let n = left.min(per_chunk);
                for _ in 0..n {
                    conn.write(data);
                }
                if let Err(e) = conn.flush() {
                    if is_hangup(&e) {
                        return Ok(Flow::Hangup);
                    }
                    return Err(e);
                }
                left -= n;
            }
        }
        Step::Expect { pattern, prefix, text } => match conn.read_line(usize::MAX)? {
            Line::Text(l) => {
                let ok = if *prefix { l.starts_with(pattern) } else { l == *pattern };
                if !ok {
                    mism.push(format!("expected {text:?}, got {:?}", show(&l)));
                }
            }
            Line::Eof => {
                mism.push(format!("expected {text:?}, but the client closed the connection"));
                return Ok(Flow::Hangup);
            }
            Line::TooLong => unreachable!("no limit"),
        },
        Step::Data => loop {
            match conn.read_raw_line(usize::MAX)? {
                Line::Text(l) if l == b".\r\n" => break,
                Line::Text(_) => {}
                Line::Eof => {
                    mism.push("DATA: the client closed the connection before CRLF.CRLF".into());
                    return Ok(Flow::Hangup);
                }
                Line::TooLong => unreachable!("no limit"),
            }
        },
        Step::Tls => {
            let cfg = tls.clone().expect("checked at start");
            let pending = conn.buffered();
            if pending > 0 {
                mism.push(format!(
                    "client sent {pending} bytes after the STARTTLS/STLS command before the TLS handshake: {:?}",
                    show(&conn.take_buffered())
                ));
            }
            if let Err(e) = conn.start_tls(cfg) {
                mism.push(format!("TLS handshake: {e}"));
                return Ok(Flow::Hangup);
            }
        }
        Step::Sleep(ms) => {
            conn.flush()?;
            std::thread::sleep(Duration::from_millis(*ms));
        }
        Step::Close => return Ok(Flow::End),
        Step::Hang => {
            conn.flush()?;
            conn.read_until_eof(Instant::now() + WAIT)?;
            return Ok(Flow::End);
        }
        Step::ExpectEof => {
            conn.flush()?;
            let (n, eof) = conn.read_until_eof(Instant::now() + WAIT)?;
            if n > 0 {
                mism.push(format!("EXPECT-EOF: the client sent {n} more bytes"));
            }
            if !eof {
                mism.push("EXPECT-EOF: the client did not close the connection within 30 s".into());
            }
            return Ok(Flow::End);
        }
    }
    Ok(Flow::Next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_steps() {
        let s = Script::parse(
            "# comment\n\nS: 220 hi\\x21\nRAW: a\\r\\n\nC: EHLO *\nC: QUIT\nDATA\nTLS\nSLEEP 5\nS*3: 250-x\nRAWN: 4 \\x41\nHANG\nEXPECT-EOF\nCLOSE\n",
        )
        .unwrap();
        assert_eq!(
            s.steps,
            vec![
                Step::Send { data: b"220 hi!\r\n".to_vec(), times: 1 },
                Step::Send { data: b"a\r\n".to_vec(), times: 1 },
                Step::Expect { pattern: b"EHLO ".to_vec(), prefix: true, text: "EHLO *".into() },
                Step::Expect { pattern: b"QUIT".to_vec(), prefix: false, text: "QUIT".into() },
                Step::Data,
                Step::Tls,
                Step::Sleep(5),
                Step::Send { data: b"250-x\r\n".to_vec(), times: 3 },
                Step::Send { data: b"A".to_vec(), times: 4 },
                Step::Hang,
                Step::ExpectEof,
                Step::Close,
            ]
        );
    }

    #[test]
    fn keeps_trailing_space_and_literal_star() {
        let s = Script::parse("S: 334 \nC: a\\*\nS:").unwrap();
        assert_eq!(s.steps[0], Step::Send { data: b"334 \r\n".to_vec(), times: 1 });
        assert_eq!(s.steps[1], Step::Expect { pattern: b"a*".to_vec(), prefix: false, text: "a\\*".into() });
        assert_eq!(s.steps[2], Step::Send { data: b"\r\n".to_vec(), times: 1 });
    }

    #[test]
    fn parse_errors_name_the_line() {
        assert_eq!(Script::parse("S: ok\nBOGUS").unwrap_err(), "line 2: unknown step \"BOGUS\"");
        assert_eq!(Script::parse("S: \\q").unwrap_err(), "line 1: unknown escape \\q");
        assert_eq!(Script::parse("S: \\x4").unwrap_err(), "line 1: \\x needs two hex digits");
        assert_eq!(Script::parse("SLEEP x").unwrap_err(), "line 1: bad SLEEP duration \"x\"");
        assert_eq!(Script::parse("SLEEP").unwrap_err(), "line 1: SLEEP needs milliseconds");
        assert_eq!(Script::parse("S*z: a").unwrap_err(), "line 1: bad repeat count in S*z");
        assert_eq!(Script::parse("RAWN: 3 ab").unwrap_err(), "line 1: RAWN: count byte (exactly one byte)");
        assert_eq!(Script::parse("RAWN: x a").unwrap_err(), "line 1: RAWN needs a count");
        assert_eq!(Script::parse("CLOSE now").unwrap_err(), "line 1: unexpected text after CLOSE");
        assert!(Script::parse("").unwrap().steps.is_empty());
    }
}
