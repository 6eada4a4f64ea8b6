//! Proxy handlers against REAL proxies from Debian — Dante (SOCKS4, SOCKS5), microsocks (SOCKS5)
//! and tinyproxy (HTTP CONNECT) — started on loopback by `scripts/proxies.sh start`, with the
//! bundled mail server (in-process, `Fixture`) as the target.
//!
//! Every test is ignored by default; run them with `scripts/test-real-proxies.sh`, or:
//!
//! ```sh
//! scripts/proxies.sh install && scripts/proxies.sh start
//! cargo test --test real_proxies -- --ignored --test-threads=1
//! scripts/proxies.sh stop
//! ```
//!
//! Ports come from `$CSMAIL_PROXY_DIR/ports` (default /tmp/csmail-proxies); the credentials are
//! the fixed ones documented in scripts/proxies.sh. Some assertions read a proxy's own log in the
//! same directory, to see what the proxy was really asked for (a name or an address); they look
//! only at the lines written since the test began and for the test's own target ports, so the
//! tests also pass in parallel (the script runs them one at a time, which keeps the logs readable).
//!
//! The working cases send a message over STARTTLS or implicit TLS through the proxy and fetch it
//! back over POP3S through the proxy; TLS verifies the target's name ("localhost", or "::1" for
//! the IPv6 target), never the proxy's.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::proxyinfo::*;
use csmail::api::{AdvancedHandler, ProxyInfo};
use csmail::error::*;
use csmail::log::LOG_F_PROXY;
use csmail::options::*;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, TcpListener};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Dante's `socksmethod: username` checks system users: scripts/proxies.sh install creates this one.
const DANTE_USER: &str = "csproxyuser";
const DANTE_PASS: &str = "csproxy-Pa55";
const MS_USER: &str = "msuser";
const MS_PASS: &str = "ms-Secret-1";
const TP_USER: &str = "tpuser";
const TP_PASS: &str = "tp-Secret-1";
/// A password no proxy accepts.
const WRONG_PASS: &str = "wrong-Pa55-xyz";

/// The running proxies, as scripts/proxies.sh wrote them down.
struct Proxies {
    dir: PathBuf,
    ports: HashMap<String, u16>,
}

fn proxies() -> Proxies {
    let dir = PathBuf::from(std::env::var("CSMAIL_PROXY_DIR").unwrap_or_else(|_| "/tmp/csmail-proxies".into()));
    let file = dir.join("ports");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!("{}: {e} — run `scripts/proxies.sh install && scripts/proxies.sh start`", file.display())
    });
    let ports = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().parse().unwrap_or_else(|_| panic!("bad line in ports: {k}={v}"))))
        .collect();
    Proxies { dir, ports }
}

impl Proxies {
    fn port(&self, name: &str) -> u16 {
        *self.ports.get(name).unwrap_or_else(|| panic!("no {name} in {}/ports", self.dir.display()))
    }

    /// Where the proxy's own log (NAME.log in the state directory) ends now.
    fn mark(&self, name: &str) -> usize {
        std::fs::metadata(self.dir.join(format!("{name}.log"))).map(|m| m.len() as usize).unwrap_or(0)
    }

