//! The layer rule of lib.rs, checked on the source: every `crate::…` and `super::…` path in
//! src/ points down the layers `ffi → api → protocol → transport → tls` or at a shared module
//! (`abort`, `options`, `log`, `error`, `tables`, each only at those after it); no two files import each
//! other, directly or round a longer loop; and `unsafe` appears only under src/ffi.
//!
//! The check works on module prefixes, so files may move within a layer freely. A new top-level
//! module must be placed in `LAYERS` or `SHARED` below, which is where its rule is decided.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, highest first: a module may use those after its own.
const LAYERS: &[&str] = &["ffi", "api", "message", "protocol", "transport", "tls"];
/// Shared by every layer, importing no layer; each may use only those after it.
const SHARED: &[&str] = &["abort", "options", "log", "callback", "error", "tables"];
/// Files outside src/ffi that still hold `unsafe`, with the work that removes it. An entry
/// whose file no longer has `unsafe` is simply not needed any more.
const UNSAFE_OUTSIDE_FFI_PENDING: &[&str] = &[];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// A file's path as the repository names it, e.g. "src/tls/config.rs".
fn rel(file: &Path) -> String {
    format!("src/{}", file.strip_prefix(src_dir()).unwrap().display()).replace('\\', "/")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file defines: src/lib.rs is [], src/tls/mod.rs is [tls], src/tls/config.rs is
/// [tls, config].
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src_dir()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The source without comments and string literals, so prose that mentions `crate::x` or
/// `unsafe` counts for nothing.
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            i = end;
        } else if let Some(hashes) = raw_string_at(&b[i..]) {
            // r"…", r#"…"#: no escapes, ends at the quote with as many hashes.
            let close = format!("\"{}", "#".repeat(hashes));
            let body = i + 2 + hashes;
            i = src[body..].find(&close).map_or(b.len(), |e| body + e + close.len());
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && i + 2 < b.len() && b[i + 1] == b'\\' {
            // An escaped char literal: '\n', '\'', '\u{..}'.
            i = src[i + 3..].find('\'').map_or(b.len(), |e| i + 3 + e + 1);
        } else if b[i] == b'\'' && i + 2 < b.len() && b[i + 2] == b'\'' {
            // A char literal such as '"' (lifetimes have no closing quote).
            i += 3;
        } else {
            let c = src[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The number of `#` of a raw string starting here (`r"` is 0), if one does.
fn raw_string_at(b: &[u8]) -> Option<usize> {
    let hashes = b.get(1..)?.iter().take_while(|c| **c == b'#').count();
    (b[0] == b'r' && b.get(1 + hashes) == Some(&b'"')).then_some(hashes)
}

fn ident_at(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// Every path after `crate::` or `super::` (groups `{a, b::c}` expanded), as absolute module
/// paths, e.g. `super::config::X` in tls/compat.rs is [tls, config, X].
fn paths_used(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (anchor, base) in [("crate::", Vec::new()), ("super::", parent_of(module))] {
        let mut from = 0;
        while let Some(at) = code[from..].find(anchor) {
            let start = from + at;
            from = start + anchor.len();
            let before = code[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            expand(&code[from..], base.clone(), &mut found);
        }
    }
    found
}

/// The module `super` names in a file: its module's parent (inline `mod tests` blocks resolve
/// one level too high, which only ever lands in the file's own layer).
fn parent_of(module: &[String]) -> Vec<String> {
    module[..module.len().saturating_sub(1)].to_vec()
}

/// Reads `a::b::{c, d::e}` at the start of `s` into full paths under `prefix`.
fn expand(s: &str, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut rest = s;
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        let item = group[item_start..i].trim();
                        if !item.is_empty() && item != "self" {
                            expand(item, path.clone(), out);
                        } else if item == "self" {
                            out.push(path.clone());
                        }
                        item_start = i + 1;
                        if c == '}' {
                            return;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            return;
        }
        let id = ident_at(rest);
        if id.is_empty() {
            break;
        }
        path.push(id.to_owned());
        rest = &rest[id.len()..];
        match rest.strip_prefix("::") {
            Some(r) => rest = r,
            None => break,
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

fn allowed(from: &str, to: &str) -> Result<(), String> {
    let layer = |m: &str| LAYERS.iter().position(|l| *l == m);
    let shared = |m: &str| SHARED.iter().position(|l| *l == m);
    if from == to {
        return Ok(());
    }
    match (layer(from), shared(from), layer(to), shared(to)) {
        (Some(f), _, Some(t), _) if t > f => Ok(()),
        (Some(_), _, Some(_), _) => Err(format!("{from} uses {to}, a layer above it ({})", LAYERS.join(" → "))),
        (Some(_), _, _, Some(_)) => Ok(()),
        (_, Some(f), _, Some(t)) if t > f => Ok(()),
        (_, Some(_), _, Some(_)) => Err(format!("shared {from} uses shared {to} (order: {})", SHARED.join(", "))),
        (_, Some(_), Some(_), _) => Err(format!("shared {from} uses the layer {to}")),
        _ => Err(format!("{from} → {to}: put every top-level module into LAYERS or SHARED in tests/layers.rs")),
    }
}

struct Crate {
    /// file module → its source without comments and strings
    code: BTreeMap<Vec<String>, String>,
    files: BTreeMap<Vec<String>, PathBuf>,
}

fn load() -> Crate {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let mut c = Crate { code: BTreeMap::new(), files: BTreeMap::new() };
    for f in files {
        let m = module_of(&f);
        c.code.insert(m.clone(), code_only(&std::fs::read_to_string(&f).unwrap()));
        c.files.insert(m, f);
    }
    c
}

/// Every use of another top-level module, as (file, path used).
fn edges(c: &Crate) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for (m, code) in &c.code {
        for p in paths_used(m, code) {
            out.push((m.clone(), p));
        }
    }
    out
}

#[test]
fn imports_point_down_the_layers() {
    let c = load();
    let mut wrong = BTreeSet::new();
    let mut seen = 0;
    for (m, p) in edges(&c) {
        // lib.rs declares and re-exports the modules; that is not a dependency.
        let (Some(from), Some(to)) = (m.first(), p.first()) else { continue };
        if !c.files.contains_key(&vec![to.clone()]) {
            continue; // an item of lib.rs, a macro, or a local name
        }
        seen += 1;
        if let Err(why) = allowed(from, to) {
            wrong.insert(format!("{}: {} ({why})", rel(&c.files[&m]), p.join("::")));
        }
    }
    assert!(seen > 50, "the scan found only {seen} cross-module paths: it is not reading the source");
    assert!(wrong.is_empty(), "imports against the layer rule:\n{}", wrong.into_iter().collect::<Vec<_>>().join("\n"));
}

/// The file a path lands in: its longest prefix that is a file module.
fn file_of(c: &Crate, path: &[String]) -> Option<Vec<String>> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| c.files.contains_key(p))
}

#[test]
fn no_two_files_import_each_other() {
    let c = load();
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, p) in edges(&c) {
        if m.is_empty() {
            continue;
        }
        // A file's own module and its parents (mod.rs, which only declares) are not edges.
        let Some(target) = file_of(&c, &p) else { continue };
        if m.starts_with(&target) {
            continue;
        }
        graph.entry(m).or_default().insert(target);
    }
    // Depth-first search for a back edge; the loop is reported file by file.
    fn visit(
        n: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
        loops: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == n) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|m| m.join("::")).collect();
            cycle.push(n.join("::"));
            loops.push(cycle.join(" → "));
            return;
        }
        if !done.insert(n.clone()) {
            return;
        }
        stack.push(n.clone());
        for next in graph.get(n).into_iter().flatten() {
            visit(next, graph, stack, done, loops);
        }
        stack.pop();
    }
    let mut loops = Vec::new();
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        visit(n, &graph, &mut Vec::new(), &mut done, &mut loops);
    }
    assert!(loops.is_empty(), "import loops between files:\n{}", loops.join("\n"));
}

