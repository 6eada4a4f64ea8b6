//! End-to-end tests of the SMTP and POP3 servers with a real (tiny) client.

mod common;

use common::{b64, files, unb64, Client};
use csmail_server::{start, RunningServer, ServerOptions};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use std::time::{Duration, Instant};

fn server_with(f: impl FnOnce(&mut ServerOptions)) -> (RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ServerOptions::new(dir.path().join("mail"));
    f(&mut opts);
    (start(opts).unwrap(), dir)
}

const MESSAGE: &[u8] = b"From: bob@example.org\r\nTo: alice@example.com\r\nSubject: test\r\n\r\nHello Alice.\r\n.leading dot\r\n..two dots\r\nbare\nLF inside\r\n\r\nBye.\r\n";

/// Dot-stuffs a message for DATA (or RETR comparison).
fn stuff(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in msg.split_inclusive(|&b| b == b'\n') {
        if l.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(l);
    }
    out
}

fn ehlo(c: &mut Client) -> Vec<String> {
    c.send(b"EHLO client.example\r\n");
    c.reply()
}

#[test]
fn starttls_auth_plain_delivery_then_pop3s_retr_byte_for_byte() {
    let (srv, dir) = server_with(|_| {});
    let mut c = Client::connect(srv.smtp_port);
    assert_eq!(c.line(), "220 localhost ESMTP csmail-server");
    let caps = ehlo(&mut c);
    assert_eq!(
        caps,
        vec![
            "250-localhost Hello client.example",
            "250-PIPELINING",
            "250-SIZE 10240000",
            "250-8BITMIME",
            "250-SMTPUTF8",
            "250-ENHANCEDSTATUSCODES",
            "250-STARTTLS",
            "250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER",
        ]
    );
    assert_eq!(c.smtp("STARTTLS"), "220 2.0.0 Ready to start TLS");
    c.upgrade(&srv.ca_cert_pem);
    let caps = ehlo(&mut c);
    assert!(!caps.iter().any(|l| l.contains("STARTTLS")), "{caps:?}");
    assert_eq!(caps.last().unwrap(), "250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER");
    assert_eq!(c.smtp(&format!("AUTH PLAIN {}", b64(b"\0alice\0alicepass"))), "235 2.7.0 Authentication successful");
    assert_eq!(c.smtp("MAIL FROM:<bob@example.org> SIZE=120 BODY=8BITMIME"), "250 2.1.0 Ok");
    assert_eq!(c.smtp("RCPT TO:<alice@example.com>"), "250 2.1.5 Ok");
    assert_eq!(
        c.smtp("RCPT TO:<nobody@example.com>"),
        "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"
    );
    assert_eq!(c.smtp("DATA"), "354 End data with <CR><LF>.<CR><LF>");
    let mut data = stuff(MESSAGE);
    data.extend_from_slice(b".\r\n");
    c.send(&data);
    let queued = c.reply().pop().unwrap();
    assert!(queued.starts_with("250 2.0.0 Ok: queued as "), "{queued}");
    assert_eq!(c.smtp("QUIT"), "221 2.0.0 Bye");
    assert!(c.at_eof());

    // Stored exactly, in new/, nothing left in tmp/.
    let root = dir.path().join("mail");
    let stored = files(&root, "alice", "new");
    assert_eq!(stored.len(), 1);
    assert_eq!(std::fs::read(&stored[0]).unwrap(), MESSAGE);
    assert!(files(&root, "alice", "tmp").is_empty());
    assert!(files(&root, "bob", "new").is_empty());

    let mut p = Client::connect_tls(srv.pop3s_port, &srv.ca_cert_pem);
    assert!(p.line().starts_with("+OK csmail-server ready <"));
    assert_eq!(p.pop("USER alice"), "+OK");
    assert_eq!(p.pop("PASS alicepass"), format!("+OK alice has 1 messages ({} octets)", MESSAGE.len()));
    assert_eq!(p.pop("STAT"), format!("+OK 1 {}", MESSAGE.len()));
    let uid = stored[0].file_name().unwrap().to_str().unwrap().to_string();
    assert_eq!(p.pop("UIDL 1"), format!("+OK 1 {uid}"));
    assert_eq!(p.pop("RETR 1"), format!("+OK {} octets", MESSAGE.len()));
    assert_eq!(p.pop_body(), MESSAGE);
    assert_eq!(p.pop("QUIT"), "+OK csmail-server signing off");
    assert!(p.at_eof());
}

