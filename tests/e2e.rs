//! End to end against the bundled server: send over STARTTLS and implicit TLS, fetch back over
//! STLS and POP3S, byte for byte.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::AdvancedHandler;
use csmail::log::*;
use csmail::options::*;

const MSG: &[u8] = b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: e2e\r\n\r\nHello Bob.\r\n.leading dot\r\n..two dots\r\nend\r\n";

#[test]
fn send_starttls_fetch_pop3s_byte_for_byte() {
    let fx = Fixture::start();
    let ssl = fx.ssl(MODE_STARTTLS);
    let smtp = fx.smtp(fx.server.smtp_port, Some(ssl.clone()));
    smtp.set_str(CSMAIL_PROP_USER, "alice").unwrap();
    smtp.set_str(CSMAIL_PROP_PASSWORD, "alicepass").unwrap();
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    smtp.connect().unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    let n = ssl.negotiated();
    assert_eq!(n.protocol, SSL_TLS13);
    assert_eq!(n.certificate.status, CERTIFICATE_VALID);
    assert_eq!(n.certificate.policy_errors, 0);
    assert_eq!(n.certificate.details.subject, "CN=localhost");
    assert_eq!(n.certificate.chain.len(), 2);
    assert!(matches!(n.cipher, SSL_AES128_GCM | SSL_AES256_GCM | SSL_CHACHA20_POLY1305));
    assert_eq!(n.exchange, SSL_ECDHE);
    smtp.send("alice@example.com", &["bob@example.com"], &mut &MSG[..]).unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    assert_eq!(smtp.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "2.0.0");
    smtp.disconnect().unwrap();
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    assert!(logged.iter().any(|l| l == "C: AUTH PLAIN <redacted>"), "{logged:#?}");
    assert!(!logged.iter().any(|l| l.contains(&common::sasl::plain("alice", "alicepass"))));
    assert!(lines.lock().iter().any(|l| l.1 == LOG_F_SSL && l.2.starts_with("TLS established: TLS 1.3")));

    let pop = fx.pop3(fx.server.pop3s_port, Some(fx.ssl(MODE_CHANNEL)), "bob", "bobpass");
    pop.connect().unwrap();
    let (count, size) = pop.stat().unwrap();
    assert_eq!(count, 1);
    assert_eq!(size, MSG.len() as u64);
    let mut got = Vec::new();
    pop.retrieve(1, &mut got).unwrap();
    assert_eq!(got, MSG);
    pop.delete(1).unwrap();
    assert!(pop.disconnect().unwrap());
    let pop = fx.pop3(fx.server.pop3_port, Some(fx.ssl(MODE_STARTTLS)), "bob", "bobpass");
    pop.connect().unwrap();
    assert_eq!(pop.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 1);
    assert_eq!(pop.stat().unwrap(), (0, 0));
    assert!(pop.disconnect().unwrap());
}

#[test]
fn send_implicit_tls_and_batch_retrieve() {
    let fx = Fixture::start();
    let smtp = fx.smtp(fx.server.smtps_port, Some(fx.ssl(MODE_CHANNEL)));
    smtp.connect().unwrap();
    for i in 0..10 {
        let m = format!("Subject: {i}\r\n\r\nbody {i}\r\n");
        smtp.send("a@example.com", &["alice@example.com"], &mut m.as_bytes()).unwrap();
    }
    smtp.disconnect().unwrap();
    let pop = fx.pop3(fx.server.pop3s_port, Some(fx.ssl(MODE_CHANNEL)), "alice", "alicepass");
    pop.connect().unwrap();
    let got = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
    let g = got.clone();
    let nums: Vec<u32> = (1..=10).collect();
    pop.retrieve_many(&nums, true, &mut |n| {
        let g = g.clone();
        Box::new(csmail::source::FnSink(move |d: &[u8]| {
            g.lock().push((n, d.to_vec()));
            Ok(())
        }))
    })
    .unwrap();
    let got = got.lock();
    let mut by_number = std::collections::BTreeMap::<u32, Vec<u8>>::new();
    for (n, d) in got.iter() {
        by_number.entry(*n).or_default().extend_from_slice(d);
    }
    assert_eq!(by_number.keys().copied().collect::<Vec<_>>(), nums);
    let bodies: std::collections::BTreeSet<Vec<u8>> = by_number.values().cloned().collect();
    let expected: std::collections::BTreeSet<Vec<u8>> =
        (0..10).map(|i| format!("Subject: {i}\r\n\r\nbody {i}\r\n").into_bytes()).collect();
    assert_eq!(bodies, expected);
    assert!(pop.disconnect().unwrap());
    let pop = fx.pop3(fx.server.pop3s_port, Some(fx.ssl(MODE_CHANNEL)), "alice", "alicepass");
    pop.connect().unwrap();
    assert_eq!(pop.stat().unwrap().0, 0);
}

/// A message larger than every buffer (TLS records, the 64 KiB chunks) goes out and comes back
/// intact, from a file and into a file, with progress reported.
#[test]
fn large_message_streams_through_tls() {
    let fx = Fixture::start();
    let mut msg = b"From: a@example.com\r\nSubject: big\r\n\r\n".to_vec();
    let mut i = 0u32;
    while msg.len() < 6 * 1024 * 1024 {
        // Lines that start with dots, bare LFs are avoided so the bytes come back unchanged.
        msg.extend_from_slice(format!(".line {i} {}\r\n", "x".repeat((i % 200) as usize)).as_bytes());
        i += 1;
    }
    let src = fx.dir.path().join("big.eml");
    std::fs::write(&src, &msg).unwrap();
    let smtp = fx.smtp(fx.server.smtps_port, Some(fx.ssl(MODE_CHANNEL)));
    let reports = std::sync::Arc::new(parking_lot::Mutex::new(Vec::new()));
    let r = reports.clone();
    smtp.set_progress(Some(std::sync::Arc::new(move |done, total| {
        r.lock().push((done, total));
        true
    })))
    .unwrap();
    smtp.connect().unwrap();
    let mut source = csmail::source::FileSource::open(src.to_str().unwrap()).unwrap();
    smtp.send("a@example.com", &["bob@example.com"], &mut source).unwrap();
    smtp.disconnect().unwrap();
    let reports = reports.lock();
    assert_eq!(reports.last().copied(), Some((msg.len() as u64, Some(msg.len() as u64))));
    assert!(reports.len() > 50, "progress reported {} times", reports.len());

    let pop = fx.pop3(fx.server.pop3_port, Some(fx.ssl(MODE_STARTTLS)), "bob", "bobpass");
    pop.connect().unwrap();
    assert_eq!(pop.message_size(1).unwrap(), msg.len() as u64);
    let dst = fx.dir.path().join("back.eml");
    pop.retrieve_file(1, dst.to_str().unwrap(), None).unwrap();
    assert!(std::fs::read(&dst).unwrap() == msg, "retrieved file differs");
    let mut head = Vec::new();
    pop.top(1, 2, &mut head).unwrap();
    assert_eq!(head, b"From: a@example.com\r\nSubject: big\r\n\r\n.line 0 \r\n.line 1 x\r\n");
    assert!(pop.disconnect().unwrap());
}
