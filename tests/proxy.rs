//! Proxy handlers against small proxies written here (real SOCKS4/4a/5 and HTTP CONNECT relays
//! and misbehaving ones), with the bundled mail server as the target.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::proxyinfo::*;
use csmail::api::{AdvancedHandler, ProxyInfo};
use csmail::error::*;
use csmail::options::*;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Serves one connection with `handler` on a loopback port.
fn one_shot(handler: impl FnOnce(TcpStream) + Send + 'static) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((s, _)) = l.accept() {
            handler(s)
        }
    });
    port
}

fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    s.read_exact(&mut b).unwrap();
    b
}

fn read_until_nul(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = read_n(s, 1)[0];
        if b == 0 {
            return out;
        }
        out.push(b);
    }
}

/// Copies bytes both ways until either side closes.
fn relay(client: TcpStream, target: TcpStream) {
    let (mut c2, mut t2) = (client.try_clone().unwrap(), target.try_clone().unwrap());
    let (mut c1, mut t1) = (client, target);
    let a = thread::spawn(move || {
        let _ = std::io::copy(&mut c1, &mut t1);
        let _ = t1.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut t2, &mut c2);
    let _ = c2.shutdown(std::net::Shutdown::Write);
    let _ = a.join();
}

/// What a relaying proxy saw: the target it was asked for, the credentials it got.
#[derive(Debug, Default, Clone, PartialEq)]
struct Seen {
    target: String,
    user: String,
    password: String,
}

/// A working SOCKS5 proxy for one connection; `require` = Some((user, pass)) demands RFC 1929.
fn socks5_proxy(require: Option<(&'static str, &'static str)>) -> (u16, mpsc::Receiver<Seen>) {
    let (tx, rx) = mpsc::channel();
    let port = one_shot(move |mut s| {
        let mut seen = Seen::default();
        let head = read_n(&mut s, 2);
        let methods = read_n(&mut s, head[1] as usize);
        match require {
            Some((u, p)) => {
                if !methods.contains(&2) {
                    s.write_all(&[5, 0xFF]).unwrap();
                    return;
                }
                s.write_all(&[5, 2]).unwrap();
                let v = read_n(&mut s, 2);
                seen.user = String::from_utf8(read_n(&mut s, v[1] as usize)).unwrap();
                let pl = read_n(&mut s, 1)[0] as usize;
                seen.password = String::from_utf8(read_n(&mut s, pl)).unwrap();
                let ok = seen.user == u && seen.password == p;
                s.write_all(&[1, if ok { 0 } else { 1 }]).unwrap();
                if !ok {
                    tx.send(seen).unwrap();
                    return;
                }
            }
            None => s.write_all(&[5, 0]).unwrap(),
        }
        let req = read_n(&mut s, 4);
        let host = match req[3] {
            1 => std::net::Ipv4Addr::from(<[u8; 4]>::try_from(read_n(&mut s, 4)).unwrap()).to_string(),
            3 => {
                let n = read_n(&mut s, 1)[0] as usize;
                String::from_utf8(read_n(&mut s, n)).unwrap()
            }
            _ => std::net::Ipv6Addr::from(<[u8; 16]>::try_from(read_n(&mut s, 16)).unwrap()).to_string(),
        };
        let port = u16::from_be_bytes(read_n(&mut s, 2).try_into().unwrap());
        seen.target = format!("{host}:{port}");
        tx.send(seen).unwrap();
        let target = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0]).unwrap();
        relay(s, target);
    });
    (port, rx)
}

fn proxy(kind: i32, port: u16) -> Arc<ProxyInfo> {
    let p = Arc::new(ProxyInfo::new(kind).unwrap());
    p.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    p.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
    p
}

const MSG: &[u8] = b"Subject: through a proxy\r\n\r\nhello\r\n";

fn fetch_all(fx: &Fixture, user: &str, pass: &str) -> Vec<Vec<u8>> {
    let pop = fx.pop3(fx.server.pop3s_port, Some(fx.ssl(MODE_CHANNEL)), user, pass);
    pop.connect().unwrap();
    let (n, _) = pop.stat().unwrap();
    let mut all = Vec::new();
    for i in 1..=n {
        let mut m = Vec::new();
        pop.retrieve(i, &mut m).unwrap();
        all.push(m);
    }
    all
}

