//! The README's tables, between marker comments:
//! `<!-- BEGIN GENERATED name -->` ... `<!-- END GENERATED name -->`.

use super::data;
use super::text::{self, c_names, doc_line, literal};
use crate::tables::{Access, PropertyDef};

/// The README with every generated table replaced by a fresh rendering.
pub fn regenerate(readme: &str) -> Result<String, String> {
    let mut out = readme.to_owned();
    for (name, table) in [
        ("result-codes", result_codes()),
        ("eex-numbers", eex_numbers()),
        ("ssl-options", ssl_options()),
        ("properties", properties(data::properties())),
        ("section-properties", properties(data::section_properties())),
        ("constants", constants()),
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
        let access = match o.access {
            Access::ReadWrite => "",
            Access::ReadOnly => ", output",
            Access::WriteOnly => ", write-only",
        };
        let default = text::option_default(o.kind, o.access, o.default).unwrap_or_default();
        t.push_str(&format!(
            "| {} | `{}` | {}{access} | {default} | {} |\n",
            o.index,
            o.name,
            text::kind(o.kind),
            cell(o.doc)
        ));
    }
    t
}

fn properties(rows: &[PropertyDef]) -> String {
    let mut t = String::from("| id | constant | property | type | access | default | objects | meaning |\n");
    t.push_str("|---|---|---|---|---|---|---|---|\n");
    for p in rows {
        t.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} | {} |\n",
            p.id,
            p.constant,
            p.name,
            text::prop_kind(p.kind),
            text::access(p.access),
            text::property_default(p.default),
            text::objects(p.objects),
            cell(p.doc)
        ));
    }
    t
}

fn constants() -> String {
    let mut t = String::from("| group | constants |\n|---|---|\n");
    for g in data::groups() {
        let rows: Vec<String> = g
            .rows
            .iter()
            .map(|r| {
                let aliases = r.aliases.iter().map(|a| format!(" (`{a}`)")).collect::<String>();
                format!("`{}`{aliases} {}", r.name, literal(r.literal, r.value))
            })
            .collect();
        t.push_str(&format!("| {} | {} |\n", cell(g.title), rows.join(", ")));
    }
    t
}
