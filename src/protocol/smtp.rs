//! The SMTP client state machine (RFC 5321) with EHLO/HELO, STARTTLS (RFC 3207), AUTH,
//! PIPELINING (RFC 2920), SIZE (RFC 1870), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531) and
//! ENHANCEDSTATUSCODES (RFC 2034).

use super::dotstuff::Stuffer;
use super::line::{check_command_arg, Conn, WRITE_CHUNK};
use super::sasl;
use super::source::{MessageSource, Progress};
use crate::error::{self, Error, Result};
use crate::log::{LOG_F_PROTOCOL, LOG_F_SSL};
use crate::tls::config::TlsHandshakeParams;
use std::time::Instant;

/// Longest reply line accepted (RFC 5321 says 512; real servers send longer texts).
const MAX_REPLY_LINE: usize = 4096;
/// Longest multi-line reply, in lines and in bytes: a never-ending reply is an error.
const MAX_REPLY_LINES: usize = 512;
const MAX_REPLY_BYTES: usize = 64 * 1024;
/// RFC 5321 4.5.3.1.3: a path is at most 256 octets.
const MAX_PATH: usize = 256;

/// Authentication mechanisms of both protocols (the AUTH_MECH property values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    Auto,
    Plain,
    Login,
    CramMd5,
    XOAuth2,
    UserPass,
    Apop,
}

/// One SMTP reply.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    /// The text of each line, without the code and separator.
    pub lines: Vec<String>,
    /// The enhanced status code of the first line (e.g. "5.1.1"), or empty.
    pub enhanced: String,
}

impl Reply {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
    /// "550 5.1.1 text": the first line as the server sent it, for error texts.
    pub fn summary(&self) -> String {
        format!("{} {}", self.code, self.lines.first().map(String::as_str).unwrap_or(""))
    }
    fn is(&self, class: u16) -> bool {
        self.code / 100 == class
    }
}

fn enhanced_code(text: &str) -> String {
    let token = text.split(' ').next().unwrap_or("");
    let parts: Vec<&str> = token.split('.').collect();
    let ok = parts.len() == 3
        && matches!(parts[0], "2" | "4" | "5")
        && parts[1..].iter().all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        token.to_owned()
    } else {
        String::new()
    }
}

/// What the server's EHLO reply offered.
#[derive(Clone, Debug, Default)]
pub struct Extensions {
    pub keywords: Vec<String>,
    /// The EHLO lines after the first, as the server sent them ("SIZE 10240000", ...).
    pub lines: Vec<String>,
    pub pipelining: bool,
    pub starttls: bool,
    pub eightbitmime: bool,
    pub smtputf8: bool,
    pub enhanced: bool,
    /// SIZE limit; 0 = none announced.
    pub size: u64,
    pub auth: Vec<String>,
}

impl Extensions {
    fn parse(reply: &Reply) -> Extensions {
        let mut e = Extensions::default();
        for line in reply.lines.iter().skip(1) {
            let mut words = line.split_ascii_whitespace();
            let Some(kw) = words.next() else { continue };
            let kw = kw.to_ascii_uppercase();
            match kw.as_str() {
                "PIPELINING" => e.pipelining = true,
                "STARTTLS" => e.starttls = true,
                "8BITMIME" => e.eightbitmime = true,
                "SMTPUTF8" => e.smtputf8 = true,
                "ENHANCEDSTATUSCODES" => e.enhanced = true,
                "SIZE" => e.size = words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
                "AUTH" => e.auth.extend(words.map(|w| w.to_ascii_uppercase())),
                _ => {}
            }
            e.keywords.push(kw);
            e.lines.push(line.clone());
        }
        e
    }
}

/// How TLS is to be used for this connect.
#[derive(Clone)]
pub struct TlsPlan {
    pub ctx: TlsHandshakeParams,
    /// MODE_STARTTLS: upgrade with STARTTLS (false: the stream is TLS already).
    pub starttls: bool,
    pub allow_plaintext: bool,
}

pub struct SmtpParams<'a> {
    pub ehlo_name: &'a str,
    pub user: &'a str,
    pub password: &'a str,
    pub mechanism: Mechanism,
    pub tls: Option<TlsPlan>,
}

pub struct SmtpSession {
    conn: Conn,
    pub ext: Extensions,
    pub last: Reply,
    /// The protocol state is unknown after this session's last error: it must be closed.
    pub broken: bool,
}

fn server_error(result: i32, what: &str, reply: &Reply) -> Error {
    Error::new(result, error::eexSmtpServer, format!("{what}: {}", reply.summary()))
}

