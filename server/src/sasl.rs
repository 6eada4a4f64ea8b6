//! Credential checks shared by SMTP and POP3: SASL PLAIN, LOGIN, CRAM-MD5 and
//! POP3 APOP. Kept apart from the protocol state machines so each can be
//! tested on its own.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
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
}
