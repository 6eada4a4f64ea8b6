//! Header fields of a message: the checks every name and value passes before it is stored, and
//! the kinds of value csmail keeps (addresses, message ids, text).

use super::address::Mailbox;
use crate::error::{self, Error, Result};

/// A header value as csmail keeps it: decoded, one line, never with CR, LF or NUL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Addresses(Vec<Mailbox>),
    /// Message-ID, In-Reply-To, References: ids without the angle brackets.
    Ids(Vec<String>),
    Text(String),
}

/// The headers whose value is an address list.
pub(crate) fn is_address_header(name: &str) -> bool {
    [
        "From",
        "Sender",
        "Reply-To",
        "To",
        "Cc",
        "Bcc",
        "Resent-From",
        "Resent-Sender",
        "Resent-To",
        "Resent-Cc",
        "Resent-Bcc",
    ]
    .iter()
    .any(|h| h.eq_ignore_ascii_case(name))
}

pub(crate) fn is_id_header(name: &str) -> bool {
    ["Message-ID", "In-Reply-To", "References"].iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Headers that describe the MIME structure: they belong to the sections (ContentType,
/// Disposition ...) and are written by the composer, so they cannot be set as plain headers.
pub(crate) fn is_mime_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "mime-version" || n.starts_with("content-")
}

/// The usual spelling of well-known header names, so `to` and `TO` both become `To`.
pub(crate) fn canonical_name(name: &str) -> String {
    const KNOWN: &[&str] = &[
        "From",
        "Sender",
        "Reply-To",
        "To",
        "Cc",
        "Bcc",
        "Subject",
        "Date",
        "Message-ID",
        "In-Reply-To",
        "References",
        "X-Priority",
        "Importance",
        "Return-Path",
        "Received",
        "MIME-Version",
        "Content-Type",
        "Content-Transfer-Encoding",
        "Content-Disposition",
        "Content-ID",
        "Content-Description",
    ];
    KNOWN.iter().find(|k| k.eq_ignore_ascii_case(name)).map_or_else(|| name.to_owned(), |k| (*k).to_owned())
}

/// A header name: 1-76 printable ASCII characters, no ':' (RFC 5322 field-name).
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 76 || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexInvalidHeader,
            format!("{name:?} is not a header name: use 1 to 76 printable ASCII characters without ':' or spaces"),
        ));
    }
    Ok(())
}

/// A header value: no CR, LF or NUL, so it can never start a header of its own. csmail folds
/// long values itself.
pub fn check_value(name: &str, value: &str) -> Result<()> {
    if value.contains(['\r', '\n', '\0']) {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexForbiddenCharacter,
            format!("the value of {name} contains CR, LF or NUL; give one line, csmail folds long values itself"),
        ));
    }
    Ok(())
}

/// Whether mail-parser reads the text as a date (so a message that carries it reads back).
fn is_date(text: &str) -> bool {
    let raw = format!("Date: {text}\r\n\r\n");
    mail_parser::MessageParser::new().parse_headers(raw.as_bytes()).is_some_and(|m| m.date().is_some())
}

/// Splits a Message-ID style list: `<a@b> <c@d>` or bare ids.
pub(crate) fn parse_ids(value: &str) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|s| s.trim_start_matches('<').trim_end_matches('>'))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Builds the stored value of a header from text given by a user (checked) .
pub(crate) fn value_from_text(name: &str, text: &str) -> Result<Value> {
    check_value(name, text)?;
    if name.eq_ignore_ascii_case("Date") && !is_date(text) {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexInvalidHeader,
            format!("{text:?} is not an RFC 5322 date, e.g. \"Tue, 1 Dec 2026 10:00:00 +0000\""),
        ));
    }
    if is_address_header(name) {
        return Ok(Value::Addresses(super::address::parse_list(text)?));
    }
    if is_id_header(name) {
        let ids = parse_ids(text);
        for id in &ids {
            if id.contains(['<', '>', ' ']) || !id.is_ascii() {
                return Err(Error::new(
                    error::CSMAIL_E_INVALID_ARGUMENT,
                    error::eexInvalidHeader,
                    format!("{id:?} is not a message id (ASCII, without spaces or angle brackets)"),
                ));
            }
        }
        return Ok(Value::Ids(ids));
    }
    Ok(Value::Text(text.to_owned()))
}

/// The value as text for display: addresses `Name <a@b>, ...`, ids `<a@b> <c@d>`.
pub(crate) fn value_to_text(v: &Value) -> String {
    match v {
        Value::Addresses(l) => super::address::display_list(l),
        Value::Ids(ids) => ids.iter().map(|i| format!("<{i}>")).collect::<Vec<_>>().join(" "),
        Value::Text(t) => t.clone(),
    }
}
