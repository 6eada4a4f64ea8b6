//! Reads the functions, callback types and structs out of the header cbindgen wrote, so the
//! bindings' prototypes (Python ctypes, VB `Declare`) are generated from the header itself and
//! every exported function reaches every binding without being typed twice.
//!
//! It understands the regular C that cbindgen writes: one declaration per statement, no
//! function-like macros. Preprocessor lines are skipped, and calling-convention macros (an
//! all-caps word such as `CSMAIL_CALL` in a prototype or a callback typedef) are dropped: the
//! bindings choose their own convention per platform.

/// A C type as the bindings need it: its base name and how many `*` follow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CType {
    /// `int32_t`, `char`, `void`, `csmail_smtp`, `csmail_log_callback`, ...
    pub base: String,
    /// The number of `*`.
    pub pointers: usize,
    /// `const` applies to what the (first) pointer points to.
    pub is_const: bool,
}

/// A parameter or a struct field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub ty: CType,
}

/// A function prototype or a callback type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub ret: CType,
    pub params: Vec<Param>,
    /// The first line of its doc comment.
    pub summary: String,
}

/// What the header declares.
#[derive(Default, Debug)]
pub struct Header {
    /// Opaque handle types (`typedef struct csmail_smtp csmail_smtp;`).
    pub opaque: Vec<String>,
    /// Plain type aliases (`typedef int32_t CSMAIL_SSL_MODE;`): (name, target).
    pub aliases: Vec<(String, String)>,
    /// Structs with fields (`typedef struct { ... } csmail_certificate_info;`).
    pub structs: Vec<(String, Vec<Param>)>,
    /// Callback types (`typedef int32_t (*csmail_progress_callback)(...);`).
    pub callbacks: Vec<Function>,
    /// Exported functions, in header order.
    pub functions: Vec<Function>,
    /// `#define NAME <integer literal>` lines: (name, literal, the first sentence of its doc).
    pub defines: Vec<(String, String, String)>,
}

impl Header {
    /// Whether `name` is an opaque handle type.
    pub fn is_opaque(&self, name: &str) -> bool {
        self.opaque.iter().any(|o| o == name)
    }

    /// Whether `name` is a callback type.
    pub fn is_callback(&self, name: &str) -> bool {
        self.callbacks.iter().any(|c| c.name == name)
    }

    /// Whether `name` is a struct with fields.
    pub fn is_struct(&self, name: &str) -> bool {
        self.structs.iter().any(|(s, _)| s == name)
    }

    /// The scalar type an alias stands for (`CSMAIL_SSL_MODE` -> `int32_t`), else `name`.
    pub fn resolve<'a>(&'a self, name: &'a str) -> &'a str {
        let mut name = name;
        while let Some((_, target)) = self.aliases.iter().find(|(a, _)| a == name) {
            name = target;
        }
        name
    }
}

/// Parses the header text.
pub fn parse(header: &str) -> Result<Header, String> {
    let mut out = Header { defines: defines(header), ..Header::default() };
    for (statement, doc) in statements(header) {
        parse_statement(&statement, doc, &mut out).map_err(|e| format!("{e} in `{statement}`"))?;
    }
    Ok(out)
}

/// The integer constants the header defines, with the first sentence of the doc comment right
/// above each (`/** ... */`).
fn defines(header: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut doc: Vec<String> = Vec::new();
    for line in header.lines().map(str::trim) {
        if line.starts_with("/**") {
            doc.clear();
        }
        if let Some(text) = line.strip_prefix("* ").or_else(|| line.strip_prefix("/** ")) {
            doc.push(text.trim_end_matches("*/").trim().to_owned());
        }
        let Some(rest) = line.strip_prefix("#define ") else { continue };
        let mut words = rest.split_whitespace();
        let (Some(name), Some(value), None) = (words.next(), words.next(), words.next()) else { continue };
        let digits = value.strip_prefix("0x").unwrap_or(value.strip_prefix('-').unwrap_or(value));
        let hex = value.starts_with("0x");
        if !digits.is_empty() && digits.chars().all(|c| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() }) {
            out.push((name.to_owned(), value.to_owned(), first_sentence(&doc.join(" "))));
        }
        doc.clear();
    }
    out
}

