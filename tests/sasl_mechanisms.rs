//! Every SASL mechanism on both protocols: PLAIN, LOGIN, CRAM-MD5, XOAUTH2 and OAUTHBEARER over
//! SMTP AUTH (RFC 4954) and POP3 AUTH (RFC 5034).
//!
//! Against the bundled server (real bytes, real checks; a user's OAuth2 token there is `token-`
//! and the password): success, a wrong password or token (the exact result, eex and text), the
//! exact lines the client sent (LogHandler with log secrets on, the lines computed here
//! independently) and their redaction (log secrets off: no password, token or payload).
//! Against scripted servers: the exact bytes on the wire, RFC 2195's CRAM-MD5 vector, the OAuth
//! error challenges answered as RFC 7628 3.2.3 says, the 255-octet POP3 command line, a server
//! that does not list the mechanism (refused before any credential leaves), and AUTO, which
//! never picks an OAuth2 mechanism.

mod common;
use common::sasl;
use common::*;
use csmail::api::properties::*;
use csmail::api::AdvancedHandler;
use csmail::error::*;
use csmail_server::Script;

const USER: &str = "alice";
const PASSWORD: &str = "alicepass";
/// The bundled server's OAuth2 token for alice.
const TOKEN: &str = "token-alicepass";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Proto {
    Smtp,
    Pop3,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mech {
    Plain,
    Login,
    CramMd5,
    XOAuth2,
    OAuthBearer,
}

impl Mech {
    fn code(self) -> i32 {
        match self {
            Mech::Plain => CSMAIL_AUTH_PLAIN,
            Mech::Login => CSMAIL_AUTH_LOGIN,
            Mech::CramMd5 => CSMAIL_AUTH_CRAM_MD5,
            Mech::XOAuth2 => CSMAIL_AUTH_XOAUTH2,
            Mech::OAuthBearer => CSMAIL_AUTH_OAUTHBEARER,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Mech::Plain => "PLAIN",
            Mech::Login => "LOGIN",
            Mech::CramMd5 => "CRAM-MD5",
            Mech::XOAuth2 => "XOAUTH2",
            Mech::OAuthBearer => "OAUTHBEARER",
        }
    }
    fn oauth(self) -> bool {
        matches!(self, Mech::XOAuth2 | Mech::OAuthBearer)
    }
}

/// One login on the bundled server's plain listener.
struct Login {
    result: csmail::Result<()>,
    /// Every log text.
    log: Vec<String>,
    port: u16,
}

impl Login {
    /// The lines the client sent, as logged ("C: " removed).
    fn sent(&self) -> Vec<&str> {
        self.log.iter().filter_map(|l| l.strip_prefix("C: ")).collect()
    }

    /// The challenge the server sent with its first continuation ("334 X" or "+ X").
    fn challenge(&self) -> &str {
        self.log
            .iter()
            .find_map(|l| l.strip_prefix("S: 334 ").or_else(|| l.strip_prefix("S: + ")))
            .unwrap_or_else(|| panic!("no challenge logged: {:#?}", self.log))
    }
}

fn login(fx: &Fixture, proto: Proto, mech: Mech, secret: &str, show_secrets: bool) -> Login {
    let (log, lines) = collecting_log();
    log.set_log_secrets(show_secrets);
    let (result, port) = match proto {
        Proto::Smtp => {
            let port = fx.server.smtp_port;
            let c = fx.smtp(port, None);
            c.set_str(CSMAIL_PROP_EHLO_NAME, EHLO_NAME).unwrap();
            c.set_str(CSMAIL_PROP_USER, USER).unwrap();
            c.set_str(CSMAIL_PROP_PASSWORD, secret).unwrap();
            c.set_int(CSMAIL_PROP_AUTH_MECH, mech.code()).unwrap();
            c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
            let r = c.connect();
            match &r {
                Ok(()) => {
                    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
                    c.disconnect().unwrap();
                }
                Err(e) => {
                    assert_info(&c.extended_error(), e);
                    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
                }
            }
            (r, port)
        }
        Proto::Pop3 => {
            let port = fx.server.pop3_port;
            let c = fx.pop3(port, None, USER, secret);
            c.set_int(CSMAIL_PROP_AUTH_MECH, mech.code()).unwrap();
            c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
            let r = c.connect();
            match &r {
                Ok(()) => {
                    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
                    assert!(c.disconnect().unwrap());
                }
                Err(e) => {
                    assert_info(&c.extended_error(), e);
                    assert_eq!(c.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
                }
            }
            (r, port)
        }
    };
    let log = lines.lock().iter().map(|l| l.2.clone()).collect();
    Login { result, log, port }
}

/// The lines a login with `secret` sends after the greeting (EHLO) or CAPA, up to the final
/// reply, as they go on the wire: computed here from the RFCs, not by the library.
fn expected_exchange(run: &Login, mech: Mech, secret: &str) -> Vec<String> {
    let name = mech.name();
    match mech {
        Mech::Plain => vec![format!("AUTH PLAIN {}", sasl::plain(USER, secret))],
        Mech::Login => vec!["AUTH LOGIN".into(), sasl::b64(USER.as_bytes()), sasl::b64(secret.as_bytes())],
        Mech::CramMd5 => vec![
            "AUTH CRAM-MD5".into(),
            sasl::cram_md5(run.challenge(), USER, secret).expect("the server's challenge is base64"),
        ],
        Mech::XOAuth2 => vec![format!("AUTH {name} {}", sasl::xoauth2(USER, secret))],
        Mech::OAuthBearer => vec![format!("AUTH {name} {}", sasl::oauthbearer(USER, "localhost", run.port, secret))],
    }
}

/// What the log shows of the same lines with log secrets off.
fn expected_redacted(mech: Mech) -> Vec<String> {
    match mech {
        Mech::Plain | Mech::XOAuth2 | Mech::OAuthBearer => vec![format!("AUTH {} <redacted>", mech.name())],
        Mech::Login => vec!["AUTH LOGIN".into(), "<redacted>".into(), "<redacted>".into()],
        Mech::CramMd5 => vec!["AUTH CRAM-MD5".into(), "<redacted>".into()],
    }
}

/// The whole client side: the introduction, the exchange, and QUIT.
fn session(proto: Proto, exchange: Vec<String>) -> Vec<String> {
    let first = match proto {
        Proto::Smtp => format!("EHLO {EHLO_NAME}"),
        Proto::Pop3 => "CAPA".to_owned(),
    };
    std::iter::once(first).chain(exchange).chain(std::iter::once("QUIT".to_owned())).collect()
}

/// Every form of `secret` that must never reach the log.
fn secret_forms(run: &Login, mech: Mech, secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_owned(), sasl::b64(secret.as_bytes())];
    forms.extend(expected_exchange(run, mech, secret).into_iter().filter(|l| l.len() > 8 && !l.starts_with("AUTH ")));
    forms.extend(expected_exchange(run, mech, secret).iter().filter_map(|l| l.split(' ').nth(2).map(str::to_owned)));
    forms
}

#[track_caller]
fn assert_not_logged(log: &[String], forms: &[String]) {
    for f in forms {
        assert!(!log.iter().any(|l| l.contains(f.as_str())), "{f:?} was logged: {log:#?}");
    }
}

/// The error challenge the bundled server sends for a bad token, in words.
fn oauth_words(mech: Mech) -> String {
    let words = match mech {
        Mech::XOAuth2 => "status 401, required scope https://mail.google.com/, schemes bearer",
        _ => "status invalid_token, required scope mail, schemes bearer",
    };
    format!(
        "the server rejected the OAuth token: {words}; get a new access token with the required scope and set it as \
         the Password"
    )
}

/// Success, failure, wire lines and redaction of one mechanism on one protocol.
fn check(proto: Proto, mech: Mech) {
    let fx = Fixture::start();
    let (good, bad) = if mech.oauth() { (TOKEN, "wrong-token") } else { (PASSWORD, "wrongpass") };

    // Success, with log secrets on: the exact lines on the wire.
    let ok = login(&fx, proto, mech, good, true);
    ok.result.as_ref().unwrap_or_else(|e| panic!("{proto:?} {mech:?}: {e}"));
    assert_eq!(ok.sent(), session(proto, expected_exchange(&ok, mech, good)), "{:#?}", ok.log);
    let accepted = match proto {
        Proto::Smtp => "S: 235 2.7.0 Authentication successful",
        Proto::Pop3 => "S: +OK alice has 0 messages (0 octets)",
    };
    assert!(ok.log.iter().any(|l| l == accepted), "{:#?}", ok.log);

    // Success, with log secrets off: every payload redacted.
    let hidden = login(&fx, proto, mech, good, false);
    hidden.result.as_ref().unwrap();
    assert_eq!(hidden.sent(), session(proto, expected_redacted(mech)), "{:#?}", hidden.log);
    assert_not_logged(&hidden.log, &secret_forms(&hidden, mech, good));

    // A wrong password or token: CSMAIL_E_AUTH with the protocol's server eex, the server's
    // words (for OAuth also its JSON error in words), and a clean QUIT after the refusal.
    let mut refused = login(&fx, proto, mech, bad, true);
    let (eex, what, reply) = match proto {
        Proto::Smtp => {
            (eexSmtpServer, "authentication failed".to_owned(), "535 5.7.8 Authentication credentials invalid")
        }
        Proto::Pop3 => {
            (eexPopServer, format!("SASL {} login failed", mech.name()), "-ERR [AUTH] Authentication failed")
        }
    };
    let e = expect_err(std::mem::replace(&mut refused.result, Ok(())), CSMAIL_E_AUTH, eex);
    let mut text = format!("{what}: {reply}");
    if mech.oauth() {
        text = format!("{text}; {}", oauth_words(mech));
    }
    assert_eq!(e.text, text);
    let mut exchange = expected_exchange(&refused, mech, bad);
    match mech {
        // The error challenge is acknowledged: XOAUTH2 with an empty line, OAUTHBEARER with the
        // dummy response ^A (RFC 7628 3.2.3).
        Mech::XOAuth2 => exchange.push(String::new()),
        Mech::OAuthBearer => exchange.push(sasl::b64(b"\x01")),
        _ => {}
    }
    assert_eq!(refused.sent(), session(proto, exchange), "{:#?}", refused.log);

    // The same refusal with log secrets off: nothing secret in the log or the error.
    let refused_hidden = login(&fx, proto, mech, bad, false);
    let e = refused_hidden.result.as_ref().unwrap_err();
    let mut redacted = expected_redacted(mech);
    if mech.oauth() {
        redacted.push("<redacted>".into());
    }
    assert_eq!(refused_hidden.sent(), session(proto, redacted), "{:#?}", refused_hidden.log);
    assert_not_logged(&refused_hidden.log, &secret_forms(&refused_hidden, mech, bad));
    assert!(!e.text.contains(bad), "{e}");
}

#[test]
fn smtp_plain() {
    check(Proto::Smtp, Mech::Plain);
}

#[test]
fn smtp_login() {
    check(Proto::Smtp, Mech::Login);
}

#[test]
fn smtp_cram_md5() {
    check(Proto::Smtp, Mech::CramMd5);
}

#[test]
fn smtp_xoauth2() {
    check(Proto::Smtp, Mech::XOAuth2);
}

#[test]
fn smtp_oauthbearer() {
    check(Proto::Smtp, Mech::OAuthBearer);
}

#[test]
fn pop3_plain() {
    check(Proto::Pop3, Mech::Plain);
}

#[test]
fn pop3_login() {
    check(Proto::Pop3, Mech::Login);
}

#[test]
fn pop3_cram_md5() {
    check(Proto::Pop3, Mech::CramMd5);
}

#[test]
fn pop3_xoauth2() {
    check(Proto::Pop3, Mech::XOAuth2);
}

#[test]
fn pop3_oauthbearer() {
    check(Proto::Pop3, Mech::OAuthBearer);
}

/// The password is not a token: OAUTHBEARER with the password fails, and a token does not
/// work as a password.
#[test]
fn a_password_is_not_a_token() {
    let fx = Fixture::start();
    for proto in [Proto::Smtp, Proto::Pop3] {
        assert!(login(&fx, proto, Mech::OAuthBearer, PASSWORD, false).result.is_err());
        assert!(login(&fx, proto, Mech::Plain, TOKEN, false).result.is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Scripted servers: the exact bytes.
// ---------------------------------------------------------------------------------------------

fn scripted(text: &str) -> Scripted {
    Scripted::start_script(Script::parse(text).expect("script parses"), false)
}

#[track_caller]
fn assert_wire(s: Scripted, expected: &[u8]) {
    let out = s.finish();
    assert_eq!(show(&out.received), show(expected));
    assert!(out.mismatches.is_empty() && out.completed, "{:?}", out.mismatches);
}

const POP3_GREETING: &str = "S: +OK ready\nC: CAPA\nS: +OK\n";

/// RFC 2195 section 2's example, over POP3 AUTH.
#[test]
fn pop3_cram_md5_rfc2195_vector() {
    let s = scripted(&format!(
        "{POP3_GREETING}S: SASL CRAM-MD5\nS: .\nC: AUTH CRAM-MD5\n\
         S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n\
         C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\nS: +OK maildrop locked\nC: QUIT\nS: +OK bye\n"
    ));
    let c = s.pop3(3000);
    c.set_str(CSMAIL_PROP_USER, "tim").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "tanstaaftanstaaf").unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_CRAM_MD5).unwrap();
    c.connect().unwrap();
    assert!(c.disconnect().unwrap());
    assert_wire(s, b"CAPA\r\nAUTH CRAM-MD5\r\ndGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\nQUIT\r\n");
}

#[test]
fn pop3_login_bytes() {
    let s = scripted(&format!(
        "{POP3_GREETING}S: SASL LOGIN\nS: .\nC: AUTH LOGIN\nS: + VXNlcm5hbWU6\nC: dQ==\nS: + UGFzc3dvcmQ6\nC: cA==\n\
         S: +OK in\nC: QUIT\nS: +OK bye\n"
    ));
    let c = s.pop3(3000);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_LOGIN).unwrap();
    c.connect().unwrap();
    assert!(c.disconnect().unwrap());
    assert_wire(s, b"CAPA\r\nAUTH LOGIN\r\ndQ==\r\ncA==\r\nQUIT\r\n");
}

/// A server that keeps asking after LOGIN has said all it has: the state is unknown, so the
/// client closes without QUIT (which the server would read as a SASL response).
#[test]
fn pop3_unfinished_sasl_closes_without_quit() {
    let s = scripted(&format!(
        "{POP3_GREETING}S: SASL LOGIN\nS: .\nC: AUTH LOGIN\nS: + VXNlcm5hbWU6\nC: dQ==\nS: + UGFzc3dvcmQ6\nC: cA==\n\
         S: + VGhpcmQ6\nEXPECT-EOF\n"
    ));
    let c = s.pop3(3000);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_LOGIN).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert_eq!(e.text, "SASL LOGIN login failed: + VGhpcmQ6");
    assert_info(&c.extended_error(), &e);
    drop(c);
    assert_wire(s, b"CAPA\r\nAUTH LOGIN\r\ndQ==\r\ncA==\r\n");
}

