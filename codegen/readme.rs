//! The README's tables, between marker comments:
//! `<!-- BEGIN GENERATED name -->` ... `<!-- END GENERATED name -->`.

use super::data;
use super::header::default_text;
use super::text::{c_names, doc_line};
use crate::tables::{Access, Kind, Object, PropKind};

/// The README with every generated table replaced by a fresh rendering.
pub fn regenerate(readme: &str) -> Result<String, String> {
    let mut out = readme.to_owned();
    for (name, table) in [
        ("result-codes", result_codes()),
        ("eex-numbers", eex_numbers()),
        ("ssl-options", ssl_options()),
        ("properties", properties()),
    ] {
        out = splice(&out, name, &table)?;
    }
    Ok(out)
}

fn splice(text: &str, name: &str, table: &str) -> Result<String, String> {
    let begin = format!("<!-- BEGIN GENERATED {name}: build.rs writes this table from src/tables/ -->\n");
    let end = format!("<!-- END GENERATED {name} -->");
    let start = text.find(&begin).ok_or_else(|| format!("README.md lacks the marker line {begin:?}"))? + begin.len();
    let stop = start + text[start..].find(&end).ok_or_else(|| format!("README.md lacks the marker {end:?}"))?;
    Ok(format!("{}{table}{}", &text[..start], &text[stop..]))
}

fn cell(text: &str) -> String {
    doc_line(text).replace('|', "\\|")
}

fn result_codes() -> String {
    let mut t = String::from("| code | value | meaning |\n|---|---|---|\n");
    for r in data::result_codes() {
        let legacy = r.aliases.iter().map(|a| format!(" (legacy `{a}`)")).collect::<String>();
        t.push_str(&format!("| `{}`{legacy} | {} | {} |\n", r.name, r.value, cell(r.doc)));
    }
    t
}

fn eex_numbers() -> String {
    let mut t = String::from("| number | name | meaning |\n|---|---|---|\n");
    for r in data::eex_numbers() {
        let (primary, _) = c_names(r.name, &[]);
        t.push_str(&format!("| {} | `{}` (`{primary}`) | {} |\n", r.value, r.name, cell(r.doc)));
    }
    t
}

fn ssl_options() -> String {
    let mut t = String::from("| index | option | type | default | meaning |\n|---|---|---|---|---|\n");
    for o in data::options() {
        let kind = match o.kind {
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::IntArray => "int array",
            Kind::Str => "string",
        };
        let access = match o.access {
            Access::ReadWrite => "",
            Access::ReadOnly => ", output",
            Access::WriteOnly => ", write-only",
        };
        let default = default_text(o.kind, o.access, o.default);
        let default = default.trim_start_matches(", default ");
        t.push_str(&format!("| {} | `{}` | {kind}{access} | {default} | {} |\n", o.index, o.name, cell(o.doc)));
    }
    t
}

fn properties() -> String {
    let mut t = String::from("| id | constant | property | type | access | default | objects | meaning |\n");
    t.push_str("|---|---|---|---|---|---|---|---|\n");
    for p in data::properties() {
        let kind = match p.kind {
            PropKind::Int => "int",
            PropKind::Str => "string",
        };
        let access = match p.access {
            Access::ReadWrite => "read-write",
            Access::ReadOnly => "read-only",
            Access::WriteOnly => "write-only",
        };
        let default = if p.default.is_empty() { "\"\"".to_owned() } else { format!("`{}`", p.default) };
        let objects: Vec<&str> = p
            .objects
            .iter()
            .map(|o| match o {
                Object::Smtp => "SMTP",
                Object::Pop3 => "POP3",
                Object::Proxy => "proxy",
            })
            .collect();
        t.push_str(&format!(
            "| {} | `{}` | {} | {kind} | {access} | {default} | {} | {} |\n",
            p.id,
            p.constant,
            p.name,
            objects.join(", "),
            cell(p.doc)
        ));
    }
    t
}
