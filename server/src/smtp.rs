//! The SMTP side (RFC 5321) with ESMTP extensions: PIPELINING (RFC 2920),
//! SIZE (RFC 1870), 8BITMIME, SMTPUTF8, ENHANCEDSTATUSCODES, STARTTLS
//! (RFC 3207), AUTH PLAIN/LOGIN/CRAM-MD5/XOAUTH2/OAUTHBEARER (RFC 4954, RFC 7628)
//! and, when asked for,
//! CHUNKING (BDAT, RFC 3030).
//!
//! Replies are queued in the connection and flushed only when the server is
//! about to wait for input, so a pipelined batch of commands gets its replies
//! in order in as few segments as possible, and no pipelined byte is lost
//! between commands (only across STARTTLS, where they must be dropped).

use std::io;
use std::time::Duration;

use crate::conn::{Conn, Line};
use crate::maildir;
use crate::sasl;
use crate::Ctx;

/// RFC 5321 4.5.3.1.4/6: a command or text line is at most 1000 octets
/// including the CRLF.
const MAX_LINE: usize = 1000;
/// RFC 4954 4: SASL responses may be up to 12288 octets.
const MAX_SASL_LINE: usize = 12288;

#[derive(Default)]
struct State {
    helo: Option<String>,
    user: Option<String>,
    from: Option<String>,
    rcpts: Vec<String>,
    /// The BDAT chunks received so far (None: no BDAT in this transaction); `bdat_failed` once
    /// a chunk was refused, so that the rest of the transaction is refused too (RFC 3030 4.2).
    bdat: Option<Vec<u8>>,
    bdat_failed: bool,
}

impl State {
    fn reset_transaction(&mut self) {
        self.from = None;
        self.rcpts.clear();
        self.bdat = None;
        self.bdat_failed = false;
    }
}

pub(crate) fn serve(mut conn: Conn, ctx: &Ctx) {
    let _ = session(&mut conn, ctx);
    conn.close(Duration::from_millis(200));
}

/// Queue a reply; without pipelining we behave like a classic lock-step
/// server and send each reply at once.
fn out(conn: &mut Conn, ctx: &Ctx, text: &str) -> io::Result<()> {
    conn.reply(text);
    if !ctx.smtp_pipelining {
        conn.flush()?;
    }
    Ok(())
}

fn eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "client closed")
}

fn session(conn: &mut Conn, ctx: &Ctx) -> io::Result<()> {
    out(conn, ctx, "220 localhost ESMTP csmail-server")?;
    let mut st = State::default();
    loop {
        let line = match conn.read_line(MAX_LINE)? {
            Line::Eof => return Ok(()),
            Line::TooLong => {
                out(conn, ctx, "500 5.5.6 Line too long")?;
                continue;
            }
            Line::Text(l) => String::from_utf8_lossy(&l).into_owned(),
        };
        let (verb, arg) = match line.find(' ') {
            Some(i) => (&line[..i], line[i + 1..].trim()),
            None => (line.as_str(), ""),
        };
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if arg.is_empty() => out(conn, ctx, &format!("501 5.5.4 Syntax: {verb} hostname"))?,
            "EHLO" => {
                st.helo = Some(arg.to_string());
                st.reset_transaction();
                let mut caps = vec![format!("localhost Hello {arg}")];
                if ctx.smtp_pipelining {
                    caps.push("PIPELINING".into());
                }
                if ctx.smtp_chunking {
                    caps.push("CHUNKING".into());
                }
                caps.push(format!("SIZE {}", ctx.max_size));
                caps.push("8BITMIME".into());
                caps.push("SMTPUTF8".into());
                caps.push("ENHANCEDSTATUSCODES".into());
                if starttls_offered(conn, ctx) {
                    caps.push("STARTTLS".into());
                }
                if !ctx.auth_requires_tls || conn.is_tls() {
                    caps.push(format!("AUTH {}", sasl::MECHANISMS));
                }
                let n = caps.len();
                for (i, c) in caps.iter().enumerate() {
                    let sep = if i + 1 == n { ' ' } else { '-' };
                    conn.reply(&format!("250{sep}{c}"));
                }
                if !ctx.smtp_pipelining {
                    conn.flush()?;
                }
            }
            "HELO" => {
                st.helo = Some(arg.to_string());
                st.reset_transaction();
                out(conn, ctx, "250 localhost")?;
            }
            "STARTTLS" => {
                if !arg.is_empty() {
                    out(conn, ctx, "501 5.5.4 Syntax: STARTTLS")?;
                } else if conn.is_tls() {
                    out(conn, ctx, "503 5.5.1 Error: TLS already active")?;
                } else if !starttls_offered(conn, ctx) {
                    out(conn, ctx, "502 5.5.1 Error: STARTTLS not available")?;
                } else {
                    conn.reply("220 2.0.0 Ready to start TLS");
                    // Drops anything pipelined after STARTTLS (CVE-2011-0411).
                    conn.start_tls(ctx.tls.clone().expect("STARTTLS is offered only with a certificate"))?;
                    ctx.count_handshake(conn);
                    // RFC 3207 4.2: forget everything learned before TLS.
                    st = State::default();
                }
            }
            "AUTH" => auth(conn, ctx, &mut st, arg)?,
            "MAIL" => mail(conn, ctx, &mut st, arg)?,
            "RCPT" => rcpt(conn, ctx, &mut st, arg)?,
            "DATA" if st.bdat.is_some() => out(conn, ctx, "503 5.5.1 Error: DATA in a BDAT transaction")?,
            "DATA" => data(conn, ctx, &mut st, arg)?,
            "BDAT" if ctx.smtp_chunking => bdat(conn, ctx, &mut st, arg)?,
            "RSET" => {
                st.reset_transaction();
                out(conn, ctx, "250 2.0.0 Ok")?;
            }
            "NOOP" => out(conn, ctx, "250 2.0.0 Ok")?,
            "VRFY" => out(conn, ctx, "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery")?,
            "QUIT" => {
                conn.reply("221 2.0.0 Bye");
                conn.flush()?;
                return Ok(());
            }
            _ => out(conn, ctx, "500 5.5.2 Error: command not recognized")?,
        }
    }
}

