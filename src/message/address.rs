//! E-mail addresses: parsing address lists typed by users or found in messages, and validating
//! the address part before it reaches a header or the SMTP envelope.

use crate::error::{self, Error, Result};

/// One mailbox: an optional display name and the address (`local@domain`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

impl Mailbox {
    /// A mailbox with a validated address; the display name may hold anything printable (it is
    /// quoted or RFC 2047-encoded when written, so it can never act as an address).
    pub fn new(name: Option<&str>, address: &str) -> Result<Mailbox> {
        validate_address(address)?;
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        if let Some(n) = name {
            if n.chars().any(|c| c.is_control()) {
                return Err(invalid(format!("the display name {n:?} contains control characters (CR, LF, NUL ...)")));
            }
        }
        Ok(Mailbox { name: name.map(str::to_owned), address: address.to_owned() })
    }

    /// `Name <address>` or the bare address, for display; a name with specials (`,` `<` `@`
    /// ...) is quoted, so the text reads back as the same mailbox.
    pub fn display(&self) -> String {
        match &self.name {
            Some(n) if n.contains(|c: char| "()<>[]:;@\\,.\"".contains(c)) => {
                format!("\"{}\" <{}>", n.replace('\\', "\\\\").replace('"', "\\\""), self.address)
            }
            Some(n) => format!("{n} <{}>", self.address),
            None => self.address.clone(),
        }
    }
}

fn invalid(text: String) -> Error {
    Error::new(error::CSMAIL_E_INVALID_ARGUMENT, error::eexInvalidAddress, text)
}

/// Checks an address: `local@domain`, at most 254 octets, no spaces, control characters or the
/// specials that would end it or start another (`<>()[],;:"\`) in the local part; the domain is
/// dot-separated labels of letters, digits, '-' (or non-ASCII, which needs SMTPUTF8) or an
/// address literal `[...]`. Quoted local parts are not accepted.
pub fn validate_address(addr: &str) -> Result<()> {
    let bad = |why: &str| Err(invalid(format!("{addr:?} is not a valid e-mail address: {why}")));
    if addr.is_empty() {
        return bad("it is empty");
    }
    if addr.len() > 254 {
        return bad("it is longer than 254 octets");
    }
    if addr.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return bad("it contains spaces or control characters (CR, LF, NUL ...)");
    }
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return bad("it has no '@'");
    };
    if local.is_empty() || local.len() > 64 {
        return bad("the part before '@' must have 1 to 64 octets");
    }
    const SPECIALS: &[char] = &['<', '>', '(', ')', '[', ']', ',', ';', ':', '"', '\\', '@'];
    if local.contains(SPECIALS) {
        return bad("the part before '@' contains one of < > ( ) [ ] , ; : \" \\ @");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return bad("the part before '@' has a misplaced dot");
    }
    if let Some(lit) = domain.strip_prefix('[') {
        let ok = lit.strip_suffix(']').is_some_and(|l| {
            !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-'))
        });
        return if ok { Ok(()) } else { bad("the address literal after '@' is malformed") };
    }
    if domain.is_empty() || domain.len() > 253 {
        return bad("the domain after '@' must have 1 to 253 octets");
    }
    for label in domain.split('.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-' || !c.is_ascii());
        if !ok {
            return bad("the domain after '@' is not a dot-separated list of host name labels");
        }
    }
    Ok(())
}

/// Parses an address list as users write it and as headers carry it: `a@b`, `Name <a@b>`,
/// `"Last, First" <a@b>`, RFC 2047 words, groups (flattened), separated by commas. Every address
/// is validated; an empty list is allowed.
pub fn parse_list(text: &str) -> Result<Vec<Mailbox>> {
    if text.contains(['\r', '\n', '\0']) {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexForbiddenCharacter,
            "an address list must not contain CR, LF or NUL",
        ));
    }
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    // mail-parser reads the list exactly as it would in a received message.
    let raw = format!("To: {text}\r\n\r\n");
    let parsed = mail_parser::MessageParser::new().parse_headers(raw.as_bytes());
    let list = parsed.as_ref().and_then(|m| m.to()).map(collect).unwrap_or_default();
    if list.is_empty() {
        return Err(invalid(format!("{text:?} holds no e-mail address")));
    }
    // Every mailbox must have come from an explicit address; a display name must not hide one.
    let mut out = Vec::with_capacity(list.len());
    for (name, address) in list {
        let Some(address) = address else {
            return Err(invalid(format!("{text:?}: an entry has no address")));
        };
        out.push(Mailbox::new(name.as_deref(), &address)?);
    }
    let expected = count_addresses(text);
    if expected != out.len() {
        return Err(invalid(format!("{text:?} could not be read as a list of addresses")));
    }
    Ok(out)
}

