//! Generates the C header with cbindgen into OUT_DIR (cargo forbids writing into the source
//! tree); `include/csmail.h` is the committed copy and a test fails when the two differ.
//! Also gives the shared library its SONAME.

use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let header = out_dir.join("csmail.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write_to_file(&header);
    println!("cargo:include={}", out_dir.display());
    println!("cargo:rustc-env=CSMAIL_GENERATED_HEADER={}", header.display());

    if env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{}", soname());
    }
}

/// The ABI policy (README, "ABI policy"): before 1.0 every minor release may break the ABI, so
/// the SONAME carries major and minor (`libcsmail.so.0.1`, as cargo-c names it); from 1.0 on
/// only the major version.
fn soname() -> String {
    let major = env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor = env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    if major == "0" {
        format!("libcsmail.so.0.{minor}")
    } else {
        format!("libcsmail.so.{major}")
    }
}