#[test]
fn smtp_pipelined_commands_in_one_write() {
    let (srv, dir) = server_with(|_| {});
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    // Everything up to DATA in a single write (RFC 2920).
    c.send(b"EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<alice@x>\r\nRCPT TO:<zed@x>\r\nRCPT TO:<BOB@y>\r\nDATA\r\n");
    assert_eq!(c.reply().last().unwrap(), "250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER");
    assert_eq!(c.reply(), vec!["250 2.1.0 Ok"]);
    assert_eq!(c.reply(), vec!["250 2.1.5 Ok"]);
    assert_eq!(c.reply(), vec!["550 5.1.1 <zed@x>: Recipient address rejected: User unknown"]);
    assert_eq!(c.reply(), vec!["250 2.1.5 Ok"]);
    assert_eq!(c.reply(), vec!["354 End data with <CR><LF>.<CR><LF>"]);
    // The data, its terminator and more commands in one write too.
    c.send(b"Subject: p\r\n\r\nhi\r\n.\r\nRSET\r\nNOOP\r\nVRFY alice\r\nFOO\r\nQUIT\r\n");
    assert!(c.reply()[0].starts_with("250 2.0.0 Ok: queued as "));
    assert_eq!(c.reply(), vec!["250 2.0.0 Ok"]);
    assert_eq!(c.reply(), vec!["250 2.0.0 Ok"]);
    assert_eq!(c.reply(), vec!["252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery"]);
    assert_eq!(c.reply(), vec!["500 5.5.2 Error: command not recognized"]);
    assert_eq!(c.reply(), vec!["221 2.0.0 Bye"]);
    let root = dir.path().join("mail");
    for u in ["alice", "bob"] {
        let f = files(&root, u, "new");
        assert_eq!(f.len(), 1);
        assert_eq!(std::fs::read(&f[0]).unwrap(), b"Subject: p\r\n\r\nhi\r\n");
    }
}

#[test]
fn starttls_discards_pipelined_plaintext() {
    let (srv, _dir) = server_with(|_| {});
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    ehlo(&mut c);
    // An injected command after STARTTLS in the same segment must not be
    // executed after the handshake (CVE-2011-0411).
    c.send(b"STARTTLS\r\nNOOP\r\n");
    assert_eq!(c.reply(), vec!["220 2.0.0 Ready to start TLS"]);
    c.upgrade(&srv.ca_cert_pem);
    // State was reset: MAIL needs a new EHLO.
    assert_eq!(c.smtp("MAIL FROM:<a@b>"), "503 5.5.1 Error: send HELO/EHLO first");
    assert_eq!(c.smtp("HELO x"), "250 localhost");
    assert_eq!(c.smtp("STARTTLS"), "503 5.5.1 Error: TLS already active");
}

