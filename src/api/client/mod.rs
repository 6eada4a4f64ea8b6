//! The client both SMTPClient and POP3Client are: `Client<P>` owns the session, the published
//! state, the settings, the advanced handlers, progress, the one-operation-at-a-time rule, the
//! connect sequence up to the protocol's greeting, and the ErrorInfo policy. A protocol adds
//! only what is its own (see `Protocol`).
//!
//! One concern a file: `settings` and `mechanism_codes` (the settable properties), `published`
//! (the read-only ones), `handlers`, `progress`, `operation` (busy and re-entrancy),
//! `error_record` (ErrorInfo), `plan`, `proxy_route` and `tls_policy` (what a connect needs),
//! `open` and `ehlo_name` (the connection), `connect_error` (its failures), `protocol` (the trait).

mod connect_error;
mod ehlo_name;
mod error_record;
mod handlers;
mod mechanism_codes;
mod open;
mod operation;
mod plan;
mod progress;
mod protocol;
mod proxy_route;
mod published;
mod settings;
mod tls_policy;

pub use open::DefaultPorts;
pub use plan::ConnectPlan;
pub use progress::ProgressFn;
pub use protocol::{Protocol, ReplyOf};
pub use published::ReplyProperties;
pub use settings::{Applicable, Config};

use super::errorinfo::ErrorInfo;
use super::properties::CSMAIL_PROP_EHLO_NAME;
use super::AdvancedHandler;
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::Logger;
use crate::protocol::session::{Session, SessionParams};
use crate::tls::cache::TlsSetupCache;
use connect_error::as_connect_error;
use error_record::ErrorRecord;
use handlers::Handlers;
use operation::OperationGuard;
use parking_lot::Mutex;
use progress::{progress_reporter, ProgressSlot};
use published::Published;
use std::sync::Arc;

/// A mail client of protocol `P`: `SmtpClient` is `Client<Smtp>`, `Pop3Client` is
/// `Client<Pop3>`.
pub struct Client<P: Protocol> {
    config: Mutex<Config>,
    handlers: Handlers,
    errors: ErrorRecord,
    abort: Arc<Abort>,
    operation: OperationGuard,
    progress: ProgressSlot,
    /// The TLS configuration kept between connects, so that this client's TLS sessions resume.
    tls_setup: TlsSetupCache,
    session: Mutex<Option<P::Session>>,
    published: Mutex<Published<ReplyOf<P>>>,
}

impl<P: Protocol> Default for Client<P> {
    fn default() -> Self {
        Client {
            config: Mutex::new(Config::default()),
            handlers: Handlers::default(),
            errors: ErrorRecord::default(),
            abort: Arc::new(Abort::default()),
            operation: OperationGuard::default(),
            progress: Arc::default(),
            tls_setup: TlsSetupCache::new(),
            session: Mutex::new(None),
            published: Mutex::new(Published::default()),
        }
    }
}

impl<P: Protocol> Client<P> {
    pub fn new() -> Self {
        Self::default()
    }

    /// ExtendedError: the last call's Number, Text and OSError.
    pub fn extended_error(&self) -> ErrorInfo {
        self.errors.get()
    }

    /// SetAdvancedHandler: an SSLInfo, a LogHandler or a proxy, replacing one of the same kind.
    pub fn set_advanced_handler(&self, h: AdvancedHandler) -> Result<()> {
        self.handlers.set(h, P::APPLICATION_PROXY)
    }

    /// Detaches a handler if it is the one attached; returns whether it was.
    pub fn remove_advanced_handler(&self, h: &AdvancedHandler) -> bool {
        self.handlers.remove(h)
    }

    /// Sets (or with None clears) the progress callback of long operations. Once this returns
    /// the old callback never runs again, also in an operation already running (a call in
    /// progress on another thread is waited for); from inside that callback it is refused.
    pub fn set_progress(&self, p: Option<ProgressFn>) -> Result<()> {
        Ok(self.progress.set(p)?)
    }

    /// Ends the operation in progress from any thread; it returns CSMAIL_E_ABORTED (or
    /// DELIVERY_UNKNOWN once a message was sent), and a connection the abort shut is closed:
    /// CONNECTED reads 0 and the next call gets NOT_CONNECTED. An abort that comes while a call
    /// has been entered but its operation has not begun ends that operation as it begins; with
    /// no call in progress it does nothing. Returns whether it will end an operation.
    pub fn abort(&self) -> bool {
        self.abort.request()
    }

    /// The application let go of the client (its last C reference) while a call may still run
    /// on another thread: that call's operation ends with CSMAIL_E_ABORTED, and so does any
    /// operation begun later.
    pub(crate) fn retire(&self) {
        self.abort.retire();
    }

    /// The last reply (SMTP: code, text lines, enhanced code; POP3: the status line).
    pub fn last_reply(&self) -> ReplyOf<P> {
        self.published.lock().reply.clone()
    }

    pub fn set_str(&self, prop: i32, value: &str) -> Result<()> {
        self.config.lock().set_str(P::SETTINGS, prop, value)
    }

    pub fn set_int(&self, prop: i32, value: i32) -> Result<()> {
        self.config.lock().set_int(P::SETTINGS, prop, value)
    }