/// A CRAM-MD5 challenge that is not base64 gets no answer.
#[test]
fn pop3_cram_md5_bad_challenge() {
    let s = scripted(&format!("{POP3_GREETING}S: SASL CRAM-MD5\nS: .\nC: AUTH CRAM-MD5\nS: + !!!\nEXPECT-EOF\n"));
    let c = s.pop3(3000);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_CRAM_MD5).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_CONNECT, eexMalformedReply);
    assert!(e.text.contains("CRAM-MD5 challenge is not base64"), "{e}");
    drop(c);
    assert_wire(s, b"CAPA\r\nAUTH CRAM-MD5\r\n");
}

/// XOAUTH2 refused over POP3: the error challenge gets an empty line, then -ERR, then QUIT.
#[test]
fn pop3_xoauth2_failure_bytes() {
    let json = r#"{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}"#;
    let ir = sasl::xoauth2("u", "p");
    let s = scripted(&format!(
        "{POP3_GREETING}S: SASL XOAUTH2\nS: .\nC: AUTH XOAUTH2 {ir}\nS: + {}\nC:\nS: -ERR [AUTH] Invalid credentials\n\
         C: QUIT\nS: +OK bye\n",
        sasl::b64(json.as_bytes())
    ));
    let c = s.pop3(3000);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_XOAUTH2).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert_eq!(
        e.text,
        "SASL XOAUTH2 login failed: -ERR [AUTH] Invalid credentials; the server rejected the OAuth token: \
         status 400, required scope https://mail.google.com/, schemes Bearer; get a new access token with the \
         required scope and set it as the Password"
    );
    assert_eq!(c.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "-ERR [AUTH] Invalid credentials");
    drop(c);
    assert_wire(s, format!("CAPA\r\nAUTH XOAUTH2 {ir}\r\n\r\nQUIT\r\n").as_bytes());
}

