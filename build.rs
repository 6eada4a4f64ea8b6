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
    config.after_includes =
        Some(format!("{before}\n{}\n{}", codegen::windows::CALLING_CONVENTION, codegen::header::constants(&version)));
    let header = out_dir.join("csmail.h");
    let mut text = Vec::new();
    cbindgen::Builder::new()
        .with_src(codegen::windows::cbindgen_source(&crate_dir, &out_dir))
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut text);
    let text = String::from_utf8(text).expect("cbindgen writes UTF-8");
    fs::write(&header, codegen::windows::with_calling_convention(&text)).expect("OUT_DIR is writable");
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
        codegen::windows::dll(&out_dir);
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