    /// The proxy's log from `mark` on, once `pred` holds for it: the proxies write their lines
    /// from their own processes, possibly just after the client has seen the reply, so this
    /// waits (5 s at most) and panics with `what` and the log when it never holds.
    #[track_caller]
    fn wait_log(&self, name: &str, mark: usize, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let bytes = std::fs::read(self.dir.join(format!("{name}.log"))).unwrap_or_default();
            let log = String::from_utf8_lossy(bytes.get(mark..).unwrap_or_default()).into_owned();
            if pred(&log) {
                return log;
            }
            if Instant::now() >= deadline {
                panic!("{name}.log does not show {what}:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A ProxyInfo of `kind` for the proxy `name` listening on `host`, with optional credentials.
    fn info(&self, kind: i32, name: &str, host: &str, creds: Option<(&str, &str)>) -> Arc<ProxyInfo> {
        let p = Arc::new(ProxyInfo::new(kind).unwrap());
        p.set_str(CSMAIL_PROP_HOST, host).unwrap();
        p.set_int(CSMAIL_PROP_PORT, self.port(name) as i32).unwrap();
        if let Some((u, pw)) = creds {
            p.set_str(CSMAIL_PROP_USER, u).unwrap();
            p.set_str(CSMAIL_PROP_PASSWORD, pw).unwrap();
        }
        p
    }
}

/// How the message goes out: SMTP with STARTTLS (MODE_STARTTLS) or SMTPS (MODE_CHANNEL).
#[derive(Clone, Copy, Debug)]
enum Tls {
    StartTls,
    Implicit,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

/// Sends a message to bob through `p` over `tls`, then fetches (and deletes) it over POP3S through
/// `p`, both connections to `target` (the bundled server's name or address). Asserts that TLS was on
/// and the target's certificate verified, that the proxy tunnel was logged, and returns the log.
fn round_trip(fx: &Fixture, p: &Arc<ProxyInfo>, tls: Tls, target: &str) -> LogLines {
    let (log, lines) = collecting_log();
    let (port, mode) = match tls {
        Tls::StartTls => (fx.server.smtp_port, MODE_STARTTLS),
        Tls::Implicit => (fx.server.smtps_port, MODE_CHANNEL),
    };
    let ssl = fx.ssl(mode);
    let smtp = fx.smtp(port, Some(ssl.clone()));
    smtp.set_str(CSMAIL_PROP_HOST, target).unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Proxy(p.clone())).unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Log(log.clone())).unwrap();
    smtp.connect().unwrap_or_else(|e| panic!("SMTP ({tls:?}) connect to {target}:{port}: {e}\n{:#?}", lines.lock()));
    assert_eq!(smtp.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1, "SMTP without TLS");
    assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID, "SMTP certificate of {target}");
    let body = format!(
        "Subject: real proxy test {} {}\r\n\r\nthrough a real proxy ({tls:?})\r\n",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    );
    smtp.send("alice@example.com", &["bob@example.com"], &mut body.as_bytes()).unwrap();
    smtp.disconnect().unwrap();

    let pssl = fx.ssl(MODE_CHANNEL);
    let pop = fx.pop3(fx.server.pop3s_port, Some(pssl.clone()), "bob", "bobpass");
    pop.set_str(CSMAIL_PROP_HOST, target).unwrap();
    pop.set_advanced_handler(AdvancedHandler::Proxy(p.clone())).unwrap();
    pop.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    pop.connect().unwrap_or_else(|e| panic!("POP3S connect to {target}: {e}\n{:#?}", lines.lock()));
    assert_eq!(pop.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1, "POP3 without TLS");
    assert_eq!(pssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID, "POP3 certificate of {target}");
    let (n, _) = pop.stat().unwrap();
    assert_eq!(n, 1, "bob's mailbox");
    let mut got = Vec::new();
    pop.retrieve(1, &mut got).unwrap();
    assert_eq!(show(&got), show(body.as_bytes()));
    // Leave the mailbox empty for the next round trip of the same test.
    pop.delete(1).unwrap();
    assert!(pop.disconnect().unwrap(), "the deletion was not committed");

    for port in [port, fx.server.pop3s_port] {
        let open = format!("tunnel to {target}:{port} open");
        assert!(lines.lock().iter().any(|l| l.1 == LOG_F_PROXY && l.2 == open), "no {open:?} in {:#?}", lines.lock());
    }
    lines
}

/// Asserts that no log line contains any of `secrets`.
#[track_caller]
fn assert_no_secrets(lines: &LogLines, secrets: &[&str]) {
    let lines = lines.lock();
    assert!(!lines.is_empty(), "nothing was logged");
    for l in lines.iter() {
        for s in secrets {
            assert!(!l.2.contains(s), "secret {s:?} in the log: {l:?}");
        }
    }
}

/// The Basic token for user:password, which must not reach the log either.
fn basic(user: &str, pass: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
}

/// An SMTP connect to `target:port` through `p` that must fail with exactly `result` / `eex`;
/// the client's ErrorInfo must tell the same. Returns the error and the log.
#[track_caller]
fn connect_fails(fx: &Fixture, p: Arc<ProxyInfo>, target: &str, port: u16, result: i32, eex: i32) -> (Error, LogLines) {
    let smtp = fx.smtp(port, Some(fx.ssl(MODE_STARTTLS)));
    smtp.set_str(CSMAIL_PROP_HOST, target).unwrap();
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 5_000).unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    let e = expect_err(smtp.connect(), result, eex);
    assert_info(&smtp.extended_error(), &e);
    assert_eq!(smtp.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    (e, lines)
}

/// Whether Dante's log shows a session it passed to `addr`.`port` (its lines end with
/// "client-address proxy-address -> external-address target-address", addresses as ip.port).
fn dante_passed(log: &str, addr: &str, port: u16) -> bool {
    let target = format!(" {addr}.{port}");
    log.lines().any(|l| l.contains(": pass(") && l.contains("tcp/connect [") && l.ends_with(&target))
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

// ------------------------------------------------------------------------------------------
// Working tunnels.
// ------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks4_dante_implicit_tls() {
    let px = proxies();
    let fx = Fixture::start();
    // SOCKS4: "localhost" is resolved here; the USER is the SOCKS4 user id (Dante does no identd).
    let p = px.info(CSMAIL_PROXY_SOCKS4, "dante", "127.0.0.1", None);
    p.set_str(CSMAIL_PROP_USER, "ident-user").unwrap();
    let mark = px.mark("dante");
    round_trip(&fx, &p, Tls::Implicit, "localhost");
    round_trip(&fx, &p, Tls::StartTls, "localhost");
    for port in [fx.server.smtps_port, fx.server.smtp_port, fx.server.pop3s_port] {
        px.wait_log("dante", mark, &format!("a session to 127.0.0.1:{port}"), |l| dante_passed(l, "127.0.0.1", port));
    }
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks4a_dante_has_no_socks4a() {
    let px = proxies();
    let fx = Fixture::start();
    // Dante 1.4.2 does not implement SOCKS4a: it takes the 0.0.0.1 marker that csmail sends for
    // a name as the destination address, fails to connect to it ("connect(2) to 0.0.0.1.PORT
    // ... failed: Invalid argument" in its log) and answers 0x5B. csmail reports that refusal
    // exactly: CSMAIL_E_CONNECT / eexProxyRequestfailed.
    let p = px.info(CSMAIL_PROXY_SOCKS4A, "dante", "127.0.0.1", None);
    let port = fx.server.smtps_port;
    let mark = px.mark("dante");
    let (e, _) = connect_fails(&fx, p.clone(), "localhost", port, CSMAIL_E_CONNECT, eexProxyRequestfailed);
    assert_eq!(e.text, "the SOCKS4 proxy rejected the request (0x5B)");
    let marker = format!("connect(2) to 0.0.0.1.{port} ");
    px.wait_log("dante", mark, "the SOCKS4a request taken as address 0.0.0.1", |l| l.contains(&marker));
    // With an address as the target there is nothing for the proxy to resolve: the SOCKS4a
    // handler sends a plain SOCKS4 request and the tunnel works (TLS checks the IP SAN).
    round_trip(&fx, &p, Tls::Implicit, "127.0.0.1");
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_dante_no_auth_starttls() {
    let px = proxies();
    let fx = Fixture::start();
    let p = px.info(CSMAIL_PROXY_SOCKS5, "dante", "127.0.0.1", None);
    let lines = round_trip(&fx, &p, Tls::StartTls, "localhost");
    assert!(lines.lock().iter().any(|l| l.2 == "SOCKS5 reply code 0"), "{:#?}", lines.lock());
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_microsocks_no_auth_implicit_tls() {
    let px = proxies();
    let fx = Fixture::start();
    let p = px.info(CSMAIL_PROXY_SOCKS5, "microsocks", "127.0.0.1", None);
    round_trip(&fx, &p, Tls::Implicit, "localhost");
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_dante_user_password() {
    let px = proxies();
    let fx = Fixture::start();
    let p = px.info(CSMAIL_PROXY_SOCKS5, "dante_auth", "127.0.0.1", Some((DANTE_USER, DANTE_PASS)));
    let mark = px.mark("dante_auth");
    let lines = round_trip(&fx, &p, Tls::StartTls, "localhost");
    assert_no_secrets(&lines, &[DANTE_PASS]);
    assert!(
        lines
            .lock()
            .iter()
            .any(|l| l.2 == format!("SOCKS5 user/password authentication as {DANTE_USER} (password <redacted>)")),
        "{:#?}",
        lines.lock()
    );
    // Dante logs the authenticated user with each session it passes.
    let user = format!("username%{DANTE_USER}@");
    let port = fx.server.smtp_port;
    px.wait_log("dante_auth", mark, &format!("a session of {DANTE_USER} to port {port}"), |log| {
        log.lines().any(|l| l.contains(&user) && l.ends_with(&format!(" 127.0.0.1.{port}")))
    });
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_microsocks_user_password() {
    let px = proxies();
    let fx = Fixture::start();
    let p = px.info(CSMAIL_PROXY_SOCKS5, "microsocks_auth", "127.0.0.1", Some((MS_USER, MS_PASS)));
    let lines = round_trip(&fx, &p, Tls::Implicit, "localhost");
    assert_no_secrets(&lines, &[MS_PASS]);
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_remote_dns_sends_the_name() {
    let px = proxies();
    let fx = Fixture::start();
    // CSMAIL_PROP_PROXY_REMOTE_DNS is 1 by default: the proxy gets "localhost" and resolves it.
    // microsocks logs what it was asked for: "connected to localhost:PORT".
    let p = px.info(CSMAIL_PROXY_SOCKS5, "microsocks", "127.0.0.1", None);
    assert_eq!(p.get_int(CSMAIL_PROP_PROXY_REMOTE_DNS).unwrap(), 1);
    let mark = px.mark("microsocks");
    round_trip(&fx, &p, Tls::StartTls, "localhost");
    for port in [fx.server.smtp_port, fx.server.pop3s_port] {
        let name = format!("connected to localhost:{port}\n");
        let log = px.wait_log("microsocks", mark, &name, |l| l.contains(&name));
        assert!(!log.contains(&format!("connected to 127.0.0.1:{port}\n")), "{log}");
    }
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_local_dns_sends_the_address() {
    let px = proxies();
    let fx = Fixture::start();
    // REMOTE_DNS 0: csmail resolves "localhost" (127.0.0.1 here) and sends the address; TLS
    // still verifies the name "localhost".
    let p = px.info(CSMAIL_PROXY_SOCKS5, "microsocks_auth", "127.0.0.1", Some((MS_USER, MS_PASS)));
    p.set_int(CSMAIL_PROP_PROXY_REMOTE_DNS, 0).unwrap();
    let mark = px.mark("microsocks_auth");
    round_trip(&fx, &p, Tls::Implicit, "localhost");
    for port in [fx.server.smtps_port, fx.server.pop3s_port] {
        let addr = format!("connected to 127.0.0.1:{port}\n");
        let log = px.wait_log("microsocks_auth", mark, &addr, |l| l.contains(&addr));
        assert!(!log.contains(&format!("connected to localhost:{port}\n")), "{log}");
    }
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn http_connect_tinyproxy_no_auth() {
    let px = proxies();
    let fx = Fixture::start();
    let p = px.info(CSMAIL_PROXY_HTTP, "tinyproxy", "127.0.0.1", None);
    let lines = round_trip(&fx, &p, Tls::StartTls, "localhost");
    assert!(lines.lock().iter().any(|l| l.2 == "S: HTTP/1.0 200 Connection established"), "{:#?}", lines.lock());
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn http_connect_tinyproxy_basic_auth() {
    let px = proxies();
    let fx = Fixture::start();
    let p = px.info(CSMAIL_PROXY_HTTP, "tinyproxy_auth", "127.0.0.1", Some((TP_USER, TP_PASS)));
    let lines = round_trip(&fx, &p, Tls::Implicit, "localhost");
    assert_no_secrets(&lines, &[TP_PASS, &basic(TP_USER, TP_PASS)]);
    let connect =
        format!("C: CONNECT localhost:{} HTTP/1.1 (Proxy-Authorization: Basic <redacted>)", fx.server.smtps_port);
    assert!(lines.lock().iter().any(|l| l.2 == connect), "{:#?}", lines.lock());
}

// ------------------------------------------------------------------------------------------
// IPv6: the proxy listens on ::1 and the bundled server on ::1 (its certificate names ::1).
// ------------------------------------------------------------------------------------------

fn ipv6_fixture() -> Fixture {
    Fixture::with(|o| o.bind = IpAddr::V6(Ipv6Addr::LOCALHOST))
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn ipv6_socks5_dante_to_an_ipv6_target() {
    let px = proxies();
    let fx = ipv6_fixture();
    // Proxy at [::1], target ::1: SOCKS5 address type 4; Dante connects from its `external` ::1.
    let p = px.info(CSMAIL_PROXY_SOCKS5, "dante_auth", "::1", Some((DANTE_USER, DANTE_PASS)));
    let mark = px.mark("dante_auth");
    let lines = round_trip(&fx, &p, Tls::StartTls, "::1");
    assert_no_secrets(&lines, &[DANTE_PASS]);
    for port in [fx.server.smtp_port, fx.server.pop3s_port] {
        px.wait_log("dante_auth", mark, &format!("a session to [::1]:{port}"), |l| dante_passed(l, "::1", port));
    }
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn ipv6_http_connect_tinyproxy_to_an_ipv6_target() {
    let px = proxies();
    let fx = ipv6_fixture();
    // CONNECT [::1]:PORT to tinyproxy listening on [::1].
    let p = px.info(CSMAIL_PROXY_HTTP, "tinyproxy_auth", "[::1]", Some((TP_USER, TP_PASS)));
    let lines = round_trip(&fx, &p, Tls::Implicit, "::1");
    assert_no_secrets(&lines, &[TP_PASS, &basic(TP_USER, TP_PASS)]);
    let connect = format!("C: CONNECT [::1]:{} HTTP/1.1 (Proxy-Authorization: Basic <redacted>)", fx.server.smtps_port);
    assert!(lines.lock().iter().any(|l| l.2 == connect), "{:#?}", lines.lock());
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn ipv6_socks5_microsocks_on_ipv6_loopback() {
    let px = proxies();
    let fx = Fixture::start();
    // microsocks on [::1], the name "localhost" resolved by microsocks (to 127.0.0.1).
    let p = px.info(CSMAIL_PROXY_SOCKS5, "microsocks", "::1", None);
    let mark = px.mark("microsocks");
    round_trip(&fx, &p, Tls::Implicit, "localhost");
    let line = format!(" ::1: connected to localhost:{}\n", fx.server.smtps_port);
    px.wait_log("microsocks", mark, &line, |l| l.contains(&line));
}

// ------------------------------------------------------------------------------------------
// Failures, with the exact result and eex the real proxies cause.
// ------------------------------------------------------------------------------------------

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn socks5_wrong_password() {
    let px = proxies();
    let fx = Fixture::start();
    // Dante answers the RFC 1929 sub-negotiation with status 1, microsocks with status 2; both close.
    let mark = px.mark("dante_auth");
    for (name, user, status) in [("dante_auth", DANTE_USER, 1), ("microsocks_auth", MS_USER, 2)] {
        let p = px.info(CSMAIL_PROXY_SOCKS5, name, "127.0.0.1", Some((user, WRONG_PASS)));
        let (e, lines) = connect_fails(&fx, p, "localhost", fx.server.smtp_port, CSMAIL_E_CONNECT, eexProxyAuthfailed);
        assert_eq!(e.text, format!("the SOCKS5 proxy rejected the credentials of {user} (status {status})"), "{name}");
        assert_no_secrets(&lines, &[WRONG_PASS]);
    }
    let refused = format!("system password authentication failed for user \"{DANTE_USER}\"");
    px.wait_log("dante_auth", mark, &refused, |l| l.contains(&refused));
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn missing_credentials() {
    let px = proxies();
    let fx = Fixture::start();
    // csmail without a USER offers only "no authentication" (05 01 00); Dante (socksmethod:
    // username) and microsocks -u/-P both answer 05 FF (no acceptable method) and close:
    // eexProxyAuthrequired.
    let mark = px.mark("dante_auth");
    for name in ["dante_auth", "microsocks_auth"] {
        let p = px.info(CSMAIL_PROXY_SOCKS5, name, "127.0.0.1", None);
        let (e, _) = connect_fails(&fx, p, "localhost", fx.server.smtp_port, CSMAIL_E_CONNECT, eexProxyAuthrequired);
        assert_eq!(e.text, "the SOCKS5 proxy requires authentication", "{name}");
    }
    let refused = "client offered no acceptable authentication method";
    px.wait_log("dante_auth", mark, refused, |l| l.contains(refused));
    // SOCKS4 has no authentication at all: Dante's username-only listener refuses the request
    // itself (0x5B), so what a SOCKS4 client sees is eexProxyRequestfailed, not Authrequired.
    let p = px.info(CSMAIL_PROXY_SOCKS4, "dante_auth", "127.0.0.1", None);
    let (e, _) = connect_fails(&fx, p, "localhost", fx.server.smtp_port, CSMAIL_E_CONNECT, eexProxyRequestfailed);
    assert_eq!(e.text, "the SOCKS4 proxy rejected the request (0x5B)");
    // tinyproxy with BasicAuth answers a CONNECT without Proxy-Authorization with 407.
    let p = px.info(CSMAIL_PROXY_HTTP, "tinyproxy_auth", "127.0.0.1", None);
    let (e, _) = connect_fails(&fx, p, "localhost", fx.server.smtp_port, CSMAIL_E_CONNECT, eexProxyAuthrequired);
    assert_eq!(e.text, "the HTTP proxy requires authentication: HTTP/1.0 407 Proxy Authentication Required");
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn http_wrong_password() {
    let px = proxies();
    let fx = Fixture::start();
    // tinyproxy 1.11 answers WRONG credentials not with 407 but with "401 Unauthorized" (its
    // reqs.c sends 407 only when Proxy-Authorization is missing). Only the proxy can answer a
    // CONNECT, so csmail takes a 401 to a request with credentials as a refused login
    // (README, "Proxies"): eexProxyAuthfailed with the 401 status line in the text.
    let p = px.info(CSMAIL_PROXY_HTTP, "tinyproxy_auth", "127.0.0.1", Some((TP_USER, WRONG_PASS)));
    let (e, lines) = connect_fails(&fx, p, "localhost", fx.server.smtp_port, CSMAIL_E_CONNECT, eexProxyAuthfailed);
    assert_eq!(e.text, "the HTTP proxy rejected the credentials: HTTP/1.0 401 Unauthorized");
    assert_no_secrets(&lines, &[WRONG_PASS, &basic(TP_USER, WRONG_PASS)]);
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn target_port_closed() {
    let px = proxies();
    let fx = Fixture::start();
    let dead = closed_port();
    // SOCKS5: Dante and microsocks answer reply code 5, connection refused.
    for (name, creds) in [
        ("dante", None),
        ("dante_auth", Some((DANTE_USER, DANTE_PASS))),
        ("microsocks", None),
        ("microsocks_auth", Some((MS_USER, MS_PASS))),
    ] {
        let p = px.info(CSMAIL_PROXY_SOCKS5, name, "127.0.0.1", creds);
        let (e, lines) = connect_fails(&fx, p, "localhost", dead, CSMAIL_E_CONNECT, eexProxyRequestfailed);
        assert_eq!(
            e.text,
            format!("the SOCKS5 proxy refused the connection to localhost:{dead}: connection refused (5)"),
            "{name}"
        );
        assert_no_secrets(&lines, &[DANTE_PASS, MS_PASS]);
    }
    // SOCKS4: Dante answers 0x5B.
    let p = px.info(CSMAIL_PROXY_SOCKS4, "dante", "127.0.0.1", None);
    let (e, _) = connect_fails(&fx, p, "localhost", dead, CSMAIL_E_CONNECT, eexProxyRequestfailed);
    assert_eq!(e.text, "the SOCKS4 proxy rejected the request (0x5B)");
    // HTTP CONNECT: tinyproxy answers "500 Unable to connect" (and an HTML body, left unread).
    for (name, creds) in [("tinyproxy", None), ("tinyproxy_auth", Some((TP_USER, TP_PASS)))] {
        let p = px.info(CSMAIL_PROXY_HTTP, name, "127.0.0.1", creds);
        let (e, lines) = connect_fails(&fx, p, "localhost", dead, CSMAIL_E_CONNECT, eexProxyRequestfailed);
        assert_eq!(e.text, "the HTTP proxy refused the tunnel: HTTP/1.1 500 Unable to connect", "{name}");
        assert_no_secrets(&lines, &[TP_PASS, &basic(TP_USER, TP_PASS)]);
    }
}

#[test]
#[ignore = "needs scripts/proxies.sh start"]
fn proxy_port_closed() {
    let fx = Fixture::start();
    let dead = closed_port();
    for kind in [CSMAIL_PROXY_SOCKS4, CSMAIL_PROXY_SOCKS4A, CSMAIL_PROXY_SOCKS5, CSMAIL_PROXY_HTTP] {
        let p = Arc::new(ProxyInfo::new(kind).unwrap());
        p.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
        p.set_int(CSMAIL_PROP_PORT, dead as i32).unwrap();
        let (e, _) = connect_fails(&fx, p, "localhost", fx.server.smtp_port, CSMAIL_E_CONNECT, eexProxyNoconn);
        assert_eq!(e.os_error, libc::ECONNREFUSED, "{e}");
        assert!(e.text.starts_with(&format!("proxy: cannot connect to 127.0.0.1:{dead}: ")), "{e}");
    }
}