#[test]
fn socks5_with_password_and_remote_dns_carries_starttls_to_the_target() {
    let fx = Fixture::start();
    let (port, seen) = socks5_proxy(Some(("puser", "p-secret")));
    let smtp = fx.smtp(fx.server.smtp_port, Some(fx.ssl(MODE_STARTTLS)));
    let p = proxy(CSMAIL_PROXY_SOCKS5, port);
    p.set_str(CSMAIL_PROP_USER, "puser").unwrap();
    p.set_str(CSMAIL_PROP_PASSWORD, "p-secret").unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    smtp.connect().unwrap();
    smtp.send("a@example.com", &["bob@example.com"], &mut &MSG[..]).unwrap();
    smtp.disconnect().unwrap();
    // The proxy resolved the name; TLS verified "localhost", the target, not the proxy's IP.
    let seen = seen.recv().unwrap();
    assert_eq!(
        seen,
        Seen {
            target: format!("localhost:{}", fx.server.smtp_port),
            user: "puser".into(),
            password: "p-secret".into()
        }
    );
    assert_eq!(fetch_all(&fx, "bob", "bobpass"), vec![MSG.to_vec()]);
    let lines = lines.lock();
    assert!(lines.iter().any(|l| l.1 == csmail::log::LOG_F_PROXY && l.2.contains("SOCKS5 reply code 0")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.2.contains("p-secret")), "proxy password in the log");
}

#[test]
fn socks5_local_dns_sends_an_address() {
    let fx = Fixture::start();
    let (port, seen) = socks5_proxy(None);
    let pop = fx.pop3(fx.server.pop3s_port, Some(fx.ssl(MODE_CHANNEL)), "alice", "alicepass");
    let p = proxy(CSMAIL_PROXY_SOCKS5, port);
    p.set_int(CSMAIL_PROP_PROXY_REMOTE_DNS, 0).unwrap();
    pop.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    pop.connect().unwrap();
    assert_eq!(pop.stat().unwrap(), (0, 0));
    let target = seen.recv().unwrap().target;
    assert!(
        target == format!("127.0.0.1:{}", fx.server.pop3s_port) || target == format!("::1:{}", fx.server.pop3s_port),
        "{target}"
    );
}

fn connect_err(c: &csmail::SmtpClient) -> Error {
    let e = c.connect().unwrap_err();
    assert_eq!(c.extended_error().number, e.eex);
    e
}

fn smtp_via(fx: &Fixture, p: Arc<ProxyInfo>) -> csmail::SmtpClient {
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 1500).unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    smtp
}

#[test]
fn socks5_failures_map_to_eex_proxy_numbers() {
    let fx = Fixture::start();
    // Wrong password: 1009.
    let (port, _seen) = socks5_proxy(Some(("puser", "right")));
    let p = proxy(CSMAIL_PROXY_SOCKS5, port);
    p.set_str(CSMAIL_PROP_USER, "puser").unwrap();
    p.set_str(CSMAIL_PROP_PASSWORD, "wrong").unwrap();
    let e = connect_err(&smtp_via(&fx, p));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyAuthfailed), "{e}");
    // No credentials but the proxy wants them: 1007.
    let (port, _seen) = socks5_proxy(Some(("puser", "right")));
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS5, port)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyAuthrequired), "{e}");
    // Credentials offered, the proxy accepts no method: 1008.
    let port = one_shot(|mut s| {
        let h = read_n(&mut s, 2);
        read_n(&mut s, h[1] as usize);
        s.write_all(&[5, 0xFF]).unwrap();
    });
    let p = proxy(CSMAIL_PROXY_SOCKS5, port);
    p.set_str(CSMAIL_PROP_USER, "u").unwrap();
    let e = connect_err(&smtp_via(&fx, p));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyAuthtypeunknown), "{e}");
    // The request refused (connection refused, 5): 1006 with the proxy's reason.
    let port = one_shot(|mut s| {
        let h = read_n(&mut s, 2);
        read_n(&mut s, h[1] as usize);
        s.write_all(&[5, 0]).unwrap();
        let r = read_n(&mut s, 5);
        read_n(&mut s, r[4] as usize + 2);
        s.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).unwrap();
    });
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS5, port)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyRequestfailed), "{e}");
    assert!(e.text.contains("connection refused (5)"), "{e}");
    // The proxy closes mid-negotiation: 1003.
    let port = one_shot(|mut s| {
        read_n(&mut s, 3);
    });
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS5, port)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyServerclosedport), "{e}");
    // A malformed reply: 1005.
    let port = one_shot(|mut s| {
        read_n(&mut s, 3);
        s.write_all(&[4, 0]).unwrap();
    });
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS5, port)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyUnexpecteddefault), "{e}");
    // Nobody listens on the proxy port: 1001.
    let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS5, dead)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyNoconn), "{e}");
    assert_eq!(e.os_error, libc::ECONNREFUSED);
}