/// OAUTHBEARER refused over POP3 and SMTP: the GS2 header names user, host and port; the JSON
/// error challenge gets the dummy response ^A (base64 "AQ=="), then the final failure.
#[test]
fn oauthbearer_failure_bytes() {
    let json = r#"{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}"#;
    let challenge = sasl::b64(json.as_bytes());
    let words = "the server rejected the OAuth token: status invalid_token, required scope example_scope; get a new \
                 access token with the required scope and set it as the Password";

    let s = scripted(&format!(
        "{POP3_GREETING}S: SASL OAUTHBEARER\nS: .\nC: AUTH OAUTHBEARER *\nS: + {challenge}\nC: AQ==\n\
         S: -ERR [AUTH] Authentication failed\nC: QUIT\nS: +OK bye\n"
    ));
    let c = s.pop3(3000);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_OAUTHBEARER).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert_eq!(e.text, format!("SASL OAUTHBEARER login failed: -ERR [AUTH] Authentication failed; {words}"));
    drop(c);
    let ir = sasl::oauthbearer("u", "127.0.0.1", s.port(), "p");
    let port = s.port();
    assert_wire(s, format!("CAPA\r\nAUTH OAUTHBEARER {ir}\r\nAQ==\r\nQUIT\r\n").as_bytes());
    assert_eq!(sasl::b64(format!("n,a=u,\x01host=127.0.0.1\x01port={port}\x01auth=Bearer p\x01\x01").as_bytes()), ir);

    let s = scripted(&format!(
        "S: 220 test.example ESMTP\nC: EHLO client.test\nS: 250-test.example\nS: 250 AUTH OAUTHBEARER\n\
         C: AUTH OAUTHBEARER *\nS: 334 {challenge}\nC: AQ==\nS: 535 5.7.8 Authentication credentials invalid\n\
         C: QUIT\nS: 221 2.0.0 bye\n"
    ));
    let c = s.smtp(3000);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "tok3n-secret").unwrap();
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_OAUTHBEARER).unwrap();
    let (log, lines) = collecting_log();
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexSmtpServer);
    assert_eq!(e.text, format!("authentication failed: 535 5.7.8 Authentication credentials invalid; {words}"));
    assert_info(&c.extended_error(), &e);
    drop(c);
    let ir = sasl::oauthbearer("u", "127.0.0.1", s.port(), "tok3n-secret");
    assert_wire(s, format!("EHLO client.test\r\nAUTH OAUTHBEARER {ir}\r\nAQ==\r\nQUIT\r\n").as_bytes());
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    let sent: Vec<&str> = logged.iter().filter_map(|l| l.strip_prefix("C: ")).collect();
    assert_eq!(sent, ["EHLO client.test", "AUTH OAUTHBEARER <redacted>", "<redacted>", "QUIT"]);
    assert_not_logged(&logged, &["tok3n-secret".to_owned(), ir]);
}

