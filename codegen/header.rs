//! The header's constant section (cbindgen writes the types and functions; it does not expand
//! the table macros, so the constants come from here, placed by `after_includes`).

use super::data;
use super::text::{self, c_names, doc_line, literal, wrap};
use super::Version;
use crate::tables::PropertyDef;

/// The constant section: version, every table's constants under their CSMAIL_ names, then the
/// legacy names in a block CSMAIL_NO_LEGACY_NAMES leaves out.
pub fn constants(version: &Version) -> String {
    let mut h = Header::default();
    h.section("The version of csmail this header belongs to (from Cargo.toml)");
    h.define("The major version.", "CSMAIL_VERSION_MAJOR", &version.major.to_string());
    h.define("The minor version.", "CSMAIL_VERSION_MINOR", &version.minor.to_string());
    h.define("The patch version.", "CSMAIL_VERSION_PATCH", &version.patch.to_string());
    h.define(
        "The version as text; csmail_version() gives the library's at run time.",
        "CSMAIL_VERSION",
        &format!("\"{}\"", version.text),
    );

    h.section("Result codes: the return value of every function");
    for r in data::result_codes() {
        h.constant(&doc_line(r.doc), r.name, &[], &r.value.to_string(), r.aliases);
    }

    h.section("ErrorInfo numbers (eex): 1001-1407 of the CSMail/SSL supplement, then csmail's own");
    for r in data::eex_numbers() {
        h.constant(&doc_line(r.doc), r.name, &[], &r.value.to_string(), &[]);
    }

    h.section("Client and proxy properties (csmail_smtp_/pop3_/proxyinfo_ get/set)");
    h.properties(data::properties());
    h.section("Section properties (csmail_section_get_str / set_str)");
    h.properties(data::section_properties());

    h.section("SSLInfo option indices (csmail_sslinfo_set_* / get_*)");
    for o in data::options() {
        let default = text::option_default(o.kind, o.access, o.default).map(|d| format!(", default {d}"));
        let facts = format!("Type {}, {}{}.", text::kind(o.kind), text::access(o.access), default.unwrap_or_default());
        h.constant(&doc_line(o.doc), o.name, &[facts], &o.index.to_string(), &[]);
    }

    for g in data::groups() {
        h.section(g.title);
        for r in g.rows {
            h.constant(&doc_line(r.doc), r.name, &[], &literal(r.literal, r.value), r.aliases);
        }
    }
    h.typedef("The type of SSLInfo.Mode (MODE_CHANNEL, MODE_STARTTLS).", "SSL_MODE");

    h.finish()
}

impl Header {
    /// One constant per property row, its facts (name, type, access, default, objects) in its
    /// comment.
    fn properties(&mut self, rows: &[PropertyDef]) {
        for p in rows {
            let facts = format!(
                "Property {}: {}, {}, default {}; {}.",
                p.name,
                text::prop_kind(p.kind),
                text::access(p.access),
                text::property_default(p.default),
                text::objects(p.objects)
            );
            self.constant(&doc_line(p.doc), p.constant, &[facts], &p.id.to_string(), &[]);
        }
    }
}

/// The section being written and the legacy names gathered on the way.
#[derive(Default)]
struct Header {
    out: String,
    legacy: Vec<(String, String)>,
    legacy_types: Vec<(String, String)>,
}

impl Header {
    fn section(&mut self, title: &str) {
        self.out.push_str(&format!("/* ---- {title} ---- */\n\n"));
    }

    fn comment(&mut self, paragraphs: &[&str]) {
        self.out.push_str("/**\n");
        for (i, p) in paragraphs.iter().enumerate() {
            if i > 0 {
                self.out.push_str(" *\n");
            }
            for line in wrap(p, 96) {
                self.out.push_str(&format!(" * {line}\n"));
            }
        }
        self.out.push_str(" */\n");
    }

    fn define(&mut self, doc: &str, name: &str, value: &str) {
        self.comment(&[doc]);
        self.out.push_str(&format!("#define {name} {value}\n\n"));
    }

    /// A constant under its CSMAIL_ name; its legacy names are kept for the block at the end.
    fn constant(&mut self, doc: &str, name: &str, facts: &[String], value: &str, aliases: &[&str]) {
        let (primary, legacy) = c_names(name, aliases);
        let mut paragraphs = vec![doc];
        paragraphs.extend(facts.iter().map(String::as_str));
        let legacy_note = (!legacy.is_empty()).then(|| format!("Legacy name: {}.", legacy.join(", ")));
        if let Some(note) = &legacy_note {
            paragraphs.push(note);
        }
        self.comment(&paragraphs);
        self.out.push_str(&format!("#define {primary} {value}\n\n"));
        for l in legacy {
            self.legacy.push((l, primary.clone()));
        }
    }

    fn typedef(&mut self, doc: &str, legacy: &str) {
        let primary = format!("CSMAIL_{legacy}");
        self.comment(&[doc, &format!("Legacy name: {legacy}.")]);
        self.out.push_str(&format!("typedef int32_t {primary};\n\n"));
        self.legacy_types.push((legacy.to_owned(), primary));
    }

    fn finish(mut self) -> String {
        self.comment(&[
            "The legacy names, as the CSMail documentation writes them (SSL_*, MODE_*, LOG_*, \
             CERTIFICATE_*, mailCertificate*, the SSL* option indices, eex*, errConnect, \
             SSL_MODE). Each stands for the CSMAIL_-prefixed name documented above.",
            "Define CSMAIL_NO_LEGACY_NAMES before including csmail.h to leave them out, for \
             instance in a program that also includes OpenSSL's headers, and use the CSMAIL_ \
             names.",
        ]);
        self.out.push_str("#if !defined(CSMAIL_NO_LEGACY_NAMES)\n");
        let width = self.legacy.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        for (legacy, primary) in &self.legacy {
            self.out.push_str(&format!("#define {legacy:width$} {primary}\n"));
        }
        for (legacy, primary) in &self.legacy_types {
            self.out.push_str(&format!("typedef {primary} {legacy};\n"));
        }
        self.out.push_str("#endif /* !CSMAIL_NO_LEGACY_NAMES */\n");
        self.out
    }
}
