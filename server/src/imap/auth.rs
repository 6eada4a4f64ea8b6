//! IMAP AUTHENTICATE (RFC 3501 6.2.2 with SASL-IR, RFC 4959): the shared exchange of
//! `crate::sasl` (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER) framed as IMAP lines:
//! `+ base64` challenges, `*` cancels, the outcome is the tagged response.

use std::io;

use crate::conn::{Conn, Line};
use crate::sasl;
use crate::Ctx;

/// How an AUTHENTICATE exchange ended.
pub(crate) enum Outcome {
    User(String),
    /// Tagged NO/BAD text.
    Refused(String),
    Eof,
}

/// A client's SASL response: `*` cancels, empty or `=` is empty, else base64.
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

/// Runs one exchange. `ir`: the SASL-IR initial response, if the command carried one.
pub(crate) fn authenticate(conn: &mut Conn, ctx: &Ctx, mech: &str, ir: Option<&str>) -> io::Result<Outcome> {
    let mech = mech.to_ascii_uppercase();
    if !sasl::offers(&mech) {
        return Ok(Outcome::Refused("NO Unsupported authentication mechanism".into()));
    }
    let initial = match ir.map(|t| decode(t.as_bytes())) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(t)) => return Ok(Outcome::Refused(t)),
    };
    // Why the exchange ended at a prompt: the tagged response text, or None for EOF.
    let mut ended: Option<String> = None;
    let mut prompt = |challenge: &str| -> io::Result<Option<Vec<u8>>> {
        conn.reply(&format!("+ {challenge}"));
        let line = match conn.read_line(super::command::MAX_LINE)? {
            Line::Eof => return Ok(None),
            Line::TooLong => {
                ended = Some("BAD Response line too long".into());
                return Ok(None);
            }
            Line::Text(l) => l,
        };
        match decode(&line) {
            Ok(v) => Ok(Some(v)),
            Err(t) => {
                ended = Some(t);
                Ok(None)
            }
        }
    };
    let verdict = sasl::exchange(&ctx.users, &mech, initial, &mut prompt)?;
    Ok(match verdict {
        sasl::Verdict::User(u) => Outcome::User(u),
        sasl::Verdict::Invalid => Outcome::Refused("NO [AUTHENTICATIONFAILED] Authentication failed".into()),
        sasl::Verdict::Ended => ended.map_or(Outcome::Eof, Outcome::Refused),
        sasl::Verdict::UnknownMechanism => Outcome::Refused("NO Unsupported authentication mechanism".into()),
        sasl::Verdict::UnexpectedInitial => Outcome::Refused("BAD CRAM-MD5 takes no initial response".into()),
    })
}
