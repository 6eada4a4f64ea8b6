//! The POP3 side: RFC 1939 (with APOP and TOP/UIDL), RFC 2449 (CAPA,
//! RESP-CODES, PIPELINING), RFC 2595 (STLS) and RFC 5034 (AUTH with PLAIN, LOGIN,
//! CRAM-MD5, XOAUTH2 and OAUTHBEARER).
//!
//! A user's maildir is locked while a session is in TRANSACTION state so two
//! sessions never see different numberings of the same mailbox; deletions
//! happen only on QUIT (the UPDATE state), as RFC 1939 requires.

use std::collections::HashSet;
use std::io::{self, Read};
use std::sync::Mutex;
use std::time::Duration;

use crate::conn::{Conn, Line};
use crate::maildir::{self, Entry};
use crate::sasl;
use crate::Ctx;

/// RFC 2449 allows 255 octets per command; we are generous (512*4) so that
/// long AUTH responses fit, and reject beyond that.
const MAX_LINE: usize = 512 * 4;

/// Holds a user's maildir lock; released on drop, whichever way the session
/// ends.
struct MailboxLock<'a> {
    locks: &'a Mutex<HashSet<String>>,
    user: String,
}

impl Drop for MailboxLock<'_> {
    fn drop(&mut self) {
        self.locks.lock().unwrap().remove(&self.user);
    }
}

struct Mailbox<'a> {
    _lock: MailboxLock<'a>,
    msgs: Vec<Entry>,
    deleted: Vec<bool>,
    /// The message RETR or TOP reads, kept from one command to the next.
    scratch: Vec<u8>,
    /// The maildir's directories, open for RETR, TOP and UPDATE.
    dirs: maildir::Dirs,
}

pub(crate) fn serve(mut conn: Conn, ctx: &Ctx) {
    let _ = session(&mut conn, ctx);
    conn.close(Duration::from_millis(200));
}

fn out(conn: &mut Conn, ctx: &Ctx, text: &str) -> io::Result<()> {
    conn.reply(text);
    if !ctx.pop3_pipelining {
        conn.flush()?;
    }
    Ok(())
}

fn eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "client closed")
}

