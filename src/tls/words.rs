//! Rust's names for TLS conditions (`UnknownCA`, `PathLenConstraintViolated { .. }`) turned into
//! the words an error text shows.

/// The name of an enum value's Debug form, its words in lower case joined by `sep`; a run of
/// capitals is one word: ("UnknownCA { .. }", '_') -> "unknown_ca".
pub fn camel_words(debug: &str, sep: char) -> String {
    let name = &debug[..debug.find(['{', '(', ' ']).unwrap_or(debug.len())];
    let mut out = String::new();
    for (i, ch) in name.char_indices() {
        if ch.is_uppercase() && i > 0 && !name[..i].ends_with(|c: char| c.is_uppercase()) {
            out.push(sep);
        }
        out.extend(ch.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::camel_words;

    #[test]
    fn words_of_rust_names() {
        assert_eq!(camel_words("CertificateRequired", '_'), "certificate_required");
        assert_eq!(camel_words("UnknownCA", '_'), "unknown_ca");
        assert_eq!(camel_words("PathLenConstraintViolated", ' '), "path len constraint violated");
        assert_eq!(camel_words("TrailingData(Certificate)", ' '), "trailing data");
    }
}
