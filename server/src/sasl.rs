//! Credential checks shared by SMTP, POP3 and IMAP: SASL PLAIN, LOGIN, CRAM-MD5,
//! XOAUTH2 and OAUTHBEARER (RFC 7628), and POP3 APOP. Kept apart from the
//! protocol state machines so each can be tested on its own; [`exchange`]
//! runs a whole SASL exchange, the protocol only frames its lines.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use std::io;
use std::time::{SystemTime, UNIX_EPOCH};

/// The user table.
#[derive(Clone, Debug)]
pub(crate) struct Users(pub Vec<(String, String)>);

impl Users {
    pub(crate) fn password(&self, user: &str) -> Option<&str> {
        self.0.iter().find(|(u, _)| u == user).map(|(_, p)| p.as_str())
    }

    pub(crate) fn check(&self, user: &str, pass: &str) -> bool {
        self.password(user) == Some(pass)
    }

    /// The OAuth2 bearer token XOAUTH2 and OAUTHBEARER accept for `user`: `token-` and the
    /// user's password (alice: `token-alicepass`), so tests know it and it is never the
    /// password itself.
    pub(crate) fn token(&self, user: &str) -> Option<String> {
        self.password(user).map(|p| format!("token-{p}"))
    }

    fn check_token(&self, user: &str, token: &str) -> bool {
        self.token(user).as_deref() == Some(token)
    }

    /// The canonical user name for a recipient's local part (ASCII
    /// case-insensitive, as mail systems usually treat local parts).
    pub(crate) fn find(&self, local: &str) -> Option<&str> {
        self.0.iter().find(|(u, _)| u.eq_ignore_ascii_case(local)).map(|(u, _)| u.as_str())
    }
}

/// An RFC 1939 / CRAM-MD5 style timestamp: `<pid.nanos@localhost>`.
pub(crate) fn challenge() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("<{}.{}{:09}@localhost>", std::process::id(), now.as_secs(), now.subsec_nanos())
}

pub(crate) fn b64_decode(s: &str) -> Option<Vec<u8>> {
    B64.decode(s.trim().as_bytes()).ok()
}

pub(crate) fn b64_encode(b: &[u8]) -> String {
    B64.encode(b)
}

/// Decodes a SASL PLAIN message (`authzid NUL authcid NUL passwd`), already
/// base64-decoded, and checks it. Returns the authenticated user.
pub(crate) fn check_plain(users: &Users, msg: &[u8]) -> Option<String> {
    let mut parts = msg.split(|&b| b == 0);
    let authz = parts.next()?;
    let authc = std::str::from_utf8(parts.next()?).ok()?;
    let pass = std::str::from_utf8(parts.next()?).ok()?;
    if parts.next().is_some() {
        return None;
    }
    // We do not support proxy authorization: authzid must be empty or self.
    if !authz.is_empty() && authz != authc.as_bytes() {
        return None;
    }
    users.check(authc, pass).then(|| authc.to_string())
}

