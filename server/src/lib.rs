//! csmail-server: the bundled loopback SMTP + POP3 + IMAP test server of csmail.
//!
//! A real (if small) server, used in-process by the library's tests through
//! [`start`] and by the C examples through the `csmail-server` binary. It
//! speaks SMTP (RFC 5321, with STARTTLS, AUTH, PIPELINING, SIZE) and POP3
//! (RFC 1939/2449/2595/5034) and IMAP (RFC 3501 with RFC 9051 pieces, see `imap`) on
//! plain and implicit-TLS listeners, stores mail
//! in Maildirs, and has a scripted mode ([`Script`], [`ScriptedServer`]) for
//! tests that need a misbehaving server.
//!
//! Design: blocking std::net, one thread per connection; rustls for TLS.
//! Module map: `pki` (certificates), `conn` (buffered plain/TLS connection),
//! `maildir` (storage), `sasl` (credential checks), `smtp`, `pop3`, `imap`,
//! `script` (scripted mode).

mod conn;
mod imap;
mod maildir;
mod pki;
mod pop3;
mod sasl;
mod script;
mod smtp;

pub use pki::Pki;
pub use script::{random_text, Dialect, Script, ScriptOutcome, ScriptedServer};

use std::collections::{HashMap, HashSet};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long an idle client may keep a connection before we drop it; keeps
/// forgotten connections from pinning threads forever.
pub(crate) const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// Everything the server needs to start. Build with [`ServerOptions::new`]
/// and adjust fields.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// Address to listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// Maildir root: mail for `user` goes to `<root>/<user>/new`.
    pub maildir_root: PathBuf,
    /// (user, password) pairs; default alice/alicepass and bob/bobpass. A user's OAuth2
    /// bearer token (XOAUTH2, OAUTHBEARER) is `token-` and the password: token-alicepass.
    pub users: Vec<(String, String)>,
    /// Certificates for STARTTLS/STLS and the implicit-TLS listeners.
    pub pki: Pki,
    /// Ports; 0 = ephemeral (the chosen ports are in [`RunningServer`]).
    pub smtp_port: u16,
    pub smtps_port: u16,
    pub pop3_port: u16,
    pub pop3s_port: u16,
    pub imap_port: u16,
    pub imaps_port: u16,
    /// IMAP: while STARTTLS is on offer, advertise LOGINDISABLED and refuse LOGIN and
    /// AUTHENTICATE before TLS, as Dovecot does by default (default true).
    pub imap_login_disabled: bool,
    /// Largest message accepted, advertised as SIZE (default 10_240_000).
    pub max_message_size: u64,
    /// Advertise PIPELINING in EHLO (default true).
    pub smtp_pipelining: bool,
    /// Advertise CHUNKING and accept BDAT (RFC 3030) (default false).
    pub smtp_chunking: bool,
    /// Advertise PIPELINING in CAPA (default true).
    pub pop3_pipelining: bool,
    /// Offer STARTTLS / STLS on the plain listeners (default true).
    pub offer_starttls: bool,
    /// Refuse authentication before TLS (default false).
    pub auth_requires_tls: bool,
    /// SMTP: MAIL FROM before AUTH gets 530 5.7.0 (default false).
    pub require_auth: bool,
    /// Choose the certificate from a store for an FQDN by the seed-003 rules (the client's
    /// store module), instead of `pki`'s server certificate. No eligible certificate means no
    /// TLS: STARTTLS/STLS is not advertised and the implicit-TLS listeners close connections.
    pub cert_store: Option<CertStore>,
    /// Require a client certificate issued by this CA (PEM) on every TLS connection.
    pub client_ca_pem: Option<String>,
    /// fsync every delivered message before the 250 reply (default true). The benchmark turns
    /// it off so that the disk, not the client, does not set the pace.
    pub sync_delivery: bool,
}

/// A certificate store and the name to pick a certificate for.
#[derive(Clone, Debug)]
pub struct CertStore {
    pub path: PathBuf,
    pub fqdn: String,
    /// Password of PKCS#12 files.
    pub password: String,
}

