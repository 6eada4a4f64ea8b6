//! The POP3Client object.

use super::client_core::{as_connect_error, ClientCore, Protocol};
use super::properties::*;
use super::{AdvancedHandler, ErrorInfo};
use crate::error::{self, Error, Result};
use crate::protocol::pop3::{Pop3Params, Pop3Session};
use crate::protocol::source::{FileSink, MessageSink};
use parking_lot::Mutex;

#[derive(Default)]
struct Published {
    connected: bool,
    tls: bool,
    capabilities: String,
    reply: String,
}

pub struct Pop3Client {
    core: ClientCore,
    session: Mutex<Option<Pop3Session>>,
    published: Mutex<Published>,
}

impl Default for Pop3Client {
    fn default() -> Self {
        Pop3Client {
            core: ClientCore::new(Protocol::Pop3),
            session: Mutex::new(None),
            published: Mutex::new(Published::default()),
        }
    }
}

fn check_number(n: u32) -> Result<()> {
    if n == 0 {
        return Err(Error::invalid_arg("POP3 message numbers start at 1"));
    }
    Ok(())
}

impl Pop3Client {
    pub fn new() -> Pop3Client {
        Pop3Client::default()
    }

    pub fn core(&self) -> &ClientCore {
        &self.core
    }

    pub fn extended_error(&self) -> ErrorInfo {
        self.core.error_info()
    }

    pub fn set_advanced_handler(&self, h: AdvancedHandler) -> Result<()> {
        self.core.set_handler(h)
    }

    pub fn set_str(&self, prop: i32, value: &str) -> Result<()> {
        self.core.set_str(prop, value)
    }

    pub fn set_int(&self, prop: i32, value: i32) -> Result<()> {
        self.core.set_int(prop, value)
    }

