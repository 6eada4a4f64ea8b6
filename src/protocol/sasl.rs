//! SASL client mechanisms (RFC 4422) and POP3 APOP (RFC 1939 7): PLAIN (RFC 4616), LOGIN,
//! CRAM-MD5 (RFC 2195), XOAUTH2 (Google's) and OAUTHBEARER (RFC 7628).
//!
//! Protocol-neutral: a mechanism is an initial response plus a step function that answers each
//! server challenge, both in base64 as they go on the wire. SMTP AUTH (RFC 4954), POP3 AUTH
//! (RFC 5034) and IMAP AUTHENTICATE (RFC 3501) differ only in how they frame these lines: the
//! command, the continuation prefix ("334 ", "+ ") and the final reply.

use crate::error::{self, Error};
use crate::protocol::mechanism::Mechanism;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};

pub fn b64(data: &[u8]) -> String {
    B64.encode(data)
}

pub fn unb64(data: &str) -> Option<Vec<u8>> {
    B64.decode(data.trim()).ok()
}

/// PLAIN: authorization identity empty, then user and password, NUL-separated.
pub fn plain(user: &str, password: &str) -> String {
    b64(format!("\0{user}\0{password}").as_bytes())
}

/// CRAM-MD5: "user hex(HMAC-MD5(password, challenge))", base64-encoded.
pub fn cram_md5(challenge_b64: &str, user: &str, password: &str) -> Option<String> {
    let challenge = unb64(challenge_b64)?;
    let mut mac = Hmac::<Md5>::new_from_slice(password.as_bytes()).ok()?;
    mac.update(&challenge);
    Some(b64(format!("{user} {}", hex::encode(mac.finalize().into_bytes())).as_bytes()))
}

/// XOAUTH2 initial response; the token is the Password property.
pub fn xoauth2(user: &str, token: &str) -> String {
    b64(format!("user={user}\x01auth=Bearer {token}\x01\x01").as_bytes())
}

/// OAUTHBEARER initial response (RFC 7628 3.1): the GS2 header with the user as authorization
/// identity, then the host, the port and the bearer token as key/value pairs.
pub fn oauthbearer(user: &str, host: &str, port: u16, token: &str) -> String {
    b64(format!("n,a={},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01", gs2_name(user)).as_bytes())
}

/// RFC 5801 saslname: "," and "=" in the authorization identity are escaped.
fn gs2_name(user: &str) -> String {
    user.replace('=', "=3D").replace(',', "=2C")
}

/// The dummy client response that ends a failed OAUTHBEARER exchange (RFC 7628 3.2.3).
const OAUTHBEARER_DUMMY: &[u8] = b"\x01";

/// APOP digest: hex(MD5(timestamp + password)).
pub fn apop(timestamp: &str, password: &str) -> String {
    let mut h = Md5::new();
    h.update(timestamp.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

/// A SASL mechanism csmail speaks, by its registered name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaslMechanism {
    Plain,
    Login,
    CramMd5,
    XOAuth2,
    OAuthBearer,
}

impl SaslMechanism {
    /// The SASL mechanisms among the AUTH_MECH values (AUTO, USER/PASS and APOP are not SASL).
    pub fn from_mechanism(m: Mechanism) -> Option<SaslMechanism> {
        Some(match m {
            Mechanism::Plain => SaslMechanism::Plain,
            Mechanism::Login => SaslMechanism::Login,
            Mechanism::CramMd5 => SaslMechanism::CramMd5,
            Mechanism::XOAuth2 => SaslMechanism::XOAuth2,
            Mechanism::OAuthBearer => SaslMechanism::OAuthBearer,
            Mechanism::Auto | Mechanism::UserPass | Mechanism::Apop => return None,
        })
    }

    /// The name servers list (EHLO AUTH, CAPA SASL) and the AUTH command carries.
    pub fn name(self) -> &'static str {
        match self {
            SaslMechanism::Plain => "PLAIN",
            SaslMechanism::Login => "LOGIN",
            SaslMechanism::CramMd5 => "CRAM-MD5",
            SaslMechanism::XOAuth2 => "XOAUTH2",
            SaslMechanism::OAuthBearer => "OAUTHBEARER",
        }
    }
}

