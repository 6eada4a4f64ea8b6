//! Every exported function of include/csmail.h misused, each case in a child process: NULL,
//! released, wrong-type, forged and computed handles; NULL, invalid-UTF-8, CR/LF and 1 MiB
//! strings; NULL out-pointers; NULL, tiny and 1 MiB caller buffers; NULL arrays, arrays with a
//! NULL entry and counts beyond the address space; extreme integers.
//!
//! The cases are generated from the header as C (so a new function is covered without editing
//! this test), compiled against target/<profile>/libcsmail.so and run; the C program forks once
//! per case. Outcomes asserted: no case crashes or hangs; every result is a code of the table
//! and never CSMAIL_E_PANIC; a bad handle gives exactly CSMAIL_E_INVALID_HANDLE; a NULL where a
//! value is needed, invalid UTF-8 and an impossible count fail.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const HEADER: &str = include_str!("../include/csmail.h");

/// One prototype of the header.
struct Function {
    ret: String,
    name: String,
    params: Vec<(String, String)>,
    /// The doc comment above the prototype.
    doc: String,
}

/// Prototypes are one line each: `RET NAME(TYPE NAME, ...);`.
fn functions() -> Vec<Function> {
    let mut out = Vec::new();
    let mut doc = String::new();
    for line in HEADER.lines() {
        let line = line.trim();
        if line.starts_with('*') || line.starts_with("/*") {
            doc.push_str(line);
            doc.push('\n');
            continue;
        }
        if line.starts_with("typedef") || !line.ends_with(");") {
            if !line.is_empty() {
                doc.clear();
            }
            continue;
        }
        let Some(paren) = line.find('(') else { continue };
        let open = line[..paren].rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
        let name = line[open..paren].to_owned();
        if !name.starts_with("csmail_") {
            continue;
        }
        // CSMAIL_CALL is the calling-convention macro (stdcall on 32-bit Windows).
        let ret = line[..open].replace("CSMAIL_CALL", "").trim().to_owned();
        let inner = &line[paren + 1..line.len() - 2];
        let params = if inner.trim() == "void" {
            Vec::new()
        } else {
            inner
                .split(',')
                .map(|p| {
                    let p = p.trim();
                    let cut = p.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap() + 1;
                    (p[..cut].trim().to_owned(), p[cut..].to_owned())
                })
                .collect()
        };
        out.push(Function { ret, name, params, doc: std::mem::take(&mut doc) });
    }
    out
}

/// The handle types: `csmail_<kind>`.
const KINDS: [&str; 11] = [
    "smtp",
    "pop3",
    "imap",
    "sslinfo",
    "loghandler",
    "errorinfo",
    "message",
    "section",
    "proxyinfo",
    "search",
    "fetchlist",
];

