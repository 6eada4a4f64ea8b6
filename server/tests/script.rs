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

/// An IMAP-speaking script: answers with the client's own tags (`\T`), reads an APPEND
/// literal (`LITERAL`), then misbehaves: a huge literal announcement, a spoofed tag, BYE
/// mid-command and a never-ending line.
#[test]
fn scripted_imap_tags_literals_and_hostile_output() {
    let script = Script::parse(
        "S: * OK [CAPABILITY IMAP4rev1 LITERAL+] scripted\n\
         C: \\T LOGIN alice *\n\
         S: \\T OK [CAPABILITY IMAP4rev1] done \\T\n\
         C: \\T APPEND INBOX {5}\n\
         S: + go\n\
         LITERAL\n\
         C:  (\\\\Seen)\n\
         S: \\T OK [APPENDUID 1 1] appended\n\
         C: \\T FETCH 1 BODY[]\n\
         S: * 1 FETCH (BODY[] {99999999999})\n\
         S: \\T OK spoofed\n\
         C: \\T NOOP\n\
         S: * BYE going away mid-command\n\
         RAWN: 100000 x\n\
         CLOSE\n",
    )
    .unwrap();
    let srv = ScriptedServer::start(script, None, false).unwrap();
    let mut c = Client::connect(srv.port);
    assert_eq!(c.line(), "* OK [CAPABILITY IMAP4rev1 LITERAL+] scripted");
    c.send(b"x01 LOGIN alice secret\r\n");
    assert_eq!(c.line(), "x01 OK [CAPABILITY IMAP4rev1] done x01");
    c.send(b"x02 APPEND INBOX {5}\r\n");
    assert_eq!(c.line(), "+ go");
    c.send(b"hello (\\Seen)\r\n");
    assert_eq!(c.line(), "x02 OK [APPENDUID 1 1] appended");
    c.send(b"x03 FETCH 1 BODY[]\r\n");
    assert_eq!(c.line(), "* 1 FETCH (BODY[] {99999999999})");
    assert_eq!(c.line(), "x03 OK spoofed");
    c.send(b"x04 NOOP\r\n");
    assert_eq!(c.line(), "* BYE going away mid-command");
    let rest = c.raw_line();
    assert_eq!(rest, vec![b'x'; 100_000]);
    let out = srv.finish();
    assert_eq!(out.mismatches, Vec::<String>::new());
    assert!(out.completed);
    assert_eq!(
        out.received,
        b"x01 LOGIN alice secret\r\nx02 APPEND INBOX {5}\r\nhello (\\Seen)\r\nx03 FETCH 1 BODY[]\r\nx04 NOOP\r\n"
    );

    // A line that announces no literal is a mismatch; a wrong tag shape too.
    let script = Script::parse("C: \\T NOOP\nLITERAL\nC: \\T X\nS: \\T BAD\n").unwrap();
    let srv = ScriptedServer::start(script, None, false).unwrap();
    let mut c = Client::connect(srv.port);
    c.send(b"a NOOP\r\n NOOP\r\n");
    assert_eq!(c.line(), " BAD");
    drop(c);
    let out = srv.finish();
    assert_eq!(
        out.mismatches,
        vec![
            "LITERAL: the client's last line announced none: \"a NOOP\"".to_string(),
            "expected \"\\\\T X\", got \" NOOP\"".to_string()
        ]
    );
}
