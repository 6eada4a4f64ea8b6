//! What SMTPClient and POP3Client share: properties, handlers, ErrorInfo, abort, progress, the
//! one-operation-at-a-time rule and the connect sequence up to the protocol's greeting.

use super::errorinfo::ErrorInfo;
use super::properties::*;
use super::proxyinfo::{default_tunnel_port, ProxyInfo, ProxyKind};
use super::sslinfo::SslInfo;
use super::AdvancedHandler;
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{LogHandler, Logger};
use crate::options::{SSLAllowPlaintext, SSLServerName, SslState, MODE_STARTTLS};
use crate::protocol::line::{check_command_arg, Conn};
use crate::protocol::smtp::{Mechanism, TlsPlan};
use crate::tls::cache::TlsSetupCache;
use crate::tls::config::TlsHandshakeParams;
use crate::tls::negotiated::Negotiated;
use crate::transport::connect;
use crate::transport::proxy::{self, ProxyEndpoint, TunnelKind};
use crate::transport::stream::{self, Stream};
use parking_lot::{Mutex, MutexGuard};
use std::sync::Arc;
use std::thread::{self, ThreadId};
use std::time::Duration;

/// The settable properties of a client.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub ehlo_name: String,
    pub timeout: Duration,
    pub mechanism: Mechanism,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: String::new(),
            port: 0,
            user: String::new(),
            password: String::new(),
            ehlo_name: String::new(),
            timeout: Duration::from_secs(30),
            mechanism: Mechanism::Auto,
        }
    }
}

/// A progress callback: bytes done, total when known; false stops the operation.
pub type ProgressFn = Arc<dyn Fn(u64, Option<u64>) -> bool + Send + Sync>;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Smtp,
    Pop3,
}

pub struct ClientCore {
    protocol: Protocol,
    config: Mutex<Config>,
    ssl: Mutex<Option<Arc<SslInfo>>>,
    log: Mutex<Option<Arc<LogHandler>>>,
    proxy: Mutex<Option<Arc<ProxyInfo>>>,
    error: Mutex<ErrorInfo>,
    pub abort: Arc<Abort>,
    owner: Mutex<Option<ThreadId>>,
    progress: Mutex<Option<ProgressFn>>,
    /// The TLS configuration kept between connects, so that TLS sessions resume.
    tls_setup: TlsSetupCache,
}

/// What a connect needs, taken from the client at its start.
pub struct ConnectPlan {
    /// The client's settings, with host, port and user adjusted for an application proxy.
    pub config: Config,
    pub log: Logger,
    pub tls: Option<TlsPlan>,
    /// A SOCKS or HTTP tunnel to go through.
    pub tunnel: Option<(TunnelKind, ProxyEndpoint)>,
}

fn mechanism_from(protocol: Protocol, v: i32) -> Option<Mechanism> {
    let m = match v {
        CSMAIL_AUTH_AUTO => Mechanism::Auto,
        CSMAIL_AUTH_PLAIN => Mechanism::Plain,
        CSMAIL_AUTH_LOGIN => Mechanism::Login,
        CSMAIL_AUTH_CRAM_MD5 => Mechanism::CramMd5,
        CSMAIL_AUTH_XOAUTH2 => Mechanism::XOAuth2,
        CSMAIL_AUTH_USER_PASS => Mechanism::UserPass,
        CSMAIL_AUTH_APOP => Mechanism::Apop,
        _ => return None,
    };
    let fits = match protocol {
        Protocol::Smtp => !matches!(m, Mechanism::UserPass | Mechanism::Apop),
        Protocol::Pop3 => matches!(m, Mechanism::Auto | Mechanism::Plain | Mechanism::UserPass | Mechanism::Apop),
    };
    fits.then_some(m)
}

fn mechanism_code(m: Mechanism) -> i32 {
    match m {
        Mechanism::Auto => CSMAIL_AUTH_AUTO,
        Mechanism::Plain => CSMAIL_AUTH_PLAIN,
        Mechanism::Login => CSMAIL_AUTH_LOGIN,
        Mechanism::CramMd5 => CSMAIL_AUTH_CRAM_MD5,
        Mechanism::XOAuth2 => CSMAIL_AUTH_XOAUTH2,
        Mechanism::UserPass => CSMAIL_AUTH_USER_PASS,
        Mechanism::Apop => CSMAIL_AUTH_APOP,
    }
}

fn unknown_property(p: i32) -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexUnknownOption,
        format!("unknown or read-only property {p} for this call"),
    )
}