impl ServerOptions {
    /// Defaults as documented on the fields, with a freshly generated [`Pki`].
    pub fn new(maildir_root: PathBuf) -> Self {
        ServerOptions {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            maildir_root,
            users: vec![("alice".into(), "alicepass".into()), ("bob".into(), "bobpass".into())],
            pki: Pki::generate(&[]),
            smtp_port: 0,
            smtps_port: 0,
            pop3_port: 0,
            pop3s_port: 0,
            imap_port: 0,
            imaps_port: 0,
            imap_login_disabled: true,
            max_message_size: 10_240_000,
            smtp_pipelining: true,
            smtp_chunking: false,
            pop3_pipelining: true,
            offer_starttls: true,
            auth_requires_tls: false,
            require_auth: false,
            cert_store: None,
            client_ca_pem: None,
            sync_delivery: true,
        }
    }
}

/// Settings and state shared by all connections of one server.
pub(crate) struct Ctx {
    pub users: sasl::Users,
    pub root: PathBuf,
    /// None when the certificate store holds no eligible certificate: no TLS at all.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub max_size: u64,
    pub smtp_pipelining: bool,
    pub smtp_chunking: bool,
    pub pop3_pipelining: bool,
    pub offer_starttls: bool,
    pub auth_requires_tls: bool,
    pub require_auth: bool,
    pub sync_delivery: bool,
    pub imap_login_disabled: bool,
    /// Serialises the IMAP sessions' Maildir changes (UID assignment, flag renames).
    pub imap_store: Mutex<()>,
    /// TLS handshakes completed: full ones and resumed ones (tests read them through
    /// [`RunningServer::tls_handshakes`]).
    pub handshakes: Arc<HandshakeCounts>,
    /// Users whose maildir is held by a POP3 session in TRANSACTION state.
    pub locks: Mutex<HashSet<String>>,
}

/// How many TLS handshakes a server completed, full and resumed.
#[derive(Debug, Default)]
pub struct HandshakeCounts {
    full: AtomicU64,
    resumed: AtomicU64,
}

impl Ctx {
    /// Counts the handshake `conn` just completed.
    pub(crate) fn count_handshake(&self, conn: &conn::Conn) {
        match conn.tls_resumed() {
            Some(true) => self.handshakes.resumed.fetch_add(1, Ordering::Relaxed),
            Some(false) => self.handshakes.full.fetch_add(1, Ordering::Relaxed),
            None => 0,
        };
    }
}

#[derive(Clone, Copy, Debug)]
enum Proto {
    Smtp,
    Pop3,
    Imap,
}

/// Connection bookkeeping so `stop` can end everything promptly.
struct Registry {
    stopping: AtomicBool,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// A started server. Dropping it (or calling [`RunningServer::stop`]) closes
/// the listeners and every open connection.
pub struct RunningServer {
    pub smtp_port: u16,
    pub smtps_port: u16,
    pub pop3_port: u16,
    pub pop3s_port: u16,
    pub imap_port: u16,
    pub imaps_port: u16,
    /// The CA certificate clients should trust (PEM).
    pub ca_cert_pem: String,
    /// With a certificate store: the subject of the certificate chosen (None: no eligible one).
    pub certificate_subject: Option<String>,
    /// With a certificate store: the warning an expired choice gets.
    pub certificate_warning: Option<String>,
    registry: Arc<Registry>,
    listeners: Vec<(SocketAddr, JoinHandle<()>)>,
    handshakes: Arc<HandshakeCounts>,
}

impl RunningServer {
    /// TLS handshakes completed so far: (full, resumed). A resumed one is abbreviated: the
    /// server sent no certificate.
    pub fn tls_handshakes(&self) -> (u64, u64) {
        (self.handshakes.full.load(Ordering::Relaxed), self.handshakes.resumed.load(Ordering::Relaxed))
    }