/// What a parameter is, from its type and name.
#[derive(Clone, Debug, PartialEq)]
enum Param {
    Handle(&'static str),
    AnyObject,
    OutHandle(&'static str),
    /// A string; `true` when the documentation gives NULL a meaning (remove, default).
    Str(bool),
    CharBuf,
    ByteBuf,
    InBytes,
    StrArray,
    IntArrayIn(String),
    IntArrayOut,
    OutScalar(String),
    OutBytesPtr,
    Callback(String),
    UserData,
    Int(String),
    /// The length or count of the parameter before it.
    Len,
}

fn classify(f: &Function) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    for (ty, name) in &f.params {
        let t = ty.replace(' ', "");
        let prev_takes_len = matches!(
            out.last(),
            Some(
                Param::CharBuf
                    | Param::ByteBuf
                    | Param::InBytes
                    | Param::StrArray
                    | Param::IntArrayIn(_)
                    | Param::IntArrayOut
            )
        );
        let handle = KINDS.iter().find(|k| t == format!("constcsmail_{k}*") || t == format!("csmail_{k}*"));
        let out_handle = KINDS.iter().find(|k| t == format!("csmail_{k}**"));
        let p = if t == "size_t" && prev_takes_len {
            Param::Len
        } else if let Some(k) = handle {
            Param::Handle(k)
        } else if let Some(k) = out_handle {
            Param::OutHandle(k)
        } else {
            match t.as_str() {
                "constvoid*" => Param::AnyObject,
                // NULL has a meaning when a doc line names the parameter with NULL, other than
                // the Safety section's "is NULL or NUL-terminated".
                "constchar*" => Param::Str(f.doc.lines().any(|l| {
                    l.contains(&format!("`{name}`")) && l.contains("NULL") && !l.contains("NULL or NUL-terminated")
                })),
                "char*" => Param::CharBuf,
                "uint8_t*" => Param::ByteBuf,
                "constuint8_t*" => Param::InBytes,
                "constchar*const*" => Param::StrArray,
                "constint32_t*" | "constuint32_t*" => {
                    Param::IntArrayIn(ty.trim_start_matches("const").trim_end_matches('*').trim().to_owned())
                }
                "int32_t*" if name == "values" => Param::IntArrayOut,
                "constuint8_t**" => Param::OutBytesPtr,
                "void*" => Param::UserData,
                "int32_t" | "uint32_t" | "size_t" | "int64_t" | "uint64_t" => Param::Int(ty.clone()),
                _ if t.ends_with("_callback") => Param::Callback(ty.clone()),
                _ if t.ends_with('*') && !t.ends_with("**") => {
                    Param::OutScalar(ty.trim_end_matches('*').trim().to_owned())
                }
                _ => panic!("{}: parameter `{ty} {name}` of a kind this test does not know: teach `classify`", f.name),
            }
        };
        out.push(p);
    }
    out
}

/// What a case must give besides "no crash, a documented code, not CSMAIL_E_PANIC".
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Documented,
    InvalidHandle,
    NotOk,
}

/// The declaration of argument `i` (and its length `i+1` when it has one), valid.
fn valid(p: &Param, i: usize, next_is_len: bool) -> String {
    let len = |v: &str| if next_is_len { format!(" size_t a{} = {v};", i + 1) } else { String::new() };
    match p {
        Param::Handle(k) => format!("const csmail_{k} *a{i} = (const csmail_{k} *)make_{k}();"),
        Param::AnyObject => format!("const void *a{i} = make_proxyinfo();"),
        Param::OutHandle(k) => format!("csmail_{k} *a{i}v = NULL; csmail_{k} **a{i} = &a{i}v;"),
        Param::Str(_) => format!("const char *a{i} = \"/nonexistent-csmail-dir/x\";"),
        Param::CharBuf => format!("char a{i}v[256]; char *a{i} = a{i}v;{}", len("256")),
        Param::ByteBuf => format!("uint8_t a{i}v[256]; uint8_t *a{i} = a{i}v;{}", len("256")),
        Param::InBytes => format!("const uint8_t *a{i} = (const uint8_t *)\"hello\";{}", len("5")),
        Param::StrArray => {
            format!("const char *a{i}v[1] = {{\"b@example.com\"}}; const char *const *a{i} = a{i}v;{}", len("1"))
        }
        Param::IntArrayIn(t) => format!("{t} a{i}v[1] = {{1}}; const {t} *a{i} = a{i}v;{}", len("1")),
        Param::IntArrayOut => format!("int32_t a{i}v[16]; int32_t *a{i} = a{i}v;{}", len("16")),
        // A const pointee (an input struct such as csmail_batch_message) is still zeroed here.
        Param::OutScalar(t) => {
            let v = t.strip_prefix("const ").unwrap_or(t);
            format!("{v} a{i}v; {t} *a{i} = &a{i}v; memset(&a{i}v, 0, sizeof a{i}v);")
        }
        Param::OutBytesPtr => format!("const uint8_t *a{i}v = NULL; const uint8_t **a{i} = &a{i}v;"),
        Param::Callback(t) => format!("{t} a{i} = NULL;"),
        Param::UserData => format!("void *a{i} = NULL;"),
        Param::Int(t) => format!("{t} a{i} = 1;"),
        Param::Len => String::new(),
    }
}

