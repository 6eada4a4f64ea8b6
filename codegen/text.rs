//! Naming and text helpers shared by the generators.

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