#[test]
fn a_stalled_proxy_times_out() {
    let fx = Fixture::start();
    let port = one_shot(|s| {
        thread::sleep(Duration::from_secs(5));
        drop(s);
    });
    let smtp = smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS5, port));
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 400).unwrap();
    let t = Instant::now();
    let e = connect_err(&smtp);
    assert_eq!((e.result, e.eex), (CSMAIL_E_TIMEOUT, eexProxySocketerror), "{e}");
    assert!(t.elapsed() < Duration::from_secs(3), "took {:?}", t.elapsed());
}

/// SOCKS4 (address) and SOCKS4a (name) relays.
fn socks4_proxy(reply: u8) -> (u16, mpsc::Receiver<(Vec<u8>, String, String)>) {
    let (tx, rx) = mpsc::channel();
    let port = one_shot(move |mut s| {
        let head = read_n(&mut s, 8);
        let user = String::from_utf8(read_until_nul(&mut s)).unwrap();
        let port = u16::from_be_bytes([head[2], head[3]]);
        let name = if head[4..7] == [0, 0, 0] && head[7] != 0 {
            String::from_utf8(read_until_nul(&mut s)).unwrap()
        } else {
            String::new()
        };
        tx.send((head[4..8].to_vec(), user, name)).unwrap();
        s.write_all(&[0, reply, 0, 0, 0, 0, 0, 0]).unwrap();
        if reply == 0x5A {
            relay(s, TcpStream::connect(("127.0.0.1", port)).unwrap());
        }
    });
    (port, rx)
}

#[test]
fn socks4_and_socks4a() {
    let fx = Fixture::start();
    let (port, seen) = socks4_proxy(0x5A);
    let p = proxy(CSMAIL_PROXY_SOCKS4, port);
    p.set_str(CSMAIL_PROP_USER, "ident").unwrap();
    let smtp = fx.smtp(fx.server.smtps_port, Some(fx.ssl(MODE_CHANNEL)));
    smtp.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    smtp.connect().unwrap();
    smtp.send("a@example.com", &["alice@example.com"], &mut &MSG[..]).unwrap();
    smtp.disconnect().unwrap();
    assert_eq!(seen.recv().unwrap(), (vec![127, 0, 0, 1], "ident".into(), String::new()));

    let (port, seen) = socks4_proxy(0x5A);
    let smtp = fx.smtp(fx.server.smtps_port, Some(fx.ssl(MODE_CHANNEL)));
    smtp.set_advanced_handler(AdvancedHandler::Proxy(proxy(CSMAIL_PROXY_SOCKS4A, port))).unwrap();
    smtp.connect().unwrap();
    smtp.disconnect().unwrap();
    assert_eq!(seen.recv().unwrap(), (vec![0, 0, 0, 1], String::new(), "localhost".into()));
    assert_eq!(fetch_all(&fx, "alice", "alicepass"), vec![MSG.to_vec()]);

    let (port, _seen) = socks4_proxy(0x5B);
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS4, port)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyRequestfailed), "{e}");
    let (port, _seen) = socks4_proxy(0x5D);
    let e = connect_err(&smtp_via(&fx, proxy(CSMAIL_PROXY_SOCKS4, port)));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyAuthfailed), "{e}");
}