fn session(conn: &mut Conn, ctx: &Ctx) -> io::Result<()> {
    let mut timestamp = sasl::challenge();
    out(conn, ctx, &format!("+OK csmail-server ready {timestamp}"))?;
    let mut pending_user: Option<String> = None;
    let mut mbox: Option<Mailbox> = None;
    loop {
        let line = match conn.read_line(MAX_LINE)? {
            Line::Eof => return Ok(()),
            Line::TooLong => {
                out(conn, ctx, "-ERR Line too long")?;
                continue;
            }
            Line::Text(l) => String::from_utf8_lossy(&l).into_owned(),
        };
        let mut words = line.split(' ').filter(|w| !w.is_empty());
        let verb = words.next().unwrap_or("").to_ascii_uppercase();
        let args: Vec<&str> = words.collect();
        let was_user = pending_user.take();
        if verb == "QUIT" {
            if let Some(mb) = mbox.take() {
                // The UPDATE state ends the session's hold on the maildir before the reply goes
                // out, so a client that reconnects as soon as it reads "+OK" finds it free.
                let reply = update(mb);
                conn.reply(reply);
                conn.flush()?;
                return Ok(());
            }
        }
        if let Some(mb) = mbox.as_mut() {
            transaction(conn, ctx, mb, &verb, &args)?;
            continue;
        }
        // AUTHORIZATION state.
        match verb.as_str() {
            "CAPA" => capa(conn, ctx, true)?,
            "NOOP" => out(conn, ctx, "+OK")?,
            "QUIT" => {
                conn.reply("+OK csmail-server signing off");
                conn.flush()?;
                return Ok(());
            }
            "STLS" => {
                if conn.is_tls() {
                    out(conn, ctx, "-ERR Command not permitted when TLS active")?;
                } else if !ctx.offer_starttls {
                    out(conn, ctx, "-ERR STLS not available")?;
                } else {
                    conn.reply("+OK Begin TLS negotiation");
                    // Drops anything pipelined after STLS (CVE-2011-0411).
                    conn.start_tls(ctx.tls.clone().expect("STLS is offered only with a certificate"))?;
                    ctx.count_handshake(conn);
                    // A fresh timestamp: nothing from before TLS carries over.
                    timestamp = sasl::challenge();
                }
            }
            "USER" | "PASS" | "APOP" | "AUTH" if ctx.auth_requires_tls && !conn.is_tls() => {
                out(conn, ctx, "-ERR [AUTH] Authentication requires TLS (use STLS)")?;
            }
            "USER" => {
                if args.len() != 1 {
                    out(conn, ctx, "-ERR Syntax: USER name")?;
                } else {
                    pending_user = Some(args[0].to_string());
                    out(conn, ctx, "+OK")?;
                }
            }
            "PASS" => {
                // The password may contain spaces: take the rest of the line.
                let pass = line.split_once(' ').map(|x| x.1).unwrap_or("");
                match was_user {
                    None => out(conn, ctx, "-ERR USER first")?,
                    Some(u) => {
                        let ok = ctx.users.check(&u, pass);
                        mbox = login(conn, ctx, ok.then_some(u))?;
                    }
                }
            }
            "APOP" => {
                if args.len() != 2 {
                    out(conn, ctx, "-ERR Syntax: APOP name digest")?;
                } else {
                    let ok = ctx
                        .users
                        .password(args[0])
                        .is_some_and(|p| sasl::apop_digest(&timestamp, p).eq_ignore_ascii_case(args[1]));
                    mbox = login(conn, ctx, ok.then(|| args[0].to_string()))?;
                }
            }
            "AUTH" => mbox = auth(conn, ctx, &args)?,
            "STAT" | "LIST" | "UIDL" | "RETR" | "TOP" | "DELE" | "RSET" => {
                out(conn, ctx, "-ERR Not in TRANSACTION state")?
            }
            _ => out(conn, ctx, "-ERR Unknown command")?,
        }
    }
}

/// RFC 2449: STLS (and the login mechanisms) only make sense in the
/// AUTHORIZATION state.
fn capa(conn: &mut Conn, ctx: &Ctx, authorization: bool) -> io::Result<()> {
    conn.reply("+OK Capability list follows");
    conn.reply("TOP");
    conn.reply("UIDL");
    let auth_ok = authorization && (!ctx.auth_requires_tls || conn.is_tls());
    if auth_ok {
        conn.reply("USER");
    }
    conn.reply("RESP-CODES");
    if ctx.pop3_pipelining {
        conn.reply("PIPELINING");
    }
    if auth_ok {
        conn.reply(&format!("SASL {}", sasl::MECHANISMS));
    }
    if authorization && ctx.offer_starttls && !conn.is_tls() {
        conn.reply("STLS");
    }
    conn.reply("IMPLEMENTATION csmail-server");
    out(conn, ctx, ".")
}

/// RFC 5034 AUTH with every mechanism of [`sasl::exchange`], with an initial response or
/// `+ ` continuations.
fn auth<'a>(conn: &mut Conn, ctx: &'a Ctx, args: &[&str]) -> io::Result<Option<Mailbox<'a>>> {
    if args.is_empty() {
        // Common extension: bare AUTH lists the mechanisms.
        conn.reply("+OK");
        for m in sasl::MECHANISMS.split(' ') {
            conn.reply(m);
        }
        out(conn, ctx, ".")?;
        return Ok(None);
    }
    let mech = args[0].to_ascii_uppercase();
    if !sasl::offers(&mech) || args.len() > 2 {
        out(conn, ctx, "-ERR Unsupported authentication mechanism")?;
        return Ok(None);
    }
    let initial = match args.get(1) {
        Some(r) => match decode_response(conn, ctx, r)? {
            Some(i) => Some(i),
            None => return Ok(None),
        },
        None => None,
    };
    let mut prompt = |challenge: &str| sasl_prompt(conn, ctx, challenge);
    match sasl::exchange(&ctx.users, &mech, initial, &mut prompt)? {
        sasl::Verdict::User(u) => login(conn, ctx, Some(u)),
        sasl::Verdict::Invalid => login(conn, ctx, None),
        sasl::Verdict::Ended => Ok(None),
        sasl::Verdict::UnknownMechanism => {
            out(conn, ctx, "-ERR Unsupported authentication mechanism")?;
            Ok(None)
        }
        sasl::Verdict::UnexpectedInitial => {
            out(conn, ctx, "-ERR CRAM-MD5 takes no initial response")?;
            Ok(None)
        }
    }
}