/// The default EHLO name: the host's FQDN when it has one, else the address literal of the
/// local end of the connection (RFC 5321 4.1.4).
pub fn default_ehlo_name(tcp: &std::net::TcpStream) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    #[cfg(unix)]
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    #[cfg(not(unix))]
    let rc = -1;
    if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        if let Ok(name) = std::str::from_utf8(&buf[..end]) {
            if name.contains('.') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
                return name.to_owned();
            }
        }
    }
    match tcp.local_addr() {
        Ok(std::net::SocketAddr::V4(a)) => format!("[{}]", a.ip()),
        Ok(std::net::SocketAddr::V6(a)) => format!("[IPv6:{}]", a.ip()),
        Err(_) => "localhost".to_owned(),
    }
}

impl ClientCore {
    pub fn new(protocol: Protocol) -> ClientCore {
        ClientCore {
            protocol,
            config: Mutex::new(Config::default()),
            ssl: Mutex::new(None),
            log: Mutex::new(None),
            proxy: Mutex::new(None),
            error: Mutex::new(ErrorInfo::default()),
            abort: Arc::new(Abort::default()),
            owner: Mutex::new(None),
            progress: Mutex::new(None),
            tls_setup: TlsSetupCache::new(),
        }
    }

    pub fn error_info(&self) -> ErrorInfo {
        self.error.lock().clone()
    }

    /// Records the outcome of a call in ErrorInfo.
    pub fn record<T>(&self, r: Result<T>) -> Result<T> {
        *self.error.lock() = match &r {
            Ok(_) => ErrorInfo::default(),
            Err(e) => ErrorInfo::from(e),
        };
        if let Err(e) = &r {
            self.logger().fatal(crate::log::LOG_F_USER, || format!("error {}: {}", e.eex, e.text));
        }
        r
    }

    pub fn logger(&self) -> Logger {
        Logger::new(self.log.lock().clone())
    }

    /// Attaches a handler, replacing one of the same kind. An application proxy of the other
    /// protocol (POP3ProxyInfo on an SMTPClient) is refused.
    pub fn set_handler(&self, h: AdvancedHandler) -> Result<()> {
        match h {
            AdvancedHandler::Ssl(s) => *self.ssl.lock() = Some(s),
            AdvancedHandler::Log(l) => *self.log.lock() = Some(l),
            AdvancedHandler::Proxy(p) => {
                let fits = match p.kind() {
                    ProxyKind::Tunnel(_) => true,
                    ProxyKind::Pop3 => self.protocol == Protocol::Pop3,
                    ProxyKind::Smtp => self.protocol == Protocol::Smtp,
                };
                if !fits {
                    return Err(Error::new(
                        error::CSMAIL_E_NOT_SUPPORTED,
                        error::eexNotSupported,
                        "POP3ProxyInfo serves POP3Client and SMTPProxyInfo serves SMTPClient",
                    ));
                }
                *self.proxy.lock() = Some(p)
            }
        }
        Ok(())
    }

    /// Removes a handler if it is the one attached; returns whether it was.
    pub fn remove_handler(&self, h: &AdvancedHandler) -> bool {
        match h {
            AdvancedHandler::Ssl(s) => {
                let mut cur = self.ssl.lock();
                let same = cur.as_ref().is_some_and(|c| Arc::ptr_eq(c, s));
                if same {
                    *cur = None;
                }
                same
            }
            AdvancedHandler::Log(l) => {
                let mut cur = self.log.lock();
                let same = cur.as_ref().is_some_and(|c| Arc::ptr_eq(c, l));
                if same {
                    *cur = None;
                }
                same
            }
            AdvancedHandler::Proxy(p) => {
                let mut cur = self.proxy.lock();
                let same = cur.as_ref().is_some_and(|c| Arc::ptr_eq(c, p));
                if same {
                    *cur = None;
                }
                same
            }
        }
    }

    pub fn ssl(&self) -> Option<Arc<SslInfo>> {
        self.ssl.lock().clone()
    }

    pub fn set_progress(&self, p: Option<ProgressFn>) {
        *self.progress.lock() = p;
    }

    /// Calls the progress callback; false means the application asked to stop.
    pub fn progress_fn(&self) -> impl FnMut(u64, Option<u64>) -> bool {
        let p = self.progress.lock().clone();
        let abort = self.abort.clone();
        move |done, total| {
            if abort.is_requested() {
                return false;
            }
            match &p {
                Some(f) => f(done, total),
                None => true,
            }
        }
    }

