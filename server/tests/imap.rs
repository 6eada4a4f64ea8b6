//! End-to-end tests of the IMAP listener with raw bytes over TCP and rustls: exact responses.

mod common;

use common::{b64, Client};
use csmail_server::{start, RunningServer, ServerOptions};
use hmac::{Hmac, Mac};
use md5::Md5;

fn server_with(f: impl FnOnce(&mut ServerOptions)) -> (RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ServerOptions::new(dir.path().join("mail"));
    f(&mut opts);
    (start(opts).unwrap(), dir)
}

fn put(dir: &std::path::Path, user: &str, sub: &str, name: &str, data: &[u8]) {
    let p = dir.join("mail").join(user).join(sub);
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join(name), data).unwrap();
}

const CAPS_TAIL: &str =
    "SASL-IR LITERAL+ IDLE MOVE UIDPLUS ENABLE ID UNSELECT SPECIAL-USE NAMESPACE UTF8=ACCEPT ESEARCH";
const AUTHS: &str = "AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=XOAUTH2 AUTH=OAUTHBEARER";

/// A logged-in session over implicit TLS.
fn imaps(srv: &RunningServer) -> Client {
    let mut c = Client::connect_tls(srv.imaps_port, &srv.ca_cert_pem);
    assert_eq!(c.line(), format!("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 {AUTHS} {CAPS_TAIL}] csmail-server IMAP ready"));
    let r = c.imap("L", "LOGIN alice alicepass");
    assert_eq!(r, format!("L OK [CAPABILITY IMAP4rev1 IMAP4rev2 {CAPS_TAIL}] Logged in\r\n"));
    c
}

/// The UIDVALIDITY a SELECT response announced.
fn uidvalidity(select: &str) -> u32 {
    let i = select.find("[UIDVALIDITY ").unwrap() + 13;
    select[i..].split(']').next().unwrap().parse().unwrap()
}