fn starttls_offered(conn: &Conn, ctx: &Ctx) -> bool {
    ctx.offer_starttls && !conn.is_tls()
}

/// Sends a 334 challenge and reads the client's base64 answer.
/// `Ok(None)` means the exchange ended and a reply has been queued.
fn sasl_prompt(conn: &mut Conn, ctx: &Ctx, challenge: &str) -> io::Result<Option<Vec<u8>>> {
    conn.reply(&format!("334 {challenge}"));
    let line = match conn.read_line(MAX_SASL_LINE)? {
        Line::Eof => return Err(eof()),
        Line::TooLong => {
            out(conn, ctx, "500 5.5.6 Authentication exchange line is too long")?;
            return Ok(None);
        }
        Line::Text(l) => String::from_utf8_lossy(&l).into_owned(),
    };
    decode_response(conn, ctx, &line)
}

fn decode_response(conn: &mut Conn, ctx: &Ctx, resp: &str) -> io::Result<Option<Vec<u8>>> {
    let resp = resp.trim();
    if resp == "*" {
        out(conn, ctx, "501 5.0.0 Authentication cancelled")?;
        return Ok(None);
    }
    if resp == "=" {
        return Ok(Some(Vec::new()));
    }
    match sasl::b64_decode(resp) {
        Some(b) => Ok(Some(b)),
        None => {
            out(conn, ctx, "501 5.5.2 Cannot decode response")?;
            Ok(None)
        }
    }
}

fn auth(conn: &mut Conn, ctx: &Ctx, st: &mut State, arg: &str) -> io::Result<()> {
    if st.helo.is_none() {
        return out(conn, ctx, "503 5.5.1 Error: send HELO/EHLO first");
    }
    if st.user.is_some() {
        return out(conn, ctx, "503 5.5.1 Error: already authenticated");
    }
    if st.from.is_some() {
        return out(conn, ctx, "503 5.5.1 Error: MAIL transaction in progress");
    }
    if ctx.auth_requires_tls && !conn.is_tls() {
        return out(conn, ctx, "538 5.7.11 Encryption required for requested authentication mechanism");
    }
    let mut parts = arg.split_whitespace();
    let mech = parts.next().unwrap_or("").to_ascii_uppercase();
    let initial = parts.next();
    if parts.next().is_some() {
        return out(conn, ctx, "501 5.5.4 Syntax: AUTH mechanism [initial-response]");
    }
    if mech.is_empty() {
        return out(conn, ctx, "501 5.5.4 Syntax: AUTH mechanism");
    }
    if !sasl::offers(&mech) {
        return out(conn, ctx, "504 5.5.4 Unrecognized authentication mechanism");
    }
    let initial = match initial {
        Some(i) => match decode_response(conn, ctx, i)? {
            Some(i) => Some(i),
            None => return Ok(()),
        },
        None => None,
    };
    let mut prompt = |challenge: &str| sasl_prompt(conn, ctx, challenge);
    match sasl::exchange(&ctx.users, &mech, initial, &mut prompt)? {
        sasl::Verdict::User(u) => {
            st.user = Some(u);
            out(conn, ctx, "235 2.7.0 Authentication successful")
        }
        sasl::Verdict::Invalid => out(conn, ctx, "535 5.7.8 Authentication credentials invalid"),
        sasl::Verdict::Ended => Ok(()),
        sasl::Verdict::UnknownMechanism => out(conn, ctx, "504 5.5.4 Unrecognized authentication mechanism"),
        sasl::Verdict::UnexpectedInitial => out(conn, ctx, "501 5.7.0 CRAM-MD5 takes no initial response"),
    }
}