/// RFC 5034 4: AUTH with its initial response may be 255 octets with CRLF; a longer one goes
/// as the answer to the server's empty challenge, and is redacted there too.
#[test]
fn pop3_initial_response_respects_the_255_octet_line() {
    for (len, inline) in [(177, true), (178, false)] {
        let password = "x".repeat(len);
        let ir = sasl::plain("u", &password);
        let line = format!("AUTH PLAIN {ir}\r\n");
        assert_eq!(line.len() <= 255, inline, "{} octets", line.len());
        let exchange =
            if inline { format!("C: AUTH PLAIN {ir}\n") } else { format!("C: AUTH PLAIN\nS: + \nC: {ir}\n") };
        let s = scripted(&format!("{POP3_GREETING}S: SASL PLAIN\nS: .\n{exchange}S: +OK in\nC: QUIT\nS: +OK bye\n"));
        let c = s.pop3(3000);
        c.set_str(CSMAIL_PROP_PASSWORD, &password).unwrap();
        c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_PLAIN).unwrap();
        let (log, lines) = collecting_log();
        c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
        c.connect().unwrap();
        assert!(c.disconnect().unwrap());
        let wire = if inline { line } else { format!("AUTH PLAIN\r\n{ir}\r\n") };
        assert_wire(s, format!("CAPA\r\n{wire}QUIT\r\n").as_bytes());
        let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
        let sent: Vec<&str> = logged.iter().filter_map(|l| l.strip_prefix("C: ")).collect();
        let expected: &[&str] = if inline {
            &["CAPA", "AUTH PLAIN <redacted>", "QUIT"]
        } else {
            &["CAPA", "AUTH PLAIN", "<redacted>", "QUIT"]
        };
        assert_eq!(sent, expected);
        assert_not_logged(&logged, &[password, ir]);
    }
}