#[test]
fn plain_port_offers_starttls_and_refuses_credentials_before_it() {
    let (srv, _dir) = server_with(|_| {});
    let mut c = Client::connect(srv.imap_port);
    assert_eq!(
        c.line(),
        format!("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED {CAPS_TAIL}] csmail-server IMAP ready")
    );
    assert_eq!(
        c.imap("a1", "CAPABILITY"),
        format!(
            "* CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED {CAPS_TAIL}\r\na1 OK CAPABILITY completed\r\n"
        )
    );
    assert_eq!(
        c.imap("a2", "LOGIN alice alicepass"),
        "a2 NO [PRIVACYREQUIRED] Plaintext login is disabled: use STARTTLS first\r\n"
    );
    assert_eq!(c.imap("a3", "SELECT INBOX"), "a3 BAD SELECT is not valid before authentication (or unknown)\r\n");
    // Bytes pipelined after STARTTLS are dropped, not run after the handshake.
    c.send(b"a4 STARTTLS\r\na5 LOGIN alice alicepass\r\n");
    assert_eq!(c.line(), "a4 OK Begin TLS negotiation now");
    c.upgrade(&srv.ca_cert_pem);
    assert_eq!(
        c.imap("a6", "CAPABILITY"),
        format!("* CAPABILITY IMAP4rev1 IMAP4rev2 {AUTHS} {CAPS_TAIL}\r\na6 OK CAPABILITY completed\r\n")
    );
    assert_eq!(c.imap("a7", "STARTTLS"), "a7 BAD TLS is already active\r\n");
    assert_eq!(c.imap("a8", "LOGIN alice wrong"), "a8 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
    assert_eq!(
        c.imap("a9", "LOGIN \"alice\" {9+}\r\nalicepass"),
        format!("a9 OK [CAPABILITY IMAP4rev1 IMAP4rev2 {CAPS_TAIL}] Logged in\r\n")
    );
    assert_eq!(c.imap("b1", "LOGOUT"), "* BYE csmail-server logging out\r\nb1 OK LOGOUT completed\r\n");
    assert!(c.at_eof());
}

#[test]
fn plaintext_login_when_allowed_and_the_sasl_mechanisms() {
    let (srv, _dir) = server_with(|o| o.imap_login_disabled = false);
    let mut c = Client::connect(srv.imap_port);
    assert_eq!(
        c.line(),
        format!("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS {AUTHS} {CAPS_TAIL}] csmail-server IMAP ready")
    );
    // SASL-IR PLAIN.
    let ok = format!("OK [CAPABILITY IMAP4rev1 IMAP4rev2 {CAPS_TAIL}] Logged in\r\n");
    assert_eq!(c.imap("p1", &format!("AUTHENTICATE PLAIN {}", b64(b"\0alice\0alicepass"))), format!("p1 {ok}"));
    assert_eq!(c.imap("p2", "AUTHENTICATE PLAIN"), "p2 BAD Already authenticated\r\n");

    // PLAIN with a continuation, then a bad password.
    let mut c = Client::connect(srv.imap_port);
    c.line();
    c.send(b"q1 AUTHENTICATE PLAIN\r\n");
    assert_eq!(c.line(), "+ ");
    c.send(format!("{}\r\n", b64(b"\0alice\0nope")).as_bytes());
    assert_eq!(c.imap_until("q1"), "q1 NO [AUTHENTICATIONFAILED] Authentication failed\r\n");
    // Cancelled.
    c.send(b"q2 AUTHENTICATE LOGIN\r\n");
    assert_eq!(c.line(), format!("+ {}", b64(b"Username:")));
    c.send(b"*\r\n");
    assert_eq!(c.line(), "q2 BAD Authentication cancelled");
    // LOGIN.
    c.send(format!("q3 AUTHENTICATE LOGIN {}\r\n", b64(b"bob")).as_bytes());
    assert_eq!(c.line(), format!("+ {}", b64(b"Password:")));
    c.send(format!("{}\r\n", b64(b"bobpass")).as_bytes());
    assert_eq!(c.imap_until("q3"), format!("q3 {ok}"));

    // CRAM-MD5 over the challenge the server sent.
    let mut c = Client::connect(srv.imap_port);
    c.line();
    c.send(b"r1 AUTHENTICATE CRAM-MD5\r\n");
    let challenge = common::unb64(c.line().strip_prefix("+ ").unwrap());
    let mut mac = <Hmac<Md5> as Mac>::new_from_slice(b"alicepass").unwrap();
    mac.update(&challenge);
    let digest = hex::encode(mac.finalize().into_bytes());
    c.send(format!("{}\r\n", b64(format!("alice {digest}").as_bytes())).as_bytes());
    assert_eq!(c.imap_until("r1"), format!("r1 {ok}"));

    // XOAUTH2: a bad token gets the JSON challenge, an empty answer, then NO.
    let mut c = Client::connect(srv.imap_port);
    c.line();
    let bad = b64(b"user=alice\x01auth=Bearer nope\x01\x01");
    c.send(format!("s1 AUTHENTICATE XOAUTH2 {bad}\r\n").as_bytes());
    assert_eq!(
        c.line(),
        format!("+ {}", b64(br#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#))
    );
    c.send(b"\r\n");
    assert_eq!(c.line(), "s1 NO [AUTHENTICATIONFAILED] Authentication failed");
    // The test server's token for a user is `token-` and the password.
    let good = b64(b"user=alice\x01auth=Bearer token-alicepass\x01\x01");
    assert_eq!(c.imap("s2", &format!("AUTHENTICATE XOAUTH2 {good}")), format!("s2 {ok}"));
    // OAUTHBEARER.
    let mut c = Client::connect(srv.imap_port);
    c.line();
    let good = b64(b"n,a=bob,\x01host=localhost\x01port=143\x01auth=Bearer token-bobpass\x01\x01");
    assert_eq!(c.imap("t1", &format!("AUTHENTICATE OAUTHBEARER {good}")), format!("t1 {ok}"));
    let mut c = Client::connect(srv.imap_port);
    c.line();
    assert_eq!(c.imap("u1", "AUTHENTICATE GSSAPI"), "u1 NO Unsupported authentication mechanism\r\n");
    assert_eq!(c.imap("u2", "AUTHENTICATE CRAM-MD5 abcd"), "u2 BAD CRAM-MD5 takes no initial response\r\n");
}

const M1: &[u8] = b"From: Bob <bob@example.org>\r\nTo: alice@example.com\r\nSubject: first\r\nDate: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\n\r\nHello Alice.\r\nSecond line.\r\n";
const M2: &[u8] =
    "From: carol@example.net\r\nTo: alice@example.com\r\nSubject: =?utf-8?q?gr=C3=BC=C3=9Fe?=\r\n\r\nSchöne Grüße\r\n"
        .as_bytes();

#[test]
fn select_fetch_store_search_expunge() {
    let (srv, dir) = server_with(|_| {});
    put(dir.path(), "alice", "new", "1000.a", M1);
    put(dir.path(), "alice", "cur", "2000.b:2,S", M2);
    let mut c = imaps(&srv);
    let r = c.imap("s", "SELECT INBOX");
    let v = uidvalidity(&r);
    assert_eq!(
        r,
        format!(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
             * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)] Flags permitted\r\n\
             * 2 EXISTS\r\n* 1 RECENT\r\n* OK [UNSEEN 1] First unseen\r\n\
             * OK [UIDVALIDITY {v}] UIDs valid\r\n* OK [UIDNEXT 3] Predicted next UID\r\n\
             s OK [READ-WRITE] SELECT completed\r\n"
        )
    );
    // The new message moved to cur/ (Maildir rules), the stored one kept its flags.
    assert!(dir.path().join("mail/alice/cur/1000.a:2,").exists());
    assert_eq!(
        c.imap("f1", "FETCH 1:* (UID FLAGS RFC822.SIZE)"),
        format!(
            "* 1 FETCH (UID 1 FLAGS (\\Recent) RFC822.SIZE {})\r\n* 2 FETCH (UID 2 FLAGS (\\Seen) RFC822.SIZE {})\r\nf1 OK FETCH completed\r\n",
            M1.len(),
            M2.len()
        )
    );
    // BODY.PEEK[] is the exact bytes and leaves \Seen alone.
    let mut want = format!("* 1 FETCH (BODY[] {{{}}}\r\n", M1.len()).into_bytes();
    want.extend_from_slice(M1);
    want.extend_from_slice(b")\r\nf2 OK FETCH completed\r\n");
    assert_eq!(c.imap("f2", "FETCH 1 BODY.PEEK[]"), String::from_utf8(want).unwrap());
    assert_eq!(
        c.imap("f3", "FETCH 1 BODY.PEEK[TEXT]<6.6>"),
        "* 1 FETCH (BODY[TEXT]<6> {6}\r\nAlice.)\r\nf3 OK FETCH completed\r\n"
    );
    assert_eq!(
        c.imap("f4", "UID FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)] ENVELOPE)"),
        "* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject)] {18}\r\nSubject: first\r\n\r\n ENVELOPE (\"Tue, 1 Dec 2026 10:00:00 +0000\" \"first\" \
((\"Bob\" NIL \"bob\" \"example.org\")) ((\"Bob\" NIL \"bob\" \"example.org\")) ((\"Bob\" NIL \"bob\" \"example.org\")) \
((NIL NIL \"alice\" \"example.com\")) NIL NIL NIL \"<m1@example.org>\"))\r\nf4 OK UID FETCH completed\r\n"
    );
    assert_eq!(
        c.imap("f5", "FETCH 1 (BODYSTRUCTURE INTERNALDATE)").split(" INTERNALDATE").next().unwrap(),
        "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 28 2 NIL NIL NIL NIL)"
    );
    // BODY[TEXT] without PEEK sets \Seen and says so.
    assert_eq!(
        c.imap("f6", "FETCH 1 BODY[TEXT]"),
        "* 1 FETCH (BODY[TEXT] {28}\r\nHello Alice.\r\nSecond line.\r\n FLAGS (\\Seen \\Recent))\r\nf6 OK FETCH completed\r\n"
    );
    assert!(dir.path().join("mail/alice/cur/1000.a:2,S").exists());
    assert_eq!(c.imap("f7", "FETCH 3 FLAGS"), "f7 BAD Invalid message sequence number\r\n");
    assert_eq!(c.imap("f8", "UID FETCH 7:9 FLAGS"), "f8 OK UID FETCH completed\r\n");

    assert_eq!(
        c.imap("t1", "STORE 1 +FLAGS (\\Flagged \\Deleted)"),
        "* 1 FETCH (FLAGS (\\Flagged \\Seen \\Deleted \\Recent))\r\nt1 OK STORE completed\r\n"
    );
    assert!(dir.path().join("mail/alice/cur/1000.a:2,FST").exists());
    assert_eq!(c.imap("t2", "UID STORE 2 -FLAGS.SILENT (\\Seen)"), "t2 OK UID STORE completed\r\n");
    assert_eq!(c.imap("t3", "STORE 1 FLAGS (\\Bogus)"), "t3 BAD Unknown system flag \\Bogus\r\n");

    assert_eq!(c.imap("q1", "SEARCH UNSEEN"), "* SEARCH 2\r\nq1 OK SEARCH completed\r\n");
    assert_eq!(c.imap("q2", "UID SEARCH FLAGGED"), "* SEARCH 1\r\nq2 OK UID SEARCH completed\r\n");
    assert_eq!(c.imap("q3", "SEARCH FROM bob"), "* SEARCH 1\r\nq3 OK SEARCH completed\r\n");
    assert_eq!(c.imap("q4", "SEARCH CHARSET UTF-8 SUBJECT {6+}\r\ngrüß"), "* SEARCH 2\r\nq4 OK SEARCH completed\r\n");
    assert_eq!(c.imap("q5", "SEARCH BODY \"second LINE\""), "* SEARCH 1\r\nq5 OK SEARCH completed\r\n");
    assert_eq!(c.imap("q6", "SEARCH OR SUBJECT first NOT SEEN"), "* SEARCH 1 2\r\nq6 OK SEARCH completed\r\n");
    assert_eq!(
        c.imap("q7", &format!("SEARCH LARGER {} UID 1:*", M2.len())),
        "* SEARCH 1\r\nq7 OK SEARCH completed\r\n"
    );
    assert_eq!(c.imap("q8", "SEARCH SINCE 1-Jan-2000 BEFORE 1-Jan-2000"), "* SEARCH\r\nq8 OK SEARCH completed\r\n");
    assert_eq!(c.imap("q9", "SEARCH TEXT carol"), "* SEARCH 2\r\nq9 OK SEARCH completed\r\n");
    assert_eq!(
        c.imap("r1", "SEARCH CHARSET KOI8-R ALL"),
        "r1 NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset\r\n"
    );
    assert_eq!(c.imap("r2", "SEARCH FROB"), "r2 BAD Unknown search key FROB\r\n");
    // Hostile nesting is refused, not recursed into.
    assert_eq!(
        c.imap("r3", &format!("SEARCH {}ALL", "NOT ".repeat(10_000))),
        "r3 BAD Search criteria nested too deeply\r\n"
    );
    assert_eq!(c.imap("r4", &format!("SEARCH {}", "(".repeat(20_000))), "r4 BAD Lists nested too deeply\r\n");

    assert_eq!(c.imap("x1", "EXPUNGE"), "* 1 EXPUNGE\r\nx1 OK EXPUNGE completed\r\n");
    assert!(!dir.path().join("mail/alice/cur/1000.a:2,FST").exists());
    // UIDs persist across sessions; the next session sees message 2 as number 1.
    let mut d = imaps(&srv);
    let r = d.imap("s", "EXAMINE INBOX");
    assert_eq!(uidvalidity(&r), v);
    assert!(r.contains("* 1 EXISTS\r\n* 0 RECENT\r\n"), "{r}");
    assert!(r.ends_with("s OK [READ-ONLY] EXAMINE completed\r\n"), "{r}");
    assert_eq!(d.imap("f", "FETCH 1 UID"), "* 1 FETCH (UID 2)\r\nf OK FETCH completed\r\n");
    assert_eq!(d.imap("g", "STORE 1 +FLAGS (\\Seen)"), "g NO [READ-ONLY] The mailbox is read-only\r\n");
    assert_eq!(d.imap("h", "UNSELECT"), "h OK UNSELECT completed\r\n");
    assert_eq!(d.imap("i", "FETCH 1 UID"), "i BAD No mailbox selected\r\n");
}

#[test]
fn append_with_both_literal_kinds_and_a_date_then_copy_and_move() {
    let (srv, dir) = server_with(|_| {});
    let mut c = imaps(&srv);
    assert_eq!(c.imap("c1", "CREATE Archive"), "c1 OK CREATE completed\r\n");
    // Synchronising literal: the server asks for the bytes with "+".
    c.send(format!("a1 APPEND INBOX (\\Seen) \"05-Jan-2024 10:20:30 +0100\" {{{}}}\r\n", M1.len()).as_bytes());
    assert_eq!(c.line(), "+ Ready for literal data");
    c.send(M1);
    c.send(b"\r\n");
    let r = c.imap_until("a1");
    let v: u32 = r.strip_prefix("a1 OK [APPENDUID ").unwrap().split(' ').next().unwrap().parse().unwrap();
    assert_eq!(r, format!("a1 OK [APPENDUID {v} 1] APPEND completed\r\n"));
    // LITERAL+: no continuation.
    let mut cmd = format!("a2 APPEND INBOX {{{}+}}\r\n", M2.len()).into_bytes();
    cmd.extend_from_slice(M2);
    cmd.extend_from_slice(b"\r\n");
    c.send(&cmd);
    assert_eq!(c.imap_until("a2"), format!("a2 OK [APPENDUID {v} 2] APPEND completed\r\n"));
    assert_eq!(c.imap("a3", "APPEND Nowhere {1+}\r\nx"), "a3 NO [TRYCREATE] No such mailbox\r\n");

    let r = c.imap("s", "SELECT INBOX");
    assert!(r.contains("* 2 EXISTS\r\n"), "{r}");
    assert_eq!(
        c.imap("f", "FETCH 1 (FLAGS INTERNALDATE)"),
        "* 1 FETCH (FLAGS (\\Seen) INTERNALDATE \"05-Jan-2024 09:20:30 +0000\")\r\nf OK FETCH completed\r\n"
    );
    let mut want = format!("* 2 FETCH (BODY[] {{{}}}\r\n", M2.len()).into_bytes();
    want.extend_from_slice(M2);
    want.extend_from_slice(b" FLAGS (\\Seen))\r\nf2 OK FETCH completed\r\n");
    assert_eq!(c.imap("f2", "FETCH 2 BODY[]"), String::from_utf8(want).unwrap());

    let r = c.imap("k", "STATUS Archive (UIDVALIDITY)");
    let av: u32 =
        r.strip_prefix("* STATUS \"Archive\" (UIDVALIDITY ").unwrap().split(')').next().unwrap().parse().unwrap();
    assert_eq!(c.imap("k1", "COPY 1:2 Archive"), format!("k1 OK [COPYUID {av} 1:2 1:2] COPY completed\r\n"));
    assert_eq!(c.imap("k2", "COPY 1 Nowhere"), "k2 NO [TRYCREATE] No such mailbox\r\n");
    assert_eq!(
        c.imap("m1", "UID MOVE 1 Archive"),
        format!("* OK [COPYUID {av} 1 3] Moved\r\n* 1 EXPUNGE\r\nm1 OK MOVE completed\r\n")
    );
    assert_eq!(
        c.imap("m2", "STATUS Archive (MESSAGES UIDNEXT UNSEEN)"),
        "* STATUS \"Archive\" (MESSAGES 3 UIDNEXT 4 UNSEEN 0)\r\nm2 OK STATUS completed\r\n"
    );
    assert_eq!(
        c.imap("m3", "STATUS INBOX (MESSAGES)"),
        "* STATUS \"INBOX\" (MESSAGES 1)\r\nm3 OK STATUS completed\r\n"
    );
    // The copies are byte for byte the originals.
    let mut d = imaps(&srv);
    d.imap("s", "EXAMINE Archive");
    let mut want = format!("* 3 FETCH (UID 3 BODY[] {{{}}}\r\n", M1.len()).into_bytes();
    want.extend_from_slice(M1);
    want.extend_from_slice(b")\r\nf OK UID FETCH completed\r\n");
    assert_eq!(d.imap("f", "UID FETCH 3 BODY.PEEK[]"), String::from_utf8(want).unwrap());
    assert_eq!(std::fs::read_dir(dir.path().join("mail/alice/.Archive/cur")).unwrap().count(), 3);
}

#[test]
fn mailboxes_list_special_use_rename_delete_subscribe_and_names() {
    let (srv, dir) = server_with(|_| {});
    let mut c = imaps(&srv);
    for (t, name) in [("c1", "Sent"), ("c2", "Trash"), ("c3", "Work"), ("c4", "Work.Reports"), ("c5", "Entw&APw-rfe")] {
        assert_eq!(c.imap(t, &format!("CREATE \"{name}\"")), format!("{t} OK CREATE completed\r\n"));
    }
    // Stored in modified UTF-7, as Dovecot does.
    assert!(dir.path().join("mail/alice/.Entw&APw-rfe/cur").is_dir());
    assert_eq!(c.imap("c6", "CREATE Sent"), "c6 NO [ALREADYEXISTS] Mailbox already exists\r\n");
    assert_eq!(c.imap("c7", "CREATE inbox"), "c7 NO [ALREADYEXISTS] INBOX always exists\r\n");
    assert_eq!(c.imap("c8", "CREATE \"a/b\""), "c8 NO [CANNOT] Invalid mailbox name\r\n");
    assert_eq!(c.imap("c9", "CREATE \"caf\u{e9}\""), "c9 BAD Mailbox name is not valid modified UTF-7\r\n");
    assert_eq!(
        c.imap("l1", "LIST \"\" *"),
        "* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\n* LIST (\\HasNoChildren) \".\" \"Entw&APw-rfe\"\r\n\
         * LIST (\\HasNoChildren \\Sent) \".\" \"Sent\"\r\n* LIST (\\HasNoChildren \\Trash) \".\" \"Trash\"\r\n\
         * LIST (\\HasChildren) \".\" \"Work\"\r\n* LIST (\\HasNoChildren) \".\" \"Work.Reports\"\r\nl1 OK LIST completed\r\n"
    );
    assert_eq!(
        c.imap("l2", "LIST \"\" %"),
        "* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\n* LIST (\\HasNoChildren) \".\" \"Entw&APw-rfe\"\r\n\
         * LIST (\\HasNoChildren \\Sent) \".\" \"Sent\"\r\n* LIST (\\HasNoChildren \\Trash) \".\" \"Trash\"\r\n\
         * LIST (\\HasChildren) \".\" \"Work\"\r\nl2 OK LIST completed\r\n"
    );
    assert_eq!(
        c.imap("l3", "LIST Work. %"),
        "* LIST (\\HasNoChildren) \".\" \"Work.Reports\"\r\nl3 OK LIST completed\r\n"
    );
    assert_eq!(c.imap("l4", "LIST \"\" \"\""), "* LIST (\\Noselect) \".\" \"\"\r\nl4 OK LIST completed\r\n");
    assert_eq!(
        c.imap("l5", "LIST (SPECIAL-USE) \"\" *"),
        "* LIST (\\HasNoChildren \\Sent) \".\" \"Sent\"\r\n* LIST (\\HasNoChildren \\Trash) \".\" \"Trash\"\r\nl5 OK LIST completed\r\n"
    );
    assert_eq!(
        c.imap("l6", "LIST \"\" inbox RETURN (SPECIAL-USE)"),
        "* LIST (\\HasNoChildren) \".\" \"INBOX\"\r\nl6 OK LIST completed\r\n"
    );

    assert_eq!(c.imap("s1", "SUBSCRIBE Work"), "s1 OK SUBSCRIBE completed\r\n");
    assert_eq!(c.imap("s2", "SUBSCRIBE Sent"), "s2 OK SUBSCRIBE completed\r\n");
    assert_eq!(c.imap("s3", "UNSUBSCRIBE Sent"), "s3 OK UNSUBSCRIBE completed\r\n");
    assert_eq!(c.imap("s4", "LSUB \"\" *"), "* LSUB (\\HasChildren) \".\" \"Work\"\r\ns4 OK LSUB completed\r\n");

    // RENAME takes the children along.
    assert_eq!(c.imap("r1", "RENAME Work Job"), "r1 OK RENAME completed\r\n");
    assert_eq!(
        c.imap("r2", "LIST \"\" J*"),
        "* LIST (\\HasChildren) \".\" \"Job\"\r\n* LIST (\\HasNoChildren) \".\" \"Job.Reports\"\r\nr2 OK LIST completed\r\n"
    );
    assert_eq!(c.imap("r3", "RENAME Nope Other"), "r3 NO [NONEXISTENT] No such mailbox\r\n");
    assert_eq!(c.imap("r4", "RENAME Job Sent"), "r4 NO [ALREADYEXISTS] The new name is taken\r\n");
    assert_eq!(c.imap("d1", "DELETE Job.Reports"), "d1 OK DELETE completed\r\n");
    assert_eq!(c.imap("d2", "DELETE Job.Reports"), "d2 NO [NONEXISTENT] No such mailbox\r\n");
    assert_eq!(c.imap("d3", "DELETE INBOX"), "d3 NO [CANNOT] INBOX cannot be deleted\r\n");
    assert_eq!(c.imap("d4", "SELECT Job.Reports"), "d4 NO [NONEXISTENT] No such mailbox\r\n");

    // UTF8=ACCEPT: names go as UTF-8 both ways.
    assert_eq!(c.imap("e1", "ENABLE UTF8=ACCEPT CONDSTORE"), "* ENABLED UTF8=ACCEPT\r\ne1 OK ENABLE completed\r\n");
    assert_eq!(
        c.imap("e2", "LIST \"\" Entw*"),
        "* LIST (\\HasNoChildren) \".\" \"Entwürfe\"\r\ne2 OK LIST completed\r\n"
    );
    assert_eq!(c.imap("e3", "CREATE \"Gelöscht\""), "e3 OK CREATE completed\r\n");
    assert!(dir.path().join("mail/alice/.Gel&APY-scht/cur").is_dir());
    assert_eq!(
        c.imap("e4", "STATUS \"Entwürfe\" (MESSAGES)"),
        "* STATUS \"Entwürfe\" (MESSAGES 0)\r\ne4 OK STATUS completed\r\n"
    );
    assert_eq!(c.imap("n1", "NAMESPACE"), "* NAMESPACE ((\"\" \".\")) NIL NIL\r\nn1 OK NAMESPACE completed\r\n");
    assert_eq!(c.imap("i1", "ID NIL"), "* ID (\"name\" \"csmail-server\")\r\ni1 OK ID completed\r\n");
}

#[test]
fn idle_announces_mail_delivered_over_smtp_and_sessions_see_each_others_changes() {
    let (srv, _dir) = server_with(|o| o.imap_login_disabled = false);
    let mut c = imaps(&srv);
    let r = c.imap("s", "SELECT INBOX");
    assert!(r.contains("* 0 EXISTS\r\n"), "{r}");
    c.send(b"i1 IDLE\r\n");
    assert_eq!(c.line(), "+ idling");
    // Deliver through the server's own SMTP listener.
    let mut smtp = Client::connect(srv.smtp_port);
    smtp.line();
    assert!(smtp.smtp("EHLO x").starts_with("250"));
    assert!(smtp.smtp("MAIL FROM:<bob@example.org>").starts_with("250"));
    assert!(smtp.smtp("RCPT TO:<alice@localhost>").starts_with("250"));
    assert!(smtp.smtp("DATA").starts_with("354"));
    assert!(smtp.smtp("Subject: ping\r\n\r\nhi\r\n.").starts_with("250"));
    assert_eq!(c.line(), "* 1 EXISTS");
    assert_eq!(c.line(), "* 1 RECENT");
    c.send(b"DONE\r\n");
    assert_eq!(c.imap_until("i1"), "i1 OK IDLE terminated\r\n");
    assert_eq!(
        c.imap("f", "FETCH 1 BODY.PEEK[HEADER]"),
        "* 1 FETCH (BODY[HEADER] {17}\r\nSubject: ping\r\n\r\n)\r\nf OK FETCH completed\r\n"
    );

    // A second session flags and expunges; the first hears of it on NOOP.
    let mut d = imaps(&srv);
    let r = d.imap("s", "SELECT INBOX");
    assert!(r.contains("* 1 EXISTS\r\n* 0 RECENT\r\n"), "{r}");
    assert_eq!(d.imap("t", "STORE 1 +FLAGS.SILENT (\\Flagged)"), "t OK STORE completed\r\n");
    assert_eq!(c.imap("n1", "NOOP"), "* 1 FETCH (FLAGS (\\Flagged \\Recent))\r\nn1 OK NOOP completed\r\n");
    assert_eq!(d.imap("t2", "STORE 1 +FLAGS.SILENT (\\Deleted)"), "t2 OK STORE completed\r\n");
    assert_eq!(d.imap("x", "EXPUNGE"), "* 1 EXPUNGE\r\nx OK EXPUNGE completed\r\n");
    // No EXPUNGE during FETCH (RFC 3501 7.4.1): the message keeps its number (and its last
    // known flags) until NOOP.
    assert_eq!(c.imap("f2", "FETCH 1 FLAGS"), "* 1 FETCH (FLAGS (\\Flagged \\Recent))\r\nf2 OK FETCH completed\r\n");
    assert_eq!(c.imap("n2", "NOOP"), "* 1 EXPUNGE\r\nn2 OK NOOP completed\r\n");
    assert_eq!(c.imap("n3", "CHECK"), "n3 OK CHECK completed\r\n");
    assert_eq!(c.imap("c", "CLOSE"), "c OK CLOSE completed\r\n");
}

#[test]
fn bounded_lines_and_literals() {
    let (srv, _dir) = server_with(|o| o.max_message_size = 1000);
    let mut c = imaps(&srv);
    // A synchronising literal over the limit is refused before any byte of it is sent.
    assert_eq!(
        c.imap("a1", "APPEND INBOX {1001}"),
        "a1 NO [TOOBIG] Literal of 1001 octets is over the limit of 1000\r\n"
    );
    assert_eq!(
        c.imap("a2", "APPEND INBOX {99999999999999}"),
        "a2 NO [TOOBIG] Literal of 99999999999999 octets is over the limit of 1000\r\n"
    );
    let mut long = b"a3 NOOP ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 70_000));
    long.extend_from_slice(b"\r\n");
    assert_eq!(c.imap("a5", "FETCH"), "a5 BAD No mailbox selected\r\n");
    assert_eq!(c.imap("a6", "SELECT \"unterminated"), "a6 BAD Unterminated quoted string\r\n");
    assert_eq!(c.imap("a7", "BOGUS"), "a7 BAD Unknown command BOGUS\r\n");
    c.send(b"\r\n");
    assert_eq!(c.line(), "* BAD Missing or invalid tag");
    // A non-synchronising literal over the limit is on its way already: the session ends.
    c.send(b"a8 APPEND INBOX {5000+}\r\n");
    assert_eq!(c.line(), "* BYE Literal of 5000 octets is over the limit of 1000");
    assert!(c.at_eof());
    // A line over 64 KiB: its tag is lost with it, so the session ends with BYE.
    let mut c = imaps(&srv);
    c.send(&long);
    assert_eq!(c.line(), "* BYE Command line over 65536 octets");
    assert!(c.at_eof());
}

const MULTI: &[u8] = b"From: a@x.example\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n--BB\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n--BB\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAEC\r\n--BB--\r\n";

#[test]
fn multipart_structure_and_part_sections() {
    let (srv, dir) = server_with(|_| {});
    put(dir.path(), "alice", "cur", "1.m:2,S", MULTI);
    let mut c = imaps(&srv);
    c.imap("s", "SELECT INBOX");
    assert_eq!(
        c.imap("f1", "FETCH 1 BODYSTRUCTURE"),
        "* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 5 1 NIL NIL NIL NIL)\
(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 4 NIL (\"ATTACHMENT\" (\"FILENAME\" \"a.bin\")) NIL NIL) \
\"MIXED\" (\"BOUNDARY\" \"BB\") NIL NIL NIL))\r\nf1 OK FETCH completed\r\n"
    );
    assert_eq!(
        c.imap("f2", "FETCH 1 BODY"),
        "* 1 FETCH (BODY ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 5 1)\
(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 4) \"MIXED\"))\r\nf2 OK FETCH completed\r\n"
    );
    assert_eq!(
        c.imap("f3", "FETCH 1 (BODY.PEEK[1] BODY.PEEK[2] BODY.PEEK[2.MIME] BODY.PEEK[3])"),
        "* 1 FETCH (BODY[1] {5}\r\nhello BODY[2] {4}\r\nAAEC BODY[2.MIME] {128}\r\nContent-Type: application/octet-stream\r\n\
Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\n BODY[3] NIL)\r\nf3 OK FETCH completed\r\n"
    );
}

#[test]
fn imap4rev2_mode_esearch_and_no_recent() {
    let (srv, dir) = server_with(|_| {});
    put(dir.path(), "alice", "new", "1.a", M1);
    put(dir.path(), "alice", "new", "2.b", M2);
    put(dir.path(), "alice", "new", "3.c", M1);
    let mut c = imaps(&srv);
    c.imap("s", "SELECT INBOX");
    // ESEARCH on request in IMAP4rev1 too.
    assert_eq!(
        c.imap("e1", "UID SEARCH RETURN (MIN MAX COUNT ALL) SUBJECT first"),
        "* ESEARCH (TAG \"e1\") UID MIN 1 MAX 3 COUNT 2 ALL 1,3\r\ne1 OK UID SEARCH completed\r\n"
    );
    assert_eq!(c.imap("e2", "SEARCH RETURN () FLAGGED"), "* ESEARCH (TAG \"e2\")\r\ne2 OK SEARCH completed\r\n");
    assert_eq!(c.imap("e3", "SEARCH RETURN (SAVE) ALL"), "e3 BAD RETURN options are MIN, MAX, COUNT and ALL\r\n");
    assert_eq!(c.imap("n", "ENABLE IMAP4rev2"), "* ENABLED IMAP4REV2\r\nn OK ENABLE completed\r\n");
    let r = c.imap("s2", "SELECT INBOX");
    assert!(r.starts_with("* OK [CLOSED] Previous mailbox closed\r\n* FLAGS "), "{r}");
    assert!(r.contains("* 3 EXISTS\r\n* OK [UNSEEN 1]"), "{r}");
    assert_eq!(c.imap("f", "FETCH 1 FLAGS"), "* 1 FETCH (FLAGS ())\r\nf OK FETCH completed\r\n");
    assert_eq!(c.imap("q", "SEARCH 2:*"), "* ESEARCH (TAG \"q\") ALL 2:3\r\nq OK SEARCH completed\r\n");
}