/// Checks an envelope address: no CR/LF/NUL, no angle brackets, at most 256 octets.
pub fn check_address(what: &str, addr: &str) -> Result<()> {
    check_command_arg(what, addr)?;
    if addr.contains(['<', '>']) || addr.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_arg(format!(
            "{what} {addr:?}: give the bare address, without <> or control characters"
        )));
    }
    if addr.len() > MAX_PATH {
        return Err(Error::invalid_arg(format!("{what} is longer than {MAX_PATH} octets")));
    }
    Ok(())
}

impl SmtpSession {
    /// Greeting, EHLO, STARTTLS and AUTH on a connected stream.
    /// On failure the connection is closed and the last reply (the refusal) comes back with
    /// the error, so the client can still show it.
    pub fn open(conn: Conn, params: &SmtpParams) -> std::result::Result<SmtpSession, (Error, Reply)> {
        let mut s = SmtpSession { conn, ext: Extensions::default(), last: Reply::default(), broken: false };
        match s.introduce(params) {
            Ok(()) => Ok(s),
            Err(e) => {
                let last = std::mem::take(&mut s.last);
                // A refused login (535, no usable mechanism) leaves the state clean: QUIT.
                if e.result == error::CSMAIL_E_AUTH && !s.broken {
                    s.conn.quit_after_refusal();
                }
                s.close();
                Err((e, last))
            }
        }
    }

    fn introduce(&mut self, params: &SmtpParams) -> Result<()> {
        let greeting = self.read_reply("reading the greeting")?;
        if greeting.code != 220 {
            return Err(server_error(error::CSMAIL_E_CONNECT, "the server refused the connection", &greeting));
        }
        self.hello(params.ehlo_name)?;
        if let Some(plan) = params.tls.as_ref().filter(|p| p.starttls) {
            self.starttls(plan, params.ehlo_name)?;
        }
        if !params.user.is_empty() {
            self.authenticate(params)?;
        }
        Ok(())
    }

    pub fn is_tls(&self) -> bool {
        self.conn.is_tls()
    }

    /// Reads one (possibly multi-line) reply within the timeout.
    pub fn read_reply(&mut self, step: &str) -> Result<Reply> {
        let deadline = self.conn.deadline();
        let mut reply = Reply::default();
        let mut bytes = 0;
        loop {
            let line = self.conn.read_line(MAX_REPLY_LINE, deadline, step)?;
            bytes += line.len();
            if reply.lines.len() >= MAX_REPLY_LINES || bytes > MAX_REPLY_BYTES {
                self.broken = true;
                return Err(Error::protocol(
                    error::eexReplyTooLong,
                    format!("reply of over {MAX_REPLY_LINES} lines or {MAX_REPLY_BYTES} bytes while {step}"),
                ));
            }
            let malformed = || {
                Error::protocol(
                    error::eexMalformedReply,
                    format!("malformed reply while {step}: {:?}", String::from_utf8_lossy(&line[..line.len().min(80)])),
                )
            };
            if line.len() < 3
                || !line[..3].iter().all(u8::is_ascii_digit)
                || line.contains(&0)
                || !(b'2'..=b'5').contains(&line[0])
            {
                self.broken = true;
                return Err(malformed());
            }
            let code: u16 = std::str::from_utf8(&line[..3]).ok().and_then(|c| c.parse().ok()).unwrap_or(0);
            if reply.code != 0 && code != reply.code {
                self.broken = true;
                return Err(malformed());
            }
            reply.code = code;
            let last = match line.get(3) {
                None | Some(b' ') => true,
                Some(b'-') => false,
                Some(_) => {
                    self.broken = true;
                    return Err(malformed());
                }
            };
            let text = String::from_utf8_lossy(line.get(4..).unwrap_or(&[])).into_owned();
            if reply.lines.is_empty() {
                reply.enhanced = enhanced_code(&text);
            }
            reply.lines.push(text);
            if last {
                self.last = reply.clone();
                return Ok(reply);
            }
        }
    }

    fn command(&mut self, line: &str, redacted: Option<&str>, step: &str) -> Result<Reply> {
        self.conn.send(line, redacted, step)?;
        self.read_reply(step)
    }

    fn hello(&mut self, name: &str) -> Result<()> {
        let r = self.command(&format!("EHLO {name}"), None, "sending EHLO")?;
        if r.code == 250 {
            self.ext = Extensions::parse(&r);
            return Ok(());
        }
        // RFC 5321 4.1.4: a server that does not know EHLO gets HELO.
        self.conn.log.warn(LOG_F_PROTOCOL, || format!("EHLO refused ({}), trying HELO", r.summary()));
        let r = self.command(&format!("HELO {name}"), None, "sending HELO")?;
        if r.code != 250 {
            return Err(server_error(error::CSMAIL_E_CONNECT, "the server refused EHLO and HELO", &r));
        }
        self.ext = Extensions::default();
        Ok(())
    }