/// A long OAuth2 token over POP3 against the bundled server: the initial response goes after
/// the empty challenge, and the server accepts it.
#[test]
fn pop3_long_token_goes_after_the_empty_challenge() {
    let long = "y".repeat(400);
    let fx = Fixture::with(|o| o.users.push(("carol".into(), long.clone())));
    let token = format!("token-{long}");
    let c = fx.pop3(fx.server.pop3_port, None, "carol", &token);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_XOAUTH2).unwrap();
    let (log, lines) = collecting_log();
    log.set_log_secrets(true);
    c.set_advanced_handler(AdvancedHandler::Log(log)).unwrap();
    c.connect().unwrap();
    assert!(c.disconnect().unwrap());
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    let sent: Vec<&str> = logged.iter().filter_map(|l| l.strip_prefix("C: ")).collect();
    let ir = sasl::xoauth2("carol", &token);
    assert_eq!(sent, ["CAPA", "AUTH XOAUTH2", ir.as_str(), "QUIT"]);
}

/// A server that does not list the mechanism asked for: refused before any credential leaves.
#[test]
fn mechanism_not_listed_sends_no_credential() {
    for mech in [Mech::Plain, Mech::Login, Mech::CramMd5, Mech::XOAuth2, Mech::OAuthBearer] {
        let s = scripted(&format!("{POP3_GREETING}S: USER\nS: SASL GSSAPI\nS: .\nC: QUIT\nS: +OK bye\n"));
        let c = s.pop3(3000);
        c.set_int(CSMAIL_PROP_AUTH_MECH, mech.code()).unwrap();
        let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
        assert!(
            e.text
                .starts_with(&format!("the server does not offer SASL {} (its CAPA lists SASL: GSSAPI)", mech.name())),
            "{e}"
        );
        assert_info(&c.extended_error(), &e);
        drop(c);
        assert_wire(s, b"CAPA\r\nQUIT\r\n");

        let s = scripted(
            "S: 220 test.example ESMTP\nC: EHLO client.test\nS: 250-test.example\nS: 250 AUTH GSSAPI\n\
             C: QUIT\nS: 221 2.0.0 bye\n",
        );
        let c = s.smtp(3000);
        c.set_str(CSMAIL_PROP_USER, "u").unwrap();
        c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
        c.set_int(CSMAIL_PROP_AUTH_MECH, mech.code()).unwrap();
        let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
        assert!(e.text.contains(&format!("does not offer AUTH {}", mech.name())), "{e}");
        drop(c);
        assert_wire(s, b"EHLO client.test\r\nQUIT\r\n");
    }
}

