//! Running one IMAP command: a fresh tag, the command with its literals (synchronising ones wait
//! for the server's "+", LITERAL+ ones do not), the untagged responses until our tagged
//! completion, and the error a NO, BAD or BYE makes.

use super::command::{Command, Part};
use super::response::{self, BodyTarget, Completion, Kind, Status};
use super::ImapSession;
use crate::error::{self, Error, Result};
use crate::log::LOG_F_PROTOCOL;
use crate::protocol::session::Session;
use imap_proto::Response;

/// What a command's untagged responses are given to (besides the state every response updates).
pub type Untagged<'a> = &'a mut dyn FnMut(&Response<'_>) -> Result<()>;

/// Literals up to this size go with LITERAL- (RFC 7888 LITERAL-: non-synchronising up to 4096).
pub(super) const LITERAL_MINUS_MAX: usize = 4096;

impl ImapSession {
    pub(crate) fn next_tag(&mut self) -> String {
        self.tag_counter += 1;
        format!("A{:04}", self.tag_counter)
    }

    /// Sends `cmd` and reads to its completion; NO and BAD come back as errors naming the
    /// command and quoting the server.
    pub(crate) fn run(&mut self, cmd: &Command, on: Untagged) -> Result<Completion> {
        self.run_with_body(cmd, on, None)
    }

    /// `run`, with a FETCH's message literal streamed into `body`.
    pub(crate) fn run_with_body(
        &mut self,
        cmd: &Command,
        on: Untagged,
        body: Option<&mut BodyTarget>,
    ) -> Result<Completion> {
        let done = self.exchange(cmd, on, body)?;
        self.checked(done, &cmd.name)
    }

    /// A completion as the outcome of command `name`: OK, or the error of NO and BAD.
    pub(crate) fn checked(&mut self, done: Completion, name: &str) -> Result<Completion> {
        self.link.last = done.line.clone();
        match done.status {
            Status::Ok => Ok(done),
            Status::No => Err(self.refusal(error::CSMAIL_E_SERVER, error::eexImapNo, name, &done.line)),
            Status::Bad => Err(self.refusal(error::CSMAIL_E_SERVER, error::eexImapBad, name, &done.line)),
        }
    }

    /// The error of a refused command: its name, the server's line (with its response code)
    /// and the alerts the server sent meanwhile.
    pub(crate) fn refusal(&mut self, result: i32, eex: i32, name: &str, line: &str) -> Error {
        let mut text = format!("the server refused {name}: {line}");
        for a in self.alerts.drain(..) {
            text.push_str(&format!(" (server alert: {a})"));
        }
        Error::new(result, eex, text)
    }

    /// The exchange itself; a failure on the wire leaves the protocol state unknown.
    pub(crate) fn exchange(
        &mut self,
        cmd: &Command,
        on: Untagged,
        body: Option<&mut BodyTarget>,
    ) -> Result<Completion> {
        self.alerts.clear();
        let tag = self.next_tag();
        let non_sync = self.caps.literal_plus;
        let minus = self.caps.literal_minus;
        let step = format!("sending {}", cmd.name);
        let wait = crate::protocol::line::reply_step(&step).into_owned();
        let lines = cmd.lines(&tag, non_sync);
        let result = (|| {
            for (line, literal) in &lines {
                let Some(Part::Literal { data, secret }) = literal else {
                    let redacted = cmd.secret_line.then_some("<redacted>");
                    self.link.conn.queue(line, redacted)?;
                    continue;
                };
                let sync = !(non_sync || (minus && data.len() <= LITERAL_MINUS_MAX));
                let line = if sync || non_sync { line.clone() } else { format!("{}+}}", line.trim_end_matches('}')) };
                self.link.conn.queue(&line, None)?;
                if sync {
                    self.link.conn.flush(&step)?;
                    if let Some(refused) = self.await_continuation(&tag, &mut *on, &wait)? {
                        return Ok(Some(refused));
                    }
                }
                self.queue_literal(data, *secret);
            }
            self.link.conn.flush(&step)?;
            Ok(None)
        })();
        let early = self.breaking_on_error(|_| result)?;
        if let Some(done) = early {
            return Ok(done);
        }
        self.await_completion(&tag, &cmd.name, on, body)
    }

    /// Reads the responses to the command `tag` (`name`) up to its completion.
    pub(crate) fn await_completion(
        &mut self,
        tag: &str,
        name: &str,
        on: Untagged,
        mut body: Option<&mut BodyTarget>,
    ) -> Result<Completion> {
        let wait = format!("waiting for the reply to {name}");
        let mut deadline = self.link.conn.deadline();
        loop {
            let streamed = body.as_ref().and_then(|b| b.written);
            let bytes = self.read(deadline, body.as_deref_mut(), &wait)?;
            // A message that streamed (at the idle timeout per read) restarts the wait for the
            // rest: the deadline bounds the responses, not the size of the message.
            if body.as_ref().and_then(|b| b.written) != streamed {
                deadline = self.link.conn.deadline();
            }
            match response::classify(&bytes, tag) {
                Some(Kind::Tagged) => return self.completion(&bytes, tag),
                Some(Kind::Untagged) => self.untagged(&bytes, &mut *on)?,
                Some(Kind::Continuation) => {
                    self.mark_broken();
                    return Err(Error::protocol(
                        error::eexMalformedReply,
                        format!("the server asked for more of {name} than there is"),
                    ));
                }
                None => return Err(self.stray(&bytes)),
            }
        }
    }

    fn queue_literal(&mut self, data: &[u8], secret: bool) {
        let log = &self.link.conn.log;
        if secret {
            log.command("<literal>", Some("<redacted>"));
            log.command(&String::from_utf8_lossy(data), Some("<redacted>"));
        } else if data.len() <= 256 {
            log.command(&String::from_utf8_lossy(data), None);
        } else {
            log.info(LOG_F_PROTOCOL, || format!("C: ({} bytes of literal data)", data.len()));
        }
        self.link.conn.data_queue().extend_from_slice(data);
    }

    /// Waits for the "+" that lets a synchronising literal go; Some(completion) when the server
    /// refused the command instead.
    pub(crate) fn await_continuation(&mut self, tag: &str, on: Untagged, step: &str) -> Result<Option<Completion>> {
        let deadline = self.link.conn.deadline();
        loop {
            let bytes = self.read(deadline, None, step)?;
            match response::classify(&bytes, tag) {
                Some(Kind::Continuation) => return Ok(None),
                Some(Kind::Tagged) => return self.completion(&bytes, tag).map(Some),
                Some(Kind::Untagged) => self.untagged(&bytes, &mut *on)?,
                None => return Err(self.stray(&bytes)),
            }
        }
    }

    /// Reads one response; any failure breaks the session.
    pub(crate) fn read(
        &mut self,
        deadline: std::time::Instant,
        body: Option<&mut BodyTarget>,
        step: &str,
    ) -> Result<Vec<u8>> {
        let r = response::read_response(&mut self.link.conn, deadline, body, step);
        self.breaking_on_error(|_| r)
    }

    pub(crate) fn completion(&mut self, bytes: &[u8], tag: &str) -> Result<Completion> {
        match response::completion(bytes, tag) {
            Some(c) => {
                self.note_codes(&c.line);
                Ok(c)
            }
            None => {
                self.mark_broken();
                Err(Error::protocol(
                    error::eexMalformedReply,
                    format!("malformed completion: {:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(80)])),
                ))
            }
        }
    }

    fn stray(&mut self, bytes: &[u8]) -> Error {
        self.mark_broken();
        Error::protocol(
            error::eexMalformedReply,
            format!(
                "a response that is neither untagged nor the completion of the command in flight: {:?}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).trim_end()
            ),
        )
    }

    /// Response codes that change what the session knows ([CAPABILITY ...] in an OK).
    fn note_codes(&mut self, text: &str) {
        if let Some((name, args)) = response::response_code(text) {
            if name == "CAPABILITY" {
                self.caps = super::Capabilities::parse(args.split_ascii_whitespace());
            }
        }
    }

    /// An untagged response: BYE ends the session (outside LOGOUT), alerts are kept for the
    /// error text and logged, the selected mailbox's counts follow EXISTS, RECENT and EXPUNGE,
    /// CAPABILITY replaces the capabilities; then the command's own handler sees it. A response
    /// the grammar does not know is ignored.
    pub(crate) fn untagged(&mut self, bytes: &[u8], on: Untagged) -> Result<()> {
        let text = String::from_utf8_lossy(&bytes[2..]).trim_end().to_owned();
        let word = text.split(' ').next().unwrap_or("").to_ascii_uppercase();
        match word.as_str() {
            "BYE" if !self.logging_out => {
                self.mark_broken();
                return Err(Error::new(
                    error::CSMAIL_E_NETWORK,
                    error::eexImapBye,
                    format!("the server ended the session: {text}"),
                ));
            }
            // imap-proto 0.17 does not read ESEARCH: its ALL goes to the handler as SEARCH.
            "ESEARCH" => match super::search::esearch_all(&text) {
                Some(Ok(ids)) => return on(&Response::MailboxData(imap_proto::MailboxDatum::Search(ids))),
                Some(Err(e)) => {
                    self.mark_broken();
                    return Err(e);
                }
                None => {}
            },
            "OK" | "NO" | "BAD" | "BYE" => {
                if let Some((name, _)) = response::response_code(&text) {
                    if name == "ALERT" {
                        self.link.conn.log.warn(LOG_F_PROTOCOL, || format!("server alert: {text}"));
                        self.alerts.push(text.clone());
                    }
                }
                self.note_codes(&text);
            }
            _ => {}
        }
        let grammar = response::for_grammar(bytes);
        match Response::parse(&grammar) {
            Ok((_, r)) => {
                self.track(&r);
                on(&r)
            }
            Err(_) => {
                self.link.conn.log.info(LOG_F_PROTOCOL, || format!("ignored an untagged response: {text:.80}"));
                Ok(())
            }
        }
    }

    fn track(&mut self, r: &Response<'_>) {
        use imap_proto::MailboxDatum;
        match r {
            Response::Capabilities(c) => self.caps = super::Capabilities::from_proto(c),
            Response::MailboxData(MailboxDatum::Exists(n)) => {
                self.mailbox.exists = *n;
                self.events.push(super::Event::Exists(*n));
            }
            Response::MailboxData(MailboxDatum::Recent(n)) => self.mailbox.recent = *n,
            Response::Expunge(n) => {
                self.mailbox.exists = self.mailbox.exists.saturating_sub(1);
                self.events.push(super::Event::Expunge(*n));
            }
            _ => {}
        }
    }
}
