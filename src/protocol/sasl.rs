//! SASL and POP3 authentication encodings (RFC 4616 PLAIN, LOGIN, RFC 2195 CRAM-MD5,
//! XOAUTH2, RFC 1939 APOP).

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

/// APOP digest: hex(MD5(timestamp + password)).
pub fn apop(timestamp: &str, password: &str) -> String {
    let mut h = Md5::new();
    h.update(timestamp.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