/// What the client needs for a SASL exchange. `secret` is the password, or the OAuth2 access
/// token for XOAUTH2 and OAUTHBEARER; `host` and `port` are the server's, which OAUTHBEARER
/// names to the server.
#[derive(Clone, Copy, Debug)]
pub struct Credentials<'a> {
    pub user: &'a str,
    pub secret: &'a str,
    pub host: &'a str,
    pub port: u16,
}

/// What the log shows for every SASL response.
pub const REDACTED: &str = "<redacted>";

/// Why a challenge got no response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepError {
    /// The challenge is not base64 (CRAM-MD5 needs its bytes).
    NotBase64,
    /// The mechanism has said all it has to say, yet the server asks for more.
    Unexpected,
}

/// Where the initial response went (it goes at most twice: see `respond`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Initial {
    NotSent,
    OnCommandLine,
    Answered,
}

/// One SASL exchange on the client side: the initial response, then one response per server
/// challenge. Every response is a credential or derived from one: protocols log them redacted.
pub struct SaslExchange<'a> {
    mech: SaslMechanism,
    creds: Credentials<'a>,
    /// Where the initial response went: not yet, on the command line, or as an answer.
    initial: Initial,
    /// Challenges answered after the initial response.
    steps: usize,
    /// The OAuth server's error (the JSON challenge of a failed XOAUTH2/OAUTHBEARER), in words.
    oauth_error: Option<String>,
}