    pub fn get_str(&self, prop: i32) -> Result<String> {
        if let Some(r) = self.config.lock().get_str(P::SETTINGS, prop) {
            return r;
        }
        self.published.lock().get_str(prop)
    }

    pub fn get_int(&self, prop: i32) -> Result<i32> {
        if let Some(v) = self.config.lock().get_int(P::SETTINGS, prop) {
            return Ok(v);
        }
        self.published.lock().get_int(prop)
    }

    /// Connect: TCP, TLS or STARTTLS/STLS as SSLInfo says, then the protocol's introduction.
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
            self.published.lock().reply = Default::default();
            let plan = plan::plan(
                self.config.lock().clone(),
                self.handlers.proxy(),
                self.handlers.ssl(),
                &self.tls_setup,
                self.logger(),
            )?;
            P::check_plan(&plan)?;
            let (conn, ehlo_name) =
                open::open_connection(&plan, P::PORTS, P::SETTINGS.has(CSMAIL_PROP_EHLO_NAME), &self.abort)
                    .map_err(as_connect_error)?;
            let params = SessionParams {
                user: &plan.config.user,
                password: &plan.config.password,
                mechanism: plan.config.mechanism,
                host: plan.config.host.trim_start_matches('[').trim_end_matches(']'),
                port: open::server_port(&plan, P::PORTS),
                tls: plan.tls.clone(),
                ehlo_name: &ehlo_name,
            };
            let session = P::Session::open(conn, &params).map_err(|(e, last)| {
                self.published.lock().reply = last;
                as_connect_error(e)
            })?;
            *slot = Some(session);
            Ok(())
        })
    }

    /// Disconnect: QUIT and close. Not connected is not an error.
    pub fn disconnect(&self) -> Result<<P::Session as Session>::QuitOutcome> {
        self.with_session(false, |slot| match slot.take() {
            Some(s) => s.quit(),
            None => Ok(P::Session::quit_not_sent()),
        })
    }

    // ---- for the protocol's operations and the C API ----

    /// Marks a call on the client as entered, for as long as the value lives: an abort that
    /// comes before its operation begins still ends it (see `crate::abort`).
    pub(crate) fn enter(&self) -> crate::abort::Entry<'_> {
        self.abort.enter()
    }

    pub(crate) fn logger(&self) -> Logger {
        self.handlers.logger()
    }

    /// Records a failed property call in ErrorInfo (see `error_record`).
    pub(crate) fn record_failure<T>(&self, r: Result<T>) -> Result<T> {
        self.errors.failure(r)
    }

    /// Records a call that failed before its operation started, as an operation's failure.
    pub(crate) fn refuse<T>(&self, e: Error) -> Result<T> {
        self.errors.operation(Err(e), &self.logger())
    }

    /// The progress function for an operation starting now.
    pub(crate) fn progress_reporter(&self) -> impl FnMut(u64, Option<u64>) -> bool {
        progress_reporter(self.progress.clone(), self.abort.clone())
    }

    /// Runs an operation on the connected session.
    pub(crate) fn with_connected<T>(&self, f: impl FnOnce(&mut P::Session) -> Result<T>) -> Result<T> {
        self.with_session(true, |slot| f(slot.as_mut().expect("with_session checked the connection")))
    }

    /// Runs one operation with exclusive use of the session (BUSY, REENTRANT), records its
    /// outcome, publishes the session's state and drops a session whose protocol state became
    /// unknown.
    pub(crate) fn with_session<T>(
        &self,
        need_connection: bool,
        f: impl FnOnce(&mut Option<P::Session>) -> Result<T>,
    ) -> Result<T> {
        let _call = self.abort.enter();
        let log = self.logger();
        let limits = self.config.lock().limits();
        self.operation.run(
            &self.session,
            &self.abort,
            limits,
            |slot, op| {
                if need_connection && slot.is_none() {
                    return Err(Error::not_connected());
                }
                let r = f(slot).map_err(|e| op.attribute(e));
                // No abort lands after this. One that shut the socket leaves the session
                // unusable even when the operation's outcome was already in: it is closed
                // below, so CONNECTED never says 1 of a dead connection.
                if op.finish() {
                    if let Some(s) = slot.as_mut() {
                        s.mark_broken();
                    }
                }
                self.publish(slot);
                r
            },
            |r| self.errors.operation(r, &log),
        )
    }

    fn publish(&self, slot: &mut Option<P::Session>) {
        if let Some(s) = slot.as_ref() {
            let mut p = self.published.lock();
            p.connected = true;
            p.tls = s.is_tls();
            // Written over in place (every operation publishes): no new allocations.
            p.capabilities.clear();
            for (i, line) in s.capability_lines().iter().enumerate() {
                if i > 0 {
                    p.capabilities.push('\n');
                }
                p.capabilities.push_str(line);
            }
            p.reply.clone_from(s.last_reply());
        }
        if slot.as_ref().is_some_and(|s| s.is_broken()) {
            if let Some(s) = slot.take() {
                s.close();
            }
        }
        if slot.is_none() {
            let mut p = self.published.lock();
            p.connected = false;
            p.tls = false;
        }
    }
}

#[cfg(test)]
mod third_protocol_tests;
