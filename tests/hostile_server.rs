//! The clients against misbehaving servers: unreachable hosts, silence at every step, STARTTLS
//! downgrades and injection, malformed, over-long and never-ending replies, connections cut in
//! the middle, pipelining, SMTP data encoding, authentication failures and log redaction, abort,
//! busy and re-entrant calls.
//!
//! Every test checks the exact result code and eex number, that the client's ErrorInfo says the
//! same, and where it matters what the client put on the wire (`ScriptOutcome::received`).
// Shared result collectors in tests are spelled out where they are used.
#![allow(clippy::type_complexity)]

mod common;
use common::sasl;
use common::*;
use csmail::api::client::ProgressFn;
use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, Pop3Client, SmtpClient};
use csmail::error::*;
use csmail::log::*;
use csmail::options::*;
use csmail::source::{FnSink, FnSource};
use parking_lot::Mutex;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::thread;
use std::time::{Duration, Instant};

const MSG: &[u8] = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\n\r\nhello\r\n";

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A port nothing listens on: bound, then released.
fn refused_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Runs `f`, returning its value and how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

/// A timeout of `timeout_ms` must not fire before (almost) the timeout: the library's clock decides
/// that, whatever the machine's load. The upper bound is only a guard against a hang, wide enough
/// that a loaded machine never trips it (it is not a speed measurement).
#[track_caller]
fn assert_took_about(elapsed: Duration, timeout_ms: u64) {
    assert!(elapsed >= ms(timeout_ms * 9 / 10), "returned after {elapsed:?}, before the {timeout_ms} ms timeout");
    assert!(
        elapsed < ms(timeout_ms + 30_000),
        "returned after {elapsed:?}: hung long after the {timeout_ms} ms timeout"
    );
}

/// Bytes of `received` after the first occurrence of `marker`.
fn after<'a>(received: &'a [u8], marker: &[u8]) -> &'a [u8] {
    let pos = received
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap_or_else(|| panic!("{} not in {}", show(marker), show(received)));
    &received[pos + marker.len()..]
}

fn log_texts(lines: &Arc<Mutex<Vec<(i32, i32, String)>>>) -> Vec<String> {
    lines.lock().iter().map(|l| l.2.clone()).collect()
}

// =============================================================================================
// 1. Unreachable servers
// =============================================================================================

#[test]
fn smtp_unknown_host_is_dns_error() {
    let c = SmtpClient::new();
    c.set_str(CSMAIL_PROP_HOST, "no-such-host.invalid").unwrap();
    c.set_int(CSMAIL_PROP_PORT, 25).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, 1500).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexDNS);
    assert!(e.text.contains("no-such-host.invalid"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

#[test]
fn pop3_unknown_host_is_dns_error() {
    let c = scripted_pop3(110, 1500);
    c.set_str(CSMAIL_PROP_HOST, "no-such-host.invalid").unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexDNS);
    assert!(e.text.contains("no-such-host.invalid"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

#[test]
fn smtp_refused_port_is_tcp_connect_error() {
    let port = refused_port();
    let c = scripted_smtp(port, 1500);
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexTCPConnect);
    assert_eq!(e.os_error, libc::ECONNREFUSED, "{e}");
    assert!(e.text.contains(&format!("127.0.0.1:{port}")), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.extended_error().os_error, 111);
}

#[test]
fn pop3_refused_port_is_tcp_connect_error() {
    let port = refused_port();
    let c = scripted_pop3(port, 1500);
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexTCPConnect);
    assert_eq!(e.os_error, libc::ECONNREFUSED, "{e}");
    assert_info(&c.extended_error(), &e);
}

// =============================================================================================
// 2. Timeouts at each step
// =============================================================================================

/// A listener whose accept queue is full: a further connect gets no SYN-ACK and hangs.
/// Built with listen(fd, 0) and filler connections until one of them no longer completes.
struct FullBacklog {
    _listener: TcpListener,
    _fillers: Vec<TcpStream>,
    port: u16,
}

fn full_backlog() -> FullBacklog {
    use std::os::fd::FromRawFd;
    // SAFETY: plain socket/bind/listen on a fresh descriptor, owned by the TcpListener below.
    let listener = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
        let listener = TcpListener::from_raw_fd(fd);
        let mut sin: libc::sockaddr_in = std::mem::zeroed();
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_addr = libc::in_addr { s_addr: u32::from_ne_bytes([127, 0, 0, 1]) };
        let rc = libc::bind(
            fd,
            &sin as *const libc::sockaddr_in as *const libc::sockaddr,
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        assert_eq!(rc, 0, "bind: {}", std::io::Error::last_os_error());
        assert_eq!(libc::listen(fd, 0), 0, "listen: {}", std::io::Error::last_os_error());
        listener
    };
    let port = listener.local_addr().unwrap().port();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut fillers = Vec::new();
    for _ in 0..16 {
        match TcpStream::connect_timeout(&addr, ms(300)) {
            Ok(s) => fillers.push(s),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock => {
                return FullBacklog { _listener: listener, _fillers: fillers, port };
            }
            Err(e) => panic!("filler connect failed: {e}"),
        }
    }
    panic!("could not fill the accept queue of a listen(fd, 0) socket on loopback");
}

#[test]
fn smtp_connect_timeout_with_full_backlog() {
    let backlog = full_backlog();
    let c = scripted_smtp(backlog.port, 600);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 600);
    assert!(e.text.contains(&format!("connecting to 127.0.0.1:{}", backlog.port)), "{e}");
    assert_info(&c.extended_error(), &e);
}

#[test]
fn pop3_connect_timeout_with_full_backlog() {
    let backlog = full_backlog();
    let c = scripted_pop3(backlog.port, 600);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 600);
    assert_info(&c.extended_error(), &e);
}

#[test]
fn smtp_greeting_timeout() {
    let s = Scripted::start("smtp_greeting_hang", false);
    let c = s.smtp(500);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert_eq!(
        e.text,
        format!("timed out while waiting for the server's greeting on port {}: if the server expects TLS from the first byte (implicit TLS), attach an SSLInfo with MODE_CHANNEL", s.port())
    );
    // A receive timeout is ETIMEDOUT, never the EAGAIN the socket leaves.
    assert!(e.os_error == libc::ETIMEDOUT || e.os_error == 0, "OSError {}", e.os_error);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"", "{}", show(&out.received));
}

#[test]
fn pop3_greeting_timeout() {
    let s = Scripted::start("pop3_greeting_hang", false);
    let c = s.pop3(500);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert_eq!(
        e.text,
        format!("timed out while waiting for the server's greeting on port {}: if the server expects TLS from the first byte (implicit TLS), attach an SSLInfo with MODE_CHANNEL", s.port())
    );
    // A receive timeout is ETIMEDOUT, never the EAGAIN the socket leaves.
    assert!(e.os_error == libc::ETIMEDOUT || e.os_error == 0, "OSError {}", e.os_error);
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"");
}

#[test]
fn smtp_ehlo_reply_timeout() {
    let s = Scripted::start("smtp_ehlo_hang", false);
    let c = s.smtp(500);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    // It names what the client waits for (issue 8 §2), not what it already did.
    assert_eq!(e.text, "timed out while waiting for the reply to EHLO");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_starttls_handshake_timeout() {
    let s = Scripted::start("smtp_starttls_handshake_hang", false);
    let c = s.smtp(600);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 600);
    assert_eq!(e.text, "timed out while in the TLS handshake");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    // The client did start the handshake: a TLS handshake record follows STARTTLS.
    let tail = after(&out.received, b"EHLO client.test\r\nSTARTTLS\r\n");
    assert_eq!(tail.first(), Some(&0x16), "expected a ClientHello, got {}", show(&out.received));
    assert!(out.received.starts_with(b"EHLO client.test\r\nSTARTTLS\r\n"));
}

