//! The VB module is in step with the header and the tables: every exported function has its
//! `Declare` (VBA 7 and VB6) with the VB type each C type needs, the class modules call only
//! declared functions and have every property of the table. (No VB runtime runs here; the
//! wine harness in bindings/vb/harness checks the calls themselves.)

#[path = "../codegen/cdecl.rs"]
#[allow(dead_code)]
mod cdecl;

use csmail::api::properties::PROPERTIES;
use std::collections::{BTreeMap, BTreeSet};

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn header() -> cdecl::Header {
    cdecl::parse(&read("include/csmail.h")).expect("the header parses")
}

/// The C type as written: `const char *const *` -> "const char **" (const of the pointee).
fn spelled(ty: &cdecl::CType) -> String {
    format!("{}{}{}", if ty.is_const { "const " } else { "" }, ty.base, "*".repeat(ty.pointers))
}

/// What VB needs for each C parameter type, written out independently of the generator:
/// (passing, VBA 7 type, VB6 type). A C type not listed fails the test, so a new one gets a
/// decision here.
fn expected(h: &cdecl::Header, ty: &cdecl::CType) -> (&'static str, &'static str, &'static str) {
    if ty.pointers == 0 && h.is_callback(&ty.base) {
        return ("ByVal", "LongPtr", "Long"); // AddressOf
    }
    let handle = h.is_opaque(&ty.base);
    match spelled(ty).as_str() {
        "int32_t" | "uint32_t" => ("ByVal", "Long", "Long"),
        "size_t" => ("ByVal", "LongPtr", "Long"),
        // Strings and byte buffers: the address of a Byte array.
        "const char*" | "char*" | "const uint8_t*" | "uint8_t*" | "const void*" => ("ByVal", "LongPtr", "Long"),
        // userdata: any address (the VB classes pass ObjPtr(Me)).
        "void*" => ("ByVal", "LongPtr", "Long"),
        // An array of string addresses.
        "const char**" => ("ByVal", "LongPtr", "Long"),
        // The batch send's array of message descriptions: the address of its first element
        // (VarPtr of a UDT array laid out as the C struct).
        "const csmail_batch_message*" => ("ByVal", "LongPtr", "Long"),
        // Out-parameters, and Long arrays passed by their first element.
        "int32_t*" | "uint32_t*" | "const int32_t*" | "const uint32_t*" => ("ByRef", "Long", "Long"),
        "size_t*" => ("ByRef", "LongPtr", "Long"),
        "uint64_t*" | "int64_t*" => ("ByRef", "Currency", "Currency"),
        "const uint8_t**" => ("ByRef", "LongPtr", "Long"),
        _ if handle && ty.pointers == 1 => ("ByVal", "LongPtr", "Long"),
        _ if handle && ty.pointers == 2 => ("ByRef", "LongPtr", "Long"),
        other => panic!("no VB type decided for the C type `{other}`"),
    }
}

fn expected_return(ty: &cdecl::CType) -> Option<(&'static str, &'static str)> {
    match spelled(ty).as_str() {
        "void" => None,
        "int32_t" => Some(("Long", "Long")),
        _ if ty.pointers > 0 => Some(("LongPtr", "Long")),
        other => panic!("no VB return type decided for `{other}`"),
    }
}

/// A parsed `Declare`: name -> (params [(ByVal/ByRef, name, type)], return type).
type Declares = BTreeMap<String, (Vec<(String, String, String)>, Option<String>)>;

fn declares(section: &str) -> Declares {
    let mut out = Declares::new();
    for line in section.lines().filter(|l| l.starts_with("Public Declare ")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let kind_at = words.iter().position(|w| *w == "Function" || *w == "Sub").expect("Function or Sub");
        let name = words[kind_at + 1].to_owned();
        assert_eq!(words[kind_at + 2..kind_at + 4], ["Lib", "\"csmail.dll\""], "{line}");
        let open = line.find('(').unwrap();
        let close = line.rfind(')').unwrap();
        let params = line[open + 1..close]
            .split(", ")
            .filter(|p| !p.is_empty())
            .map(|p| {
                let w: Vec<&str> = p.split_whitespace().collect();
                assert_eq!((w.len(), w[2]), (4, "As"), "{line}");
                (w[0].to_owned(), w[1].to_owned(), w[3].to_owned())
            })
            .collect();
        let ret = line[close + 1..].trim().strip_prefix("As ").map(str::to_owned);
        assert_eq!(ret.is_some(), words[kind_at] == "Function", "{line}");
        assert!(out.insert(name.clone(), (params, ret)).is_none(), "{name} declared twice");
    }
    out
}