    // ---- properties ----

    pub fn set_str(&self, prop: i32, value: &str) -> Result<()> {
        let mut c = self.config.lock();
        match prop {
            CSMAIL_PROP_HOST => {
                check_command_arg("Host", value)?;
                if value.contains(char::is_whitespace) {
                    return Err(Error::invalid_arg("Host must not contain white space"));
                }
                c.host = value.to_owned();
            }
            CSMAIL_PROP_USER => {
                check_command_arg("User", value)?;
                c.user = value.to_owned();
            }
            CSMAIL_PROP_PASSWORD => {
                check_command_arg("Password", value)?;
                c.password = value.to_owned();
            }
            CSMAIL_PROP_EHLO_NAME if self.protocol == Protocol::Smtp => {
                check_command_arg("EHLO name", value)?;
                if value.contains(char::is_whitespace) {
                    return Err(Error::invalid_arg("EHLO name must not contain white space"));
                }
                c.ehlo_name = value.to_owned();
            }
            _ => return Err(unknown_property(prop)),
        }
        Ok(())
    }

    pub fn set_int(&self, prop: i32, value: i32) -> Result<()> {
        let mut c = self.config.lock();
        match prop {
            CSMAIL_PROP_PORT => {
                c.port =
                    u16::try_from(value).map_err(|_| Error::invalid_arg(format!("port {value} is not 0..65535")))?;
            }
            CSMAIL_PROP_TIMEOUT_MS => {
                if !(1..=86_400_000).contains(&value) {
                    return Err(Error::invalid_arg(format!("timeout {value} ms is not 1..86400000")));
                }
                c.timeout = Duration::from_millis(value as u64);
            }
            CSMAIL_PROP_AUTH_MECH => {
                c.mechanism = mechanism_from(self.protocol, value).ok_or_else(|| {
                    Error::invalid_arg(format!("authentication mechanism {value} does not apply to this client"))
                })?;
            }
            _ => return Err(unknown_property(prop)),
        }
        Ok(())
    }

    /// The settable string properties (read-only ones are answered by each client).
    pub fn get_str(&self, prop: i32) -> Option<Result<String>> {
        let c = self.config.lock();
        Some(Ok(match prop {
            CSMAIL_PROP_HOST => c.host.clone(),
            CSMAIL_PROP_USER => c.user.clone(),
            CSMAIL_PROP_EHLO_NAME if self.protocol == Protocol::Smtp => c.ehlo_name.clone(),
            CSMAIL_PROP_PASSWORD => {
                return Some(Err(Error::new(
                    error::CSMAIL_E_NOT_SUPPORTED,
                    error::eexNotSupported,
                    "the password is write-only",
                )))
            }
            _ => return None,
        }))
    }

    pub fn get_int(&self, prop: i32) -> Option<i32> {
        let c = self.config.lock();
        Some(match prop {
            CSMAIL_PROP_PORT => c.port as i32,
            CSMAIL_PROP_TIMEOUT_MS => c.timeout.as_millis() as i32,
            CSMAIL_PROP_AUTH_MECH => mechanism_code(c.mechanism),
            _ => return None,
        })
    }

    // ---- operations ----

