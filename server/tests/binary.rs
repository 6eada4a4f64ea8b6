//! The `csmail-server` binary: server mode and script mode.

mod common;

use common::Client;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_csmail-server");

fn wait_for(path: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(s) = std::fs::read_to_string(path) {
            return s;
        }
        assert!(Instant::now() < deadline, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn port(ready: &str, key: &str) -> u16 {
    ready.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap().parse().unwrap()
}

#[test]
fn server_mode_ready_file_users_and_stdin_lifetime() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["--dir", dir.path().to_str().unwrap()])
        .args(["--smtp-port", "0", "--smtps-port", "0", "--pop3-port", "0", "--pop3s-port", "0"])
        .args(["--user", "carol:secret", "--stdin-lifetime", "--no-pipelining"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let ready = wait_for(&dir.path().join("ready"));
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..6 {
        stdout.read_line(&mut printed).unwrap();
    }
    assert_eq!(printed, ready);
    let keys: Vec<&str> = ready.lines().map(|l| l.split('=').next().unwrap()).collect();
    assert_eq!(keys, ["smtp", "smtps", "pop3", "pop3s", "imap", "imaps"]);
    assert_eq!(std::fs::read_to_string(dir.path().join("server.pid")).unwrap(), format!("{}\n", child.id()));
    let ca = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    let mut c = Client::connect_tls(port(&ready, "smtps"), &ca);
    assert_eq!(c.line(), "220 localhost ESMTP csmail-server");
    let caps = {
        c.send(b"EHLO x\r\n");
        c.reply()
    };
    assert!(!caps.iter().any(|l| l.contains("PIPELINING")));
    assert_eq!(c.smtp("MAIL FROM:<a@b>"), "250 2.1.0 Ok");
    assert_eq!(c.smtp("RCPT TO:<carol@x>"), "250 2.1.5 Ok");
    assert!(c.smtp("RCPT TO:<alice@x>").starts_with("550 5.1.1"));
    assert_eq!(c.smtp("DATA"), "354 End data with <CR><LF>.<CR><LF>");
    c.send(b"hi\r\n.\r\n");
    assert!(c.reply()[0].starts_with("250 2.0.0 Ok: queued as "));
    let new = dir.path().join("mail/carol/new");
    assert_eq!(std::fs::read_dir(new).unwrap().count(), 1);

    // The IMAP listeners serve the same Maildir.
    let mut i = Client::connect_tls(port(&ready, "imaps"), &ca);
    assert!(i.line().starts_with("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN "));
    assert!(i.imap("a", "LOGIN carol secret").starts_with("a OK "));
    assert_eq!(i.imap("b", "STATUS INBOX (MESSAGES)"), "* STATUS \"INBOX\" (MESSAGES 1)\r\nb OK STATUS completed\r\n");
    drop(i);
    let mut i = Client::connect(port(&ready, "imap"));
    assert!(i.line().starts_with("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED "));

    let mut p = Client::connect(port(&ready, "pop3"));
    assert!(p.line().starts_with("+OK"));
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "server did not exit on stdin EOF");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    assert!(p.at_eof());
    assert!(!dir.path().join("ready").exists());
}

#[test]
fn server_mode_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["--dir", dir.path().to_str().unwrap()])
        .args(["--smtp-port", "0", "--smtps-port", "0", "--pop3-port", "0", "--pop3s-port", "0"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&dir.path().join("ready"));
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
}

#[test]
fn script_mode_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.txt");
    std::fs::write(&file, "S: +OK hi\nC: QUIT\nS: +OK bye\n").unwrap();
    let run = |send: &str| {
        let mut child = Command::new(BIN)
            .args(["--script", file.to_str().unwrap(), "--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let port: u16 = line.trim().strip_prefix("script=").unwrap().parse().unwrap();
        let mut c = Client::connect(port);
        assert_eq!(c.line(), "+OK hi");
        assert_eq!(c.pop(send), "+OK bye");
        drop(c);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
        (child.wait().unwrap().code(), rest)
    };
    assert_eq!(run("QUIT"), (Some(0), String::new()));
    assert_eq!(run("STAT"), (Some(1), "mismatch: expected \"QUIT\", got \"STAT\"\n".to_string()));
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8(help.stdout).unwrap().starts_with("usage:"));
    let bad = Command::new(BIN).arg("--bogus").output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
