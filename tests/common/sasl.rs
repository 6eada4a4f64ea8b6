//! The credential encodings as they appear on the wire (RFC 4616 PLAIN, LOGIN, RFC 2195
//! CRAM-MD5, XOAUTH2, RFC 7628 OAUTHBEARER, RFC 1939 APOP), computed here independently of the library, so a test can
//! drive a scripted server through a login and check that none of them reaches the log.

#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};

pub fn b64(data: &[u8]) -> String {
    B64.encode(data)
}

pub fn plain(user: &str, password: &str) -> String {
    b64(format!("\0{user}\0{password}").as_bytes())
}

/// None when the challenge is not base64.
pub fn cram_md5(challenge_b64: &str, user: &str, password: &str) -> Option<String> {
    let challenge = B64.decode(challenge_b64.trim()).ok()?;
    let mut mac = Hmac::<Md5>::new_from_slice(password.as_bytes()).ok()?;
    mac.update(&challenge);
    Some(b64(format!("{user} {}", hex::encode(mac.finalize().into_bytes())).as_bytes()))
}

pub fn xoauth2(user: &str, token: &str) -> String {
    b64(format!("user={user}\x01auth=Bearer {token}\x01\x01").as_bytes())
}

/// RFC 7628 3.1: the GS2 header with the user as authorization identity, host, port, token.
pub fn oauthbearer(user: &str, host: &str, port: u16, token: &str) -> String {
    b64(format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01").as_bytes())
}

pub fn apop(timestamp: &str, password: &str) -> String {
    let mut h = Md5::new();
    h.update(timestamp.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

#[test]
fn rfc_vectors() {
    // RFC 1939 section 7 and RFC 2195 section 2: the helpers above are right.
    assert_eq!(apop("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf"), "c4c9334bac560ecc979e58001b3e22fb");
    let resp = cram_md5(&b64(b"<1896.697170952@postoffice.reston.mci.net>"), "tim", "tanstaaftanstaaf").unwrap();
    assert_eq!(resp, b64(b"tim b913a602c7eda7a495b4e6e7334d3890"));
}