/// An HTTP CONNECT proxy: answers `status` (relaying on 200) and reports the request head.
fn http_proxy(status: &'static str) -> (u16, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let port = one_shot(move |mut s| {
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            head.push(read_n(&mut s, 1)[0]);
        }
        let head = String::from_utf8(head).unwrap();
        let port: u16 = head.split_whitespace().nth(1).unwrap().rsplit(':').next().unwrap().parse().unwrap();
        tx.send(head).unwrap();
        s.write_all(format!("{status}\r\nVia: test\r\n\r\n").as_bytes()).unwrap();
        if status.contains(" 200 ") {
            relay(s, TcpStream::connect(("127.0.0.1", port)).unwrap());
        }
    });
    (port, rx)
}

#[test]
fn http_connect_with_basic_auth_and_its_failures() {
    let fx = Fixture::start();
    let (port, head) = http_proxy("HTTP/1.1 200 Connection established");
    let p = proxy(CSMAIL_PROXY_HTTP, port);
    p.set_str(CSMAIL_PROP_USER, "hu").unwrap();
    p.set_str(CSMAIL_PROP_PASSWORD, "hp").unwrap();
    let pop = fx.pop3(fx.server.pop3_port, Some(fx.ssl(MODE_STARTTLS)), "bob", "bobpass");
    pop.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    let (log, lines) = collecting_log();
    pop.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    pop.connect().unwrap();
    assert_eq!(pop.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert!(pop.disconnect().unwrap());
    let target = format!("localhost:{}", fx.server.pop3_port);
    assert_eq!(
        head.recv().unwrap(),
        format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nProxy-Authorization: Basic aHU6aHA=\r\n\r\n")
    );
    assert!(!lines.lock().iter().any(|l| l.2.contains("aHU6aHA=")), "proxy credentials in the log");

    for (status, user, eex) in [
        ("HTTP/1.1 407 Proxy Authentication Required", None, eexProxyAuthrequired),
        ("HTTP/1.1 407 Proxy Authentication Required", Some("x"), eexProxyAuthfailed),
        ("HTTP/1.1 403 Forbidden", None, eexProxyRequestfailed),
        ("SSH-2.0-nonsense", None, eexProxyUnexpecteddefault),
    ] {
        let (port, _head) = http_proxy(status);
        let p = proxy(CSMAIL_PROXY_HTTP, port);
        if let Some(u) = user {
            p.set_str(CSMAIL_PROP_USER, u).unwrap();
        }
        let e = connect_err(&smtp_via(&fx, p));
        assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eex), "{status}: {e}");
        if eex != eexProxyUnexpecteddefault {
            assert!(e.text.contains(status), "{e}");
        }
    }
}

#[test]
fn pop3_proxy_logs_in_as_user_at_target() {
    let script = csmail_server::Script::parse(
        "S: +OK proxy ready\nC: CAPA\nS: -ERR no\nC: USER bob@mail.example.net\nS: +OK\nC: PASS bobpass\nS: +OK\nC: STAT\nS: +OK 2 320\nC: QUIT\nS: +OK bye\n",
    )
    .unwrap();
    let srv = csmail_server::ScriptedServer::start(script, None, false).unwrap();
    let pop = csmail::Pop3Client::new();
    pop.set_str(CSMAIL_PROP_HOST, "mail.example.net").unwrap();
    pop.set_str(CSMAIL_PROP_USER, "bob").unwrap();
    pop.set_str(CSMAIL_PROP_PASSWORD, "bobpass").unwrap();
    let p = proxy(CSMAIL_PROXY_POP3, srv.port);
    pop.set_advanced_handler(AdvancedHandler::Proxy(p.clone())).unwrap();
    pop.connect().unwrap();
    assert_eq!(pop.stat().unwrap(), (2, 320));
    assert!(pop.disconnect().unwrap());
    let out = srv.finish();
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
    // An application proxy of the other protocol is refused.
    let smtp = csmail::SmtpClient::new();
    let e = smtp.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_NOT_SUPPORTED, eexNotSupported));
}