    /// Runs one operation with exclusive use of the session: a second thread gets BUSY, a
    /// callback re-entering from the operation's own thread gets REENTRANT.
    pub fn operate<S, T>(
        &self,
        session: &Mutex<Option<S>>,
        f: impl FnOnce(&mut MutexGuard<'_, Option<S>>) -> Result<T>,
    ) -> Result<T> {
        let mut guard = match session.try_lock() {
            Some(g) => g,
            None => {
                let me = thread::current().id();
                let err = if *self.owner.lock() == Some(me) {
                    Error::new(
                        error::CSMAIL_E_REENTRANT,
                        error::eexReentrant,
                        "a callback called an operation of the client that is running it",
                    )
                } else {
                    Error::new(
                        error::CSMAIL_E_BUSY,
                        error::eexBusy,
                        "another thread is running an operation on this client",
                    )
                };
                // Not recorded in ErrorInfo: it describes the running operation, not this call.
                return Err(err);
            }
        };
        *self.owner.lock() = Some(thread::current().id());
        self.abort.begin();
        let r = f(&mut guard);
        self.abort.end();
        // Recorded (and the failure logged) while the operation still owns the client, so a log
        // callback that starts another operation gets REENTRANT.
        let r = self.record(r);
        *self.owner.lock() = None;
        drop(guard);
        r
    }

    /// Records a failed property call; a successful one leaves ErrorInfo as the last
    /// operation left it (reading REPLY_CODE after a failed send must not erase the error).
    pub fn record_failure<T>(&self, r: Result<T>) -> Result<T> {
        if let Err(e) = &r {
            *self.error.lock() = ErrorInfo::from(e);
        }
        r
    }

    /// Snapshots what a connect needs; builds the TLS configuration.
    pub fn plan(&self) -> Result<ConnectPlan> {
        let mut config = self.config.lock().clone();
        if config.host.is_empty() {
            return Err(Error::invalid_arg("Host is not set"));
        }
        let proxy = self.proxy.lock().clone();
        let mut tunnel = None;
        if let Some(p) = proxy {
            let mut ep = p.endpoint();
            if ep.host.is_empty() {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexProxyException,
                    "the proxy's host is not set",
                ));
            }
            match p.kind() {
                ProxyKind::Tunnel(kind) => {
                    if ep.port == 0 {
                        ep.port = default_tunnel_port(kind);
                    }
                    tunnel = Some((kind, ep));
                }
                ProxyKind::Pop3 => {
                    // USER name@target[:port]; the proxy's timestamp would make APOP fail.
                    config.user = match config.port {
                        0 => format!("{}@{}", config.user, config.host),
                        port => format!("{}@{}:{port}", config.user, config.host),
                    };
                    config.host = ep.host;
                    config.port = ep.port;
                    if config.mechanism == Mechanism::Auto {
                        config.mechanism = Mechanism::UserPass;
                    }
                }
                ProxyKind::Smtp => {
                    config.host = ep.host;
                    config.port = ep.port;
                    if !ep.user.is_empty() {
                        config.user = ep.user;
                        config.password = ep.password;
                    }
                }
            }
        }
        let log = self.logger();
        let tls = match self.ssl() {
            None => None,
            Some(ssl) => {
                let state: SslState = ssl.snapshot();
                let tls_config = self.tls_setup.get(&state, ssl.validator(), &log)?;
                ssl.record(&Negotiated::default());
                let server_name = match state.string(SSLServerName) {
                    "" => config.host.trim_start_matches('[').trim_end_matches(']').to_owned(),
                    name => name.to_owned(),
                };
                Some(TlsPlan {
                    ctx: TlsHandshakeParams { config: tls_config, server_name, record: ssl.recorder() },
                    starttls: state.mode == MODE_STARTTLS,
                    allow_plaintext: state.flag(SSLAllowPlaintext),
                })
            }
        };
        Ok(ConnectPlan { config, log, tls, tunnel })
    }

    /// TCP connect, and the TLS handshake for implicit TLS; the protocol greeting comes next.
    pub fn open_connection(
        &self,
        plan: &ConnectPlan,
        default_port: u16,
        default_tls_port: u16,
    ) -> Result<(Conn, String)> {
        let implicit = plan.tls.as_ref().is_some_and(|t| !t.starttls);
        let port = match plan.config.port {
            0 if implicit => default_tls_port,
            0 => default_port,
            p => p,
        };
        let host = plan.config.host.trim_start_matches('[').trim_end_matches(']');
        let tcp = match &plan.tunnel {
            Some((kind, ep)) => proxy::tunnel(*kind, ep, host, port, plan.config.timeout, &self.abort, &plan.log)?,
            None => connect::connect(host, port, plan.config.timeout, &self.abort, &plan.log)?,
        };
        let ehlo =
            if plan.config.ehlo_name.is_empty() { default_ehlo_name(&tcp) } else { plan.config.ehlo_name.clone() };
        self.abort.watch(&tcp);
        let stream = match &plan.tls {
            Some(t) if implicit => stream::start_tls(tcp, &t.ctx, plan.config.timeout, &self.abort, &plan.log)?,
            _ => Stream::Plain(tcp),
        };
        Ok((Conn::new(stream, plan.log.clone(), self.abort.clone(), plan.config.timeout), ehlo))
    }
}

/// Failures while connecting are connect failures (legacy errConnect), keeping their eex;
/// timeouts, aborts, authentication and configuration errors keep their own result.
pub fn as_connect_error(e: Error) -> Error {
    match e.result {
        error::CSMAIL_E_NETWORK | error::CSMAIL_E_PROTOCOL | error::CSMAIL_E_SERVER => {
            Error { result: error::CSMAIL_E_CONNECT, ..e }
        }
        _ => e,
    }
}