impl<'a> SaslExchange<'a> {
    pub fn new(mech: SaslMechanism, creds: Credentials<'a>) -> SaslExchange<'a> {
        SaslExchange { mech, creds, initial: Initial::NotSent, steps: 0, oauth_error: None }
    }

    pub fn mechanism(&self) -> SaslMechanism {
        self.mech
    }

    fn initial(&self) -> Option<String> {
        let c = &self.creds;
        match self.mech {
            SaslMechanism::Plain => Some(plain(c.user, c.secret)),
            SaslMechanism::XOAuth2 => Some(xoauth2(c.user, c.secret)),
            SaslMechanism::OAuthBearer => Some(oauthbearer(c.user, c.host, c.port, c.secret)),
            // LOGIN and CRAM-MD5 are server-first: they answer prompts and a challenge.
            SaslMechanism::Login | SaslMechanism::CramMd5 => None,
        }
    }

    /// The initial response (base64) to put on the AUTH line, if the mechanism has one and
    /// `fits(response)` says the line may carry it. When it does not fit, the exchange sends
    /// it as the answer to the server's first (empty) challenge instead (RFC 4954 4,
    /// RFC 5034 4).
    pub fn initial_response(&mut self, fits: impl FnOnce(&str) -> bool) -> Option<String> {
        let ir = self.initial().filter(|ir| fits(ir))?;
        self.initial = Initial::OnCommandLine;
        Some(ir)
    }

    /// The command that opens the exchange, `VERB NAME [initial-response]` (VERB: "AUTH", or a
    /// tag and "AUTHENTICATE"), and what the log shows of it. The initial response stays off
    /// when the line with its CRLF would be longer than `max_line`.
    pub fn command(&mut self, verb: &str, max_line: usize) -> (String, Option<String>) {
        let name = self.mech.name();
        let fits = |ir: &str| verb.len() + name.len() + ir.len() + "  \r\n".len() <= max_line;
        match self.initial_response(fits) {
            Some(ir) => (format!("{verb} {name} {ir}"), Some(format!("{verb} {name} {REDACTED}"))),
            None => (format!("{verb} {name}"), None),
        }
    }

    /// The error for a challenge the mechanism cannot read (the session must close: the
    /// server still waits for a response).
    pub fn unreadable_challenge(&self) -> Error {
        Error::protocol(error::eexMalformedReply, format!("the {} challenge is not base64", self.mech.name()))
    }

    /// The response (base64, possibly empty) to a server challenge (base64, as received).
    pub fn respond(&mut self, challenge: &str) -> Result<String, StepError> {
        // The server asks for the initial response: any first challenge when it did not go on
        // the command line; an empty first challenge when the server ignored it there (as
        // servers without initial-response support do). Never more than twice.
        let asks = match self.initial {
            Initial::NotSent => true,
            Initial::OnCommandLine => challenge.trim().is_empty(),
            Initial::Answered => false,
        };
        if self.steps == 0 && asks {
            if let Some(ir) = self.initial() {
                self.initial = Initial::Answered;
                return Ok(ir);
            }
        }
        let step = self.steps;
        self.steps += 1;
        let c = &self.creds;
        match (self.mech, step) {
            (SaslMechanism::Login, 0) => Ok(b64(c.user.as_bytes())),
            (SaslMechanism::Login, 1) => Ok(b64(c.secret.as_bytes())),
            (SaslMechanism::CramMd5, 0) => cram_md5(challenge, c.user, c.secret).ok_or(StepError::NotBase64),
            // After the initial response an OAuth server challenges only to report an error;
            // the client acknowledges it (XOAUTH2: an empty response; OAUTHBEARER: the dummy
            // response of RFC 7628 3.2.3) and the server then sends its final failure.
            (SaslMechanism::XOAuth2, 0) => {
                self.oauth_error = Some(describe_oauth_error(challenge));
                Ok(String::new())
            }
            (SaslMechanism::OAuthBearer, 0) => {
                self.oauth_error = Some(describe_oauth_error(challenge));
                Ok(b64(OAUTHBEARER_DUMMY))
            }
            _ => Err(StepError::Unexpected),
        }
    }

    /// The OAuth server's error in plain words, when a failed XOAUTH2/OAUTHBEARER exchange
    /// reported one.
    pub fn oauth_error(&self) -> Option<&str> {
        self.oauth_error.as_deref()
    }
}

/// The error challenge of an OAuth mechanism (RFC 7628 3.2.2: a JSON object with "status",
/// "scope", "schemes" and maybe "openid-configuration"), in words for the error text.
fn describe_oauth_error(challenge_b64: &str) -> String {
    let Some(bytes) = unb64(challenge_b64) else {
        return format!("the server's OAuth error challenge is not base64: {}", shorten(challenge_b64));
    };
    let text = String::from_utf8_lossy(&bytes);
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(&text) else {
        return format!("the server's OAuth error is not a JSON object: {}", shorten(&text));
    };
    let field = |k: &str| match fields.get(k) {
        Some(serde_json::Value::String(s)) => Some(shorten(s)),
        Some(v) if !v.is_null() => Some(shorten(&v.to_string())),
        _ => None,
    };
    let mut words = vec![format!("status {}", field("status").unwrap_or_else(|| "not given".to_owned()))];
    if let Some(scope) = field("scope") {
        words.push(format!("required scope {scope}"));
    }
    if let Some(schemes) = field("schemes") {
        words.push(format!("schemes {schemes}"));
    }
    let scope = if field("scope").is_some() { " with the required scope" } else { "" };
    format!(
        "the server rejected the OAuth token: {}; get a new access token{scope} and set it as the Password",
        words.join(", ")
    )
}

/// At most 200 characters of server-supplied text, without control characters.
fn shorten(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match clean.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &clean[..i]),
        None => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials<'static> {
        Credentials { user: "u@x", secret: "tok", host: "mail.example", port: 587 }
    }

    #[test]
    fn rfc_vectors() {
        // RFC 1939 section 7.
        assert_eq!(apop("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb");
        // RFC 2195 section 2.
        let challenge = b64(b"<1896.697170952@postoffice.reston.mci.net>");
        let resp = cram_md5(&challenge, "tim", "tanstaaftanstaaf").unwrap();
        assert_eq!(unb64(&resp).unwrap(), b"tim b913a602c7eda7a495b4e6e7334d3890");
        assert_eq!(plain("tim", "tanstaaf"), b64(b"\0tim\0tanstaaf"));
        assert_eq!(unb64(&xoauth2("u@x", "tok")).unwrap(), b"user=u@x\x01auth=Bearer tok\x01\x01");
        assert_eq!(cram_md5("!!!", "u", "p"), None);
        // RFC 7628 section 4.1, with the user as authorization identity.
        assert_eq!(
            unb64(&oauthbearer(
                "user@example.com",
                "server.example.com",
                143,
                "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="
            ))
            .unwrap(),
            b"n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer \
              vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        assert_eq!(
            unb64(&oauthbearer("a,b=c", "h", 1, "t")).unwrap(),
            b"n,a=a=2Cb=3Dc,\x01host=h\x01port=1\x01auth=Bearer t\x01\x01"
        );
    }

    #[test]
    fn oauthbearer_failure_answers_the_dummy_response() {
        let mut ex = SaslExchange::new(SaslMechanism::OAuthBearer, creds());
        assert_eq!(ex.initial_response(|_| true), Some(oauthbearer("u@x", "mail.example", 587, "tok")));
        let challenge = b64(br#"{"status":"invalid_token","scope":"example_scope","schemes":"bearer"}"#);
        assert_eq!(ex.respond(&challenge), Ok("AQ==".to_owned()));
        assert_eq!(
            ex.oauth_error(),
            Some(
                "the server rejected the OAuth token: status invalid_token, required scope example_scope, schemes \
                 bearer; get a new access token with the required scope and set it as the Password"
            )
        );
        assert_eq!(ex.respond(""), Err(StepError::Unexpected));
    }

    #[test]
    fn xoauth2_failure_answers_empty() {
        let mut ex = SaslExchange::new(SaslMechanism::XOAuth2, creds());
        assert!(ex.initial_response(|_| true).is_some());
        assert_eq!(ex.respond(&b64(br#"{"status":"401"}"#)), Ok(String::new()));
        assert_eq!(
            ex.oauth_error(),
            Some("the server rejected the OAuth token: status 401; get a new access token and set it as the Password")
        );
        let mut bad = SaslExchange::new(SaslMechanism::XOAuth2, creds());
        bad.initial_response(|_| true);
        bad.respond(&b64(b"not json\x07")).unwrap();
        assert_eq!(bad.oauth_error(), Some("the server's OAuth error is not a JSON object: not json "));
    }

    #[test]
    fn initial_response_that_does_not_fit_answers_the_empty_challenge() {
        let mut ex = SaslExchange::new(SaslMechanism::Plain, creds());
        assert_eq!(ex.initial_response(|_| false), None);
        assert_eq!(ex.respond(""), Ok(plain("u@x", "tok")));
        assert_eq!(ex.respond(""), Err(StepError::Unexpected));
    }

    #[test]
    fn an_ignored_initial_response_goes_again_once() {
        let mut ex = SaslExchange::new(SaslMechanism::Plain, creds());
        assert_eq!(ex.initial_response(|_| true), Some(plain("u@x", "tok")));
        assert_eq!(ex.respond(""), Ok(plain("u@x", "tok")));
        assert_eq!(ex.respond(""), Err(StepError::Unexpected));
        // An OAuth server that ignored it: the token again, then the error is acknowledged.
        let mut ex = SaslExchange::new(SaslMechanism::OAuthBearer, creds());
        let ir = ex.initial_response(|_| true).unwrap();
        assert_eq!(ex.respond(" "), Ok(ir));
        assert_eq!(ex.respond(&b64(br#"{"status":"invalid_token"}"#)), Ok("AQ==".to_owned()));
        assert_eq!(ex.respond(""), Err(StepError::Unexpected));
    }

    #[test]
    fn login_and_cram_md5_steps() {
        let mut login = SaslExchange::new(SaslMechanism::Login, creds());
        assert_eq!(login.initial_response(|_| true), None);
        assert_eq!(login.respond("VXNlcm5hbWU6"), Ok(b64(b"u@x")));
        assert_eq!(login.respond("UGFzc3dvcmQ6"), Ok(b64(b"tok")));
        assert_eq!(login.respond("VGhpcmQ6"), Err(StepError::Unexpected));
        let mut cram = SaslExchange::new(SaslMechanism::CramMd5, creds());
        assert_eq!(cram.initial_response(|_| true), None);
        assert_eq!(cram.respond("!!!"), Err(StepError::NotBase64));
    }
}
