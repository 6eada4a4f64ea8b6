//! TLS session resumption across connects of one client (issue 9): the second connect resumes
//! (rustls's handshake kind, seen by both sides), the certificate outputs stay filled although
//! the server sent no certificate, and a changed SSLInfo input starts over with a full handshake.

mod common;
use common::*;
use csmail::options::*;

/// Connects and disconnects once; returns SSLSessionResumed and the certificate outputs.
fn session(c: &csmail::api::SmtpClient, ssl: &csmail::api::SslInfo) -> (i32, i32, String, i32) {
    c.connect().unwrap();
    let out = (
        ssl.get_int(SSLSessionResumed).unwrap(),
        ssl.get_int(SSLCertificateStatus).unwrap(),
        ssl.get_str(SSLCertificateSubject).unwrap(),
        ssl.get_int(SSLCertificateCount).unwrap(),
    );
    c.disconnect().unwrap();
    out
}

#[test]
fn the_second_connect_of_a_client_resumes_and_keeps_the_certificate_outputs() {
    let fx = Fixture::start();
    for (port, mode) in [(fx.server.smtp_port, MODE_STARTTLS), (fx.server.smtps_port, MODE_CHANNEL)] {
        let ssl = fx.ssl(mode);
        let smtp = fx.smtp(port, Some(ssl.clone()));
        let before = fx.server.tls_handshakes();
        assert_eq!(session(&smtp, &ssl), (0, CERTIFICATE_VALID, "CN=localhost".to_owned(), 2));
        assert_eq!(session(&smtp, &ssl), (1, CERTIFICATE_VALID, "CN=localhost".to_owned(), 2));
        assert_eq!(session(&smtp, &ssl), (1, CERTIFICATE_VALID, "CN=localhost".to_owned(), 2));
        assert!(ssl.negotiated().resumed);
        let after = fx.server.tls_handshakes();
        // The server agrees: one full handshake (with the certificate), then two resumed ones.
        assert_eq!((after.0 - before.0, after.1 - before.1), (1, 2), "mode {mode}");
    }
}

#[test]
fn a_changed_input_or_another_client_makes_a_full_handshake() {
    let fx = Fixture::start();
    let ssl = fx.ssl(MODE_CHANNEL);
    let smtp = fx.smtp(fx.server.smtps_port, Some(ssl.clone()));
    assert_eq!(session(&smtp, &ssl).0, 0);
    assert_eq!(session(&smtp, &ssl).0, 1);
    // Another option value: a new configuration, whose session store starts empty of its tickets.
    ssl.set_int(SSLMinCipherStrength, 128).unwrap();
    assert_eq!(session(&smtp, &ssl).0, 0);
    assert_eq!(session(&smtp, &ssl).0, 1);
    // Another client keeps its own sessions.
    let other = fx.smtp(fx.server.smtps_port, Some(ssl.clone()));
    assert_eq!(session(&other, &ssl).0, 0);
    assert_eq!(fx.server.tls_handshakes(), (3, 2));
}

#[test]
fn pop3_resumes_too() {
    let fx = Fixture::start();
    let ssl = fx.ssl(MODE_STARTTLS);
    let pop = fx.pop3(fx.server.pop3_port, Some(ssl.clone()), "alice", "alicepass");
    for expected in [0, 1] {
        pop.connect().unwrap();
        assert_eq!(ssl.get_int(SSLSessionResumed).unwrap(), expected);
        assert_eq!(ssl.get_int(SSLCertificateStatus).unwrap(), CERTIFICATE_VALID);
        assert!(pop.disconnect().unwrap());
    }
    assert_eq!(fx.server.tls_handshakes(), (1, 1));
}
