//! Windows: the version resource and undecorated export names of csmail.dll, and the
//! calling convention of the header (stdcall on 32-bit Windows, through CSMAIL_CALL).

use std::env;
use std::fs;
use std::path::Path;
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