/// Parses `FROM:<addr> params` / `TO:<addr> params` (keyword case-insensitive,
/// optional space after the colon). Returns (address, parameters).
fn parse_path<'a>(arg: &'a str, keyword: &str) -> Option<(&'a str, &'a str)> {
    if arg.len() < keyword.len() || !arg[..keyword.len()].eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = arg[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    let params = &rest[end + 1..];
    if !params.is_empty() && !params.starts_with(' ') {
        return None;
    }
    Some((&rest[..end], params.trim()))
}

fn mail(conn: &mut Conn, ctx: &Ctx, st: &mut State, arg: &str) -> io::Result<()> {
    if st.helo.is_none() {
        return out(conn, ctx, "503 5.5.1 Error: send HELO/EHLO first");
    }
    if ctx.require_auth && st.user.is_none() {
        return out(conn, ctx, "530 5.7.0 Authentication required");
    }
    if st.from.is_some() {
        return out(conn, ctx, "503 5.5.1 Error: nested MAIL command");
    }
    let Some((addr, params)) = parse_path(arg, "FROM:") else {
        return out(conn, ctx, "501 5.5.4 Syntax: MAIL FROM:<address>");
    };
    for p in params.split_whitespace() {
        let (k, v) = match p.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (p, None),
        };
        match (k.to_ascii_uppercase().as_str(), v) {
            ("SIZE", Some(v)) => match v.parse::<u64>() {
                Ok(n) if n > ctx.max_size => {
                    return out(conn, ctx, "552 5.3.4 Message size exceeds fixed maximum message size")
                }
                Ok(_) => {}
                Err(_) => return out(conn, ctx, "501 5.5.4 Bad SIZE parameter"),
            },
            ("BODY", Some(v)) if v.eq_ignore_ascii_case("7BIT") || v.eq_ignore_ascii_case("8BITMIME") => {}
            ("SMTPUTF8", None) => {}
            _ => return out(conn, ctx, "555 5.5.4 Unsupported parameter"),
        }
    }
    st.from = Some(addr.to_string());
    out(conn, ctx, "250 2.1.0 Ok")
}

fn rcpt(conn: &mut Conn, ctx: &Ctx, st: &mut State, arg: &str) -> io::Result<()> {
    if st.from.is_none() {
        return out(conn, ctx, "503 5.5.1 Error: need MAIL command");
    }
    let Some((addr, params)) = parse_path(arg, "TO:") else {
        return out(conn, ctx, "501 5.5.4 Syntax: RCPT TO:<address>");
    };
    if !params.is_empty() {
        return out(conn, ctx, "555 5.5.4 Unsupported parameter");
    }
    let local = match addr.rfind('@') {
        Some(i) => &addr[..i],
        None => addr,
    };
    match ctx.users.find(local) {
        Some(u) if !local.is_empty() => {
            if !st.rcpts.iter().any(|r| r == u) {
                st.rcpts.push(u.to_string());
            }
            out(conn, ctx, "250 2.1.5 Ok")
        }
        _ => out(conn, ctx, &format!("550 5.1.1 <{addr}>: Recipient address rejected: User unknown")),
    }
}