#[test]
fn smtp_cram_md5_and_login() {
    let (srv, _dir) = server_with(|_| {});
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    ehlo(&mut c);
    let cram = |c: &mut Client, user: &str, pass: &str| {
        let chal = c.smtp("AUTH CRAM-MD5");
        let chal = unb64(chal.strip_prefix("334 ").unwrap());
        assert!(chal.starts_with(b"<") && chal.ends_with(b"@localhost>"));
        let mut mac = <Hmac<Md5> as Mac>::new_from_slice(pass.as_bytes()).unwrap();
        mac.update(&chal);
        let resp = format!("{user} {}", hex::encode(mac.finalize().into_bytes()));
        c.smtp(&b64(resp.as_bytes()))
    };
    assert_eq!(cram(&mut c, "alice", "wrong"), "535 5.7.8 Authentication credentials invalid");
    assert_eq!(cram(&mut c, "alice", "alicepass"), "235 2.7.0 Authentication successful");
    assert_eq!(c.smtp("AUTH PLAIN"), "503 5.5.1 Error: already authenticated");

    let mut c = Client::connect(srv.smtp_port);
    c.line();
    ehlo(&mut c);
    assert_eq!(c.smtp("AUTH LOGIN"), "334 VXNlcm5hbWU6");
    assert_eq!(c.smtp(&b64(b"bob")), "334 UGFzc3dvcmQ6");
    assert_eq!(c.smtp(&b64(b"nope")), "535 5.7.8 Authentication credentials invalid");
    assert_eq!(c.smtp(&format!("AUTH LOGIN {}", b64(b"bob"))), "334 UGFzc3dvcmQ6");
    assert_eq!(c.smtp(&b64(b"bobpass")), "235 2.7.0 Authentication successful");

    let mut c = Client::connect(srv.smtp_port);
    c.line();
    ehlo(&mut c);
    assert_eq!(c.smtp("AUTH PLAIN"), "334 ");
    assert_eq!(c.smtp("*"), "501 5.0.0 Authentication cancelled");
    assert_eq!(c.smtp("AUTH PLAIN"), "334 ");
    assert_eq!(c.smtp(&b64(b"\0bob\0bobpass")), "235 2.7.0 Authentication successful");
    assert_eq!(c.smtp("AUTH XOAUTH9"), "503 5.5.1 Error: already authenticated");
}

#[test]
fn smtp_policies_require_auth_and_tls_for_auth() {
    let (srv, _dir) = server_with(|o| {
        o.require_auth = true;
        o.auth_requires_tls = true;
        o.smtp_pipelining = false;
    });
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    let caps = ehlo(&mut c);
    assert!(!caps.iter().any(|l| l.contains("AUTH") || l.contains("PIPELINING")), "{caps:?}");
    assert_eq!(c.smtp("MAIL FROM:<a@b>"), "530 5.7.0 Authentication required");
    assert_eq!(c.smtp("AUTH PLAIN"), "538 5.7.11 Encryption required for requested authentication mechanism");
    // Implicit TLS listener: AUTH offered, no STARTTLS.
    let mut c = Client::connect_tls(srv.smtps_port, &srv.ca_cert_pem);
    assert_eq!(c.line(), "220 localhost ESMTP csmail-server");
    let caps = ehlo(&mut c);
    assert!(!caps.iter().any(|l| l.contains("STARTTLS")));
    assert_eq!(caps.last().unwrap(), "250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER");
    assert_eq!(c.smtp(&format!("AUTH PLAIN {}", b64(b"\0alice\0alicepass"))), "235 2.7.0 Authentication successful");
    assert_eq!(c.smtp("MAIL FROM:<a@b>"), "250 2.1.0 Ok");
}

#[test]
fn smtp_size_limits_and_long_lines() {
    let (srv, dir) = server_with(|o| o.max_message_size = 100);
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    assert!(ehlo(&mut c).contains(&"250-SIZE 100".to_string()));
    assert_eq!(c.smtp("MAIL FROM:<a@b> SIZE=101"), "552 5.3.4 Message size exceeds fixed maximum message size");
    assert_eq!(c.smtp("MAIL FROM:<a@b> SIZE=100"), "250 2.1.0 Ok");
    assert_eq!(c.smtp("RCPT TO:<alice@x>"), "250 2.1.5 Ok");
    assert_eq!(c.smtp("DATA"), "354 End data with <CR><LF>.<CR><LF>");
    let mut big = b"x".repeat(150);
    big.extend_from_slice(b"\r\n.\r\n");
    c.send(&big);
    assert_eq!(c.reply(), vec!["552 5.3.4 Message size exceeds fixed maximum message size"]);
    let long = format!("NOOP {}", "y".repeat(1500));
    assert_eq!(c.smtp(&long), "500 5.5.6 Line too long");
    assert_eq!(c.smtp("NOOP"), "250 2.0.0 Ok");
    assert_eq!(c.smtp("MAIL FROM:<a@b> FOO=1"), "555 5.5.4 Unsupported parameter");
    assert!(files(&dir.path().join("mail"), "alice", "new").is_empty());
}