/// The misuses of argument `i`: (label, declarations replacing the valid ones, expectation).
fn misuses(p: &Param, i: usize, next_is_len: bool) -> Vec<(String, String, Expect)> {
    let n = i + 1;
    let with_len = |decl: String, len: &str| {
        if next_is_len {
            format!("{decl} size_t a{n} = {len};")
        } else {
            decl
        }
    };
    use Expect::*;
    match p {
        Param::Handle(k) => {
            let other = if *k == "smtp" { "pop3" } else { "smtp" };
            let h = |e: &str| format!("const csmail_{k} *a{i} = (const csmail_{k} *)(const void *)({e});");
            vec![
                ("NULL handle".into(), h("NULL"), InvalidHandle),
                ("released handle".into(), h(&format!("released_{k}()")), InvalidHandle),
                (format!("{other} handle"), h(&format!("make_{other}()")), InvalidHandle),
                ("forged handle 0xdeadbee0".into(), h("(const void *)(uintptr_t)0xdeadbee0u"), InvalidHandle),
                ("forged handle -16".into(), h("(const void *)(uintptr_t)-16"), InvalidHandle),
                ("forged handle 1".into(), h("(const void *)(uintptr_t)1"), InvalidHandle),
                // Handles are not sequential: a value computed from a live one is no handle.
                ("computed handle (live one - 16)".into(), h(&format!("computed_{k}()")), InvalidHandle),
            ]
        }
        Param::AnyObject => vec![
            ("NULL object".into(), format!("const void *a{i} = NULL;"), NotOk),
            ("released object".into(), format!("const void *a{i} = released_proxyinfo();"), NotOk),
            ("forged object".into(), format!("const void *a{i} = (const void *)(uintptr_t)0xdeadbee0u;"), NotOk),
            ("an ErrorInfo as handler".into(), format!("const void *a{i} = make_errorinfo();"), NotOk),
        ],
        Param::OutHandle(k) => vec![("NULL out-pointer".into(), format!("csmail_{k} **a{i} = NULL;"), NotOk)],
        Param::Str(null_means_something) => vec![
            (
                "NULL string".into(),
                format!("const char *a{i} = NULL;"),
                if *null_means_something { Documented } else { NotOk },
            ),
            ("invalid UTF-8".into(), format!("const char *a{i} = \"\\xff\\xfe\\xc3(\";"), NotOk),
            ("CR LF in string".into(), format!("const char *a{i} = \"a\\r\\nQUIT\";"), Documented),
            ("1 MiB string".into(), format!("const char *a{i} = huge_string();"), Documented),
        ],
        Param::CharBuf => vec![
            ("NULL buffer, size 0".into(), with_len(format!("char *a{i} = NULL;"), "0"), Documented),
            ("NULL buffer, size 256".into(), with_len(format!("char *a{i} = NULL;"), "256"), Documented),
            ("1-byte buffer".into(), with_len(format!("char a{i}v[1]; char *a{i} = a{i}v;"), "1"), Documented),
            ("1 MiB buffer".into(), with_len(format!("char *a{i} = (char *)huge_buffer();"), "HUGE"), Documented),
        ],
        Param::ByteBuf => vec![
            ("NULL buffer, size 0".into(), with_len(format!("uint8_t *a{i} = NULL;"), "0"), Documented),
            ("NULL buffer, size 256".into(), with_len(format!("uint8_t *a{i} = NULL;"), "256"), Documented),
            ("1-byte buffer".into(), with_len(format!("uint8_t a{i}v[1]; uint8_t *a{i} = a{i}v;"), "1"), Documented),
            ("1 MiB buffer".into(), with_len(format!("uint8_t *a{i} = (uint8_t *)huge_buffer();"), "HUGE"), Documented),
        ],
        Param::InBytes => vec![
            ("NULL data, length 5".into(), with_len(format!("const uint8_t *a{i} = NULL;"), "5"), NotOk),
            (
                "length SIZE_MAX".into(),
                with_len(format!("const uint8_t *a{i} = (const uint8_t *)\"hello\";"), "SIZE_MAX"),
                NotOk,
            ),
            (
                "length PTRDIFF_MAX + 1".into(),
                with_len(format!("const uint8_t *a{i} = (const uint8_t *)\"hello\";"), "(size_t)PTRDIFF_MAX + 1"),
                NotOk,
            ),
        ],
        Param::StrArray => vec![
            ("NULL array, count 1".into(), with_len(format!("const char *const *a{i} = NULL;"), "1"), NotOk),
            (
                "NULL entry".into(),
                with_len(format!("const char *a{i}v[1] = {{NULL}}; const char *const *a{i} = a{i}v;"), "1"),
                NotOk,
            ),
            (
                "count SIZE_MAX".into(),
                with_len(format!("const char *a{i}v[1] = {{\"b@x\"}}; const char *const *a{i} = a{i}v;"), "SIZE_MAX"),
                NotOk,
            ),
            (
                "count PTRDIFF_MAX / 4".into(),
                with_len(
                    format!("const char *a{i}v[1] = {{\"b@x\"}}; const char *const *a{i} = a{i}v;"),
                    "(size_t)PTRDIFF_MAX / 4",
                ),
                NotOk,
            ),
        ],
        Param::IntArrayIn(t) => vec![
            ("NULL array, count 1".into(), with_len(format!("const {t} *a{i} = NULL;"), "1"), NotOk),
            (
                "count SIZE_MAX".into(),
                with_len(format!("{t} a{i}v[1] = {{1}}; const {t} *a{i} = a{i}v;"), "SIZE_MAX"),
                NotOk,
            ),
            (
                "count PTRDIFF_MAX / 2".into(),
                with_len(format!("{t} a{i}v[1] = {{1}}; const {t} *a{i} = a{i}v;"), "(size_t)PTRDIFF_MAX / 2"),
                NotOk,
            ),
        ],
        Param::IntArrayOut => vec![
            ("NULL array, capacity 0".into(), with_len(format!("int32_t *a{i} = NULL;"), "0"), Documented),
            ("NULL array, capacity 16".into(), with_len(format!("int32_t *a{i} = NULL;"), "16"), Documented),
            ("capacity 1".into(), with_len(format!("int32_t a{i}v[1]; int32_t *a{i} = a{i}v;"), "1"), Documented),
        ],
        Param::OutScalar(t) => vec![("NULL out-pointer".into(), format!("{t} *a{i} = NULL;"), Documented)],
        Param::OutBytesPtr => vec![("NULL out-pointer".into(), format!("const uint8_t **a{i} = NULL;"), Documented)],
        Param::Callback(_) | Param::UserData => Vec::new(),
        Param::Int(t) => {
            let values: &[&str] = match t.as_str() {
                "int32_t" => &["INT32_MIN", "-1", "0", "INT32_MAX"],
                "uint32_t" => &["0", "UINT32_MAX"],
                "int64_t" => &["INT64_MIN", "INT64_MAX"],
                _ => &["0", "SIZE_MAX"],
            };
            values.iter().map(|v| (v.to_string(), format!("{t} a{i} = {v};"), Documented)).collect()
        }
        Param::Len => Vec::new(),
    }
}