/// The statements of the header (text up to each `;` at brace depth 0), each with the first
/// line of the doc comment before it; comments, preprocessor lines and `extern "C"` braces
/// removed.
fn statements(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut doc = String::new();
    let mut in_comment = false;
    let mut comment_first_line: Option<String> = None;
    let mut paragraph_done = false;
    let mut depth = 0usize;
    for raw in header.lines() {
        let mut line = raw.trim().to_owned();
        if in_comment {
            match line.find("*/") {
                Some(end) => {
                    in_comment = false;
                    line = line[end + 2..].to_owned();
                }
                None => {
                    // The first paragraph of the comment, up to its first sentence's end.
                    let text = line.trim_start_matches('*').trim();
                    match (&mut comment_first_line, text.is_empty()) {
                        (None, false) => comment_first_line = Some(text.to_owned()),
                        (Some(first), false) if !paragraph_done && !ends_sentence(first) => {
                            first.push(' ');
                            first.push_str(text);
                        }
                        (Some(_), true) => paragraph_done = true,
                        _ => {}
                    }
                    continue;
                }
            }
        }
        if let Some(start) = line.find("/*") {
            let rest = line[start + 2..].to_owned();
            line.truncate(start);
            match rest.find("*/") {
                Some(end) => {
                    let text = rest[..end].trim_start_matches('*').trim();
                    if !text.is_empty() {
                        comment_first_line = Some(text.to_owned());
                    }
                    line.push_str(&rest[end + 2..]);
                }
                None => {
                    in_comment = true;
                    paragraph_done = false;
                    comment_first_line = None;
                    let text = rest.trim_start_matches('*').trim();
                    if !text.is_empty() {
                        comment_first_line = Some(text.to_owned());
                    }
                }
            }
        }
        if let Some(start) = line.find("//") {
            line.truncate(start);
        }
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() || line == "extern \"C\" {" || line == "}" {
            continue;
        }
        if current.is_empty() {
            doc = comment_first_line.take().map(|d| first_sentence(&d)).unwrap_or_default();
        }
        for c in line.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            if c == ';' && depth == 0 {
                out.push((current.split_whitespace().collect::<Vec<_>>().join(" "), std::mem::take(&mut doc)));
                current.clear();
            } else {
                current.push(c);
            }
        }
        current.push(' ');
        if current.trim().is_empty() {
            current.clear();
        }
        comment_first_line = None;
    }
    out
}

/// Whether a line of text ends a sentence.
fn ends_sentence(text: &str) -> bool {
    text.ends_with('.')
}

/// The text up to the end of its first sentence (". " or the end).
fn first_sentence(text: &str) -> String {
    let mut from = 0;
    while let Some(at) = text[from..].find(". ") {
        let end = from + at;
        // "e.g. " and "i.e. " end no sentence.
        if !(text[..end].ends_with("e.g") || text[..end].ends_with("i.e")) {
            return text[..=end].to_owned();
        }
        from = end + 2;
    }
    text.to_owned()
}

fn parse_statement(statement: &str, doc: String, out: &mut Header) -> Result<(), String> {
    let s = drop_call_macros(statement);
    if let Some(rest) = s.strip_prefix("typedef ") {
        if let Some(body) = rest.strip_prefix("struct {") {
            let (fields, name) = body.rsplit_once('}').ok_or("a struct without its closing brace")?;
            let fields = fields
                .split(';')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(parse_param)
                .collect::<Result<Vec<_>, _>>()?;
            out.structs.push((name.trim().to_owned(), fields));
        } else if let Some(body) = rest.strip_prefix("struct ") {
            let name = body.split_whitespace().last().ok_or("an empty struct typedef")?;
            out.opaque.push(name.to_owned());
        } else if let Some(open) = rest.find("(*") {
            let close = rest[open..].find(')').ok_or("a callback typedef without `)`")? + open;
            let name = rest[open + 2..close].trim().to_owned();
            let ret = parse_type(&rest[..open])?;
            let params = parse_params(&rest[close + 1..])?;
            out.callbacks.push(Function { name, ret, params, summary: doc });
        } else {
            let (target, name) = rest.rsplit_once(' ').ok_or("a typedef without a name")?;
            out.aliases.push((name.to_owned(), target.trim().to_owned()));
        }
        return Ok(());
    }
    let open = s.find('(').ok_or("a statement that is no declaration")?;
    let head = parse_param(&s[..open])?;
    let params = parse_params(&s[open..])?;
    out.functions.push(Function { name: head.name, ret: head.ty, params, summary: doc });
    Ok(())
}

