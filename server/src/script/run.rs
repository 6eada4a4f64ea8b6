//! Plays a script's steps on the one connection it accepts, recording what the
//! client sent and every step that did not go as scripted.

use std::io;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::parse::{Script, Step};
use super::WAIT;
use crate::conn::{is_hangup, Conn, Line};

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
pub(super) fn run(
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
    let mut last = LastLine::default();
    for (i, step) in script.steps.iter().enumerate() {
        match exec(&mut conn, step, &tls, &mut mism, &mut last) {
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

/// The last line a `C:` step read (its end may announce a literal for `LITERAL`) and the
/// client's current tag (`\T`): the first word of the last line that began a command, so
/// the line that continues a command after its literal does not replace it.
#[derive(Default)]
struct LastLine {
    line: Vec<u8>,
    tag: Vec<u8>,
    continues: bool,
}

impl LastLine {
    fn tag(&self) -> &[u8] {
        &self.tag
    }

    fn read(&mut self, l: Vec<u8>) {
        if !self.continues {
            self.tag = l.split(|&b| b == b' ').next().unwrap_or(&[]).to_vec();
        }
        self.continues = false;
        self.line = l;
    }
}

/// `data` with the tag inserted at each offset.
fn with_tags(data: &[u8], tags: &[usize], tag: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + tags.len() * tag.len());
    let mut from = 0;
    for &at in tags {
        out.extend_from_slice(&data[from..at]);
        out.extend_from_slice(tag);
        from = at;
    }
    out.extend_from_slice(&data[from..]);
    out
}

/// Does `line` match `pattern`, where each offset in `tags` stands for one word (1+ octets
/// without a space) and `prefix` lets anything follow?
fn matches(line: &[u8], pattern: &[u8], tags: &[usize], prefix: bool) -> bool {
    let mut rest = line;
    let mut from = 0;
    for &at in tags {
        let Some(r) = rest.strip_prefix(&pattern[from..at]) else { return false };
        let word = r.iter().position(|&b| b == b' ').unwrap_or(r.len());
        if word == 0 {
            return false;
        }
        rest = &r[word..];
        from = at;
    }
    let tail = &pattern[from..];
    if prefix {
        rest.starts_with(tail)
    } else {
        rest == tail
    }
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
    last: &mut LastLine,
) -> io::Result<Flow> {
    match step {
        Step::Send { data, times, tags } => {
            let tagged;
            let data = if tags.is_empty() {
                data
            } else {
                tagged = with_tags(data, tags, last.tag());
                &tagged
            };
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
        Step::Expect { pattern, prefix, text, tags } => match conn.read_line(usize::MAX)? {
            Line::Text(l) => {
                if !matches(&l, pattern, tags, *prefix) {
                    mism.push(format!("expected {text:?}, got {:?}", show(&l)));
                }
                last.read(l);
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
        Step::Literal => {
            let Some((n, _)) = crate::imap::command::literal_at_end(&last.line) else {
                mism.push(format!("LITERAL: the client's last line announced none: {:?}", show(&last.line)));
                return Ok(Flow::Next);
            };
            // The line that continues the command is read by the next C: step.
            last.line.clear();
            last.continues = true;
            if !conn.read_exact_into(n as usize, None)? {
                mism.push(format!("LITERAL: the client closed the connection before the {n} octets"));
                return Ok(Flow::Hangup);
            }
        }
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
        Step::Clear(data) => conn.flush_then_clear(data)?,
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