/// The C prelude: makers of live, released and computed handles, big buffers, result checks.
fn prelude(funcs: &[Function]) -> String {
    let has = |name: &str, params: usize| funcs.iter().any(|f| f.name == name && f.params.len() == params);
    let mut c = String::from(
        "#define _POSIX_C_SOURCE 200809L\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n\
         #include <stdlib.h>\n#include <string.h>\n#include <signal.h>\n#include <sys/wait.h>\n#include <unistd.h>\n\
         #include \"csmail.h\"\n\n#define HUGE ((size_t)1 << 20)\n\n\
         static const char *huge_string(void) {\n    char *s = malloc(HUGE + 1);\n    memset(s, 'a', HUGE);\n    s[HUGE] = 0;\n    return s;\n}\n\
         static void *huge_buffer(void) { return calloc(1, HUGE); }\n\n",
    );
    for k in KINDS {
        let make = match k {
            "proxyinfo" => "return csmail_proxyinfo_new(CSMAIL_PROXY_SOCKS5);".to_owned(),
            "errorinfo" => {
                "csmail_errorinfo *e = NULL;\n    csmail_smtp_extended_error(csmail_smtp_new(), &e);\n    return e;"
                    .to_owned()
            }
            "section" if has("csmail_section_new", 2) => {
                "csmail_section *s = NULL;\n    csmail_section_new(\"text/plain\", &s);\n    return s;".to_owned()
            }
            _ if has(&format!("csmail_{k}_new"), 0) => format!("return csmail_{k}_new();"),
            // No constructor in this header: cases that need a live one use NULL (and still
            // must not crash).
            _ => "return NULL;".to_owned(),
        };
        let _ = writeln!(c, "static const void *make_{k}(void) {{\n    {make}\n}}");
        let _ = writeln!(
            c,
            "static const void *released_{k}(void) {{\n    const void *h = make_{k}();\n    \
             if (h) csmail_{k}_release((const csmail_{k} *)h);\n    return h;\n}}"
        );
        // Two objects made in a row: with sequential tokens the second's value minus 16 would
        // be the first.
        let _ = writeln!(
            c,
            "static const void *computed_{k}(void) {{\n    make_{k}();\n    const void *h = make_{k}();\n    \
             return (const void *)((uintptr_t)h - 16);\n}}"
        );
    }
    let codes: Vec<&str> = HEADER
        .lines()
        .filter_map(|l| l.strip_prefix("#define CSMAIL_"))
        .filter(|l| l.starts_with("OK ") || l.starts_with("E_"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let _ = writeln!(c, "static int documented(int32_t rc) {{\n    switch (rc) {{");
    for code in codes {
        let _ = writeln!(c, "    case CSMAIL_{code}:");
    }
    c.push_str(
        "        return 1;\n    default:\n        return 0;\n    }\n}\n\n\
         /* 0: as expected; 2: not. expect: 0 documented, 1 invalid handle, 2 not OK. */\n\
         static int check(const char *what, int32_t rc, int expect) {\n    \
         if (!documented(rc) || rc == CSMAIL_E_PANIC) {\n        fprintf(stderr, \"%s: result %d\\n\", what, (int)rc);\n        return 2;\n    }\n    \
         if (expect == 1 && rc != CSMAIL_E_INVALID_HANDLE) {\n        fprintf(stderr, \"%s: result %d, expected CSMAIL_E_INVALID_HANDLE\\n\", what, (int)rc);\n        return 2;\n    }\n    \
         if (expect == 2 && rc == CSMAIL_OK) {\n        fprintf(stderr, \"%s: CSMAIL_OK, expected a failure\\n\", what);\n        return 2;\n    }\n    return 0;\n}\n\n",
    );
    c
}

/// The generated C program and its number of cases.
fn generate() -> (String, usize) {
    let funcs = functions();
    assert!(funcs.len() > 80, "only {} functions parsed from the header", funcs.len());
    let mut c = prelude(&funcs);
    let mut cases = Vec::new();
    for f in &funcs {
        let params = classify(f);
        for (i, p) in params.iter().enumerate() {
            let next_is_len = params.get(i + 1) == Some(&Param::Len);
            for (label, decl, expect) in misuses(p, i, next_is_len) {
                let id = cases.len();
                let what = format!("{}: argument {} ({}): {label}", f.name, i + 1, f.params[i].1);
                let mut body = String::new();
                for (j, q) in params.iter().enumerate() {
                    if j == i {
                        let _ = writeln!(body, "    {decl}");
                    } else if !(j == i + 1 && next_is_len) {
                        let d = valid(q, j, params.get(j + 1) == Some(&Param::Len));
                        if !d.is_empty() {
                            let _ = writeln!(body, "    {d}");
                        }
                    }
                }
                let args: Vec<String> = (0..params.len()).map(|j| format!("a{j}")).collect();
                let call = format!("{}({})", f.name, args.join(", "));
                let what_c = what.replace('\\', "\\\\").replace('"', "\\\"");
                let check = match f.ret.as_str() {
                    "int32_t" => format!(
                        "    return check(\"{what_c}\", {call}, {});",
                        match expect {
                            Expect::Documented => 0,
                            Expect::InvalidHandle => 1,
                            Expect::NotOk => 2,
                        }
                    ),
                    _ => format!("    (void){call};\n    return 0;"),
                };
                let _ = writeln!(c, "static int case_{id}(void) {{ /* {what_c} */\n{body}{check}\n}}");
                cases.push(what_c);
            }
        }
    }
    let _ = writeln!(c, "typedef int (*case_fn)(void);\nstatic const case_fn CASES[] = {{");
    for id in 0..cases.len() {
        let _ = writeln!(c, "    case_{id},");
    }
    let _ = writeln!(c, "}};\nstatic const char *const NAMES[] = {{");
    for w in &cases {
        let _ = writeln!(c, "    \"{w}\",");
    }
    c.push_str(
        "};\n\nint main(void) {\n    size_t n = sizeof CASES / sizeof CASES[0], crashed = 0, wrong = 0;\n    \
         for (size_t i = 0; i < n; i++) {\n        fflush(stderr);\n        pid_t pid = fork();\n        \
         if (pid < 0) { perror(\"fork\"); return 3; }\n        \
         if (pid == 0) { alarm(30); _exit(CASES[i]()); }\n        int st = 0;\n        \
         if (waitpid(pid, &st, 0) < 0) { perror(\"waitpid\"); return 3; }\n        \
         if (WIFSIGNALED(st)) {\n            crashed++;\n            fprintf(stderr, \"CRASH (signal %d): %s\\n\", WTERMSIG(st), NAMES[i]);\n        } \
         else if (WEXITSTATUS(st) != 0) {\n            wrong++;\n            fprintf(stderr, \"WRONG (exit %d): %s\\n\", WEXITSTATUS(st), NAMES[i]);\n        }\n    }\n    \
         printf(\"%zu cases, %zu crashed, %zu wrong\\n\", n, crashed, wrong);\n    return crashed || wrong ? 1 : 0;\n}\n",
    );
    (c, cases.len())
}

/// target/<profile>, next to the deps/ folder this test runs from.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    exe.parent().and_then(Path::parent).expect("target/<profile>").to_path_buf()
}

#[test]
fn every_exported_function_survives_misuse() {
    let (source, cases) = generate();
    let dir = tempfile::tempdir().unwrap();
    let c_file = dir.path().join("ffi_misuse.c");
    std::fs::write(&c_file, &source).unwrap();
    let lib_dir = profile_dir();
    assert!(lib_dir.join("libcsmail.so").exists(), "no libcsmail.so in {}", lib_dir.display());
    // The loader looks for the library's SONAME (libcsmail.so.<major>[.<minor>]): a link of
    // that name, read from the library (objdump, as examples-c/CMakeLists.txt does).
    let link_dir = dir.path().join("lib");
    std::fs::create_dir(&link_dir).unwrap();
    std::os::unix::fs::symlink(lib_dir.join("libcsmail.so"), link_dir.join("libcsmail.so")).unwrap();
    let dynamic = Command::new("objdump").arg("-p").arg(lib_dir.join("libcsmail.so")).output().expect("objdump");
    let dynamic = String::from_utf8_lossy(&dynamic.stdout);
    let soname = dynamic
        .lines()
        .find_map(|l| l.trim().strip_prefix("SONAME").map(|n| n.trim().to_owned()))
        .expect("the library has a SONAME");
    if soname != "libcsmail.so" {
        std::os::unix::fs::symlink(lib_dir.join("libcsmail.so"), link_dir.join(&soname)).unwrap();
    }
    let lib_dir = link_dir;
    let exe = dir.path().join("ffi_misuse");
    let include = concat!(env!("CARGO_MANIFEST_DIR"), "/include");
    let cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable", "-O0", "-I", include])
        .arg(&c_file)
        .arg("-L")
        .arg(&lib_dir)
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .args(["-lcsmail", "-o"])
        .arg(&exe)
        .output()
        .expect("a C compiler (cc)");
    assert!(cc.status.success(), "the generated C does not compile:\n{}", String::from_utf8_lossy(&cc.stderr));
    let run = Command::new(&exe).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    println!("{stdout}");
    assert!(run.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stdout.trim(), format!("{cases} cases, 0 crashed, 0 wrong"));
    assert!(cases > 800, "only {cases} cases generated");
}