/// Drops the all-caps words that stand where no type can (calling-convention and export
/// macros such as `CSMAIL_CALL`): after a type (`int32_t CSMAIL_CALL f(`), before a `*`
/// (`(CSMAIL_CALL *callback)`), or first in a declaration (`CSMAIL_API int32_t f(`). An all-caps
/// word in a parameter's type (`CSMAIL_SSL_MODE mode`) stays.
fn drop_call_macros(statement: &str) -> String {
    let spaced = statement.replace('(', " ( ").replace(')', " ) ").replace('*', " * ").replace(',', " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let is_macro = |w: &str| {
        w.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && w.chars().any(|c| c.is_ascii_uppercase())
    };
    let mut kept: Vec<&str> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let after_type =
            kept.last().is_some_and(|p| !matches!(*p, "(" | "," | "const" | "typedef" | "struct" | "{" | ";"));
        let before_star = words.get(i + 1) == Some(&"*");
        // An export macro first in a declaration (`CSMAIL_API int32_t f(...)`).
        let first_of_declaration = kept.is_empty() && words.first() != Some(&"typedef");
        if is_macro(w) && (after_type || before_star || first_of_declaration) && !is_typedef_name(&words, i) {
            continue;
        }
        kept.push(w);
    }
    kept.join(" ").replace("( ", "(").replace(" )", ")").replace(" ,", ",").replace("* ", "*")
}

/// Whether word `i` is the name a plain typedef introduces (`typedef int32_t CSMAIL_SSL_MODE`).
fn is_typedef_name(words: &[&str], i: usize) -> bool {
    words.first() == Some(&"typedef") && i + 1 == words.len()
}

/// `(int32_t a, const char *b)` or `(void)`.
fn parse_params(text: &str) -> Result<Vec<Param>, String> {
    let text = text.trim();
    let inner = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')).ok_or("parameters without parentheses")?;
    if inner.trim() == "void" || inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner.split(',').map(parse_param).collect()
}

/// `const char *const *recipients` -> name `recipients`, base `char`, 2 pointers, const.
fn parse_param(text: &str) -> Result<Param, String> {
    let spaced = text.replace('*', " * ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let (name, ty_words) = words.split_last().ok_or("an empty parameter")?;
    if *name == "*" {
        return Err("a parameter without a name".to_owned());
    }
    Ok(Param { name: (*name).to_owned(), ty: type_of(ty_words)? })
}

/// A type without a name after it (a return type).
fn parse_type(text: &str) -> Result<CType, String> {
    let spaced = text.replace('*', " * ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    type_of(&words)
}

fn type_of(words: &[&str]) -> Result<CType, String> {
    let mut base = None;
    let mut pointers = 0;
    let mut is_const = false;
    for w in words {
        match *w {
            "*" => pointers += 1,
            "const" if pointers == 0 => is_const = true,
            "const" => {}
            "struct" => {}
            other if base.is_none() => base = Some(other.to_owned()),
            other => return Err(format!("an unexpected word `{other}`")),
        }
    }
    Ok(CType { base: base.ok_or("a type without a name")?, pointers, is_const })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_functions_callbacks_and_structs() {
        let h = parse(
            "#include <stdint.h>\n/**\n * A handle.\n */\ntypedef struct csmail_smtp csmail_smtp;\n\
             typedef int32_t CSMAIL_SSL_MODE;\n\
             typedef void (CSMAIL_CALL *csmail_log_callback)(void *userdata, int32_t severity, const char *message);\n\
             typedef struct {\n  int32_t status;\n  /** doc */\n  const uint8_t *der;\n  size_t der_len;\n} csmail_info;\n\
             #ifdef __cplusplus\nextern \"C\" {\n#endif\n\
             /**\n * Sends a\n * message. Then\n *\n * More.\n */\n\
             int32_t CSMAIL_CALL csmail_smtp_send_mem(const csmail_smtp *smtp,\n    const char *const *recipients, size_t count);\n\
             CSMAIL_API const char *CSMAIL_CALL csmail_version(void);\n\
             int32_t csmail_mode(CSMAIL_SSL_MODE mode);\n#ifdef __cplusplus\n}  // extern \"C\"\n#endif\n",
        )
        .unwrap();
        assert_eq!(h.opaque, ["csmail_smtp"]);
        assert_eq!(h.resolve("CSMAIL_SSL_MODE"), "int32_t");
        assert_eq!(h.callbacks[0].name, "csmail_log_callback");
        assert_eq!(h.callbacks[0].params.len(), 3);
        assert_eq!(h.structs[0].0, "csmail_info");
        assert_eq!(
            h.structs[0].1[1],
            Param { name: "der".into(), ty: CType { base: "uint8_t".into(), pointers: 1, is_const: true } }
        );
        let send = &h.functions[0];
        assert_eq!(send.name, "csmail_smtp_send_mem");
        assert_eq!(send.summary, "Sends a message.");
        assert_eq!(send.params[1].ty, CType { base: "char".into(), pointers: 2, is_const: true });
        assert_eq!(h.functions[1].name, "csmail_version");
        assert_eq!(h.functions[1].ret, CType { base: "char".into(), pointers: 1, is_const: true });
        assert!(h.functions[1].params.is_empty());
        assert_eq!(h.functions[2].params[0].ty.base, "CSMAIL_SSL_MODE");
    }
}