/// VB keywords and built-ins that cannot be parameter names.
const VB_RESERVED: &[&str] =
    &["len", "property", "on", "log", "type", "string", "long", "date", "error", "end", "next", "to"];

#[test]
fn every_function_has_its_declare_with_the_right_vb_types() {
    let h = header();
    assert!(h.functions.len() >= 80, "the header parsed into {} functions", h.functions.len());
    let vb = read("bindings/vb/CSMailDeclares.bas").replace("\r\n", "\n");
    let (vba7, rest) = vb.split_once("\n#Else\n").expect("#If VBA7 ... #Else");
    let (vb6, _) = rest.split_once("\n#End If\n").expect("#Else ... #End If");
    assert!(vba7.contains("\n#If VBA7 Then\n"));
    for (section, declared, vba) in [("VBA7", declares(vba7), true), ("VB6", declares(vb6), false)] {
        let names: BTreeSet<&String> = declared.keys().collect();
        let functions: BTreeSet<&String> = h.functions.iter().map(|f| &f.name).collect();
        assert_eq!(names, functions, "{section}: the Declares are the header's functions");
        for line in if vba { vba7 } else { vb6 }.lines().filter(|l| l.starts_with("Public Declare ")) {
            assert_eq!(line.contains(" PtrSafe "), vba, "{section}: {line}");
        }
        for f in &h.functions {
            let (params, ret) = &declared[&f.name];
            assert_eq!(params.len(), f.params.len(), "{section} {}", f.name);
            for ((by, name, vb_type), p) in params.iter().zip(&f.params) {
                let (want_by, want_vba7, want_vb6) = expected(&h, &p.ty);
                let want = if vba { want_vba7 } else { want_vb6 };
                assert_eq!((by.as_str(), vb_type.as_str()), (want_by, want), "{section} {}({})", f.name, p.name);
                assert!(!VB_RESERVED.contains(&name.to_lowercase().as_str()), "{section} {}: parameter {name}", f.name);
            }
            let want_ret = expected_return(&f.ret).map(|(a, b)| if vba { a } else { b }.to_owned());
            assert_eq!(ret, &want_ret, "{section} {} returns", f.name);
        }
    }
}

#[test]
fn the_class_modules_call_only_declared_functions() {
    let h = header();
    let functions: BTreeSet<String> = h.functions.iter().map(|f| f.name.clone()).collect();
    let types: BTreeSet<String> = h.opaque.iter().cloned().chain(h.callbacks.iter().map(|c| c.name.clone())).collect();
    let mut called = BTreeSet::new();
    for file in [
        "CSMail.bas",
        "SMTPClient.cls",
        "POP3Client.cls",
        "IMAPClient.cls",
        "SSLInfo.cls",
        "LogHandler.cls",
        "ErrorInfo.cls",
        "Message.cls",
    ] {
        let text = read(&format!("bindings/vb/{file}"));
        assert!(!text.replace("\r\n", "").contains('\n'), "{file} has CRLF line ends");
        assert!(text.is_ascii(), "{file} is ASCII (the VB6 IDE reads the ANSI code page)");
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if word.starts_with("csmail_") && !types.contains(word) {
                assert!(functions.contains(word), "{file} calls {word}, which csmail.h does not declare");
                called.insert(word.to_owned());
            }
        }
    }
    // The object model reaches the library's core: every client operation is wrapped.
    for f in [
        "csmail_smtp_connect",
        "csmail_smtp_send_mem",
        "csmail_smtp_send_file",
        "csmail_pop3_retrieve",
        "csmail_pop3_stat",
        "csmail_imap_connect",
        "csmail_imap_disconnect",
        "csmail_imap_abort",
        "csmail_imap_noop",
        "csmail_imap_select",
        "csmail_imap_list",
        "csmail_imap_status",
        "csmail_imap_create",
        "csmail_imap_delete",
        "csmail_imap_rename",
        "csmail_imap_subscribe",
        "csmail_imap_close_mailbox",
        "csmail_imap_search",
        "csmail_imap_fetch",
        "csmail_imap_fetch_cb",
        "csmail_imap_fetch_file",
        "csmail_imap_store_flags",
        "csmail_imap_copy",
        "csmail_imap_move",
        "csmail_imap_expunge",
        "csmail_imap_append_cb",
        "csmail_imap_append_file",
        "csmail_imap_append_message",
        "csmail_imap_idle",
        "csmail_imap_set_advanced_handler",
        "csmail_imap_remove_advanced_handler",
        "csmail_imap_extended_error",
        "csmail_imap_get_str",
        "csmail_imap_set_str",
        "csmail_imap_get_int",
        "csmail_imap_set_int",
    ] {
        assert!(called.contains(f), "no class calls {f}");
    }
}

