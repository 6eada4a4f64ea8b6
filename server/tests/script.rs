//! Scripted mode.

mod common;

use common::Client;
use csmail_server::{Pki, Script, ScriptedServer};

#[test]
fn parse_errors() {
    assert_eq!(Script::parse("S: 220 hi\nC: EHLO *\nWIBBLE 3").unwrap_err(), "line 3: unknown step \"WIBBLE 3\"");
    assert_eq!(Script::parse("RAW: \\xZZ").unwrap_err(), "line 1: \\x needs two hex digits");
    assert!(Script::from_file(std::path::Path::new("/nonexistent/script")).is_err());
}

#[test]
fn scripted_session_records_mismatch_and_bytes() {
    let script = Script::parse(
        "# greeting\nS: 220 scripted\nC: EHLO *\nS*3: 250-x\nS: 250 y\nC: QUIT\nRAW: 221 b\\x79e\\r\\n\nEXPECT-EOF\n",
    )
    .unwrap();
    let srv = ScriptedServer::start(script, None, false).unwrap();
    let mut c = Client::connect(srv.port);
    assert_eq!(c.line(), "220 scripted");
    assert_eq!(c.smtp("EHLO me"), "250 y");
    c.send(b"NOOP\r\n");
    assert_eq!(c.line(), "221 bye");
    drop(c);
    let out = srv.finish();
    assert!(out.completed);
    assert_eq!(out.received, b"EHLO me\r\nNOOP\r\n");
    assert_eq!(out.mismatches, vec!["expected \"QUIT\", got \"NOOP\"".to_string()]);
}

#[test]
fn scripted_starttls_and_implicit_tls() {
    let pki = Pki::generate(&[]);
    let script = Script::parse(
        "S: 220 hi\nC: STARTTLS\nS: 220 go\nTLS\nC: EHLO x\nS: 250 ok\nDATA\nS: 250 done\nRAWN: 3 \\x41\nCLOSE\n",
    )
    .unwrap();
    let srv = ScriptedServer::start(script, Some(&pki), false).unwrap();
    let mut c = Client::connect(srv.port);
    c.line();
    assert_eq!(c.smtp("STARTTLS"), "220 go");
    c.upgrade(&pki.ca_cert_pem);
    assert_eq!(c.smtp("EHLO x"), "250 ok");
    c.send(b"a\r\n..b\r\n.\r\n");
    assert_eq!(c.line(), "250 done");
    assert_eq!(c.raw_line(), b"AAA");
    let out = srv.finish();
    assert!(out.completed, "{:?}", out.mismatches);
    assert!(out.mismatches.is_empty());
    assert_eq!(out.received, b"STARTTLS\r\nEHLO x\r\na\r\n..b\r\n.\r\n");

    let script = Script::parse("S: +OK tls\nC: CAPA\nHANG").unwrap();
    let srv = ScriptedServer::start(script, Some(&pki), true).unwrap();
    let mut c = Client::connect_tls(srv.port, &pki.ca_cert_pem);
    assert_eq!(c.line(), "+OK tls");
    c.send(b"CAPA\r\n");
    drop(c);
    let out = srv.finish();
    assert!(out.completed && out.mismatches.is_empty(), "{out:?}");
    assert!(ScriptedServer::start(Script::parse("TLS").unwrap(), None, false).is_err());
}

#[test]
fn scripted_client_hangs_up_early() {
    let script = Script::parse("S: 220 hi\nC: EHLO *\nS: 250 ok").unwrap();
    let srv = ScriptedServer::start(script, None, false).unwrap();
    let mut c = Client::connect(srv.port);
    c.line();
    drop(c);
    let out = srv.finish();
    assert!(!out.completed);
    assert_eq!(out.mismatches, vec!["expected \"EHLO *\", but the client closed the connection".to_string()]);
}