fn put(dir: &std::path::Path, user: &str, sub: &str, name: &str, data: &[u8]) {
    let p = dir.join("mail").join(user).join(sub);
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join(name), data).unwrap();
}

#[test]
fn pop3_list_top_dele_quit_and_lock() {
    let (srv, dir) = server_with(|_| {});
    let m1 = b"Subject: one\r\n\r\nline1\r\n.dot\r\nline3\r\n".as_slice();
    let m2 = b"Subject: two\r\n\r\nbody\r\n".as_slice();
    put(dir.path(), "alice", "cur", "1000.a:2,S", m1);
    put(dir.path(), "alice", "new", "2000.b", m2);

    let mut p = Client::connect(srv.pop3_port);
    assert!(p.line().starts_with("+OK csmail-server ready <"));
    assert_eq!(p.pop("CAPA"), "+OK Capability list follows");
    assert_eq!(
        p.pop_lines(),
        vec![
            "TOP",
            "UIDL",
            "USER",
            "RESP-CODES",
            "PIPELINING",
            "SASL PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER",
            "STLS",
            "IMPLEMENTATION csmail-server"
        ]
    );
    assert_eq!(p.pop("STAT"), "-ERR Not in TRANSACTION state");
    assert_eq!(p.pop("USER alice"), "+OK");
    assert_eq!(p.pop("PASS wrong"), "-ERR [AUTH] Authentication failed");
    // Pipelined login and listing in one write.
    p.send(b"USER alice\r\nPASS alicepass\r\nLIST\r\nUIDL\r\nTOP 1 1\r\n");
    assert_eq!(p.line(), "+OK");
    assert_eq!(p.line(), format!("+OK alice has 2 messages ({} octets)", m1.len() + m2.len()));
    assert_eq!(p.line(), format!("+OK 2 messages ({} octets)", m1.len() + m2.len()));
    assert_eq!(p.pop_lines(), vec![format!("1 {}", m1.len()), format!("2 {}", m2.len())]);
    assert_eq!(p.line(), "+OK");
    assert_eq!(p.pop_lines(), vec!["1 1000.a", "2 2000.b"]);
    assert_eq!(p.line(), format!("+OK {} octets", m1.len()));
    assert_eq!(p.pop_body(), b"Subject: one\r\n\r\nline1\r\n");
    assert_eq!(p.pop("CAPA"), "+OK Capability list follows");
    assert_eq!(p.pop_lines(), vec!["TOP", "UIDL", "RESP-CODES", "PIPELINING", "IMPLEMENTATION csmail-server"]);

    // A second session cannot take the mailbox while this one holds it.
    let mut q = Client::connect(srv.pop3_port);
    q.line();
    q.pop("USER alice");
    assert_eq!(q.pop("PASS alicepass"), "-ERR [IN-USE] Mailbox locked");

    assert_eq!(p.pop("RETR 1"), format!("+OK {} octets", m1.len()));
    assert_eq!(p.pop_body(), m1);
    assert_eq!(p.pop("DELE 1"), "+OK message 1 deleted");
    assert_eq!(p.pop("DELE 1"), "-ERR no such message");
    assert_eq!(p.pop("RETR 1"), "-ERR no such message");
    assert_eq!(p.pop("LIST 1"), "-ERR no such message");
    assert_eq!(p.pop("LIST 3"), "-ERR no such message");
    assert_eq!(p.pop("RETR x"), "-ERR no such message");
    assert_eq!(p.pop("STAT"), format!("+OK 1 {}", m2.len()));
    assert_eq!(p.pop("LIST 2"), format!("+OK 2 {}", m2.len()));
    let long = format!("NOOP {}", "z".repeat(3000));
    assert_eq!(p.pop(&long), "-ERR Line too long");
    assert_eq!(p.pop("QUIT"), "+OK csmail-server signing off");
    assert!(p.at_eof());
    let root = dir.path().join("mail");
    assert!(files(&root, "alice", "cur").is_empty());
    assert_eq!(files(&root, "alice", "new").len(), 1);

    // Lock released: log in again; DELE without QUIT keeps the message.
    let mut q = Client::connect(srv.pop3_port);
    q.line();
    assert_eq!(
        q.pop(&format!("AUTH PLAIN {}", b64(b"\0alice\0alicepass"))),
        format!("+OK alice has 1 messages ({} octets)", m2.len())
    );
    assert_eq!(q.pop("DELE 1"), "+OK message 1 deleted");
    assert_eq!(q.pop("RSET"), "+OK");
    assert_eq!(q.pop("DELE 1"), "+OK message 1 deleted");
    drop(q);
    // The server notices the hang-up and keeps the file.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut r = loop {
        let mut r = Client::connect(srv.pop3_port);
        r.line();
        r.pop("USER alice");
        let st = r.pop("PASS alicepass");
        if st.starts_with("+OK") {
            break r;
        }
        assert!(Instant::now() < deadline, "mailbox stayed locked");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(r.pop("STAT"), format!("+OK 1 {}", m2.len()));
}