/// How many '@' stand outside quotes and comments: each is one address, so a list that parses
/// to fewer mailboxes lost (or hid) one. Unbalanced angle brackets count as an extra address,
/// so they are refused too.
fn count_addresses(text: &str) -> usize {
    let (mut quoted, mut comment, mut escaped, mut n) = (false, 0usize, false, 0);
    let (mut open, mut close) = (0usize, 0usize);
    for c in text.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' if comment == 0 => quoted = !quoted,
            '(' if !quoted => comment += 1,
            ')' if !quoted && comment > 0 => comment -= 1,
            '@' if !quoted && comment == 0 => n += 1,
            '<' if !quoted && comment == 0 => open += 1,
            '>' if !quoted && comment == 0 => close += 1,
            _ => {}
        }
    }
    if open != close || open > n {
        n += 1;
    }
    n
}

/// The mailboxes of a parsed header (groups flattened), names and addresses as mail-parser
/// decoded them.
pub(crate) fn collect(a: &mail_parser::Address<'_>) -> Vec<(Option<String>, Option<String>)> {
    let one =
        |x: &mail_parser::Addr<'_>| (x.name.as_ref().map(|n| n.to_string()), x.address.as_ref().map(|a| a.to_string()));
    match a {
        mail_parser::Address::List(l) => l.iter().map(one).collect(),
        mail_parser::Address::Group(g) => g.iter().flat_map(|g| g.addresses.iter().map(one)).collect(),
    }
}

/// Joins mailboxes for display: `Name <a@b>, c@d`.
pub fn display_list(list: &[Mailbox]) -> String {
    list.iter().map(Mailbox::display).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_addresses() {
        for ok in ["a@b.example", "first.last+tag@example.com", "jörg@bücher.example", "x@[127.0.0.1]"] {
            validate_address(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for bad in ["", "a", "a@", "@b", "a b@c", "a@b\r\nRCPT TO:<x@y>", "a<b@c", "a@b..c", ".a@b", "a@-b", "a@b\0"] {
            let e = validate_address(bad).unwrap_err();
            assert_eq!(e.eex, error::eexInvalidAddress, "{bad:?}");
        }
    }

    #[test]
    fn lists_parse_with_names_and_groups() {
        let l = parse_list("\"Doe, Jane\" <jane@example.com>, bob@example.com, Team: c@example.com;").unwrap();
        assert_eq!(
            l,
            vec![
                Mailbox { name: Some("Doe, Jane".into()), address: "jane@example.com".into() },
                Mailbox { name: None, address: "bob@example.com".into() },
                Mailbox { name: None, address: "c@example.com".into() },
            ]
        );
        let l = parse_list("=?utf-8?q?J=C3=B6rg?= <j@example.com>").unwrap();
        assert_eq!(l[0].name.as_deref(), Some("Jörg"));
        // What display gives reads back as the same list.
        let tricky = vec![
            Mailbox { name: Some("Doe, Jane \"JD\" \\ x".into()), address: "jane@example.com".into() },
            Mailbox { name: Some("Bob".into()), address: "bob@example.com".into() },
        ];
        assert_eq!(display_list(&tricky), "\"Doe, Jane \\\"JD\\\" \\\\ x\" <jane@example.com>, Bob <bob@example.com>");
        assert_eq!(parse_list(&display_list(&tricky)).unwrap(), tricky);
    }

    #[test]
    fn a_display_name_cannot_smuggle_an_address() {
        // Quoted: the name stays a name.
        let l = parse_list("\"evil@attacker.example\" <ok@example.com>").unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].address, "ok@example.com");
        // Unquoted '@' outside the brackets is a second address that does not parse as one.
        assert_eq!(parse_list("evil@attacker.example <ok@example.com>").unwrap_err().eex, error::eexInvalidAddress);
        assert_eq!(parse_list("a@b.example\r\nBcc: x@y.example").unwrap_err().eex, error::eexForbiddenCharacter);
    }
}