#[test]
fn the_clients_have_every_property_of_the_table() {
    use csmail::api::properties::{Access, Object, PropKind};
    for (file, object, flag) in [
        ("SMTPClient.cls", Object::Smtp, "CSMAIL_CLIENT_SMTP"),
        ("POP3Client.cls", Object::Pop3, "CSMAIL_CLIENT_POP3"),
        ("IMAPClient.cls", Object::Imap, "CSMAIL_CLIENT_IMAP"),
    ] {
        let text = read(&format!("bindings/vb/{file}"));
        // Every client call of the class names its own kind, so a POP3 handle never reaches an
        // SMTP function through the shared helpers of CSMail.bas.
        for other in ["CSMAIL_CLIENT_SMTP", "CSMAIL_CLIENT_POP3", "CSMAIL_CLIENT_IMAP"] {
            assert_eq!(text.contains(other), other == flag, "{file} names {other}");
        }
        let text = read(&format!("bindings/vb/{file}"));
        for p in PROPERTIES.iter().filter(|p| p.objects.contains(&object)) {
            let (vb, f) = match p.kind {
                PropKind::Int => ("Long", "Long"),
                PropKind::Str => ("String", "String"),
            };
            let get = format!(
                "Public Property Get {}() As {vb}\r\n    {} = ClientGet{f}({flag}, m_h, {})\r\n",
                p.name, p.name, p.constant
            );
            let set = format!(
                "Public Property Let {}(ByVal Value As {vb})\r\n    ClientSet{f} {flag}, m_h, {}, Value\r\n",
                p.name, p.constant
            );
            assert_eq!(text.contains(&get), p.access != Access::WriteOnly, "{file}: Get {}", p.name);
            assert_eq!(text.contains(&set), p.access != Access::ReadOnly, "{file}: Let {}", p.name);
        }
    }
}

/// The seed's VB examples use these members; they exist with these names.
#[test]
fn the_seed_object_model_is_there() {
    let ssl = read("bindings/vb/SSLInfo.cls");
    assert!(
        ssl.contains("Public Property Let Mode(")
            && ssl.contains("Public Property Let [Option](ByVal Index As Long, ByVal Value As Variant)")
    );
    let log = read("bindings/vb/LogHandler.cls");
    assert!(log.contains(
        "Public Event OnLogMessage(ByVal Severity As Long, ByVal Facility As Long, ByVal Message As String)"
    ));
    assert!(log.contains("AddressOf CSMailLogCallback"));
    for file in ["SMTPClient.cls", "POP3Client.cls", "IMAPClient.cls"] {
        let c = read(&format!("bindings/vb/{file}"));
        assert!(c.contains("Public Sub SetAdvancedHandler(ByVal AdvancedHandler As Object)"), "{file}");
        assert!(c.contains("Public Property Get ExtendedError() As ErrorInfo"), "{file}");
    }
    let info = read("bindings/vb/ErrorInfo.cls");
    for p in ["Number() As Long", "Text() As String", "OSError() As Long"] {
        assert!(info.contains(&format!("Public Property Get {p}")), "ErrorInfo.{p}");
    }
}

/// The arguments of one call: `name(a, b(c), d)` or the statement form `name a, b` up to the
/// end of the line, split at the commas outside parentheses and strings.
fn call_args(rest: &str) -> Vec<String> {
    let line = rest.split("\r\n").next().unwrap_or("");
    let (body, parenthesised) = match line.strip_prefix('(') {
        Some(inner) => (inner, true),
        None => (line.trim_start(), false),
    };
    let mut args = Vec::new();
    let (mut depth, mut quoted, mut current) = (0usize, false, String::new());
    for c in body.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 && parenthesised => break,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                args.push(std::mem::take(&mut current).trim().to_owned());
                continue;
            }
            '\'' if !quoted && !parenthesised => break, // a comment ends the statement
            _ => {}
        }
        current.push(c);
    }
    let last = current.trim();
    if !last.is_empty() {
        args.push(last.to_owned());
    }
    args
}