#[test]
fn pop3_apop_and_auth_plain_continuation_and_stls() {
    let (srv, _dir) = server_with(|_| {});
    let mut p = Client::connect(srv.pop3_port);
    let greeting = p.line();
    let ts = &greeting[greeting.find('<').unwrap()..];
    assert!(ts.ends_with("@localhost>"), "{greeting}");
    let digest = |ts: &str, pw: &str| hex::encode(Md5::digest(format!("{ts}{pw}").as_bytes()));
    assert_eq!(p.pop(&format!("APOP alice {}", digest(ts, "bad"))), "-ERR [AUTH] Authentication failed");
    assert_eq!(p.pop(&format!("APOP alice {}", digest(ts, "alicepass"))), "+OK alice has 0 messages (0 octets)");
    assert_eq!(p.pop("STAT"), "+OK 0 0");
    assert_eq!(p.pop("QUIT"), "+OK csmail-server signing off");

    // STLS, with a pipelined command that must be dropped.
    let mut p = Client::connect(srv.pop3_port);
    p.line();
    p.send(b"STLS\r\nUSER bob\r\n");
    assert_eq!(p.line(), "+OK Begin TLS negotiation");
    p.upgrade(&srv.ca_cert_pem);
    assert_eq!(p.pop("CAPA"), "+OK Capability list follows");
    assert!(!p.pop_lines().contains(&"STLS".to_string()));
    assert_eq!(p.pop("PASS bobpass"), "-ERR USER first");
    assert_eq!(p.pop("AUTH PLAIN"), "+ ");
    assert_eq!(p.pop(&b64(b"\0bob\0wrong")), "-ERR [AUTH] Authentication failed");
    assert_eq!(p.pop("AUTH PLAIN"), "+ ");
    assert_eq!(p.pop(&b64(b"\0bob\0bobpass")), "+OK bob has 0 messages (0 octets)");
}