#[test]
fn pop3_stls_handshake_timeout() {
    let s = Scripted::start("pop3_stls_handshake_hang", false);
    let c = s.pop3(600);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 600);
    assert_eq!(e.text, "timed out while in the TLS handshake");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    let tail = after(&out.received, b"CAPA\r\nSTLS\r\n");
    assert_eq!(tail.first(), Some(&0x16), "expected a ClientHello, got {}", show(&out.received));
    assert!(out.received.starts_with(b"CAPA\r\nSTLS\r\n"));
}

#[test]
fn smtp_auth_reply_timeout() {
    let s = Scripted::start("smtp_auth_hang", false);
    let c = s.smtp(500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert_eq!(e.text, "timed out while authenticating");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nAUTH PLAIN AHUAcA==\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_capa_timeout() {
    let s = Scripted::start("pop3_capa_hang", false);
    let c = s.pop3(500);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert!(e.text.starts_with("timed out while") && e.text.contains("CAPA"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"CAPA\r\n");
}

#[test]
fn pop3_user_timeout() {
    let s = Scripted::start("pop3_user_hang", false);
    let c = s.pop3(500);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert_eq!(e.text, "timed out while logging in");
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"CAPA\r\nUSER u\r\n");
}

#[test]
fn pop3_pass_timeout() {
    let s = Scripted::start("pop3_pass_hang", false);
    let c = s.pop3(500);
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert_eq!(e.text, "timed out while logging in");
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"CAPA\r\nUSER u\r\nPASS p\r\n");
}

#[test]
fn pop3_retr_stalled_mid_body_times_out() {
    let s = Scripted::start("pop3_retr_stall", false);
    let c = s.pop3(500);
    c.connect().unwrap();
    let mut got = Vec::new();
    let (r, el) = timed(|| c.retrieve(1, &mut got));
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 500);
    assert_eq!(e.text, "timed out while receiving the message");
    assert_info(&c.extended_error(), &e);
    assert_eq!(got, b"Subject: stalled\r\n\r\nfirst line of the body\r\n");
    // The rest of the message may still come: the session cannot go on.
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    expect_err(c.stat(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    drop(c);
    assert_eq!(s.finish().received, b"CAPA\r\nUSER u\r\nPASS p\r\nRETR 1\r\n");
}

/// The body timeout is an idle timeout: a message that keeps coming, slowly, is received even
/// though the whole takes longer than the timeout.
#[test]
fn pop3_retr_slow_but_steady_succeeds() {
    let s = Scripted::start("pop3_retr_slow", false);
    let c = s.pop3(600);
    c.connect().unwrap();
    let mut got = Vec::new();
    let (r, el) = timed(|| c.retrieve(1, &mut got));
    assert_eq!(r.unwrap(), got.len() as u64);
    assert!(el > ms(1100), "the script takes 1.25 s, took {el:?}");
    assert_eq!(got, b"Subject: slow\r\n\r\nline one\r\n.dot line\r\n");
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn smtp_final_reply_timeout_is_delivery_unknown() {
    let s = Scripted::start("smtp_final_reply_hang", false);
    let c = s.smtp(500);
    c.connect().unwrap();
    let (r, el) = timed(|| c.send("a@example.com", &["b@example.com"], &mut &MSG[..]));
    let e = expect_err(r, CSMAIL_E_DELIVERY_UNKNOWN, eexDeliveryUnknown);
    assert_took_about(el, 500);
    assert!(e.text.contains("timed out") && e.text.contains("delivery unknown"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    let mut want = b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n".to_vec();
    want.extend_from_slice(MSG);
    want.extend_from_slice(b".\r\n");
    assert_eq!(out.received, want, "{}", show(&out.received));
}

// =============================================================================================
// 3. STARTTLS / STLS when TLS is required
// =============================================================================================

#[test]
fn smtp_starttls_not_offered_fails_before_auth() {
    let s = Scripted::start("smtp_starttls_not_offered", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    let ssl = s.ssl(MODE_STARTTLS);
    c.set_advanced_handler(AdvancedHandler::Ssl(ssl.clone())).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsNotOffered);
    assert!(e.text.contains("STARTTLS"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    assert_eq!(ssl.negotiated().protocol, 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\n", "{}", show(&out.received));
    assert_no_commands(&out.received, &["AUTH", "MAIL", "RCPT"]);
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_starttls_refused_fails_before_auth() {
    let s = Scripted::start("smtp_starttls_refused", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsRefused);
    assert!(e.text.contains("454"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nSTARTTLS\r\n", "{}", show(&out.received));
    assert_no_commands(&out.received, &["AUTH", "MAIL", "RCPT"]);
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_ehlo_refused_helo_accepted_with_tls_required_is_not_offered() {
    let s = Scripted::start("smtp_helo_fallback", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsNotOffered);
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nHELO client.test\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_allow_plaintext_goes_on_without_starttls() {
    let s = Scripted::start("smtp_starttls_not_offered_plaintext_ok", false);
    let c = s.smtp(1500);
    let ssl = s.ssl(MODE_STARTTLS);
    ssl.set_int(SSLAllowPlaintext, 1).unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(ssl)).unwrap();
    let (log, lines) = collecting_log();
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    assert_eq!(c.extended_error().number, 0);
    // The downgrade is logged as a warning.
    assert!(
        lines.lock().iter().any(|l| l.0 == LOG_S_WARNING && l.1 == LOG_F_SSL && l.2.contains("WITHOUT TLS")),
        "{:#?}",
        lines.lock()
    );
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn pop3_stls_not_offered_fails_before_login() {
    let s = Scripted::start("pop3_stls_not_offered", false);
    let c = s.pop3(1500);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsNotOffered);
    assert!(e.text.contains("STLS"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\n", "{}", show(&out.received));
    assert_no_commands(&out.received, &["USER", "PASS", "AUTH", "APOP"]);
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_stls_refused_fails_before_login() {
    let s = Scripted::start("pop3_stls_refused", false);
    let c = s.pop3(1500);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsRefused);
    assert!(e.text.contains("-ERR TLS not available"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nSTLS\r\n", "{}", show(&out.received));
    assert_no_commands(&out.received, &["USER", "PASS", "AUTH", "APOP"]);
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// A server without CAPA may still know STLS: the client tries, and a refusal is a refusal.
#[test]
fn pop3_stls_refused_by_server_without_capa() {
    let s = Scripted::start("pop3_stls_refused_no_capa", false);
    let c = s.pop3(1500);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsRefused);
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nSTLS\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_allow_plaintext_goes_on_without_stls() {
    let s = Scripted::start("pop3_stls_not_offered_plaintext_ok", false);
    let c = s.pop3(1500);
    let ssl = s.ssl(MODE_STARTTLS);
    ssl.set_int(SSLAllowPlaintext, 1).unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(ssl)).unwrap();
    c.connect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

// =============================================================================================
// 4. Response injection after STARTTLS / STLS
// =============================================================================================

#[test]
fn smtp_starttls_response_injection_is_refused() {
    let s = Scripted::start("smtp_starttls_injection", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsInjection);
    assert!(e.text.contains("14 bytes"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    // Nothing after STARTTLS: no handshake, no EHLO, no AUTH.
    assert_eq!(out.received, b"EHLO client.test\r\nSTARTTLS\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_stls_response_injection_is_refused() {
    let s = Scripted::start("pop3_stls_injection", false);
    let c = s.pop3(1500);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexStartTlsInjection);
    assert!(e.text.contains("14 bytes"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nSTLS\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

// =============================================================================================
// 5. Capabilities are learned again after TLS
// =============================================================================================

#[test]
fn smtp_capabilities_reread_after_starttls() {
    let s = Scripted::start("smtp_caps_reread_after_starttls", false);
    let c = s.smtp(3000);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    c.connect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(
        out.received,
        b"EHLO client.test\r\nSTARTTLS\r\nEHLO client.test\r\nAUTH LOGIN\r\ndQ==\r\ncA==\r\nQUIT\r\n",
        "{}",
        show(&out.received)
    );
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn pop3_capabilities_reread_after_stls() {
    let s = Scripted::start("pop3_caps_reread_after_stls", false);
    let c = s.pop3(3000);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    c.connect().unwrap();
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_eq!(c.get_str(CSMAIL_PROP_CAPABILITIES).unwrap(), "USER");
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nSTLS\r\nCAPA\r\nUSER u\r\nPASS p\r\nQUIT\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

/// Defect 1: after STLS the re-read CAPA lists neither USER nor a SASL mechanism the client
/// can use: AUTO fails with CSMAIL_E_AUTH / eexAuthNotSupported before any credential is sent
/// (it used to send USER and PASS anyway).
#[test]
fn pop3_auto_without_user_or_usable_sasl_after_stls_sends_no_credentials() {
    let s = Scripted::start("pop3_caps_after_stls_no_login", false);
    let c = s.pop3(3000);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert!(e.text.contains("neither USER nor"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nSTLS\r\nCAPA\r\nQUIT\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

// =============================================================================================
// 6. Malformed, over-long and never-ending replies
// =============================================================================================

/// Connects an SMTP client (plain, timeout `timeout_ms`) to `script` and expects the connect to
/// fail with `result`/`eex`; returns the error and the outcome.
fn smtp_connect_fails(script: &str, timeout_ms: i32, result: i32, eex: i32) -> (Error, csmail_server::ScriptOutcome) {
    let s = Scripted::start(script, false);
    let c = s.smtp(timeout_ms);
    let e = expect_err(c.connect(), result, eex);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    (e, s.finish())
}

fn pop3_connect_fails(script: &str, timeout_ms: i32, result: i32, eex: i32) -> (Error, csmail_server::ScriptOutcome) {
    let s = Scripted::start(script, false);
    let c = s.pop3(timeout_ms);
    let e = expect_err(c.connect(), result, eex);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    (e, s.finish())
}

#[test]
fn smtp_malformed_greeting_non_numeric() {
    let (e, out) = smtp_connect_fails("smtp_greeting_non_numeric", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("malformed reply while reading the greeting"), "{e}");
    assert_eq!(out.received, b"");
}

#[test]
fn smtp_malformed_greeting_too_short() {
    let (e, out) = smtp_connect_fails("smtp_greeting_too_short", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("\"25\""), "{e}");
    assert_eq!(out.received, b"");
}

#[test]
fn smtp_malformed_greeting_nul_byte() {
    let (_, out) = smtp_connect_fails("smtp_greeting_nul", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert_eq!(out.received, b"");
}

#[test]
fn smtp_malformed_greeting_bad_separator() {
    let (_, out) = smtp_connect_fails("smtp_greeting_bad_separator", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert_eq!(out.received, b"");
}

#[test]
fn smtp_malformed_greeting_code_out_of_range() {
    let (_, out) = smtp_connect_fails("smtp_greeting_code_out_of_range", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert_eq!(out.received, b"");
}

#[test]
fn smtp_malformed_multiline_code_mismatch() {
    let (e, out) = smtp_connect_fails("smtp_ehlo_code_mismatch", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("EHLO"), "{e}");
    assert_eq!(out.received, b"EHLO client.test\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_malformed_reply_after_connect_is_protocol_error() {
    let s = Scripted::start("smtp_rset_malformed", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(c.reset(), CSMAIL_E_PROTOCOL, eexMalformedReply);
    assert!(e.text.contains("2x0 broken"), "{e}");
    assert_info(&c.extended_error(), &e);
    // The protocol state is unknown: the connection is gone.
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    expect_err(c.reset(), CSMAIL_E_NOT_CONNECTED, eexNotConnected);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nRSET\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_overlong_reply_line() {
    let (e, out) = smtp_connect_fails("smtp_greeting_overlong", 1500, CSMAIL_E_CONNECT, eexReplyTooLong);
    assert!(e.text.contains("4096"), "{e}");
    assert_eq!(out.received, b"");
}

#[test]
fn smtp_never_ending_multiline_reply_fails_promptly() {
    let t = Instant::now();
    let (e, out) = smtp_connect_fails("smtp_ehlo_never_ending", 10_000, CSMAIL_E_CONNECT, eexReplyTooLong);
    assert!(t.elapsed() < ms(3000), "took {:?} (timeout is 10 s)", t.elapsed());
    assert!(e.text.contains("512 lines"), "{e}");
    assert_eq!(out.received, b"EHLO client.test\r\n");
}

#[test]
fn smtp_multiline_reply_over_64k_bytes() {
    let (e, out) = smtp_connect_fails("smtp_ehlo_over_64k", 10_000, CSMAIL_E_CONNECT, eexReplyTooLong);
    assert!(e.text.contains("EHLO"), "{e}");
    assert_eq!(out.received, b"EHLO client.test\r\n");
}

#[test]
fn pop3_malformed_greeting() {
    let (e, out) = pop3_connect_fails("pop3_greeting_malformed", 1500, CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("OK ready"), "{e}");
    assert_eq!(out.received, b"");
}

#[test]
fn pop3_overlong_status_line() {
    let (_, out) = pop3_connect_fails("pop3_greeting_overlong", 1500, CSMAIL_E_CONNECT, eexReplyTooLong);
    assert_eq!(out.received, b"");
}

#[test]
fn pop3_malformed_status_after_connect_is_protocol_error() {
    let s = Scripted::start("pop3_stat_malformed", false);
    let c = s.pop3(1500);
    c.connect().unwrap();
    let e = expect_err(c.stat(), CSMAIL_E_PROTOCOL, eexMalformedReply);
    assert!(e.text.contains("OK 1 10"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nSTAT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_never_ending_capa_listing() {
    let t = Instant::now();
    let (_, out) = pop3_connect_fails("pop3_capa_never_ending", 20_000, CSMAIL_E_CONNECT, eexReplyTooLong);
    assert!(t.elapsed() < ms(15_000), "took {:?}", t.elapsed());
    assert_eq!(out.received, b"CAPA\r\n");
}

// =============================================================================================
// 7. Connections closed in the middle
// =============================================================================================

#[test]
fn smtp_closed_mid_reply_during_connect() {
    let (e, out) = smtp_connect_fails("smtp_closed_mid_ehlo", 1500, CSMAIL_E_CONNECT, eexConnectionClosed);
    assert!(e.text.contains("closed the connection"), "{e}");
    assert_eq!(out.received, b"EHLO client.test\r\n");
}

#[test]
fn smtp_closed_mid_reply_after_connect() {
    let s = Scripted::start("smtp_closed_mid_rset_reply", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(c.reset(), CSMAIL_E_NETWORK, eexConnectionClosed);
    assert!(e.text.contains("closed the connection"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    assert_eq!(s.finish().received, b"EHLO client.test\r\nRSET\r\n");
}

#[test]
fn pop3_closed_mid_status_line() {
    let (e, out) = pop3_connect_fails("pop3_closed_mid_status", 1500, CSMAIL_E_CONNECT, eexConnectionClosed);
    assert!(e.text.contains("greeting"), "{e}");
    assert_eq!(out.received, b"");
}

#[test]
fn pop3_closed_mid_retr_body() {
    let s = Scripted::start("pop3_closed_mid_retr", false);
    let c = s.pop3(1500);
    c.connect().unwrap();
    let mut got = Vec::new();
    let e = expect_err(c.retrieve(1, &mut got), CSMAIL_E_NETWORK, eexConnectionClosed);
    assert!(e.text.contains("middle of a message"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(got, b"Subject: cut\r\n\r\npartial body\r\n");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    assert_eq!(s.finish().received, b"CAPA\r\nUSER u\r\nPASS p\r\nRETR 1\r\n");
}

/// The server closes right after 354 while the client is still streaming a large message from a
/// source that cannot have ended yet: the terminator was never sent, so this is a network error,
/// not "delivery unknown".
#[test]
fn smtp_closed_mid_data_is_network_error_not_delivery_unknown() {
    let s = Scripted::start("smtp_close_after_354", false);
    let c = s.smtp(3000);
    c.connect().unwrap();
    const TOTAL: usize = 16 << 20;
    let produced = Arc::new(AtomicUsize::new(0));
    let p = produced.clone();
    let line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";
    let mut src = FnSource(move |buf: &mut [u8]| {
        let done = p.load(Ordering::SeqCst);
        if done >= TOTAL {
            return Ok(0);
        }
        // About 6.5 MB/s: the whole would take ~2.6 s; the server is gone after ~200 ms.
        thread::sleep(ms(10));
        let n = buf.len().min(TOTAL - done);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = line[(done + i) % line.len()];
        }
        p.store(done + n, Ordering::SeqCst);
        Ok(n)
    });
    let e = c.send("a@example.com", &["b@example.com"], &mut src).unwrap_err();
    assert_ne!(e.result, CSMAIL_E_DELIVERY_UNKNOWN, "{e}");
    assert_eq!(e.result, CSMAIL_E_NETWORK, "{e}");
    assert!(e.eex == eexSocketTx || e.eex == eexConnectionClosed, "{e}");
    if e.eex == eexSocketTx {
        assert!(e.os_error == libc::EPIPE || e.os_error == libc::ECONNRESET, "{e} (os {})", e.os_error);
    }
    assert_info(&c.extended_error(), &e);
    assert!(produced.load(Ordering::SeqCst) < TOTAL, "the source was read to its end");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert!(!after(&out.received, b"DATA\r\n").ends_with(b"\r\n.\r\n"));
}

#[test]
fn smtp_closed_after_data_terminator_is_delivery_unknown() {
    let s = Scripted::start("smtp_close_after_terminator", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(
        c.send("a@example.com", &["b@example.com"], &mut &MSG[..]),
        CSMAIL_E_DELIVERY_UNKNOWN,
        eexDeliveryUnknown,
    );
    assert!(e.text.contains("closed the connection") && e.text.contains("delivery unknown"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert!(out.received.ends_with(b"hello\r\n.\r\n"), "{}", show(&out.received));
}

// =============================================================================================
// 8. SMTP envelope, pipelining and message data
// =============================================================================================

#[test]
fn smtp_pipelined_refused_recipient_sends_no_data_and_closes() {
    let s = Scripted::start("smtp_pipelined_rcpt_refused", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(
        c.send("a@example.com", &["good@example.com", "bad@example.com"], &mut &MSG[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
    );
    assert!(e.text.contains("RCPT TO:<bad@example.com>") && e.text.contains("550 5.1.1"), "{e}");
    assert!(!e.text.contains("good@example.com"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "5.1.1");
    // The server waits for data after 354; closing is the only way not to deliver it.
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(
        out.received,
        b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<good@example.com>\r\nRCPT TO:<bad@example.com>\r\nDATA\r\n",
        "{}",
        show(&out.received)
    );
    assert!(!contains(&out.received, b"hello"));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_pipelined_refused_recipient_and_refused_data_resets() {
    let s = Scripted::start("smtp_pipelined_data_refused", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(
        c.send("a@example.com", &["good@example.com", "bad@example.com"], &mut &MSG[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
    );
    assert!(e.text.contains("bad@example.com") && e.text.contains("550"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.disconnect().unwrap();
    let out = s.finish();
    assert_eq!(
        out.received,
        b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<good@example.com>\r\nRCPT TO:<bad@example.com>\r\nDATA\r\nRSET\r\nQUIT\r\n",
        "{}",
        show(&out.received)
    );
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn smtp_unpipelined_refused_recipient_resets_and_stays_usable() {
    let s = Scripted::start("smtp_unpipelined_rcpt_refused", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let e = expect_err(
        c.send("a@example.com", &["good@example.com", "bad@example.com"], &mut &MSG[..]),
        CSMAIL_E_SERVER,
        eexSmtpServer,
    );
    assert!(e.text.contains("RCPT TO:<bad@example.com>") && e.text.contains("550"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.send("a@example.com", &["good@example.com"], &mut &MSG[..]).unwrap();
    assert_eq!(c.extended_error().number, 0);
    assert_eq!(c.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    c.disconnect().unwrap();
    let out = s.finish();
    let mut want = b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<good@example.com>\r\nRCPT TO:<bad@example.com>\r\nRSET\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<good@example.com>\r\nDATA\r\n".to_vec();
    want.extend_from_slice(MSG);
    want.extend_from_slice(b".\r\nQUIT\r\n");
    assert_eq!(out.received, want, "{}", show(&out.received));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

/// Sends `body` through smtp_send_one and returns the exact bytes between "DATA\r\n" and "QUIT\r\n".
fn wire_data_for(body: &[u8]) -> Vec<u8> {
    let s = Scripted::start("smtp_send_one", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    c.send("a@example.com", &["b@example.com"], &mut &body[..]).unwrap();
    c.disconnect().unwrap();
    let out = s.finish();
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
    let head = b"EHLO client.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n";
    assert!(out.received.starts_with(head), "{}", show(&out.received));
    assert!(out.received.ends_with(b"QUIT\r\n"), "{}", show(&out.received));
    out.received[head.len()..out.received.len() - b"QUIT\r\n".len()].to_vec()
}

#[test]
fn smtp_message_data_is_canonicalised_and_dot_stuffed() {
    // smtpsmug end-of-data variants, bare CR and LF, leading dots, a NUL, no final line end.
    let body: &[u8] = b"Subject: t\r\n\r\na\n.\nb\r.\rc\r\n.\rd\r.\r\ne\n.\r\nf\r\n\x00.\r\n..g\r\n.h";
    let want: &[u8] =
        b"Subject: t\r\n\r\na\r\n..\r\nb\r\n..\r\nc\r\n..\r\nd\r\n..\r\ne\r\n..\r\nf\r\n.\x00.\r\n...g\r\n..h\r\n.\r\n";
    let got = wire_data_for(body);
    assert_eq!(got, want, "\n got: {}\nwant: {}", show(&got), show(want));
    // Exactly one end-of-data sequence, at the very end, also for a receiver that drops NULs.
    assert_eq!(got.windows(5).filter(|w| w == b"\r\n.\r\n").count(), 1);
    let no_nuls: Vec<u8> = got.iter().copied().filter(|&b| b != 0).collect();
    assert_eq!(no_nuls.windows(5).filter(|w| w == b"\r\n.\r\n").count(), 1);
}

#[test]
fn smtp_message_data_smuggling_vectors_each_neutralised() {
    let vectors: [&[u8]; 9] =
        [b"\n.\n", b"\r.\r", b"\r.\n", b"\n.\r", b"\n.\r\n", b"\r\n.\n", b"\r.\r\n", b"\r\n.\r", b"\r\n\x00.\r\n"];
    let wants: [&[u8]; 9] = [
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        b"\r\n..\r\n",
        // A NUL before the dot: still dot-leading, for receivers that drop NULs (defect 2).
        b"\r\n.\x00.\r\n",
    ];
    for (v, w) in vectors.iter().zip(wants) {
        let mut body = b"Subject: s\r\n\r\nbody".to_vec();
        body.extend_from_slice(v);
        body.extend_from_slice(b"MAIL FROM:<evil@x>\r\n");
        let mut want = b"Subject: s\r\n\r\nbody".to_vec();
        want.extend_from_slice(w);
        want.extend_from_slice(b"MAIL FROM:<evil@x>\r\n.\r\n");
        let got = wire_data_for(&body);
        assert_eq!(got, want, "vector {}: got {}", show(v), show(&got));
    }
}

#[test]
fn smtp_empty_message_is_just_the_terminator() {
    assert_eq!(wire_data_for(b""), b".\r\n");
    assert_eq!(wire_data_for(b"x\r\n"), b"x\r\n.\r\n");
}

// =============================================================================================
// 10. Authentication failures and log redaction
// =============================================================================================

#[test]
fn smtp_auth_not_offered() {
    let s = Scripted::start("smtp_no_mechanism_quit", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_chosen_mechanism_not_offered() {
    let s = Scripted::start("smtp_auth_plain_only", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_LOGIN).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert!(e.text.contains("LOGIN"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn smtp_auth_535_is_auth_error_with_server_text() {
    let s = Scripted::start("smtp_auth_535", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert!(e.text.contains("535 5.7.8 Authentication credentials invalid"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nAUTH PLAIN AHUAcA==\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_auth_failure_surfaces_resp_code() {
    let s = Scripted::start("pop3_pass_resp_code", false);
    let c = s.pop3(1500);
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert!(e.text.contains("-ERR [AUTH] bad"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_apop_without_greeting_timestamp() {
    let s = Scripted::start("pop3_capa_user_only", false);
    let c = s.pop3(1500);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_APOP).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert!(e.text.contains("timestamp"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_sasl_plain_not_offered() {
    let s = Scripted::start("pop3_capa_user_only", false);
    let c = s.pop3(1500);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_PLAIN).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nQUIT\r\n");
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_bundled_server_auth_failure_resp_code() {
    let fx = Fixture::start();
    let c = fx.pop3(fx.server.pop3_port, None, "alice", "wrong");
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert!(e.text.contains("[AUTH]"), "{e}");
    assert_info(&c.extended_error(), &e);
}

/// Connects to the bundled server with `mech` (alice/alicepass) and returns every log text.
fn smtp_auth_log(mech: i32, secrets: bool) -> Vec<String> {
    let fx = Fixture::start();
    let c = fx.smtp(fx.server.smtp_port, None);
    c.set_str(CSMAIL_PROP_USER, "alice").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "alicepass").unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    let (log, lines) = collecting_log();
    log.set_log_secrets(secrets);
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    c.disconnect().unwrap();
    log_texts(&lines)
}

fn pop3_auth_log(mech: i32, secrets: bool) -> Vec<String> {
    let fx = Fixture::start();
    let c = fx.pop3(fx.server.pop3_port, None, "alice", "alicepass");
    c.set_int(CSMAIL_PROP_AUTH_MECH, mech).unwrap();
    let (log, lines) = collecting_log();
    log.set_log_secrets(secrets);
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    c.disconnect().unwrap();
    log_texts(&lines)
}

#[track_caller]
fn assert_absent(logged: &[String], secrets: &[&str]) {
    for s in secrets {
        assert!(!logged.iter().any(|l| l.contains(s)), "{s:?} was logged: {logged:#?}");
    }
}

#[test]
fn smtp_log_redacts_auth_plain() {
    let payload = sasl::plain("alice", "alicepass");
    let logged = smtp_auth_log(CSMAIL_AUTH_PLAIN, false);
    assert!(logged.iter().any(|l| l == "C: AUTH PLAIN <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["alicepass", &payload]);
    // Control: the same run with log_secrets shows the payload, so the check above can fail.
    let shown = smtp_auth_log(CSMAIL_AUTH_PLAIN, true);
    assert!(shown.iter().any(|l| *l == format!("C: AUTH PLAIN {payload}")), "{shown:#?}");
}

#[test]
fn smtp_log_redacts_auth_login() {
    let pass_b64 = sasl::b64(b"alicepass");
    let logged = smtp_auth_log(CSMAIL_AUTH_LOGIN, false);
    assert!(logged.iter().any(|l| l == "C: AUTH LOGIN"), "{logged:#?}");
    assert!(logged.iter().any(|l| l == "C: <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["alicepass", &pass_b64]);
    let shown = smtp_auth_log(CSMAIL_AUTH_LOGIN, true);
    assert!(shown.iter().any(|l| *l == format!("C: {pass_b64}")), "{shown:#?}");
}

#[test]
fn smtp_log_redacts_auth_cram_md5() {
    let response = |logged: &[String]| {
        let challenge = logged
            .iter()
            .find_map(|l| l.strip_prefix("S: 334 "))
            .unwrap_or_else(|| panic!("no challenge logged: {logged:#?}"));
        sasl::cram_md5(challenge, "alice", "alicepass").expect("base64 challenge")
    };
    let logged = smtp_auth_log(CSMAIL_AUTH_CRAM_MD5, false);
    assert!(logged.iter().any(|l| l == "C: AUTH CRAM-MD5"), "{logged:#?}");
    assert!(logged.iter().any(|l| l == "C: <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["alicepass", &response(&logged)]);
    let shown = smtp_auth_log(CSMAIL_AUTH_CRAM_MD5, true);
    assert!(shown.iter().any(|l| *l == format!("C: {}", response(&shown))), "{shown:#?}");
}

#[test]
fn pop3_log_redacts_user_pass() {
    let logged = pop3_auth_log(CSMAIL_AUTH_USER_PASS, false);
    assert!(logged.iter().any(|l| l == "C: USER alice"), "{logged:#?}");
    assert!(logged.iter().any(|l| l == "C: PASS <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["alicepass"]);
    let shown = pop3_auth_log(CSMAIL_AUTH_USER_PASS, true);
    assert!(shown.iter().any(|l| l == "C: PASS alicepass"), "{shown:#?}");
}

#[test]
fn pop3_log_redacts_apop() {
    let digest = |logged: &[String]| {
        let greeting = logged.iter().find(|l| l.starts_with("S: +OK")).expect("greeting logged");
        let a = greeting.find('<').expect("timestamp");
        let b = greeting[a..].find('>').expect("timestamp end");
        sasl::apop(&greeting[a..a + b + 1], "alicepass")
    };
    let logged = pop3_auth_log(CSMAIL_AUTH_APOP, false);
    assert!(logged.iter().any(|l| l == "C: APOP alice <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["alicepass", &digest(&logged)]);
    let shown = pop3_auth_log(CSMAIL_AUTH_APOP, true);
    assert!(shown.iter().any(|l| *l == format!("C: APOP alice {}", digest(&shown))), "{shown:#?}");
}

#[test]
fn pop3_log_redacts_auth_plain() {
    let payload = sasl::plain("alice", "alicepass");
    let logged = pop3_auth_log(CSMAIL_AUTH_PLAIN, false);
    assert!(logged.iter().any(|l| l == "C: AUTH PLAIN <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["alicepass", &payload]);
    let shown = pop3_auth_log(CSMAIL_AUTH_PLAIN, true);
    assert!(shown.iter().any(|l| *l == format!("C: AUTH PLAIN {payload}")), "{shown:#?}");
}

/// A failed login's error text (logged as a fatal error and kept in ErrorInfo) carries the
/// server's reply, never the password.
#[test]
fn smtp_failed_login_error_does_not_leak_password() {
    let fx = Fixture::start();
    let c = fx.smtp(fx.server.smtp_port, None);
    c.set_str(CSMAIL_PROP_USER, "alice").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "wrongsecret").unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_PLAIN).unwrap();
    let (log, lines) = collecting_log();
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert!(e.text.contains("535"), "{e}");
    assert_info(&c.extended_error(), &e);
    let logged = log_texts(&lines);
    assert!(lines.lock().iter().any(|l| l.0 == LOG_S_FATAL && l.2.contains("535")), "{logged:#?}");
    assert_absent(&logged, &["wrongsecret", &sasl::plain("alice", "wrongsecret")]);
    assert!(!e.text.contains("wrongsecret"));
}

// =============================================================================================
// 11. Abort, busy, re-entrancy
// =============================================================================================

#[test]
fn smtp_abort_during_greeting() {
    let s = Scripted::start("smtp_greeting_hang", false);
    let c = Arc::new(s.smtp(30_000));
    let c2 = c.clone();
    let h = thread::spawn(move || timed(|| c2.connect()));
    thread::sleep(ms(300));
    assert!(c.abort(), "abort found no running operation");
    let (r, el) = h.join().unwrap();
    let e = expect_err(r, CSMAIL_E_ABORTED, eexAborted);
    assert!(el < ms(3000), "abort took {el:?} (the timeout is 30 s)");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    // Nothing runs now: abort has nothing to end.
    assert!(!c.abort());
    drop(c);
    assert_eq!(s.finish().received, b"");
}

#[test]
fn pop3_abort_during_stalled_retr() {
    let s = Scripted::start("pop3_retr_stall", false);
    let c = Arc::new(s.pop3(30_000));
    c.connect().unwrap();
    let c2 = c.clone();
    let h = thread::spawn(move || {
        let mut got = Vec::new();
        let r = timed(|| c2.retrieve(1, &mut got));
        (r, got)
    });
    thread::sleep(ms(300));
    assert!(c.abort());
    let ((r, el), got) = h.join().unwrap();
    let e = expect_err(r, CSMAIL_E_ABORTED, eexAborted);
    assert!(el < ms(3000), "abort took {el:?} (the timeout is 30 s)");
    assert_eq!(got, b"Subject: stalled\r\n\r\nfirst line of the body\r\n");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
}

#[test]
fn smtp_abort_during_slow_connect() {
    let backlog = full_backlog();
    let c = Arc::new(scripted_smtp(backlog.port, 30_000));
    let c2 = c.clone();
    let h = thread::spawn(move || timed(|| c2.connect()));
    thread::sleep(ms(300));
    assert!(c.abort());
    let (r, el) = h.join().unwrap();
    let e = expect_err(r, CSMAIL_E_ABORTED, eexAborted);
    assert!(el < ms(3000), "abort took {el:?} (the timeout is 30 s)");
    assert_info(&c.extended_error(), &e);
}

#[test]
fn smtp_second_thread_gets_busy() {
    let s = Scripted::start("smtp_greeting_hang", false);
    let c = Arc::new(s.smtp(30_000));
    let c2 = c.clone();
    let h = thread::spawn(move || c2.connect());
    thread::sleep(ms(300));
    let (r, el) = timed(|| c.connect());
    let busy = expect_err(r, CSMAIL_E_BUSY, eexBusy);
    assert!(el < ms(1000), "a busy client must answer at once, took {el:?}");
    expect_err(c.send("a@example.com", &["b@example.com"], &mut &MSG[..]), CSMAIL_E_BUSY, eexBusy);
    expect_err(c.reset(), CSMAIL_E_BUSY, eexBusy);
    // Properties stay readable while an operation runs.
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    assert!(c.abort());
    let e = expect_err(h.join().unwrap(), CSMAIL_E_ABORTED, eexAborted);
    // BUSY describes the other thread's operation; ErrorInfo keeps that operation's outcome.
    assert_ne!(c.extended_error().number, busy.eex);
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"");
}

#[test]
fn pop3_second_thread_gets_busy() {
    let s = Scripted::start("pop3_greeting_hang", false);
    let c = Arc::new(s.pop3(30_000));
    let c2 = c.clone();
    let h = thread::spawn(move || c2.connect());
    thread::sleep(ms(300));
    expect_err(c.connect(), CSMAIL_E_BUSY, eexBusy);
    expect_err(c.stat(), CSMAIL_E_BUSY, eexBusy);
    assert!(c.abort());
    let e = expect_err(h.join().unwrap(), CSMAIL_E_ABORTED, eexAborted);
    assert_info(&c.extended_error(), &e);
}

#[test]
fn smtp_progress_callback_reentering_the_client_gets_reentrant() {
    let s = Scripted::start("smtp_send_one", false);
    let c = Arc::new(s.smtp(1500));
    c.connect().unwrap();
    let calls: Arc<Mutex<Vec<(&'static str, std::result::Result<(), Error>)>>> = Arc::new(Mutex::new(Vec::new()));
    let weak: Weak<SmtpClient> = Arc::downgrade(&c);
    let rec = calls.clone();
    let getters_ok = Arc::new(AtomicUsize::new(0));
    let gok = getters_ok.clone();
    let progress: ProgressFn = Arc::new(move |_, _| {
        if let Some(c) = weak.upgrade() {
            // Property getters and setters are allowed from a callback.
            if c.get_int(CSMAIL_PROP_CONNECTED).ok() == Some(1)
                && c.get_str(CSMAIL_PROP_EHLO_NAME).ok().as_deref() == Some(EHLO_NAME)
                && c.set_int(CSMAIL_PROP_TIMEOUT_MS, 1500).is_ok()
            {
                gok.fetch_add(1, Ordering::SeqCst);
            }
            let mut rec = rec.lock();
            if rec.is_empty() {
                rec.push(("reset", c.reset()));
                rec.push(("connect", c.connect()));
                rec.push(("disconnect", c.disconnect()));
                rec.push(("send", c.send("x@example.com", &["y@example.com"], &mut &b"x"[..])));
            }
        }
        true
    });
    c.set_progress(Some(progress)).unwrap();
    c.send("a@example.com", &["b@example.com"], &mut &MSG[..]).unwrap();
    c.set_progress(None).unwrap();
    let calls = calls.lock();
    assert_eq!(calls.len(), 4, "the progress callback did not run");
    assert!(getters_ok.load(Ordering::SeqCst) >= 1, "property access from the callback failed");
    for (what, r) in calls.iter() {
        let e = r.as_ref().expect_err(what);
        assert_eq!((e.result, e.eex), (CSMAIL_E_REENTRANT, eexReentrant), "{what}: {e}");
    }
    // The send itself succeeded and ErrorInfo says so.
    assert_eq!(c.extended_error().number, 0);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    c.disconnect().unwrap();
    let out = s.finish();
    assert_no_commands(&out.received, &["RSET", "MAIL FROM:<X@"]);
    assert_eq!(out.received.windows(5).filter(|w| w == b"EHLO ").count(), 1, "{}", show(&out.received));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

#[test]
fn pop3_progress_callback_reentering_the_client_gets_reentrant() {
    let s = Scripted::start("pop3_retr_one", false);
    let c = Arc::new(s.pop3(1500));
    c.connect().unwrap();
    let seen: Arc<Mutex<Vec<std::result::Result<(u32, u64), Error>>>> = Arc::new(Mutex::new(Vec::new()));
    let weak: Weak<Pop3Client> = Arc::downgrade(&c);
    let rec = seen.clone();
    c.set_progress(Some(Arc::new(move |_, _| {
        if let Some(c) = weak.upgrade() {
            rec.lock().push(c.stat());
        }
        true
    })))
    .unwrap();
    let mut got = Vec::new();
    c.retrieve(1, &mut got).unwrap();
    assert_eq!(got, b"Subject: one\r\n\r\nbody\r\n");
    let seen = seen.lock();
    assert!(!seen.is_empty(), "the progress callback did not run");
    for r in seen.iter() {
        let e = r.as_ref().unwrap_err();
        assert_eq!((e.result, e.eex), (CSMAIL_E_REENTRANT, eexReentrant), "{e}");
    }
    assert_eq!(c.extended_error().number, 0);
    assert!(c.disconnect().unwrap());
    let out = s.finish();
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

/// A progress callback returning false stops the send: ABORTED, the connection is closed and
/// the partial message is never terminated.
#[test]
fn smtp_progress_stop_leaves_message_unterminated() {
    let s = Scripted::start("smtp_progress_stop", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let k = calls.clone();
    c.set_progress(Some(Arc::new(move |_, _| k.fetch_add(1, Ordering::SeqCst) == 0))).unwrap();
    let body: Vec<u8> = b"Subject: big\r\n\r\n"
        .iter()
        .copied()
        .chain((0..200_000).map(|i| if i % 80 == 79 { b'\n' } else { b'x' }))
        .collect();
    let e = expect_err(c.send("a@example.com", &["b@example.com"], &mut &body[..]), CSMAIL_E_ABORTED, eexAborted);
    assert_info(&c.extended_error(), &e);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    let data = after(&out.received, b"DATA\r\n");
    assert!(data.len() >= 64 * 1024, "only {} bytes of data were sent", data.len());
    assert!(data.len() < body.len(), "the whole message was sent");
    assert!(!contains(data, b"\r\n.\r\n"), "the partial message was terminated");
}

/// Abort while waiting for the final reply: the message was sent, so the outcome is "delivery
/// unknown", not a plain abort.
#[test]
fn smtp_abort_after_data_is_delivery_unknown() {
    let s = Scripted::start("smtp_final_reply_hang", false);
    let c = Arc::new(s.smtp(30_000));
    c.connect().unwrap();
    let c2 = c.clone();
    let h = thread::spawn(move || timed(|| c2.send("a@example.com", &["b@example.com"], &mut &MSG[..])));
    thread::sleep(ms(400));
    assert!(c.abort());
    let (r, el) = h.join().unwrap();
    let e = expect_err(r, CSMAIL_E_DELIVERY_UNKNOWN, eexDeliveryUnknown);
    assert!(el < ms(3000), "abort took {el:?} (the timeout is 30 s)");
    assert!(e.text.contains("aborted"), "{e}");
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert!(out.received.ends_with(b"hello\r\n.\r\n"), "{}", show(&out.received));
}

#[test]
fn smtp_greeting_refusal_is_connect_error() {
    let (e, out) = smtp_connect_fails("smtp_greeting_554", 1500, CSMAIL_E_CONNECT, eexSmtpServer);
    assert!(e.text.contains("554 5.3.2 service not available"), "{e}");
    assert_eq!(out.received, b"", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

#[test]
fn pop3_greeting_refusal_is_connect_error() {
    let (e, out) = pop3_connect_fails("pop3_greeting_err", 1500, CSMAIL_E_CONNECT, eexPopServer);
    assert!(e.text.contains("-ERR [SYS/TEMP] too busy"), "{e}");
    assert_eq!(out.received, b"", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// PIPELINING: both RETRs go out before any reply is read (the script reads both first); a
/// refused second RETR fails the batch after the first message was delivered to its sink.
#[test]
fn pop3_pipelined_batch_with_refused_retr() {
    let s = Scripted::start("pop3_pipelined_retr_err", false);
    let c = s.pop3(1500);
    c.connect().unwrap();
    let got: Arc<Mutex<Vec<(u32, Vec<u8>)>>> = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    let e = expect_err(
        c.retrieve_many(&[1, 2], false, &mut |n| {
            let g = g.clone();
            Box::new(FnSink(move |d: &[u8]| {
                g.lock().push((n, d.to_vec()));
                Ok(())
            }))
        }),
        CSMAIL_E_SERVER,
        eexPopServer,
    );
    assert!(e.text.contains("RETR 2") && e.text.contains("-ERR no such message"), "{e}");
    assert_info(&c.extended_error(), &e);
    let got = got.lock();
    let one: Vec<u8> = got.iter().filter(|(n, _)| *n == 1).flat_map(|(_, d)| d.clone()).collect();
    assert_eq!(one, b"Subject: one\r\n\r\nbody one\r\n");
    assert!(got.iter().all(|(n, _)| *n == 1));
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"CAPA\r\nUSER u\r\nPASS p\r\nRETR 1\r\nRETR 2\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// The same silent server behind implicit TLS: the timeout applies to TLS reads as well.
#[test]
fn smtp_implicit_tls_greeting_timeout() {
    let s = Scripted::start("smtp_greeting_hang", true);
    let c = s.smtp(600);
    let ssl = s.ssl(MODE_CHANNEL);
    c.set_advanced_handler(AdvancedHandler::Ssl(ssl.clone())).unwrap();
    let (r, el) = timed(|| c.connect());
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert_took_about(el, 600);
    assert_eq!(e.text, "timed out while reading the greeting");
    assert!(e.os_error == libc::ETIMEDOUT || e.os_error == 0, "OSError {}", e.os_error);
    assert_info(&c.extended_error(), &e);
    // The handshake itself succeeded and was recorded.
    assert!(matches!(ssl.negotiated().protocol, SSL_TLS12 | SSL_TLS13));
    drop(c);
    assert_eq!(s.finish().received, b"");
}

#[test]
fn smtp_cram_md5_malformed_challenge() {
    let s = Scripted::start("smtp_cram_bad_challenge", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("CRAM-MD5"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nAUTH CRAM-MD5\r\n", "{}", show(&out.received));
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// SmtpSession::quit (src/protocol/smtp.rs): "The reply is read so the server ends cleanly; its
/// absence is no error." A server that closes on QUIT without replying.
#[test]
fn smtp_quit_without_reply_is_no_error() {
    let s = Scripted::start("smtp_quit_then_close", false);
    let c = s.smtp(1500);
    c.connect().unwrap();
    let r = c.disconnect();
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    assert!(r.is_ok(), "disconnect failed although a missing QUIT reply is documented as no error: {r:?}");
    assert_eq!(c.extended_error().number, 0);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received, b"EHLO client.test\r\nQUIT\r\n");
}

/// The same with a server that never answers QUIT: the wait is bounded by the timeout and the
/// missing reply is still no error.
#[test]
fn smtp_quit_unanswered_is_no_error() {
    let s = Scripted::start("smtp_quit_then_hang", false);
    let c = s.smtp(500);
    c.connect().unwrap();
    let (r, el) = timed(|| c.disconnect());
    assert!(el < ms(2500), "disconnect took {el:?}");
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    assert!(r.is_ok(), "disconnect failed although a missing QUIT reply is documented as no error: {r:?}");
    assert_eq!(c.extended_error().number, 0);
    drop(c);
    assert_eq!(s.finish().received, b"EHLO client.test\r\nQUIT\r\n");
}

#[test]
fn smtp_xoauth2_failure_is_auth_error_and_token_is_redacted() {
    let s = Scripted::start("smtp_xoauth2_fail", false);
    let c = s.smtp(1500);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "tok3n-secret").unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_XOAUTH2).unwrap();
    let (log, lines) = collecting_log();
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert!(e.text.contains("535 5.7.8"), "{e}");
    assert_info(&c.extended_error(), &e);
    let logged = log_texts(&lines);
    assert!(logged.iter().any(|l| l == "C: AUTH XOAUTH2 <redacted>"), "{logged:#?}");
    assert_absent(&logged, &["tok3n-secret", &sasl::xoauth2("u", "tok3n-secret")]);
    drop(c);
    let out = s.finish();
    assert!(out.mismatches.is_empty(), "{:?}", out.mismatches);
}

/// ffi csmail_pop3_retrieve_file / Pop3Client::retrieve_file: "on failure the partial file is
/// removed" — also a file that existed before.
#[test]
fn pop3_retrieve_file_removed_on_failure() {
    let s = Scripted::start("pop3_closed_mid_retr", false);
    let c = s.pop3(1500);
    c.connect().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("msg.eml");
    std::fs::write(&path, b"old content").unwrap();
    let e = expect_err(c.retrieve_file(1, path.to_str().unwrap(), None), CSMAIL_E_NETWORK, eexConnectionClosed);
    assert_info(&c.extended_error(), &e);
    assert!(!path.exists(), "the partial file was left behind");
    drop(c);
    s.finish();
}

/// A malformed POP3 status line with a multi-byte character across byte 80: the error text
/// must be built without slicing the character apart.
#[test]
fn pop3_malformed_status_with_multibyte_text() {
    let s = Scripted::start("pop3_greeting_malformed_utf8", false);
    let c = s.pop3(1500);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.connect()));
    let r = r.unwrap_or_else(|_| panic!("Pop3Client::connect panicked on a malformed status line with UTF-8 text"));
    let e = expect_err(r, CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("OK aaaa"), "{e}");
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_eq!(s.finish().received, b"");
}

/// The server stops reading in the middle of the message: the blocked write times out. The
/// terminator was never sent, so this is a timeout, not "delivery unknown".
#[test]
fn smtp_stalled_reader_mid_data_times_out() {
    let s = Scripted::start("smtp_354_then_stall", false);
    let c = s.smtp(500);
    c.connect().unwrap();
    const TOTAL: usize = 256 << 20;
    let produced = Arc::new(AtomicUsize::new(0));
    let p = produced.clone();
    let mut src = FnSource(move |buf: &mut [u8]| {
        let done = p.load(Ordering::SeqCst);
        if done >= TOTAL {
            return Ok(0);
        }
        let n = buf.len().min(TOTAL - done);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = if (done + i) % 64 == 63 { b'\n' } else { b'z' };
        }
        p.store(done + n, Ordering::SeqCst);
        Ok(n)
    });
    let (r, el) = timed(|| c.send("a@example.com", &["b@example.com"], &mut src));
    let e = expect_err(r, CSMAIL_E_TIMEOUT, eexTimeout);
    assert!(e.text.contains("sending the message"), "{e}");
    assert!(el < ms(2900), "took {el:?}: the write timeout did not fire before the server woke up");
    assert_info(&c.extended_error(), &e);
    assert!(produced.load(Ordering::SeqCst) < TOTAL);
    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    drop(c);
    s.finish();
}

/// Abort during a STARTTLS handshake the server never completes.
#[test]
fn smtp_abort_during_starttls_handshake() {
    let s = Scripted::start("smtp_starttls_handshake_hang", false);
    let c = Arc::new(s.smtp(30_000));
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let c2 = c.clone();
    let h = thread::spawn(move || timed(|| c2.connect()));
    thread::sleep(ms(400));
    assert!(c.abort());
    let (r, el) = h.join().unwrap();
    let e = expect_err(r, CSMAIL_E_ABORTED, eexAborted);
    assert!(el < ms(3000), "abort took {el:?} (the timeout is 30 s)");
    assert_info(&c.extended_error(), &e);
    drop(c);
    s.finish();
}

/// README: "a callback that starts an operation on the client running it gets
/// CSMAIL_E_REENTRANT". The LogHandler callback also runs for the fatal message that reports a
/// failed operation; an operation started from there must be refused too, and must not replace
/// the failed operation's ErrorInfo.
#[test]
fn log_callback_reentering_on_the_fatal_message_gets_reentrant() {
    let port = refused_port();
    let c = Arc::new(scripted_smtp(port, 1500));
    let weak = Arc::downgrade(&c);
    let fired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let nested: Arc<Mutex<Vec<std::result::Result<(), Error>>>> = Arc::new(Mutex::new(Vec::new()));
    let (f, n) = (fired.clone(), nested.clone());
    let log = Arc::new(LogHandler::new());
    log.set_callback(Some(Arc::new(move |severity: i32, _facility: i32, _message: &str| {
        if severity == LOG_S_FATAL && !f.swap(true, Ordering::SeqCst) {
            if let Some(c) = weak.upgrade() {
                let r = c.connect();
                n.lock().push(r);
            }
        }
    })))
    .unwrap();
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexTCPConnect);
    let nested = nested.lock();
    assert_eq!(nested.len(), 1, "the fatal message was not logged");
    let inner = nested[0].as_ref().expect_err("a connect started from the log callback ran");
    assert_eq!((inner.result, inner.eex), (CSMAIL_E_REENTRANT, eexReentrant), "{inner}");
    assert_info(&c.extended_error(), &e);
}

#[test]
fn smtp_plaintext_after_starttls_is_a_tls_error() {
    let s = Scripted::start("smtp_starttls_then_plaintext", false);
    let c = s.smtp(3000);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_STARTTLS))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLProtocol);
    assert_info(&c.extended_error(), &e);
    assert_eq!(c.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    drop(c);
    let out = s.finish();
    // Nothing in plaintext after STARTTLS: only the ClientHello (a TLS record) follows.
    let tail = after(&out.received, b"EHLO client.test\r\nSTARTTLS\r\n");
    assert_eq!(tail.first(), Some(&0x16), "{}", show(&out.received));
    assert!(!contains(tail, b"AUTH") && !contains(tail, b"EHLO"), "{}", show(&out.received));
}

#[test]
fn smtp_implicit_tls_against_plaintext_server() {
    let s = Scripted::start("smtp_plain_greeting", false);
    let c = s.smtp(3000);
    c.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_CHANNEL))).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexSSLProtocol);
    assert_info(&c.extended_error(), &e);
    drop(c);
    let out = s.finish();
    assert_eq!(out.received.first(), Some(&0x16), "{}", show(&out.received));
}

/// Over TLS, AUTO picks APOP when the server lists its capabilities without USER or SASL PLAIN
/// and its greeting has a timestamp: USER/PASS would only be refused.
#[test]
fn pop3_auto_over_tls_uses_apop_when_user_is_not_listed() {
    let ts = "<1896.697170952@dbc.mtview.ca.us>";
    let digest = common::sasl::apop(ts, "p");
    let script = csmail_server::Script::parse(&format!(
        "S: +OK ready {ts}\nC: CAPA\nS: +OK\nS: TOP\nS: UIDL\nS: .\nC: APOP u {digest}\nS: +OK in\nC: QUIT\nS: +OK bye\n"
    ))
    .unwrap();
    let s = Scripted::start_script(script, true);
    let pop = s.pop3(3000);
    pop.set_advanced_handler(csmail::api::AdvancedHandler::Ssl(s.ssl(csmail::options::MODE_CHANNEL))).unwrap();
    pop.connect().unwrap();
    assert!(pop.disconnect().unwrap());
    let out = s.finish();
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

/// A server that sends a reply and then drops out of TLS (bytes outside any record, in the same
/// write: Exim after refusing an over-size BDAT did so) must not lose the reply: the greeting is
/// taken and the session goes on to CAPA; only then does the broken record end it (while CAPA
/// is sent, where the send first completes rustls's pending I/O, or while its reply is awaited).
/// Without the reply delivered first, connect failed on the greeting itself.
#[test]
fn a_reply_before_bytes_outside_tls_is_delivered_before_the_error() {
    let script = csmail_server::Script::parse("S: +OK ready\nCLEAR: HELLO in the clear\r\nHANG\n").unwrap();
    let s = Scripted::start_script(script, true);
    let pop = s.pop3(3000);
    pop.set_advanced_handler(AdvancedHandler::Ssl(s.ssl(MODE_CHANNEL))).unwrap();
    let e = expect_err(pop.connect(), CSMAIL_E_CONNECT, eexSSLProtocol);
    let broken = "received corrupt message of type InvalidContentType";
    assert!(
        [
            format!("TLS failure while sending CAPA: {broken}"),
            format!("TLS failure while waiting for the reply to CAPA: {broken}")
        ]
        .contains(&e.text),
        "{}",
        e.text
    );
    assert_info(&pop.extended_error(), &e);
    drop(pop);
    s.finish();
}
