//! IMAP AUTHENTICATE (RFC 3501 6.2.2 with SASL-IR, RFC 4959): PLAIN, LOGIN and CRAM-MD5
//! through `crate::sasl`, and the two bearer-token mechanisms XOAUTH2 and OAUTHBEARER
//! (RFC 7628). The test server has no token issuer: a user's bearer token is their password.

use std::io;

use crate::conn::{Conn, Line};
use crate::sasl;
use crate::Ctx;

pub(crate) const MECHANISMS: [&str; 5] = ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"];

/// How an AUTHENTICATE exchange ended.
pub(crate) enum Outcome {
    User(String),
    /// Tagged NO/BAD text.
    Refused(String),
    Eof,
}

/// Sends a continuation with a base64 challenge and reads the client's answer line.
/// None: the client closed; Some(Err(text)): the exchange ends with that tagged response.
fn round(conn: &mut Conn, challenge: &[u8]) -> io::Result<Option<Result<Vec<u8>, String>>> {
    conn.reply(&format!("+ {}", sasl::b64_encode(challenge)));
    let line = match conn.read_line(super::command::MAX_LINE)? {
        Line::Eof => return Ok(None),
        Line::TooLong => return Ok(Some(Err("BAD Response line too long".into()))),
        Line::Text(l) => l,
    };
    Ok(Some(decode(&line)))
}

fn decode(line: &[u8]) -> Result<Vec<u8>, String> {
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    if text == "*" {
        return Err("BAD Authentication cancelled".into());
    }
    if text == "=" || text.is_empty() {
        return Ok(Vec::new());
    }
    sasl::b64_decode(text).ok_or_else(|| "BAD Cannot decode the base64 response".into())
}

/// XOAUTH2: `user=NAME ^A auth=Bearer TOKEN ^A ^A`.
fn check_xoauth2(ctx: &Ctx, msg: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(msg).ok()?;
    let mut user = None;
    let mut token = None;
    for kv in text.split('\x01') {
        if let Some(u) = kv.strip_prefix("user=") {
            user = Some(u);
        } else if let Some(a) = kv.strip_prefix("auth=") {
            token = a.strip_prefix("Bearer ");
        }
    }
    let (user, token) = (user?, token?);
    ctx.users.check(user, token).then(|| user.to_string())
}

/// OAUTHBEARER (RFC 7628): `n,a=NAME, ^A auth=Bearer TOKEN ^A ^A`.
fn check_oauthbearer(ctx: &Ctx, msg: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(msg).ok()?;
    let mut parts = text.split('\x01');
    let gs2 = parts.next()?;
    let user = gs2.split(',').find_map(|f| f.strip_prefix("a="))?.replace("=2C", ",").replace("=3D", "=");
    let token = parts.find_map(|kv| kv.strip_prefix("auth=Bearer "))?;
    ctx.users.check(&user, token).then_some(user)
}

/// Runs one exchange. `ir`: the SASL-IR initial response, if the command carried one.
pub(crate) fn authenticate(conn: &mut Conn, ctx: &Ctx, mech: &str, ir: Option<&str>) -> io::Result<Outcome> {
    let mech = mech.to_ascii_uppercase();
    if !MECHANISMS.contains(&mech.as_str()) {
        return Ok(Outcome::Refused("NO Unsupported authentication mechanism".into()));
    }
    let failed = || Outcome::Refused("NO [AUTHENTICATIONFAILED] Authentication failed".into());
    macro_rules! ask {
        ($challenge:expr) => {
            match round(conn, $challenge)? {
                None => return Ok(Outcome::Eof),
                Some(Err(t)) => return Ok(Outcome::Refused(t)),
                Some(Ok(v)) => v,
            }
        };
    }
    let first = match ir {
        Some(_) if mech == "CRAM-MD5" => {
            return Ok(Outcome::Refused("BAD CRAM-MD5 takes no initial response".into()));
        }
        Some(t) => match decode(t.as_bytes()) {
            Ok(v) => Some(v),
            Err(e) => return Ok(Outcome::Refused(e)),
        },
        None => None,
    };
    let user = match mech.as_str() {
        "PLAIN" => {
            let msg = match first {
                Some(m) => m,
                None => ask!(b""),
            };
            sasl::check_plain(&ctx.users, &msg)
        }
        "LOGIN" => {
            let name = match first {
                Some(m) => m,
                None => ask!(b"Username:"),
            };
            let pass = ask!(b"Password:");
            let name = String::from_utf8_lossy(&name).into_owned();
            ctx.users.check(&name, &String::from_utf8_lossy(&pass)).then_some(name)
        }
        "CRAM-MD5" => {
            let challenge = sasl::challenge();
            let resp = ask!(challenge.as_bytes());
            sasl::check_cram(&ctx.users, &challenge, &resp)
        }
        _ => {
            let msg = match first {
                Some(m) => m,
                None => ask!(b""),
            };
            let user = if mech == "XOAUTH2" { check_xoauth2(ctx, &msg) } else { check_oauthbearer(ctx, &msg) };
            if user.is_none() {
                // Both mechanisms report the failure in a challenge the client answers with an
                // empty response before the tagged NO (RFC 7628 3.2.3).
                let _ = ask!(br#"{"status":"invalid_token","scope":"mail","schemes":"Bearer"}"#);
                return Ok(failed());
            }
            user
        }
    };
    Ok(user.map(Outcome::User).unwrap_or_else(failed))
}