#[test]
fn smtp_proxy_is_a_relay_with_its_own_login() {
    let fx = Fixture::start();
    let smtp = csmail::SmtpClient::new();
    smtp.set_str(CSMAIL_PROP_HOST, "mx.far-away.example").unwrap();
    let p = Arc::new(ProxyInfo::new(CSMAIL_PROXY_SMTP).unwrap());
    p.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
    p.set_int(CSMAIL_PROP_PORT, fx.server.smtps_port as i32).unwrap();
    p.set_str(CSMAIL_PROP_USER, "alice").unwrap();
    p.set_str(CSMAIL_PROP_PASSWORD, "alicepass").unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Proxy(p)).unwrap();
    smtp.set_advanced_handler(AdvancedHandler::Ssl(fx.ssl(MODE_CHANNEL))).unwrap();
    smtp.connect().unwrap();
    smtp.send("alice@example.com", &["bob@example.com"], &mut &MSG[..]).unwrap();
    smtp.disconnect().unwrap();
    assert_eq!(fetch_all(&fx, "bob", "bobpass"), vec![MSG.to_vec()]);
}

/// The bundled server's scripted mode as a misbehaving proxy.
fn scripted_proxy(name: &str, kind: i32) -> (csmail_server::ScriptedServer, Arc<ProxyInfo>) {
    let path = format!("{}/tests/scripts/{name}.txt", env!("CARGO_MANIFEST_DIR"));
    let script = csmail_server::Script::from_file(std::path::Path::new(&path)).unwrap();
    let srv = csmail_server::ScriptedServer::start(script, None, false).unwrap();
    let p = proxy(kind, srv.port);
    (srv, p)
}

#[test]
fn scripted_proxies_misbehave() {
    let fx = Fixture::start();
    let (srv, p) = scripted_proxy("proxy_socks5_general_failure", CSMAIL_PROXY_SOCKS5);
    let e = connect_err(&smtp_via(&fx, p));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyRequestfailed), "{e}");
    assert!(e.text.ends_with("general SOCKS server failure (1)"), "{e}");
    let out = srv.finish();
    // Greeting, then a request for the target by name.
    let name = b"localhost";
    let mut want = vec![5u8, 1, 0, 5, 1, 0, 3, name.len() as u8];
    want.extend_from_slice(name);
    want.extend_from_slice(&fx.server.smtp_port.to_be_bytes());
    assert_eq!(out.received, want);

    let (srv, p) = scripted_proxy("proxy_http_malformed", CSMAIL_PROXY_HTTP);
    let e = connect_err(&smtp_via(&fx, p));
    assert_eq!((e.result, e.eex), (CSMAIL_E_CONNECT, eexProxyUnexpecteddefault), "{e}");
    assert!(srv.finish().mismatches.is_empty());

    let (srv, p) = scripted_proxy("proxy_http_stall", CSMAIL_PROXY_HTTP);
    let smtp = smtp_via(&fx, p);
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 400).unwrap();
    let started = Instant::now();
    let e = connect_err(&smtp);
    assert_eq!((e.result, e.eex), (CSMAIL_E_TIMEOUT, eexProxySocketerror), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(smtp);
    let out = srv.finish();
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn imaps_through_socks5_verifies_the_target_and_a_pop3_proxy_is_refused() {
    let fx = Fixture::start();
    let (port, seen) = socks5_proxy(None);
    let imap = fx.imap(fx.server.imaps_port, Some(fx.ssl(MODE_CHANNEL)), "bob", "bobpass");
    imap.set_advanced_handler(AdvancedHandler::Proxy(proxy(CSMAIL_PROXY_SOCKS5, port))).unwrap();
    imap.connect().unwrap();
    assert_eq!(imap.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_eq!(imap.select("INBOX").unwrap().exists, 0);
    imap.disconnect().unwrap();
    assert_eq!(seen.recv().unwrap().target, format!("localhost:{}", fx.server.imaps_port));
    // An application proxy of another protocol cannot carry IMAP.
    let other = fx.imap(fx.server.imaps_port, None, "bob", "bobpass");
    let e = other.set_advanced_handler(AdvancedHandler::Proxy(proxy(CSMAIL_PROXY_POP3, port))).unwrap_err();
    assert_eq!((e.result, e.eex), (csmail::error::CSMAIL_E_NOT_SUPPORTED, csmail::error::eexNotSupported), "{e}");
}
