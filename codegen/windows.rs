//! Windows: the version resource and undecorated export names of csmail.dll, and the
//! calling convention of the header (stdcall on 32-bit Windows, through CSMAIL_CALL).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// csmail.dll: a version resource (compiled by the target's windres from mingw-w64, linked
/// into the DLL), and on 32-bit x86 export names without stdcall decoration
/// (`csmail_smtp_new`, not `_csmail_smtp_new@0`), which is what VB6 and .def users expect.
pub fn dll(out_dir: &Path) {
    let target = env::var("TARGET").expect("cargo sets TARGET");
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu") {
        println!("cargo:warning=csmail.dll gets its version resource only with the windows-gnu targets");
        return;
    }
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--kill-at");
    }
    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let numbers: Vec<u32> = version.split(['.', '-', '+']).take(3).map(|n| n.parse().unwrap_or(0)).collect();
    let (major, minor, patch) = (numbers[0], numbers[1], numbers[2]);
    let description = env::var("CARGO_PKG_DESCRIPTION").unwrap_or_default().replace('"', "'");
    let rc = format!(
        r#"#include <winver.h>
VS_VERSION_INFO VERSIONINFO
FILEVERSION {major},{minor},{patch},0
PRODUCTVERSION {major},{minor},{patch},0
FILEFLAGSMASK VS_FFI_FILEFLAGSMASK
FILEFLAGS 0
FILEOS VOS_NT_WINDOWS32
FILETYPE VFT_DLL
FILESUBTYPE VFT2_UNKNOWN
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "The csmail authors\0"
      VALUE "FileDescription", "{description}\0"
      VALUE "FileVersion", "{version}\0"
      VALUE "InternalName", "csmail\0"
      VALUE "LegalCopyright", "MIT OR Apache-2.0\0"
      VALUE "OriginalFilename", "csmail.dll\0"
      VALUE "ProductName", "csmail\0"
      VALUE "ProductVersion", "{version}\0"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x0409, 1200
  END
END
"#
    );
    let rc_path = out_dir.join("csmail.rc");
    let obj_path = out_dir.join("csmail-version.o");
    fs::write(&rc_path, rc).expect("write csmail.rc into OUT_DIR");
    // x86_64-pc-windows-gnu -> x86_64-w64-mingw32-windres, i686-pc-windows-gnu -> i686-w64-mingw32-windres
    let arch = target.split('-').next().unwrap_or("x86_64");
    let windres = env::var("WINDRES").unwrap_or_else(|_| format!("{arch}-w64-mingw32-windres"));
    let status = Command::new(&windres)
        .arg("--input")
        .arg(&rc_path)
        .arg("--output")
        .arg(&obj_path)
        .arg("--output-format=coff")
        .status();
    match status {
        Ok(s) if s.success() => println!("cargo:rustc-cdylib-link-arg={}", obj_path.display()),
        Ok(s) => panic!("{windres} failed ({s}) on {}", rc_path.display()),
        Err(e) => panic!("cannot run {windres} ({e}): install mingw-w64 (Debian: gcc-mingw-w64-x86-64, gcc-mingw-w64-i686) or set WINDRES"),
    }
}

/// The macro the header declares every function and callback type with, placed after the
/// includes. 32-bit VB6 and 32-bit Office call only stdcall, so on 32-bit Windows the library
/// uses it (Rust's `extern "system"`); elsewhere `extern "system"` is the C convention.
pub const CALLING_CONVENTION: &str = r#"/* ---- The calling convention of every function and callback ---- */

/**
 * `__stdcall` on 32-bit Windows (what 32-bit VB6 and Office call), empty everywhere else.
 * Every csmail function is declared with it; declare the callbacks you pass to csmail with it
 * too: `static void CSMAIL_CALL on_log(void *userdata, ...)`.
 */
#if defined(_WIN32) && !defined(_WIN64)
#define CSMAIL_CALL __stdcall
#else
#define CSMAIL_CALL
#endif
"#;

/// cbindgen (0.29) skips functions that are not `extern "C"`, and the exports are
/// `extern "system"`: it reads a copy of src/ in OUT_DIR in which they say `extern "C"`
/// (the same ABI everywhere but 32-bit Windows; the header says which through CSMAIL_CALL).
/// Returns the copy's lib.rs.
pub fn cbindgen_source(crate_dir: &Path, out_dir: &Path) -> PathBuf {
    let copy = out_dir.join("cbindgen-src");
    if copy.exists() {
        fs::remove_dir_all(&copy).expect("OUT_DIR is writable");
    }
    copy_sources(&crate_dir.join("src"), &copy);
    copy.join("lib.rs")
}

fn copy_sources(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("OUT_DIR is writable");
    for entry in fs::read_dir(from).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        let target = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_sources(&path, &target);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).expect("sources are UTF-8");
            fs::write(&target, text.replace("extern \"system\"", "extern \"C\"")).expect("OUT_DIR is writable");
        }
    }
}

/// Puts CSMAIL_CALL into cbindgen's header: before the name of every function declaration
/// (`int32_t CSMAIL_CALL csmail_smtp_connect(...)`, `const char *CSMAIL_CALL csmail_version(void)`)
/// and into every function-pointer typedef (`typedef void (CSMAIL_CALL *csmail_log_callback)(...)`).
pub fn with_calling_convention(header: &str) -> String {
    let mut out = String::with_capacity(header.len() + 4096);
    for line in header.split_inclusive('\n') {
        out.push_str(&declaration_with_call(line).unwrap_or_else(|| line.to_owned()));
    }
    out
}

fn declaration_with_call(line: &str) -> Option<String> {
    if line.starts_with("typedef ") {
        return line.find("(*").map(|at| format!("{}(CSMAIL_CALL *{}", &line[..at], &line[at + 2..]));
    }
    // A function declaration: one line (args = "horizontal") at column 0, ending in ");".
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') || !line.trim_end().ends_with(");") {
        return None;
    }
    let paren = line.find('(')?;
    let head = &line[..paren];
    let name_at = head.rfind([' ', '*'])? + 1;
    head[name_at..].starts_with("csmail_").then(|| format!("{}CSMAIL_CALL {}", &line[..name_at], &line[name_at..]))
}