    /// Stops the server: closes the listeners, shuts down open connections
    /// and waits for their threads.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if self.registry.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // Wake each blocking accept() with a throw-away connection; the
        // accept loop sees `stopping` and returns, dropping the listener.
        for (addr, handle) in self.listeners.drain(..) {
            let mut wake = addr;
            if wake.ip().is_unspecified() {
                wake.set_ip(match wake.ip() {
                    IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
                });
            }
            if TcpStream::connect_timeout(&wake, Duration::from_secs(1)).is_ok() {
                let _ = handle.join();
            }
        }
        for (_, s) in self.registry.conns.lock().unwrap().drain() {
            let _ = s.shutdown(Shutdown::Both);
        }
        loop {
            let handles: Vec<_> = std::mem::take(&mut *self.registry.threads.lock().unwrap());
            if handles.is_empty() {
                break;
            }
            for h in handles {
                let _ = h.join();
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The server's TLS configuration: `pki`'s certificate, or the one the store rules choose for
/// the FQDN (with the warning an expired choice gets); client certificates when required.
#[allow(clippy::type_complexity)]
fn tls_config(opts: &ServerOptions) -> io::Result<(Option<Arc<rustls::ServerConfig>>, Option<String>, Option<String>)> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let (chain, key, subject, warning) = match &opts.cert_store {
        None => {
            let chain: Vec<CertificateDer<'static>> =
                CertificateDer::pem_slice_iter(opts.pki.server_chain_pem.as_bytes())
                    .collect::<Result<_, _>>()
                    .map_err(|e| io::Error::other(format!("server chain: {e}")))?;
            let key = PrivateKeyDer::from_pem_slice(opts.pki.server_key_pem.as_bytes())
                .map_err(|e| io::Error::other(format!("server key: {e}")))?;
            (chain, key, None, None)
        }
        Some(store) => {
            let ids = csmail::store::load(&store.path, &store.password).map_err(io::Error::other)?;
            let now = csmail::store::now();
            match csmail::store::select(ids, &store.fqdn, csmail::store::Usage::ServerAuth, now) {
                None => return Ok((None, None, None)),
                Some(c) => {
                    let warning = c.expired.then(|| {
                        format!(
                            "the certificate chosen for {} ({}) has expired; STARTTLS is still offered",
                            store.fqdn, c.subject
                        )
                    });
                    if let Some(w) = &warning {
                        eprintln!("csmail-server: warning: {w}");
                    }
                    (c.identity.chain, c.identity.key, Some(c.subject), warning)
                }
            }
        }
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(io::Error::other)?;
    let builder = match &opts.client_ca_pem {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_slice_iter(ca.as_bytes()) {
                roots.add(c.map_err(|e| io::Error::other(format!("client CA: {e}")))?).map_err(io::Error::other)?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(io::Error::other)?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let cfg = builder.with_single_cert(chain, key).map_err(io::Error::other)?;
    Ok((Some(Arc::new(cfg)), subject, warning))
}

/// Binds all six listeners and starts serving on background threads.
pub fn start(opts: ServerOptions) -> io::Result<RunningServer> {
    std::fs::create_dir_all(&opts.maildir_root)?;
    for (u, _) in &opts.users {
        maildir::ensure(&opts.maildir_root, u)?;
    }
    let (tls, certificate_subject, certificate_warning) = tls_config(&opts)?;
    let handshakes = Arc::new(HandshakeCounts::default());
    let ctx = Arc::new(Ctx {
        users: sasl::Users(opts.users.clone()),
        root: opts.maildir_root.clone(),
        tls: tls.clone(),
        max_size: opts.max_message_size,
        smtp_pipelining: opts.smtp_pipelining,
        smtp_chunking: opts.smtp_chunking,
        pop3_pipelining: opts.pop3_pipelining,
        offer_starttls: opts.offer_starttls && tls.is_some(),
        auth_requires_tls: opts.auth_requires_tls,
        require_auth: opts.require_auth,
        sync_delivery: opts.sync_delivery,
        imap_login_disabled: opts.imap_login_disabled,
        imap_store: Mutex::new(()),
        handshakes: handshakes.clone(),
        locks: Mutex::new(HashSet::new()),
    });
    let registry = Arc::new(Registry {
        stopping: AtomicBool::new(false),
        next_id: AtomicU64::new(0),
        conns: Mutex::new(HashMap::new()),
        threads: Mutex::new(Vec::new()),
    });
    // Bind everything first so a port conflict fails start() cleanly.
    let specs = [
        (opts.smtp_port, Proto::Smtp, false),
        (opts.smtps_port, Proto::Smtp, true),
        (opts.pop3_port, Proto::Pop3, false),
        (opts.pop3s_port, Proto::Pop3, true),
        (opts.imap_port, Proto::Imap, false),
        (opts.imaps_port, Proto::Imap, true),
    ];
    let mut bound = Vec::new();
    for (port, proto, tls) in specs {
        let l = TcpListener::bind(SocketAddr::new(opts.bind, port))?;
        bound.push((l, proto, tls));
    }
    let ports: Vec<u16> = bound.iter().map(|(l, _, _)| l.local_addr().map(|a| a.port())).collect::<io::Result<_>>()?;
    let mut listeners = Vec::new();
    for (l, proto, tls) in bound {
        let addr = l.local_addr()?;
        let ctx = ctx.clone();
        let reg = registry.clone();
        let h = std::thread::Builder::new()
            .name(format!("csmail-server-accept-{}", addr.port()))
            .spawn(move || accept_loop(l, proto, tls, ctx, reg))?;
        listeners.push((addr, h));
    }
    Ok(RunningServer {
        smtp_port: ports[0],
        smtps_port: ports[1],
        pop3_port: ports[2],
        pop3s_port: ports[3],
        imap_port: ports[4],
        imaps_port: ports[5],
        ca_cert_pem: opts.pki.ca_cert_pem.clone(),
        certificate_subject,
        certificate_warning,
        registry,
        listeners,
        handshakes,
    })
}

fn accept_loop(l: TcpListener, proto: Proto, implicit_tls: bool, ctx: Arc<Ctx>, reg: Arc<Registry>) {
    loop {
        let sock = match l.accept() {
            Ok((s, _)) => s,
            Err(_) if reg.stopping.load(Ordering::SeqCst) => return,
            Err(_) => {
                // e.g. EMFILE: back off instead of spinning.
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        if reg.stopping.load(Ordering::SeqCst) {
            return;
        }
        let id = reg.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(c) = sock.try_clone() {
            reg.conns.lock().unwrap().insert(id, c);
        }
        let ctx = ctx.clone();
        let reg2 = reg.clone();
        let spawned = std::thread::Builder::new().name(format!("csmail-server-conn-{id}")).spawn(move || {
            let _ = sock.set_read_timeout(Some(IDLE_TIMEOUT));
            let _ = sock.set_write_timeout(Some(IDLE_TIMEOUT));
            let mut conn = conn::Conn::new(sock);
            let ok = !implicit_tls || ctx.tls.clone().is_some_and(|t| conn.start_tls(t).is_ok());
            if implicit_tls && ok {
                ctx.count_handshake(&conn);
            }
            if ok {
                match proto {
                    Proto::Smtp => smtp::serve(conn, &ctx),
                    Proto::Pop3 => pop3::serve(conn, &ctx),
                    Proto::Imap => imap::serve(conn, &ctx),
                }
            }
            reg2.conns.lock().unwrap().remove(&id);
        });
        match spawned {
            Ok(h) => {
                let mut threads = reg.threads.lock().unwrap();
                // Forget finished threads so the list does not grow forever.
                threads.retain(|t| !t.is_finished());
                threads.push(h);
            }
            Err(_) => {
                reg.conns.lock().unwrap().remove(&id);
            }
        }
    }
}