    fn starttls(&mut self, plan: &TlsPlan, ehlo_name: &str) -> Result<()> {
        if !self.ext.starttls {
            if plan.allow_plaintext {
                self.conn
                    .log
                    .warn(LOG_F_SSL, || "STARTTLS is not offered: going on WITHOUT TLS (SSLAllowPlaintext)".into());
                return Ok(());
            }
            return Err(Error::new(
                error::CSMAIL_E_CONNECT,
                error::eexStartTlsNotOffered,
                "TLS is required and the server does not offer STARTTLS",
            ));
        }
        let r = self.command("STARTTLS", None, "sending STARTTLS")?;
        if r.code != 220 {
            return Err(Error::new(
                error::CSMAIL_E_CONNECT,
                error::eexStartTlsRefused,
                format!("the server refused STARTTLS: {}", r.summary()),
            ));
        }
        self.conn.upgrade(&plan.ctx)?;
        // RFC 3207 4.2: forget everything learned before TLS and ask again.
        self.ext = Extensions::default();
        let r = self.command(&format!("EHLO {ehlo_name}"), None, "sending EHLO after STARTTLS")?;
        if r.code != 250 {
            return Err(server_error(error::CSMAIL_E_CONNECT, "the server refused EHLO after STARTTLS", &r));
        }
        self.ext = Extensions::parse(&r);
        Ok(())
    }

    fn choose_mechanism(&self, wanted: Mechanism) -> Result<Mechanism> {
        let offers = |m: &str| self.ext.auth.iter().any(|a| a == m);
        let name = |m: Mechanism| match m {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::XOAuth2 => "XOAUTH2",
            _ => "",
        };
        let not_supported = |what: String| Error::new(error::CSMAIL_E_AUTH, error::eexAuthNotSupported, what);
        match wanted {
            Mechanism::Auto => {
                // Over TLS the simplest mechanism is as safe as any; in the clear, CRAM-MD5 keeps
                // the password off the wire.
                let order: &[Mechanism] = if self.conn.is_tls() {
                    &[Mechanism::Plain, Mechanism::Login, Mechanism::CramMd5]
                } else {
                    &[Mechanism::CramMd5, Mechanism::Plain, Mechanism::Login]
                };
                order.iter().copied().find(|m| offers(name(*m))).ok_or_else(|| {
                    not_supported(format!("the server offers no usable AUTH mechanism (offered: {:?})", self.ext.auth))
                })
            }
            Mechanism::Plain | Mechanism::Login | Mechanism::CramMd5 | Mechanism::XOAuth2 => {
                if offers(name(wanted)) {
                    Ok(wanted)
                } else {
                    Err(not_supported(format!(
                        "the server does not offer AUTH {} (offered: {:?})",
                        name(wanted),
                        self.ext.auth
                    )))
                }
            }
            _ => Err(Error::invalid_arg("this authentication mechanism is for POP3")),
        }
    }

    fn authenticate(&mut self, p: &SmtpParams) -> Result<()> {
        let mech = self.choose_mechanism(p.mechanism)?;
        let step = "authenticating";
        let redacted = "<redacted>";
        let r = match mech {
            Mechanism::Plain => {
                let ir = sasl::plain(p.user, p.password);
                let mut r = self.command(&format!("AUTH PLAIN {ir}"), Some("AUTH PLAIN <redacted>"), step)?;
                if r.code == 334 {
                    r = self.command(&ir, Some(redacted), step)?;
                }
                r
            }
            Mechanism::Login => {
                let mut r = self.command("AUTH LOGIN", None, step)?;
                if r.code == 334 {
                    r = self.command(&sasl::b64(p.user.as_bytes()), None, step)?;
                }
                if r.code == 334 {
                    r = self.command(&sasl::b64(p.password.as_bytes()), Some(redacted), step)?;
                }
                r
            }
            Mechanism::CramMd5 => {
                let mut r = self.command("AUTH CRAM-MD5", None, step)?;
                if r.code == 334 {
                    let challenge = r.lines.first().cloned().unwrap_or_default();
                    let Some(resp) = sasl::cram_md5(&challenge, p.user, p.password) else {
                        self.broken = true;
                        return Err(Error::protocol(error::eexMalformedReply, "the CRAM-MD5 challenge is not base64"));
                    };
                    r = self.command(&resp, Some(redacted), step)?;
                }
                r
            }
            Mechanism::XOAuth2 => {
                let ir = sasl::xoauth2(p.user, p.password);
                let mut r = self.command(&format!("AUTH XOAUTH2 {ir}"), Some("AUTH XOAUTH2 <redacted>"), step)?;
                if r.code == 334 {
                    // The server sent an error description; an empty line ends the exchange.
                    r = self.command("", None, step)?;
                }
                r
            }
            _ => unreachable!("choose_mechanism returns SMTP mechanisms only"),
        };
        if r.code == 334 {
            // The server still waits for a SASL response: a QUIT now would be read as one.
            self.broken = true;
        }
        if r.code != 235 {
            return Err(server_error(error::CSMAIL_E_AUTH, "authentication failed", &r));
        }
        Ok(())
    }