fn data(conn: &mut Conn, ctx: &Ctx, st: &mut State, arg: &str) -> io::Result<()> {
    if !arg.is_empty() {
        return out(conn, ctx, "501 5.5.4 Syntax: DATA");
    }
    if st.from.is_none() {
        return out(conn, ctx, "503 5.5.1 Error: need MAIL command");
    }
    if st.rcpts.is_empty() {
        return out(conn, ctx, "554 5.5.1 Error: no valid recipients");
    }
    conn.reply("354 End data with <CR><LF>.<CR><LF>");
    let max = usize::try_from(ctx.max_size).unwrap_or(usize::MAX);
    // Data lines are not limited to 1000 octets here (we test clients and
    // store what they send); only the message size is.
    let line_cap = max.saturating_add(MAX_LINE);
    let mut msg: Vec<u8> = Vec::new();
    let mut too_big = false;
    loop {
        match conn.read_raw_line(line_cap)? {
            Line::Eof => return Err(eof()),
            Line::TooLong => too_big = true,
            Line::Text(l) => {
                if l == b".\r\n" {
                    break;
                }
                // Undo dot-stuffing (RFC 5321 4.5.2); everything else,
                // including bare LFs, is stored as received.
                let content = if l.first() == Some(&b'.') { &l[1..] } else { &l[..] };
                if too_big {
                    continue;
                }
                if msg.len() + content.len() > max {
                    too_big = true;
                    msg = Vec::new();
                } else {
                    msg.extend_from_slice(content);
                }
            }
        }
    }
    let rcpts = std::mem::take(&mut st.rcpts);
    st.reset_transaction();
    if too_big {
        return out(conn, ctx, "552 5.3.4 Message size exceeds fixed maximum message size");
    }
    deliver(conn, ctx, &rcpts, &msg)
}

/// BDAT size [LAST] (RFC 3030): reads the chunk whatever happens (it is on its way), then
/// answers; LAST delivers what the chunks made. The data is stored as sent: no dot-stuffing.
fn bdat(conn: &mut Conn, ctx: &Ctx, st: &mut State, arg: &str) -> io::Result<()> {
    let mut words = arg.split_ascii_whitespace();
    let size = words.next().and_then(|w| w.parse::<usize>().ok());
    let last = match words.next() {
        None => false,
        Some(w) if w.eq_ignore_ascii_case("LAST") => true,
        Some(_) => return out(conn, ctx, "501 5.5.4 Syntax: BDAT size [LAST]"),
    };
    let Some(size) = size.filter(|_| words.next().is_none()) else {
        // Without a size the chunk cannot be skipped: the session cannot go on.
        conn.reply("501 5.5.4 Syntax: BDAT size [LAST]");
        conn.flush()?;
        return Err(eof());
    };
    let max = usize::try_from(ctx.max_size).unwrap_or(usize::MAX);
    let refusal = if st.from.is_none() {
        Some("503 5.5.1 Error: need MAIL command")
    } else if st.rcpts.is_empty() {
        Some("554 5.5.1 Error: no valid recipients")
    } else if st.bdat_failed {
        Some("503 5.5.1 Error: an earlier chunk of this message was refused")
    } else if st.bdat.as_ref().map_or(0, Vec::len) + size > max {
        Some("552 5.3.4 Message size exceeds fixed maximum message size")
    } else {
        None
    };
    let keep = if refusal.is_none() { Some(st.bdat.get_or_insert_with(Vec::new)) } else { None };
    if !conn.read_exact_into(size, keep)? {
        return Err(eof());
    }
    if let Some(r) = refusal {
        st.bdat_failed = st.from.is_some();
        st.bdat.get_or_insert_with(Vec::new);
        if last {
            st.reset_transaction();
        }
        return out(conn, ctx, r);
    }
    if !last {
        return out(conn, ctx, &format!("250 2.0.0 Ok: {size} octets received"));
    }
    let msg = st.bdat.take().unwrap_or_default();
    let rcpts = std::mem::take(&mut st.rcpts);
    st.reset_transaction();
    deliver(conn, ctx, &rcpts, &msg)
}

/// Stores a received message for every recipient and answers for it.
fn deliver(conn: &mut Conn, ctx: &Ctx, rcpts: &[String], msg: &[u8]) -> io::Result<()> {
    let (name, id) = maildir::unique_name();
    for u in rcpts {
        if maildir::deliver(&ctx.root, u, &name, msg, ctx.sync_delivery).is_err() {
            return out(conn, ctx, "451 4.3.0 Error: queue file write error");
        }
    }
    out(conn, ctx, &format!("250 2.0.0 Ok: queued as {id}"))
}

#[cfg(test)]
mod tests {
    use super::parse_path;

    #[test]
    fn paths() {
        assert_eq!(parse_path("FROM:<a@b> SIZE=10", "FROM:"), Some(("a@b", "SIZE=10")));
        assert_eq!(parse_path("from: <>", "FROM:"), Some(("", "")));
        assert_eq!(parse_path("TO:a@b", "TO:"), None);
        assert_eq!(parse_path("TO:<a@b>x", "TO:"), None);
    }
}
