//! The SMTPClient object.

use super::client_core::{as_connect_error, ClientCore, Protocol};
use super::properties::*;
use super::AdvancedHandler;
use super::ErrorInfo;
use crate::error::{self, Error, Result};
use crate::protocol::smtp::{check_address, Reply, SmtpParams, SmtpSession};
use crate::protocol::source::MessageSource;
use parking_lot::Mutex;

pub struct SmtpClient {
    core: ClientCore,
    session: Mutex<Option<SmtpSession>>,
    /// Copies kept outside the session lock, so a callback can read them mid-operation.
    last_reply: Mutex<Reply>,
    state: Mutex<(bool, bool, String)>,
}

impl Default for SmtpClient {
    fn default() -> Self {
        SmtpClient {
            core: ClientCore::new(Protocol::Smtp),
            session: Mutex::new(None),
            last_reply: Mutex::new(Reply::default()),
            state: Mutex::new((false, false, String::new())),
        }
    }
}

impl SmtpClient {
    pub fn new() -> SmtpClient {
        SmtpClient::default()
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
        let reply = self.last_reply.lock();
        Ok(match prop {
            CSMAIL_PROP_REPLY_TEXT => reply.text(),
            CSMAIL_PROP_REPLY_ENHANCED => reply.enhanced.clone(),
            CSMAIL_PROP_CAPABILITIES => self.state.lock().2.clone(),
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
        Ok(match prop {
            CSMAIL_PROP_REPLY_CODE => self.last_reply.lock().code as i32,
            CSMAIL_PROP_CONNECTED => self.state.lock().0 as i32,
            CSMAIL_PROP_TLS_ACTIVE => self.state.lock().1 as i32,
            _ => {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexUnknownOption,
                    format!("unknown integer property {prop}"),
                ))
            }
        })
    }

    /// The last reply (code, text lines, enhanced code).
    pub fn last_reply(&self) -> Reply {
        self.last_reply.lock().clone()
    }

    /// Ends the operation in progress from any thread; it returns CSMAIL_E_ABORTED.
    pub fn abort(&self) -> bool {
        self.core.abort.request()
    }

    /// Runs an operation on the session, then publishes reply and state, and drops a session
    /// whose protocol state became unknown.
    fn with_session<T>(
        &self,
        need_connection: bool,
        f: impl FnOnce(&mut Option<SmtpSession>) -> Result<T>,
    ) -> Result<T> {
        self.core.operate(&self.session, |slot| {
            if need_connection && slot.is_none() {
                return Err(Error::not_connected());
            }
            let r = f(slot);
            if let Some(s) = slot.as_ref() {
                *self.last_reply.lock() = s.last.clone();
                *self.state.lock() = (true, s.is_tls(), s.ext.lines.join("\n"));
            }
            if slot.as_ref().is_some_and(|s| s.broken) {
                if let Some(s) = slot.take() {
                    s.close();
                }
            }
            if slot.is_none() {
                let mut st = self.state.lock();
                st.0 = false;
                st.1 = false;
            }
            r
        })
    }

    /// Connect: TCP, TLS or STARTTLS as SSLInfo says, greeting, EHLO (HELO fallback), AUTH when
    /// a user name is set.
    pub fn connect(&self) -> Result<()> {
        self.with_session(false, |slot| {
            if slot.is_some() {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexAlreadyConnected,
                    "already connected; Disconnect first",
                ));
            }
            // A new connect: nothing of the last session's replies stays visible.
            *self.last_reply.lock() = Reply::default();
            let plan = self.core.plan()?;
            let (conn, ehlo) = self.core.open_connection(&plan, 25, 465).map_err(as_connect_error)?;
            let params = SmtpParams {
                ehlo_name: &ehlo,
                user: &plan.config.user,
                password: &plan.config.password,
                mechanism: plan.config.mechanism,
                tls: plan.tls.clone(),
            };
            let session = SmtpSession::open(conn, &params).map_err(|(e, last)| {
                *self.last_reply.lock() = last;
                as_connect_error(e)
            })?;
            *slot = Some(session);
            Ok(())
        })
    }

    /// Send: one message from `source` to every recipient, or to none.
    pub fn send(&self, from: &str, recipients: &[&str], source: &mut dyn MessageSource) -> Result<()> {
        let checked = (|| {
            check_address("sender", from)?;
            if recipients.is_empty() {
                return Err(Error::invalid_arg("no recipients"));
            }
            for r in recipients {
                if r.is_empty() {
                    return Err(Error::invalid_arg("empty recipient"));
                }
                check_address("recipient", r)?;
            }
            Ok(())
        })();
        if let Err(e) = checked {
            return self.core.record(Err(e));
        }
        let mut progress = self.core.progress_fn();
        self.with_session(true, |slot| {
            let s = slot.as_mut().expect("connected");
            s.send(from, recipients, source, &mut progress)
        })
    }

    /// Reset: RSET.
    pub fn reset(&self) -> Result<()> {
        self.with_session(true, |slot| slot.as_mut().expect("connected").reset())
    }

    /// Disconnect: QUIT and close. Not connected is not an error.
    pub fn disconnect(&self) -> Result<()> {
        self.with_session(false, |slot| match slot.take() {
            Some(s) => s.quit(),
            None => Ok(()),
        })
    }
}
