//! Addresses: IPv6 loopback and the connect timeout (going on to the next resolved address
//! after a refusal is a unit test of the transport, src/transport/connect_tests.rs).

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::error::*;
use csmail::options::*;
use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

#[test]
fn ipv6_loopback_with_implicit_tls_and_starttls() {
    let fx = Fixture::with(|o| o.bind = std::net::IpAddr::V6(Ipv6Addr::LOCALHOST));
    for host in ["::1", "[::1]"] {
        let smtp = fx.smtp(fx.server.smtps_port, Some(fx.ssl(MODE_CHANNEL)));
        smtp.set_str(CSMAIL_PROP_HOST, host).unwrap();
        smtp.connect().unwrap();
        smtp.send("a@example.com", &["bob@example.com"], &mut &b"Subject: v6\r\n\r\nx\r\n"[..]).unwrap();
        smtp.disconnect().unwrap();
    }
    let ssl = fx.ssl(MODE_STARTTLS);
    let pop = fx.pop3(fx.server.pop3_port, Some(ssl.clone()), "bob", "bobpass");
    pop.set_str(CSMAIL_PROP_HOST, "::1").unwrap();
    pop.connect().unwrap();
    assert_eq!(pop.stat().unwrap().0, 2);
    // The certificate's IP SAN ::1 matched the address given.
    assert_eq!(ssl.negotiated().certificate.status, CERTIFICATE_VALID);
}

/// A listener whose accept queue is full drops further SYNs, so a connect hangs: the client's
/// timeout must end it with its own result.
#[test]
fn connect_timeout() {
    // SAFETY: plain socket calls on a fresh fd that is closed at the end.
    let (fd, port) = unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
        let mut a: libc::sockaddr_in = std::mem::zeroed();
        a.sin_family = libc::AF_INET as libc::sa_family_t;
        a.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        assert_eq!(libc::bind(fd, &a as *const _ as *const libc::sockaddr, std::mem::size_of_val(&a) as u32), 0);
        assert_eq!(libc::listen(fd, 0), 0);
        let mut len = std::mem::size_of_val(&a) as u32;
        libc::getsockname(fd, &mut a as *mut _ as *mut libc::sockaddr, &mut len);
        (fd, u16::from_be(a.sin_port))
    };
    // Fill the queue with connections nobody accepts.
    let mut fillers = Vec::new();
    let target: SocketAddr = ([127, 0, 0, 1], port).into();
    for _ in 0..4 {
        if let Ok(s) = std::net::TcpStream::connect_timeout(&target, Duration::from_millis(300)) {
            fillers.push(s);
        }
    }
    let fx = Fixture::start();
    let smtp = fx.smtp(port, None);
    smtp.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 500).unwrap();
    let started = Instant::now();
    let e = smtp.connect().unwrap_err();
    let took = started.elapsed();
    // SAFETY: closing the fd opened above.
    unsafe { libc::close(fd) };
    assert_eq!((e.result, e.eex), (CSMAIL_E_TIMEOUT, eexTimeout), "{e}");
    assert!(took >= Duration::from_millis(450) && took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(e.text, format!("timed out while connecting to 127.0.0.1:{port}"));
}