/// HMAC-MD5(password, challenge) as lowercase hex (RFC 2195).
pub(crate) fn cram_digest(password: &str, challenge: &str) -> String {
    let mut mac = <Hmac<Md5> as Mac>::new_from_slice(password.as_bytes()).expect("any key length");
    mac.update(challenge.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a decoded CRAM-MD5 response `user SP hexdigest`.
pub(crate) fn check_cram(users: &Users, challenge: &str, response: &[u8]) -> Option<String> {
    let resp = std::str::from_utf8(response).ok()?;
    let (user, digest) = resp.rsplit_once(' ')?;
    let pass = users.password(user)?;
    cram_digest(pass, challenge).eq_ignore_ascii_case(digest).then(|| user.to_string())
}

/// The mechanisms [`exchange`] runs, as EHLO AUTH and CAPA SASL list them.
pub(crate) const MECHANISMS: &str = "PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER";

/// Whether [`exchange`] runs `mech` (upper case).
pub(crate) fn offers(mech: &str) -> bool {
    MECHANISMS.split(' ').any(|m| m == mech)
}

/// The error challenge of a failed XOAUTH2 login (as Gmail sends it).
pub(crate) const XOAUTH2_ERROR: &str = r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;
/// The error challenge of a failed OAUTHBEARER login (RFC 7628 3.2.2).
pub(crate) const OAUTHBEARER_ERROR: &str = r#"{"status":"invalid_token","scope":"mail","schemes":"bearer"}"#;

/// Checks a decoded XOAUTH2 message `user=U ^A auth=Bearer T ^A ^A`.
pub(crate) fn check_xoauth2(users: &Users, msg: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(msg).ok()?.strip_suffix("\x01\x01")?;
    let (user, auth) = text.split_once('\x01')?;
    let user = user.strip_prefix("user=")?;
    let token = auth.strip_prefix("auth=Bearer ")?;
    users.check_token(user, token).then(|| user.to_string())
}

/// Checks a decoded OAUTHBEARER message (RFC 7628 3.1): the GS2 header `n,a=USER,` (this
/// server needs the authorization identity to know the user), then `^A`-separated key=value
/// pairs among which `auth=Bearer TOKEN`, ending in `^A^A`.
pub(crate) fn check_oauthbearer(users: &Users, msg: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(msg).ok()?.strip_suffix("\x01\x01")?;
    let (gs2, pairs) = text.split_once('\x01')?;
    let authzid = gs2.strip_prefix("n,a=")?.strip_suffix(',')?;
    let user = authzid.replace("=2C", ",").replace("=3D", "=");
    let token = pairs.split('\x01').find_map(|kv| kv.strip_prefix("auth=Bearer "))?;
    users.check_token(&user, token).then_some(user)
}

/// How a SASL exchange ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Authenticated as this user.
    User(String),
    /// Wrong credentials: the protocol's failure reply.
    Invalid,
    /// The exchange ended at a prompt (cancelled, undecodable): the reply is already out.
    Ended,
    UnknownMechanism,
    /// CRAM-MD5 with an initial response.
    UnexpectedInitial,
}

/// Runs the server side of a SASL exchange for `mech` (upper case). `initial` is the decoded
/// initial response; `prompt` sends a base64 challenge and returns the decoded answer, or None
/// when the exchange ended there (its reply already sent).
pub(crate) fn exchange(
    users: &Users,
    mech: &str,
    mut initial: Option<Vec<u8>>,
    prompt: &mut dyn FnMut(&str) -> io::Result<Option<Vec<u8>>>,
) -> io::Result<Verdict> {
    // The first message: the initial response, or the answer to the first challenge.
    fn first(
        initial: &mut Option<Vec<u8>>,
        prompt: &mut dyn FnMut(&str) -> io::Result<Option<Vec<u8>>>,
        challenge: &str,
    ) -> io::Result<Option<Vec<u8>>> {
        match initial.take() {
            Some(i) => Ok(Some(i)),
            None => prompt(challenge),
        }
    }
    let user = match mech {
        "PLAIN" => {
            let Some(msg) = first(&mut initial, prompt, "")? else { return Ok(Verdict::Ended) };
            check_plain(users, &msg)
        }
        "LOGIN" => {
            let Some(name) = first(&mut initial, prompt, &b64_encode(b"Username:"))? else { return Ok(Verdict::Ended) };
            let Some(pass) = prompt(&b64_encode(b"Password:"))? else { return Ok(Verdict::Ended) };
            let name = String::from_utf8_lossy(&name).into_owned();
            let pass = String::from_utf8_lossy(&pass).into_owned();
            users.check(&name, &pass).then_some(name)
        }
        "CRAM-MD5" => {
            if initial.is_some() {
                return Ok(Verdict::UnexpectedInitial);
            }
            let chal = challenge();
            let Some(resp) = prompt(&b64_encode(chal.as_bytes()))? else { return Ok(Verdict::Ended) };
            check_cram(users, &chal, &resp)
        }
        "XOAUTH2" | "OAUTHBEARER" => {
            let Some(msg) = first(&mut initial, prompt, "")? else { return Ok(Verdict::Ended) };
            let (user, error) = if mech == "XOAUTH2" {
                (check_xoauth2(users, &msg), XOAUTH2_ERROR)
            } else {
                (check_oauthbearer(users, &msg), OAUTHBEARER_ERROR)
            };
            if user.is_none() {
                // The error goes as a challenge; whatever the client answers (XOAUTH2: an
                // empty line; OAUTHBEARER: the dummy ^A of RFC 7628 3.2.3), the login fails.
                if prompt(&b64_encode(error.as_bytes()))?.is_none() {
                    return Ok(Verdict::Ended);
                }
            }
            user
        }
        _ => return Ok(Verdict::UnknownMechanism),
    };
    Ok(user.map_or(Verdict::Invalid, Verdict::User))
}

/// MD5(timestamp + password) as lowercase hex (RFC 1939 APOP).
pub(crate) fn apop_digest(timestamp: &str, password: &str) -> String {
    let mut h = Md5::new();
    h.update(timestamp.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Users {
        Users(vec![("alice".into(), "alicepass".into())])
    }

    #[test]
    fn cram_rfc2195_vector() {
        assert_eq!(
            cram_digest("tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>"),
            "b913a602c7eda7a495b4e6e7334d3890"
        );
    }

    #[test]
    fn apop_rfc1939_vector() {
        assert_eq!(apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb");
    }

    #[test]
    fn plain() {
        let u = users();
        assert_eq!(check_plain(&u, b"\0alice\0alicepass"), Some("alice".to_string()));
        assert_eq!(check_plain(&u, b"alice\0alice\0alicepass"), Some("alice".to_string()));
        assert_eq!(check_plain(&u, b"bob\0alice\0alicepass"), None);
        assert_eq!(check_plain(&u, b"\0alice\0wrong"), None);
        assert_eq!(check_plain(&u, b"\0alice"), None);
    }

    #[test]
    fn oauth() {
        let u = users();
        assert_eq!(check_xoauth2(&u, b"user=alice\x01auth=Bearer token-alicepass\x01\x01"), Some("alice".into()));
        assert_eq!(check_xoauth2(&u, b"user=alice\x01auth=Bearer alicepass\x01\x01"), None);
        assert_eq!(check_xoauth2(&u, b"user=alice\x01auth=Bearer token-alicepass\x01"), None);
        let bearer = b"n,a=alice,\x01host=localhost\x01port=110\x01auth=Bearer token-alicepass\x01\x01";
        assert_eq!(check_oauthbearer(&u, bearer), Some("alice".into()));
        assert_eq!(check_oauthbearer(&u, b"n,a=alice,\x01auth=Bearer wrong\x01\x01"), None);
        assert_eq!(check_oauthbearer(&u, b"n,,\x01auth=Bearer token-alicepass\x01\x01"), None);
    }
}