    /// Sends one message to every recipient, or to none.
    pub fn send(
        &mut self,
        from: &str,
        recipients: &[&str],
        source: &mut dyn MessageSource,
        progress: Progress,
    ) -> Result<()> {
        let needs_utf8 = !from.is_ascii() || recipients.iter().any(|r| !r.is_ascii());
        // What the server announced it would not accept is refused here, before anything is
        // sent; no server reply belongs to that refusal, so none stays visible.
        let refuse_locally = |s: &mut Self, eex: i32, text: String| {
            s.last = Reply::default();
            Err(Error::new(error::CSMAIL_E_REFUSED_LOCALLY, eex, text))
        };
        if needs_utf8 && !self.ext.smtputf8 {
            return refuse_locally(
                self,
                error::eexSmtpUtf8Required,
                "an address is not ASCII and the server does not offer SMTPUTF8".into(),
            );
        }
        let shape = source.shape().map_err(|e| {
            Error::new(
                error::CSMAIL_E_IO,
                error::eexMessageSource,
                format!("reading the message to measure it failed: {e}"),
            )
        })?;
        if let (Some(shape), limit) = (shape, self.ext.size) {
            if limit > 0 && shape.size > limit {
                return refuse_locally(
                    self,
                    error::eexMessageTooLarge,
                    format!("the message has {} bytes; the server accepts at most {limit} (SIZE)", shape.size),
                );
            }
        }
        let total = source.size();
        let mut mail = format!("MAIL FROM:<{from}>");
        if let (Some(shape), true) = (shape, self.ext.size > 0 || self.ext.keywords.iter().any(|k| k == "SIZE")) {
            mail.push_str(&format!(" SIZE={}", shape.size));
        }
        // BODY=8BITMIME for 8-bit data, and for data that cannot be looked at beforehand (RFC
        // 6152 allows declaring it for 7-bit data too); a 7-bit message goes without it.
        if self.ext.eightbitmime && shape.is_none_or(|s| s.eight_bit) {
            mail.push_str(" BODY=8BITMIME");
        }
        if needs_utf8 {
            mail.push_str(" SMTPUTF8");
        }
        let step = "sending the envelope";
        let (mail_reply, rcpt_replies, data_reply) = if self.ext.pipelining {
            // RFC 2920: MAIL, every RCPT and DATA in one write, then the replies in order.
            self.conn.queue(&mail, None)?;
            for r in recipients {
                self.conn.queue(&format!("RCPT TO:<{r}>"), None)?;
            }
            self.conn.queue("DATA", None)?;
            self.fail_on_error(|s| s.conn.flush(step))?;
            let mail_reply = self.fail_on_error(|s| s.read_reply(step))?;
            let mut rcpts = Vec::with_capacity(recipients.len());
            for _ in recipients {
                rcpts.push(self.fail_on_error(|s| s.read_reply(step))?);
            }
            let data = self.fail_on_error(|s| s.read_reply(step))?;
            (mail_reply, rcpts, Some(data))
        } else {
            let mail_reply = self.fail_on_error(|s| s.command(&mail, None, step))?;
            let mut rcpts = Vec::new();
            if mail_reply.is(2) {
                for r in recipients {
                    let reply = self.fail_on_error(|s| s.command(&format!("RCPT TO:<{r}>"), None, step))?;
                    let refused = !reply.is(2);
                    rcpts.push(reply);
                    if refused {
                        break;
                    }
                }
            }
            let all_ok = mail_reply.is(2) && rcpts.len() == recipients.len() && rcpts.iter().all(|r| r.is(2));
            let data = if all_ok { Some(self.fail_on_error(|s| s.command("DATA", None, step))?) } else { None };
            (mail_reply, rcpts, data)
        };
        let refusal = if !mail_reply.is(2) {
            Some(server_error(error::CSMAIL_E_SERVER, "MAIL FROM refused", &mail_reply))
        } else if let Some((i, r)) = rcpt_replies.iter().enumerate().find(|(_, r)| !r.is(2)) {
            Some(server_error(error::CSMAIL_E_SERVER, &format!("RCPT TO:<{}> refused", recipients[i]), r))
        } else {
            match &data_reply {
                Some(d) if d.code != 354 => Some(server_error(error::CSMAIL_E_SERVER, "DATA refused", d)),
                _ => None,
            }
        };
        if let Some(mut err) = refusal {
            if data_reply.as_ref().is_some_and(|d| d.code == 354) {
                // The server waits for data that must not be delivered to the recipients it
                // accepted. The only way out of DATA without delivering is to drop the connection.
                err.text.push_str(" (the connection was closed to cancel the pipelined DATA)");
                self.broken = true;
            } else {
                let _ = self.reset();
            }
            // The reply that explains the refusal, not the RSET that followed it.
            self.last = if mail_reply.is(2) {
                rcpt_replies.iter().find(|r| !r.is(2)).or(data_reply.as_ref()).cloned().unwrap_or_default()
            } else {
                mail_reply
            };
            return Err(err);
        }
        self.send_data(source, total, progress)
    }