/// Sends a `+ ` challenge and reads the client's base64 answer. `Ok(None)` means the exchange
/// ended and its -ERR is out.
fn sasl_prompt(conn: &mut Conn, ctx: &Ctx, challenge: &str) -> io::Result<Option<Vec<u8>>> {
    conn.reply(&format!("+ {challenge}"));
    conn.flush()?;
    match conn.read_line(MAX_LINE)? {
        Line::Eof => Err(eof()),
        Line::TooLong => {
            out(conn, ctx, "-ERR Line too long")?;
            Ok(None)
        }
        Line::Text(l) => decode_response(conn, ctx, &String::from_utf8_lossy(&l)),
    }
}

/// A client's SASL response: `*` cancels (RFC 5034 4), `=` is empty, else base64.
fn decode_response(conn: &mut Conn, ctx: &Ctx, resp: &str) -> io::Result<Option<Vec<u8>>> {
    let resp = resp.trim();
    if resp == "*" {
        out(conn, ctx, "-ERR Authentication cancelled")?;
        return Ok(None);
    }
    let decoded = if resp == "=" { Some(Vec::new()) } else { sasl::b64_decode(resp) };
    if decoded.is_none() {
        out(conn, ctx, "-ERR Cannot decode response")?;
    }
    Ok(decoded)
}

/// Finishes a login attempt: on success lock the maildir and enter
/// TRANSACTION state.
fn login<'a>(conn: &mut Conn, ctx: &'a Ctx, user: Option<String>) -> io::Result<Option<Mailbox<'a>>> {
    let Some(user) = user else {
        out(conn, ctx, "-ERR [AUTH] Authentication failed")?;
        return Ok(None);
    };
    if !ctx.locks.lock().unwrap().insert(user.clone()) {
        out(conn, ctx, "-ERR [IN-USE] Mailbox locked")?;
        return Ok(None);
    }
    let lock = MailboxLock { locks: &ctx.locks, user: user.clone() };
    let msgs = match maildir::list(&ctx.root, &user) {
        Ok(m) => m,
        Err(_) => {
            out(conn, ctx, "-ERR [SYS/TEMP] Cannot open maildrop")?;
            return Ok(None);
        }
    };
    let total: u64 = msgs.iter().map(|m| m.size).sum();
    out(conn, ctx, &format!("+OK {} has {} messages ({} octets)", user, msgs.len(), total))?;
    Ok(Some(Mailbox {
        _lock: lock,
        deleted: vec![false; msgs.len()],
        msgs,
        scratch: Vec::new(),
        dirs: maildir::Dirs::default(),
    }))
}

/// Reads a message file into `buf`, which keeps its capacity from one message to the next.
fn read_into(dirs: &mut maildir::Dirs, path: &std::path::Path, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    dirs.open(path)?.read_to_end(buf).map(|_| ())
}

/// Resolves a 1-based message number to an index of a live message.
fn msg_index(mb: &Mailbox, arg: Option<&&str>) -> Option<usize> {
    let n: usize = arg?.parse().ok()?;
    if n == 0 || n > mb.msgs.len() || mb.deleted[n - 1] {
        return None;
    }
    Some(n - 1)
}