#[test]
fn unsafe_only_in_ffi() {
    let c = load();
    let mut found = Vec::new();
    let mut in_ffi = 0;
    for (m, code) in &c.code {
        let rel = rel(&c.files[m]);
        let has_unsafe = code.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == "unsafe");
        if m.first().is_some_and(|t| t == "ffi") {
            in_ffi += usize::from(has_unsafe);
        } else if has_unsafe && !UNSAFE_OUTSIDE_FFI_PENDING.contains(&rel.as_str()) {
            found.push(rel);
        }
    }
    assert!(in_ffi > 0, "the scan sees no `unsafe` even in src/ffi: it is not reading the source");
    assert!(found.is_empty(), "`unsafe` outside src/ffi: {found:?}");
}

/// The checks themselves: a path read from code, and one hidden in a comment or string.
#[test]
fn the_scanner_reads_paths_and_skips_prose() {
    let code = code_only(
        "use crate::tls::{config::{self, X}, handshake};\n// use crate::api::Y;\nlet s = \"crate::ffi \\\" crate::api\";\nlet q = '\\'';\nlet r = r#\"crate::api \"quoted\" \"#;\n/* crate::ffi */ super::store::load();",
    );
    let m = vec!["tls".to_owned(), "compat".to_owned()];
    let got: Vec<String> = paths_used(&m, &code).into_iter().map(|p| p.join("::")).collect();
    assert_eq!(got, ["tls::config", "tls::config::X", "tls::handshake", "tls::store::load"]);
    assert!(allowed("tls", "transport").is_err());
    assert!(allowed("transport", "tls").is_ok());
    assert!(allowed("options", "tls").is_err());
    assert!(allowed("api", "abort").is_ok());
    assert!(allowed("error", "log").is_err());
}