#[test]
fn stop_closes_listeners_and_connections_promptly() {
    let (srv, _dir) = server_with(|_| {});
    let port = srv.smtp_port;
    let mut idle = Client::connect(srv.pop3_port);
    idle.line();
    let t = Instant::now();
    srv.stop();
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    assert!(idle.at_eof());
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn bdat_chunks_are_stored_as_sent_and_refusals_consume_their_chunk() {
    let (srv, dir) = server_with(|o| o.smtp_chunking = true);
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    assert!(ehlo(&mut c).contains(&"250-CHUNKING".to_owned()));
    // No transaction: the chunk is read and refused, and the session goes on in step.
    c.send(b"BDAT 5\r\nHELLO");
    assert_eq!(c.reply().pop().unwrap(), "503 5.5.1 Error: need MAIL command");
    assert_eq!(c.smtp("NOOP"), "250 2.0.0 Ok");
    // Two chunks, pipelined; a line starting with a dot and a bare LF are stored untouched.
    assert_eq!(c.smtp("MAIL FROM:<bob@example.org>"), "250 2.1.0 Ok");
    assert_eq!(c.smtp("RCPT TO:<alice@example.com>"), "250 2.1.5 Ok");
    let first = b"Subject: b\r\n\r\n.dot\r\n";
    let last = b"bare\nLF\r\n";
    let mut wire = format!("BDAT {}\r\n", first.len()).into_bytes();
    wire.extend_from_slice(first);
    wire.extend_from_slice(format!("BDAT {} LAST\r\n", last.len()).as_bytes());
    wire.extend_from_slice(last);
    c.send(&wire);
    assert_eq!(c.reply(), vec![format!("250 2.0.0 Ok: {} octets received", first.len())]);
    let queued = c.reply().pop().unwrap();
    assert!(queued.starts_with("250 2.0.0 Ok: queued as "), "{queued}");
    // DATA is refused in the middle of a BDAT transaction.
    assert_eq!(c.smtp("MAIL FROM:<bob@example.org>"), "250 2.1.0 Ok");
    assert_eq!(c.smtp("RCPT TO:<alice@example.com>"), "250 2.1.5 Ok");
    c.send(b"BDAT 1\r\nx");
    assert_eq!(c.reply().pop().unwrap(), "250 2.0.0 Ok: 1 octets received");
    assert_eq!(c.smtp("DATA"), "503 5.5.1 Error: DATA in a BDAT transaction");
    assert_eq!(c.smtp("RSET"), "250 2.0.0 Ok");
    assert_eq!(c.smtp("QUIT"), "221 2.0.0 Bye");
    let stored = files(&dir.path().join("mail"), "alice", "new");
    assert_eq!(stored.len(), 1);
    assert_eq!(std::fs::read(&stored[0]).unwrap(), [&first[..], &last[..]].concat());
}

#[test]
fn without_the_option_there_is_no_chunking() {
    let (srv, _dir) = server_with(|_| {});
    let mut c = Client::connect(srv.smtp_port);
    c.line();
    assert!(!ehlo(&mut c).iter().any(|l| l.contains("CHUNKING")));
    assert_eq!(c.smtp("BDAT 0 LAST"), "500 5.5.2 Error: command not recognized");
}

#[test]
fn tls_handshakes_are_counted_full_and_resumed() {
    let (srv, _dir) = server_with(|_| {});
    let config = common::client_config(&srv.ca_cert_pem);
    for _ in 0..2 {
        let mut c = Client::connect_tls_with(srv.smtps_port, config.clone());
        assert_eq!(c.line(), "220 localhost ESMTP csmail-server");
        assert_eq!(c.smtp("QUIT"), "221 2.0.0 Bye");
    }
    assert_eq!(srv.tls_handshakes(), (1, 1));
}

/// Every SASL mechanism through POP3 AUTH and SMTP AUTH, as the server answers them: the
/// listing, LOGIN's prompts, a CRAM-MD5 challenge, and the OAuth2 mechanisms with the token
/// `token-<password>`, a wrong token getting the JSON error challenge and, after the client's
/// answer, the failure.
#[test]
fn sasl_mechanisms_on_both_protocols() {
    let (srv, _dir) = server_with(|_| {});
    let bearer =
        |token: &str| b64(format!("n,a=alice,\x01host=localhost\x01port=1\x01auth=Bearer {token}\x01\x01").as_bytes());
    let xoauth2 = |token: &str| b64(format!("user=alice\x01auth=Bearer {token}\x01\x01").as_bytes());
    let oauthbearer_error = format!("+ {}", b64(br#"{"status":"invalid_token","scope":"mail","schemes":"bearer"}"#));
    let xoauth2_error =
        format!("+ {}", b64(br#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#));

    let mut p = Client::connect(srv.pop3_port);
    p.line();
    assert_eq!(p.pop("AUTH"), "+OK");
    assert_eq!(p.pop_lines(), vec!["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"]);
    assert_eq!(p.pop("AUTH GSSAPI"), "-ERR Unsupported authentication mechanism");
    // OAUTHBEARER with a wrong token: the JSON error, the dummy response ^A, the failure.
    assert_eq!(p.pop(&format!("AUTH OAUTHBEARER {}", bearer("token-wrong"))), oauthbearer_error);
    assert_eq!(p.pop("AQ=="), "-ERR [AUTH] Authentication failed");
    // XOAUTH2 with the password instead of the token: the error, an empty line, the failure.
    assert_eq!(p.pop(&format!("AUTH XOAUTH2 {}", xoauth2("alicepass"))), xoauth2_error);
    assert_eq!(p.pop(""), "-ERR [AUTH] Authentication failed");
    // LOGIN's prompts; "*" cancels (RFC 5034 4).
    assert_eq!(p.pop("AUTH LOGIN"), format!("+ {}", b64(b"Username:")));
    assert_eq!(p.pop(&b64(b"alice")), format!("+ {}", b64(b"Password:")));
    assert_eq!(p.pop("*"), "-ERR Authentication cancelled");
    // CRAM-MD5: a challenge, then the digest.
    let challenge = p.pop("AUTH CRAM-MD5");
    let challenge = unb64(challenge.strip_prefix("+ ").unwrap());
    let mut mac = <Hmac<Md5> as Mac>::new_from_slice(b"alicepass").unwrap();
    mac.update(&challenge);
    let digest = hex::encode(mac.finalize().into_bytes());
    assert_eq!(p.pop(&b64(format!("alice {digest}").as_bytes())), "+OK alice has 0 messages (0 octets)");
    assert_eq!(p.pop("QUIT"), "+OK csmail-server signing off");

    // OAUTHBEARER with the right token, the initial response after an empty challenge.
    let mut p = Client::connect(srv.pop3_port);
    p.line();
    assert_eq!(p.pop("AUTH OAUTHBEARER"), "+ ");
    assert_eq!(p.pop(&bearer("token-alicepass")), "+OK alice has 0 messages (0 octets)");
    assert_eq!(p.pop("QUIT"), "+OK csmail-server signing off");

    let mut c = Client::connect(srv.smtp_port);
    c.line();
    ehlo(&mut c);
    assert_eq!(c.smtp(&format!("AUTH OAUTHBEARER {}", bearer("alicepass"))), oauthbearer_error.replacen('+', "334", 1));
    assert_eq!(c.smtp("AQ=="), "535 5.7.8 Authentication credentials invalid");
    assert_eq!(c.smtp(&format!("AUTH XOAUTH2 {}", xoauth2("token-wrong"))), xoauth2_error.replacen('+', "334", 1));
    assert_eq!(c.smtp(""), "535 5.7.8 Authentication credentials invalid");
    assert_eq!(c.smtp(&format!("AUTH XOAUTH2 {}", xoauth2("token-alicepass"))), "235 2.7.0 Authentication successful");
    assert_eq!(c.smtp("QUIT"), "221 2.0.0 Bye");
}