/// AUTO never uses an OAuth2 mechanism (the password is not a token): a server that offers
/// only those gets no credential, on either protocol.
#[test]
fn auto_never_picks_oauth() {
    let s = scripted(&format!("{POP3_GREETING}S: SASL XOAUTH2 OAUTHBEARER\nS: .\nC: QUIT\nS: +OK bye\n"));
    let c = s.pop3(3000);
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    assert!(e.text.contains("(SASL: XOAUTH2 OAUTHBEARER); no credentials were sent"), "{e}");
    drop(c);
    assert_wire(s, b"CAPA\r\nQUIT\r\n");

    let s = scripted(
        "S: 220 test.example ESMTP\nC: EHLO client.test\nS: 250-test.example\nS: 250 AUTH XOAUTH2 OAUTHBEARER\n\
         C: QUIT\nS: 221 2.0.0 bye\n",
    );
    let c = s.smtp(3000);
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    expect_err(c.connect(), CSMAIL_E_AUTH, eexAuthNotSupported);
    drop(c);
    assert_wire(s, b"EHLO client.test\r\nQUIT\r\n");
}

/// AUTO in the clear without an APOP timestamp: SASL CRAM-MD5 (listed) before USER/PASS, as
/// SMTP prefers CRAM-MD5 in the clear: the password stays off the wire.
#[test]
fn pop3_auto_in_the_clear_prefers_cram_md5() {
    let s = scripted(&format!(
        "{POP3_GREETING}S: USER\nS: SASL PLAIN CRAM-MD5\nS: .\nC: AUTH CRAM-MD5\n\
         S: + PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n\
         C: dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\nS: +OK in\nC: QUIT\nS: +OK bye\n"
    ));
    let c = s.pop3(3000);
    c.set_str(CSMAIL_PROP_USER, "tim").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "tanstaaftanstaaf").unwrap();
    c.connect().unwrap();
    assert!(c.disconnect().unwrap());
    assert_wire(s, b"CAPA\r\nAUTH CRAM-MD5\r\ndGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\nQUIT\r\n");
}

/// A server that ignores the initial response on the AUTH line and asks with an empty
/// challenge gets it once more (as SMTP clients have always done), then no more.
#[test]
fn pop3_ignored_initial_response_goes_again_once() {
    let ir = sasl::plain("u", "p");
    let s = scripted(&format!(
        "{POP3_GREETING}S: SASL PLAIN\nS: .\nC: AUTH PLAIN {ir}\nS: +\nC: {ir}\nS: + \nEXPECT-EOF\n"
    ));
    let c = s.pop3(3000);
    c.set_int(CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_PLAIN).unwrap();
    let e = expect_err(c.connect(), CSMAIL_E_AUTH, eexPopServer);
    assert_eq!(e.text, "SASL PLAIN login failed: + ");
    drop(c);
    assert_wire(s, format!("CAPA\r\nAUTH PLAIN {ir}\r\n{ir}\r\n").as_bytes());
}
