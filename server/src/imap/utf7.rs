//! Modified UTF-7 (RFC 3501 5.1.3): how mailbox names travel unless the client enabled
//! UTF8=ACCEPT, and how the Maildir++ folder names are stored on disk (as Dovecot does).

use base64::alphabet::IMAP_MUTF7;
use base64::engine::general_purpose::NO_PAD;
use base64::engine::GeneralPurpose;
use base64::Engine;

const B64: GeneralPurpose = GeneralPurpose::new(&IMAP_MUTF7, NO_PAD);

/// Encodes a UTF-8 name: printable ASCII stays, `&` becomes `&-`, the rest goes as
/// `&` + modified base64 of UTF-16BE + `-`.
pub(crate) fn encode(name: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&B64.encode(bytes));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Decodes a modified UTF-7 name; None when it is not valid modified UTF-7 (bad base64,
/// unpaired surrogates, raw non-ASCII, or an encoded run that only holds printable ASCII).
pub(crate) fn decode(wire: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = wire;
    while let Some(i) = rest.find('&') {
        let (plain, tail) = rest.split_at(i);
        push_ascii(&mut out, plain)?;
        let tail = &tail[1..];
        let end = tail.find('-')?;
        let run = &tail[..end];
        if run.is_empty() {
            out.push('&');
        } else {
            let bytes = B64.decode(run).ok()?;
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
            let s = String::from_utf16(&units).ok()?;
            if s.chars().any(|c| (' '..='~').contains(&c)) {
                return None;
            }
            out.push_str(&s);
        }
        rest = &tail[end + 1..];
    }
    push_ascii(&mut out, rest)?;
    Some(out)
}

fn push_ascii(out: &mut String, s: &str) -> Option<()> {
    if !s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    out.push_str(s);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3501_example_and_round_trips() {
        assert_eq!(encode("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
        assert_eq!(decode("~peter/mail/&U,BTFw-/&ZeVnLIqe-").unwrap(), "~peter/mail/台北/日本語");
        assert_eq!(encode("A&B"), "A&-B");
        assert_eq!(decode("A&-B").unwrap(), "A&B");
        for s in ["Entwürfe", "Gelöschte Elemente", "😀 mail", "plain"] {
            assert_eq!(decode(&encode(s)).unwrap(), s);
        }
        assert_eq!(decode("&Jjo"), None);
        assert_eq!(decode("caf\u{e9}"), None);
        assert_eq!(decode("&AGEAYg-"), None, "ASCII must not be encoded");
    }
}
