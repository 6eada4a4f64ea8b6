//! The shared library has a SONAME and exports only `csmail_*` symbols, and every function the
//! header declares is exported.

use std::path::PathBuf;
use std::process::Command;

/// target/<profile>/libcsmail.so, next to the deps/ folder this test runs from.
fn shared_library() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let profile_dir = exe.parent().and_then(|d| d.parent()).expect("target/<profile>");
    let lib = profile_dir.join("libcsmail.so");
    assert!(lib.exists(), "{} is missing: cargo builds it with the library", lib.display());
    lib
}

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e} (binutils installed?)"));
    assert!(out.status.success(), "{cmd} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
#[cfg(target_os = "linux")]
fn exports_only_csmail_symbols_and_has_soname() {
    let lib = shared_library();
    let lib = lib.to_str().unwrap();
    let exported: Vec<String> = run("nm", &["-D", "--defined-only", lib])
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_owned))
        .collect();
    let foreign: Vec<&String> = exported.iter().filter(|s| !s.starts_with("csmail_")).collect();
    assert!(foreign.is_empty(), "symbols outside csmail_*: {foreign:?}");

    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/csmail.h")).unwrap();
    let declared: Vec<&str> = header
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with("typedef") && l.contains('('))
        .filter_map(|l| l.split('(').next())
        .filter_map(|l| l.split_whitespace().last())
        .map(|n| n.trim_start_matches('*'))
        .filter(|n| n.starts_with("csmail_"))
        .collect();
    assert!(declared.len() > 60, "only {} functions found in the header", declared.len());
    for f in &declared {
        assert!(exported.iter().any(|e| e == f), "{f} is declared but not exported");
    }
    assert_eq!(declared.len(), exported.len(), "exported functions not in the header");

    let dynamic = run("readelf", &["-d", lib]);
    // The ABI policy: for 0.x the SONAME carries the minor version, from 1.0 only the major.
    let soname = match (env!("CARGO_PKG_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MINOR")) {
        ("0", minor) => format!("libcsmail.so.0.{minor}"),
        (major, _) => format!("libcsmail.so.{major}"),
    };
    assert!(dynamic.contains(&format!("Library soname: [{soname}]")), "SONAME is not {soname}:\n{dynamic}");
}