    pub fn get_str(&self, prop: i32) -> Result<String> {
        if let Some(r) = self.core.get_str(prop) {
            return r;
        }
        let p = self.published.lock();
        Ok(match prop {
            CSMAIL_PROP_REPLY_TEXT => p.reply.clone(),
            CSMAIL_PROP_CAPABILITIES => p.capabilities.clone(),
            _ => {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexUnknownOption,
                    format!("unknown string property {prop}"),
                ))
            }
        })
    }

    pub fn get_int(&self, prop: i32) -> Result<i32> {
        if let Some(v) = self.core.get_int(prop) {
            return Ok(v);
        }
        let p = self.published.lock();
        Ok(match prop {
            CSMAIL_PROP_CONNECTED => p.connected as i32,
            CSMAIL_PROP_TLS_ACTIVE => p.tls as i32,
            _ => {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexUnknownOption,
                    format!("unknown integer property {prop}"),
                ))
            }
        })
    }

    pub fn abort(&self) -> bool {
        self.core.abort.request()
    }

    fn with_session<T>(&self, f: impl FnOnce(&mut Pop3Session) -> Result<T>) -> Result<T> {
        self.core.operate(&self.session, |slot| {
            let Some(s) = slot.as_mut() else { return Err(Error::not_connected()) };
            let r = f(s);
            self.publish(slot);
            r
        })
    }

    fn publish(&self, slot: &mut Option<Pop3Session>) {
        if slot.as_ref().is_some_and(|s| s.broken) {
            if let Some(s) = slot.take() {
                s.close();
            }
        }
        let mut p = self.published.lock();
        match slot.as_ref() {
            Some(s) => {
                p.connected = true;
                p.tls = s.is_tls();
                p.capabilities = s.caps.lines.join("\n");
                p.reply = s.last.clone();
            }
            None => {
                p.connected = false;
                p.tls = false;
            }
        }
    }

    /// Connect: TCP, TLS or STLS as SSLInfo says, greeting, CAPA, login.
    pub fn connect(&self) -> Result<()> {
        self.core.operate(&self.session, |slot| {
            if slot.is_some() {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexAlreadyConnected,
                    "already connected; Disconnect first",
                ));
            }
            self.published.lock().reply.clear();
            let plan = self.core.plan()?;
            if plan.config.user.is_empty() {
                return Err(Error::invalid_arg("User is not set (POP3 needs a login)"));
            }
            let (conn, _) = self.core.open_connection(&plan, 110, 995).map_err(as_connect_error)?;
            let params = Pop3Params {
                user: &plan.config.user,
                password: &plan.config.password,
                mechanism: plan.config.mechanism,
                tls: plan.tls.clone(),
            };
            let session = Pop3Session::open(conn, &params).map_err(|(e, last)| {
                self.published.lock().reply = last;
                as_connect_error(e)
            })?;
            **slot = Some(session);
            self.publish(slot);
            Ok(())
        })
    }

    /// STAT: (message count, mailbox size in bytes).
    pub fn stat(&self) -> Result<(u32, u64)> {
        self.with_session(|s| s.stat())
    }

    /// LIST n: the size of message n.
    pub fn message_size(&self, n: u32) -> Result<u64> {
        if let Err(e) = check_number(n) {
            return self.core.record(Err(e));
        }
        self.with_session(|s| s.list(n))
    }

    /// UIDL n: the unique id of message n.
    pub fn uid(&self, n: u32) -> Result<String> {
        if let Err(e) = check_number(n) {
            return self.core.record(Err(e));
        }
        self.with_session(|s| s.uidl(n))
    }

    /// UIDL: every (number, unique id).
    pub fn uids(&self) -> Result<Vec<(u32, String)>> {
        self.with_session(|s| s.uidl_all())
    }

    /// RETR n into a sink; returns the bytes written.
    pub fn retrieve(&self, n: u32, sink: &mut dyn MessageSink) -> Result<u64> {
        if let Err(e) = check_number(n) {
            return self.core.record(Err(e));
        }
        let mut progress = self.core.progress_fn();
        self.with_session(|s| s.retr(n, sink, None, &mut progress))
    }

    /// TOP n lines: the headers and the first `lines` body lines.
    pub fn top(&self, n: u32, lines: u32, sink: &mut dyn MessageSink) -> Result<u64> {
        if let Err(e) = check_number(n) {
            return self.core.record(Err(e));
        }
        let mut progress = self.core.progress_fn();
        self.with_session(|s| s.top(n, lines, sink, &mut progress))
    }

    /// RETR n (or TOP n lines) into a file, synced to disk; on failure the partial file is removed.
    pub fn retrieve_file(&self, n: u32, path: &str, top_lines: Option<u32>) -> Result<u64> {
        let mut sink = match FileSink::create(path) {
            Ok(s) => s,
            Err(e) => {
                let err = Error::new(error::CSMAIL_E_IO, error::eexMessageSink, format!("cannot create {path}: {e}"))
                    .with_os(&e);
                return self.core.record(Err(err));
            }
        };
        let r = match top_lines {
            Some(lines) => self.top(n, lines, &mut sink),
            None => self.retrieve(n, &mut sink),
        };
        if r.is_err() {
            drop(sink);
            let _ = std::fs::remove_file(path);
        }
        r
    }

    /// Retrieves several messages (pipelined when the server allows), each into the sink
    /// `open(n)` returns; deletes each after retrieval when `delete` is set.
    pub fn retrieve_many(
        &self,
        numbers: &[u32],
        delete: bool,
        open: &mut dyn FnMut(u32) -> Box<dyn MessageSink>,
    ) -> Result<()> {
        if let Some(e) = numbers.iter().find_map(|&n| check_number(n).err()) {
            return self.core.record(Err(e));
        }
        let mut progress = self.core.progress_fn();
        self.with_session(|s| s.retrieve_many(numbers, delete, open, &mut progress))
    }

    /// DELE n (committed by Disconnect).
    pub fn delete(&self, n: u32) -> Result<()> {
        if let Err(e) = check_number(n) {
            return self.core.record(Err(e));
        }
        self.with_session(|s| s.dele(n))
    }

    /// RSET: undoes the deletions of this session.
    pub fn reset(&self) -> Result<()> {
        self.with_session(|s| s.rset())
    }

    /// NOOP.
    pub fn noop(&self) -> Result<()> {
        self.with_session(|s| s.noop())
    }

    /// Disconnect: QUIT; returns whether the server confirmed it, which commits the deletions.
    pub fn disconnect(&self) -> Result<bool> {
        self.core.operate(&self.session, |slot| {
            let r = match slot.take() {
                Some(s) => s.quit(),
                None => Ok(false),
            };
            self.publish(slot);
            r
        })
    }
}
