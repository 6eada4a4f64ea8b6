//! Generates, into OUT_DIR (cargo forbids writing into the source tree):
//! - the C header with cbindgen, its constant section written from the declarative tables in
//!   src/tables/ (cbindgen does not expand the table macros);
//! - the README with its generated tables, and the bindings' constant files.
//!
//! tests/generated.rs checks the committed copies (include/csmail.h, README.md, bindings/...)
//! against these, and `CSMAIL_REGENERATE=1 cargo test --test generated` rewrites them;
//! tests/header.rs checks what the header holds. Also gives the shared library its SONAME.

use std::env;
use std::fs;
use std::path::PathBuf;

#[path = "src/tables/mod.rs"]
mod tables;

mod codegen;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=codegen");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=README.md");

    let version = codegen::Version {
        major: env_number("CARGO_PKG_VERSION_MAJOR"),
        minor: env_number("CARGO_PKG_VERSION_MINOR"),
        patch: env_number("CARGO_PKG_VERSION_PATCH"),
        text: env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION"),
    };

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    // The constants follow whatever cbindgen.toml puts after the includes.
    let before = config.after_includes.take().unwrap_or_default();
    config.after_includes = Some(format!("{before}\n{}", codegen::header::constants(&version)));
    let header = out_dir.join("csmail.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write_to_file(&header);
    println!("cargo:include={}", out_dir.display());
    println!("cargo:rustc-env=CSMAIL_GENERATED_HEADER={}", header.display());

    let generated = out_dir.join("generated");
    let readme = fs::read_to_string(crate_dir.join("README.md")).expect("README.md is readable");
    let readme = codegen::readme::regenerate(&readme).unwrap_or_else(|e| panic!("{e}"));
    for (path, text) in [
        ("README.md", readme),
        ("bindings/python/csmail/_constants.py", codegen::bindings::python(&version)),
        ("bindings/vb/CSMailConstants.bas", codegen::bindings::vb(&version)),
    ] {
        let file = generated.join(path);
        fs::create_dir_all(file.parent().expect("a file in a folder")).expect("OUT_DIR is writable");
        fs::write(&file, text).expect("OUT_DIR is writable");
    }
    println!("cargo:rustc-env=CSMAIL_GENERATED_DIR={}", generated.display());

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{}", soname(&version));
    }
    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows") {
        windows_dll(&out_dir);
    }
}

/// csmail.dll: a version resource (compiled by the target's windres from mingw-w64, linked
/// into the DLL), and on 32-bit x86 export names without stdcall decoration
/// (`csmail_smtp_new`, not `_csmail_smtp_new@0`), which is what VB6 and .def users expect.
fn windows_dll(out_dir: &std::path::Path) {
    let target = env::var("TARGET").expect("cargo sets TARGET");
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() != Ok("gnu") {
        println!("cargo:warning=csmail.dll gets its version resource only with the windows-gnu targets");
        return;
    }
    if env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("x86") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--kill-at");
    }
    let version = env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let numbers: Vec<u32> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
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
    std::fs::write(&rc_path, rc).expect("write csmail.rc into OUT_DIR");
    // x86_64-pc-windows-gnu -> x86_64-w64-mingw32-windres, i686-pc-windows-gnu -> i686-w64-mingw32-windres
    let arch = target.split('-').next().unwrap_or("x86_64");
    let windres = env::var("WINDRES").unwrap_or_else(|_| format!("{arch}-w64-mingw32-windres"));
    let status = std::process::Command::new(&windres)
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

/// The ABI policy (README, "ABI policy"): before 1.0 every minor release may break the ABI, so
/// the SONAME carries major and minor (`libcsmail.so.0.1`, as cargo-c names it); from 1.0 on
/// only the major version.
fn soname(version: &codegen::Version) -> String {
    if version.major == 0 {
        format!("libcsmail.so.0.{}", version.minor)
    } else {
        format!("libcsmail.so.{}", version.major)
    }
}

fn env_number(name: &str) -> u32 {
    env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("cargo sets {name} to a number"))
}