    /// Any failure mid-transaction leaves the server in an unknown state.
    fn fail_on_error<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let r = f(self);
        if r.is_err() {
            self.broken = true;
        }
        r
    }

    fn send_data(&mut self, source: &mut dyn MessageSource, total: Option<u64>, progress: Progress) -> Result<()> {
        let mut stuffer = Stuffer::new();
        let mut chunk = vec![0u8; WRITE_CHUNK];
        let mut done: u64 = 0;
        let log = self.conn.log.clone();
        log.info(LOG_F_PROTOCOL, || {
            format!("C: <message data{}>", total.map(|t| format!(", {t} bytes")).unwrap_or_default())
        });
        loop {
            let n = match source.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.broken = true;
                    return Err(Error::new(
                        error::CSMAIL_E_IO,
                        error::eexMessageSource,
                        format!("reading the message failed: {e}"),
                    )
                    .with_os(&e));
                }
            };
            if n == 0 {
                break;
            }
            stuffer.push(&chunk[..n], self.conn.queue_raw());
            done += n as u64;
            if self.conn.pending() >= WRITE_CHUNK {
                self.fail_on_error(|s| s.conn.flush("sending the message"))?;
            }
            if !progress(done, total) {
                self.broken = true;
                return Err(Error::aborted());
            }
        }
        // The message's last bytes and the terminator go out in one write: no delayed-ACK stall.
        stuffer.finish(self.conn.queue_raw());
        self.fail_on_error(|s| s.conn.flush("sending the message"))?;
        log.info(LOG_F_PROTOCOL, || "C: .".into());
        let started = Instant::now();
        let reply = match self.read_reply("waiting for the reply to the message") {
            Ok(r) => r,
            Err(e) if e.result == error::CSMAIL_E_ABORTED => {
                self.broken = true;
                return Err(Error::new(
                    error::CSMAIL_E_DELIVERY_UNKNOWN,
                    error::eexDeliveryUnknown,
                    "aborted after the message was sent: delivery unknown",
                ));
            }
            Err(e) => {
                self.broken = true;
                return Err(Error {
                    result: error::CSMAIL_E_DELIVERY_UNKNOWN,
                    eex: error::eexDeliveryUnknown,
                    text: format!(
                        "the message was sent but no final reply came ({}; waited {} ms): delivery unknown",
                        e.text,
                        started.elapsed().as_millis()
                    ),
                    os_error: e.os_error,
                });
            }
        };
        if reply.code != 250 {
            return Err(server_error(error::CSMAIL_E_SERVER, "the message was refused", &reply));
        }
        Ok(())
    }

    /// RSET: ends the current transaction.
    pub fn reset(&mut self) -> Result<()> {
        let r = self.fail_on_error(|s| s.command("RSET", None, "sending RSET"))?;
        if r.code != 250 {
            return Err(server_error(error::CSMAIL_E_SERVER, "RSET refused", &r));
        }
        Ok(())
    }

    /// QUIT and close. The reply is read so the server ends cleanly; its absence is no error.
    pub fn quit(mut self) -> Result<()> {
        if !self.broken {
            // The session ends either way: a missing or refused reply to QUIT loses nothing.
            let _ = self.command("QUIT", None, "sending QUIT");
        }
        self.conn.close();
        Ok(())
    }

    /// Closes without QUIT (after an error that leaves the protocol state unknown).
    pub fn close(mut self) {
        self.conn.close();
    }
}