/// Byte-stuffs `data` (RFC 1939 3) and terminates the multi-line response.
/// Only up to `max_body_lines` body lines are sent when given (TOP).
fn send_message(conn: &mut Conn, data: &[u8], max_body_lines: Option<usize>) -> io::Result<()> {
    let Some(max_body_lines) = max_body_lines else {
        return send_whole_message(conn, data);
    };
    let max_body_lines = Some(max_body_lines);
    let mut in_body = false;
    let mut body_lines = 0usize;
    let mut out = Vec::with_capacity(data.len() + 64);
    for line in data.split_inclusive(|&b| b == b'\n') {
        if in_body {
            if let Some(max) = max_body_lines {
                if body_lines >= max {
                    break;
                }
            }
            body_lines += 1;
        }
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
        if !in_body && (line == b"\r\n" || line == b"\n") {
            in_body = true;
        }
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    conn.write(&out);
    Ok(())
}

/// How much of a RETR is queued before it is written: the client starts on the first part
/// while the rest is stuffed, and the queue stays small for a large message.
const RETR_CHUNK: usize = 256 * 1024;

/// RETR: the whole message stuffed span by span (a dot added before each dot that starts a
/// line) straight into the write queue, written every RETR_CHUNK bytes, so that a benchmark's
/// client, not the server, sets the pace.
fn send_whole_message(conn: &mut Conn, data: &[u8]) -> io::Result<()> {
    if data.first() == Some(&b'.') {
        conn.write(b".");
    }
    let mut start = 0;
    // A dot is rarer than a line end: find dots, keep those that start a line.
    let line_dots = memchr::memchr_iter(b'.', data).filter(|&i| i > 0 && data[i - 1] == b'\n');
    let spans = line_dots.chain(std::iter::once(data.len()));
    for end in spans {
        // The span up to and including the LF; the dot that follows is doubled below.
        let mut from = start;
        while from < end {
            let room = RETR_CHUNK.saturating_sub(conn.pending()).max(1);
            let to = end.min(from + room);
            conn.write(&data[from..to]);
            from = to;
            if conn.pending() >= RETR_CHUNK {
                conn.flush()?;
            }
        }
        if end < data.len() {
            conn.write(b".");
        }
        start = end;
    }
    if !data.is_empty() && !data.ends_with(b"\r\n") {
        conn.write(b"\r\n");
    }
    conn.write(b".\r\n");
    Ok(())
}

/// The UPDATE state (RFC 1939 6): removes the messages marked deleted, releases the maildir
/// lock (the mailbox is consumed), and gives QUIT's reply.
fn update(mut mb: Mailbox) -> &'static str {
    let mut failed = false;
    for (m, d) in mb.msgs.iter().zip(&mb.deleted) {
        if *d && mb.dirs.remove(&m.path).is_err() {
            failed = true;
        }
    }
    drop(mb);
    if failed {
        "-ERR [SYS/TEMP] Some deleted messages not removed"
    } else {
        "+OK csmail-server signing off"
    }
}