/// Each call of a csmail function in the modules passes as many arguments as the Declare has
/// parameters, and what it passes fits the VB type: a string or buffer parameter (ByVal
/// LongPtr to a char/uint8_t) gets the address of a Byte array (`VarPtr(x(0))`), 0 for NULL, or
/// a handle; a callback gets `AddressOf` a procedure of CSMail.bas and the userdata `ObjPtr(Me)`.
#[test]
fn the_class_modules_pass_what_each_declare_takes() {
    let h = header();
    let by_name: BTreeMap<&str, &cdecl::Function> = h.functions.iter().map(|f| (f.name.as_str(), f)).collect();
    let csmail_bas = read("bindings/vb/CSMail.bas");
    let mut checked = 0;
    for file in [
        "IMAPClient.cls",
        "POP3Client.cls",
        "SMTPClient.cls",
        "Message.cls",
        "SSLInfo.cls",
        "LogHandler.cls",
        "ErrorInfo.cls",
        "CSMail.bas",
    ] {
        let text = read(&format!("bindings/vb/{file}"));
        let mut at = 0;
        while let Some(found) = text[at..].find("csmail_") {
            let start = at + found;
            let name_end = start + text[start..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap();
            at = name_end;
            let Some(f) = by_name.get(&text[start..name_end]) else { continue };
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            if text[line_start..start].contains('\'') || text[line_start..].starts_with("Public Declare") {
                continue; // a comment, or a Declare of CSMailDeclares.bas
            }
            let args = call_args(&text[name_end..]);
            assert_eq!(args.len(), f.params.len(), "{file}: {} takes {} arguments: {args:?}", f.name, f.params.len());
            for (arg, p) in args.iter().zip(&f.params) {
                let c_type = spelled(&p.ty);
                if h.is_callback(&p.ty.base) && p.ty.pointers == 0 && arg != "0" {
                    let target = arg.strip_prefix("AddressOf ").unwrap_or_else(|| panic!("{file} {}: {arg}", f.name));
                    let defined =
                        ["Function", "Sub"].iter().any(|k| csmail_bas.contains(&format!("Public {k} {target}(")));
                    assert!(defined, "{file}: {target} is not in CSMail.bas");
                } else if c_type == "void*" && p.name == "userdata" {
                    assert!(arg == "ObjPtr(Me)" || arg == "0", "{file} {}({}): {arg}", f.name, p.name);
                } else if matches!(c_type.as_str(), "const char*" | "char*" | "const uint8_t*" | "uint8_t*") {
                    let address = arg.starts_with("VarPtr(") && arg.ends_with("(0))")
                        || arg.starts_with("VarPtr(") && arg.contains("(LBound(")
                        || arg == "0";
                    assert!(address, "{file} {}({}): {arg} is not the address of a Byte array", f.name, p.name);
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} calls found");
}

/// The callbacks CSMail.bas gives with AddressOf have the parameters of their C types: the
/// VB types of the Declares' table, ByVal or ByRef, in the C order.
#[test]
fn the_imap_callbacks_have_the_c_signatures() {
    let h = header();
    let bas = read("bindings/vb/CSMail.bas").replace("\r\n", "\n");
    for (procedure, c_type) in [
        ("CSMailImapWriteCallback", "csmail_write_callback"),
        ("CSMailImapReadCallback", "csmail_read_callback"),
        ("CSMailLogCallback", "csmail_log_callback"),
    ] {
        let cb = h.callbacks.iter().find(|c| c.name == c_type).unwrap_or_else(|| panic!("{c_type}"));
        for (vba, branch) in [(true, "VBA7"), (false, "VB6")] {
            let kind = if cb.ret.base == "void" { "Sub" } else { "Function" };
            let start = format!("Public {kind} {procedure}(");
            let lines: Vec<&str> = bas.lines().filter(|l| l.starts_with(&start)).collect();
            assert_eq!(lines.len(), 2, "{procedure}: one line for each branch");
            let line = lines[if vba { 0 } else { 1 }];
            let params = call_args(&line[start.len() - 1..]);
            assert_eq!(params.len(), cb.params.len(), "{branch} {line}");
            for (param, c) in params.iter().zip(&cb.params) {
                let (by, vba7, vb6) = expected(&h, &c.ty);
                let w: Vec<&str> = param.split_whitespace().collect();
                assert_eq!(
                    (w[0], w[2], w[3]),
                    (by, "As", if vba { vba7 } else { vb6 }),
                    "{branch} {procedure}: {param}"
                );
            }
            if kind == "Function" {
                assert!(line.ends_with(") As Long"), "{line}");
            }
        }
    }
}

/// The wine harness stands in for IMAPClient.cls: it calls every csmail_imap_ function the
/// class and CSMail.bas's client helpers call (by name, through GetProcAddress), so none goes
/// untried under wine.
#[test]
fn the_wine_harness_calls_what_the_imap_class_calls() {
    let class = read("bindings/vb/IMAPClient.cls") + &read("bindings/vb/CSMail.bas");
    let harness = read("bindings/vb/harness/vb_abi_harness.c");
    let mut called = BTreeSet::new();
    for word in class.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if word.starts_with("csmail_imap_") {
            called.insert(word);
        }
    }
    assert!(called.len() >= 30, "{called:?}");
    for f in called {
        assert!(harness.contains(&format!("\"{f}\"")), "the harness never calls {f}");
    }
}
