//! Naming and text helpers shared by the generators.

use crate::tables::{Access, Kind, Object, PropKind};

/// The prefix every name of the C API carries.
pub const PREFIX: &str = "CSMAIL_";

/// The C names of a constant: the `CSMAIL_`-prefixed name that is always defined, and the
/// legacy names (the unprefixed table name, further aliases) that CSMAIL_NO_LEGACY_NAMES leaves
/// out.
pub fn c_names(name: &str, aliases: &[&str]) -> (String, Vec<String>) {
    let mut legacy: Vec<String> = Vec::new();
    let primary = if name.starts_with(PREFIX) {
        name.to_owned()
    } else {
        legacy.push(name.to_owned());
        format!("{PREFIX}{name}")
    };
    legacy.extend(aliases.iter().map(|a| (*a).to_owned()));
    (primary, legacy)
}

/// A doc string as the tables hold it (the `///` lines joined, each with its leading space) as
/// one line of words.
pub fn doc_line(doc: &str) -> String {
    doc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words wrapped into lines of at most `width` characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A number as the table wrote it when that is a plain literal (so hex stays hex), else in
/// decimal (an expression such as `LOG_F_PROTOCOL | LOG_F_SSL`).
pub fn literal(literal: &str, value: i32) -> String {
    let plain = literal.strip_prefix("0x").map_or_else(
        || literal.chars().all(|c| c.is_ascii_digit()),
        |hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
    );
    if plain {
        literal.to_owned()
    } else {
        value.to_string()
    }
}

/// "read-write", "read-only", "write-only".
pub fn access(access: Access) -> &'static str {
    match access {
        Access::ReadWrite => "read-write",
        Access::ReadOnly => "read-only",
        Access::WriteOnly => "write-only",
    }
}

/// An option's type in words: "bool", "int", "int array", "string".
pub fn kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "bool",
        Kind::Int => "int",
        Kind::IntArray => "int array",
        Kind::Str => "string",
    }
}

/// A property's type in words: "int", "string".
pub fn prop_kind(kind: PropKind) -> &'static str {
    match kind {
        PropKind::Int => "int",
        PropKind::Str => "string",
    }
}

/// The objects a property applies to: "SMTP, POP3, proxy".
pub fn objects(objects: &[Object]) -> String {
    let names: Vec<&str> = objects
        .iter()
        .map(|o| match o {
            Object::Smtp => "SMTP",
            Object::Pop3 => "POP3",
            Object::Imap => "IMAP",
            Object::Proxy => "proxy",
            Object::Section => "section",
        })
        .collect();
    names.join(", ")
}

/// An option's default as documentation: a number for bool and int inputs, "empty" for
/// arrays, `""` for strings, None for outputs (their value comes from the connection).
pub fn option_default(kind: Kind, access: Access, default: i32) -> Option<String> {
    if access == Access::ReadOnly {
        return None;
    }
    Some(match kind {
        Kind::Bool | Kind::Int => default.to_string(),
        Kind::IntArray => "empty".into(),
        Kind::Str => "\"\"".into(),
    })
}

/// A property's default as documentation (`""` for the empty string).
pub fn property_default(default: &str) -> &str {
    if default.is_empty() {
        "\"\""
    } else {
        default
    }
}