/// Handles one command in TRANSACTION state (QUIT is `update`).
fn transaction(conn: &mut Conn, ctx: &Ctx, mb: &mut Mailbox, verb: &str, args: &[&str]) -> io::Result<()> {
    let no_such = "-ERR no such message";
    match verb {
        "STAT" => {
            let (n, size) = mb
                .msgs
                .iter()
                .zip(&mb.deleted)
                .filter(|(_, d)| !**d)
                .fold((0, 0u64), |(n, s), (m, _)| (n + 1, s + m.size));
            out(conn, ctx, &format!("+OK {n} {size}"))?;
        }
        "LIST" | "UIDL" => {
            let show = |m: &Entry| {
                if verb == "LIST" {
                    m.size.to_string()
                } else {
                    m.uid.clone()
                }
            };
            if args.is_empty() {
                let live = mb.deleted.iter().filter(|d| !**d).count();
                if verb == "LIST" {
                    let size: u64 = mb.msgs.iter().zip(&mb.deleted).filter(|(_, d)| !**d).map(|(m, _)| m.size).sum();
                    conn.reply(&format!("+OK {live} messages ({size} octets)"));
                } else {
                    conn.reply("+OK");
                }
                for (i, m) in mb.msgs.iter().enumerate() {
                    if !mb.deleted[i] {
                        conn.reply(&format!("{} {}", i + 1, show(m)));
                    }
                }
                out(conn, ctx, ".")?;
            } else {
                match msg_index(mb, args.first()) {
                    Some(i) if args.len() == 1 => out(conn, ctx, &format!("+OK {} {}", i + 1, show(&mb.msgs[i])))?,
                    _ => out(conn, ctx, no_such)?,
                }
            }
        }
        "RETR" | "TOP" => {
            let lines = if verb == "TOP" {
                match args.get(1).and_then(|s| s.parse::<usize>().ok()) {
                    Some(n) if args.len() == 2 => Some(n),
                    _ => {
                        out(conn, ctx, "-ERR Syntax: TOP msg lines")?;
                        return Ok(());
                    }
                }
            } else {
                None
            };
            match msg_index(mb, args.first()) {
                Some(i) if verb == "TOP" || args.len() == 1 => {
                    match read_into(&mut mb.dirs, &mb.msgs[i].path, &mut mb.scratch) {
                        Ok(()) => {
                            let data = &mb.scratch;
                            conn.reply(&format!("+OK {} octets", data.len()));
                            send_message(conn, data, lines)?;
                            if !ctx.pop3_pipelining {
                                conn.flush()?;
                            }
                        }
                        Err(_) => out(conn, ctx, "-ERR [SYS/TEMP] Cannot read message")?,
                    }
                }
                _ => out(conn, ctx, no_such)?,
            }
        }
        "DELE" => match msg_index(mb, args.first()) {
            Some(i) if args.len() == 1 => {
                mb.deleted[i] = true;
                out(conn, ctx, &format!("+OK message {} deleted", i + 1))?;
            }
            _ => out(conn, ctx, no_such)?,
        },
        "NOOP" => out(conn, ctx, "+OK")?,
        "RSET" => {
            mb.deleted.iter_mut().for_each(|d| *d = false);
            out(conn, ctx, "+OK")?;
        }
        "CAPA" => capa(conn, ctx, false)?,
        "USER" | "PASS" | "APOP" | "AUTH" | "STLS" => out(conn, ctx, "-ERR Already authenticated")?,
        _ => out(conn, ctx, "-ERR Unknown command")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msg_numbers() {
        let locks = Mutex::new(HashSet::new());
        let mb = Mailbox {
            _lock: MailboxLock { locks: &locks, user: "x".into() },
            msgs: vec![Entry { path: "/nonexistent".into(), uid: "a".into(), size: 1 }; 2],
            deleted: vec![false, true],
            scratch: Vec::new(),
            dirs: maildir::Dirs::default(),
        };
        assert_eq!(msg_index(&mb, Some(&"1")), Some(0));
        assert_eq!(msg_index(&mb, Some(&"2")), None);
        assert_eq!(msg_index(&mb, Some(&"0")), None);
        assert_eq!(msg_index(&mb, Some(&"x")), None);
        assert_eq!(msg_index(&mb, None), None);
    }

    /// RETR's span-by-span stuffing straight into the write queue, written every RETR_CHUNK:
    /// the bytes of the line-by-line rule (a dot added to every line that starts with one, a
    /// final CRLF when missing, the terminator), for messages that start with a dot, end without
    /// a line end, and have dots on both sides of every RETR_CHUNK boundary.
    #[test]
    fn whole_message_stuffing_matches_the_line_rule() {
        use std::io::Read;
        let mut big = b".first\r\n".to_vec();
        while big.len() < 3 * RETR_CHUNK + 100 {
            let at_boundary = big.len() / RETR_CHUNK != (big.len() + 80) / RETR_CHUNK;
            big.extend_from_slice(if at_boundary { b".dot\r\n".as_slice() } else { b"line of text ... and more\r\n" });
        }
        big.extend_from_slice(b"..two\r\nno end");
        for data in [&b""[..], b".", b"a\r\n.\r\n", b"x\n.y", &big] {
            let mut expected = Vec::new();
            for line in data.split_inclusive(|&b| b == b'\n') {
                if line.first() == Some(&b'.') {
                    expected.push(b'.');
                }
                expected.extend_from_slice(line);
            }
            if !expected.is_empty() && !expected.ends_with(b"\r\n") {
                expected.extend_from_slice(b"\r\n");
            }
            expected.extend_from_slice(b".\r\n");
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (sock, _) = listener.accept().unwrap();
            let reader = std::thread::spawn(move || {
                let mut got = Vec::new();
                let mut client = client;
                client.read_to_end(&mut got).unwrap();
                got
            });
            let mut conn = Conn::new(sock);
            send_whole_message(&mut conn, data).unwrap();
            conn.flush().unwrap();
            drop(conn);
            assert!(reader.join().unwrap() == expected, "{} bytes", data.len());
        }
    }

    /// Defect 10: QUIT's reply must go out after the maildir lock is released, so a client
    /// that reconnects as soon as it reads "+OK" never gets "-ERR [IN-USE]". The test holds the
    /// lock table's mutex while it sends QUIT: a server that replies first lets the reply
    /// through while the user is still in the table (the failure); a correct server waits for
    /// the mutex before replying, and once the test lets go the table is empty when the reply
    /// arrives.
    #[test]
    fn quit_releases_the_mailbox_lock_before_replying() {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        maildir::ensure(dir.path(), "alice").unwrap();
        let ctx = Arc::new(Ctx {
            users: sasl::Users(vec![("alice".into(), "alicepass".into())]),
            root: dir.path().to_path_buf(),
            tls: None,
            max_size: 1 << 20,
            smtp_pipelining: false,
            pop3_pipelining: false,
            offer_starttls: false,
            auth_requires_tls: false,
            require_auth: false,
            smtp_chunking: false,
            sync_delivery: false,
            imap_login_disabled: false,
            imap_store: Mutex::new(()),
            handshakes: Default::default(),
            locks: Mutex::new(HashSet::new()),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server_ctx = ctx.clone();
        let server = std::thread::spawn(move || {
            let (sock, _) = listener.accept().unwrap();
            serve(Conn::new(sock), &server_ctx);
        });
        let sock = std::net::TcpStream::connect(addr).unwrap();
        let mut reader = BufReader::new(sock.try_clone().unwrap());
        let mut writer = sock.try_clone().unwrap();
        let mut line = String::new();
        let mut read = |reader: &mut BufReader<std::net::TcpStream>| {
            line.clear();
            reader.read_line(&mut line).map(|_| line.trim_end().to_owned())
        };
        assert!(read(&mut reader).unwrap().starts_with("+OK csmail-server ready"));
        writer.write_all(b"USER alice\r\nPASS alicepass\r\n").unwrap();
        assert_eq!(read(&mut reader).unwrap(), "+OK");
        assert_eq!(read(&mut reader).unwrap(), "+OK alice has 0 messages (0 octets)");
        assert!(ctx.locks.lock().unwrap().contains("alice"));

        let held = ctx.locks.lock().unwrap();
        writer.write_all(b"QUIT\r\n").unwrap();
        // Only decides which branch runs: a reply cannot arrive while `held` lives unless the
        // server replies before it releases the lock.
        sock.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        match read(&mut reader) {
            Ok(reply) => panic!("QUIT replied {reply:?} while alice's maildir was still locked"),
            Err(e) => assert!(matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut), "{e}"),
        }
        drop(held);
        sock.set_read_timeout(None).unwrap();
        assert_eq!(read(&mut reader).unwrap(), "+OK csmail-server signing off");
        assert!(ctx.locks.lock().unwrap().is_empty(), "the lock outlived QUIT's reply");
        server.join().unwrap();
    }
}
