//! The type library `CSMailLib` 1.0, written at registration time with ICreateTypeLib2 (no IDL
//! compiler is needed) next to the DLL as csmail_com.tlb, and registered with it.
//!
//! What it holds today: the enum `CSMailConstants` with every constant of the library's tables
//! — result codes, eex numbers, SSLInfo option indexes, modes, protocols, certificate statuses,
//! log levels and facilities, authentication mechanisms, proxy kinds, message limits — under
//! their C names and their legacy aliases, with the header's values, so that VB6 and VBA see
//! `MODE_STARTTLS`, `SSLNoServerNameCheck` and `eexSSLCertName` once the library is referenced.
//! Not yet in it: the dispatch interfaces and coclasses (so no IntelliSense on members, no early
//! binding of calls, no IProvideClassInfo for events); objects are late-bound through IDispatch.

use crate::classes::{Kind, CONSTANTS_GUID, LIBID, LIB_NAME, LIB_VERSION};
use std::path::Path;
use windows::Win32::System::Com::{
    ITypeInfo, ELEMDESC, SYS_WIN32, SYS_WIN64, TKIND_ENUM, TYPEDESC, VARDESC, VARDESC_0, VAR_CONST,
};
use windows::Win32::System::Ole::{
    CreateTypeLib2, LoadTypeLibEx, RegisterTypeLib, RegisterTypeLibForUser, UnRegisterTypeLib,
    UnRegisterTypeLibForUser, REGKIND_NONE,
};
use windows::Win32::System::Variant::{VARIANT, VT_I4};
use windows_core::{HSTRING, PCWSTR};

pub fn interface_info(_kind: Kind) -> Option<ITypeInfo> {
    None
}

pub fn class_info(_kind: Kind) -> Option<ITypeInfo> {
    None
}

/// Every constant of the tables: (name, value), legacy aliases included, each name once.
pub fn constants() -> Vec<(&'static str, i32)> {
    use csmail::{api, error, log, message, options};
    let groups = [
        &api::properties::AUTH_MECHANISMS,
        &api::proxyinfo::PROXY_KINDS,
        &log::LOG_SEVERITIES,
        &log::LOG_FACILITIES,
        &options::SSL_MODES,
        &options::SSL_PROTOCOLS,
        &options::SSL_CIPHERS,
        &options::SSL_HASHES,
        &options::SSL_EXCHANGES,
        &options::SSL_GROUPS,
        &options::CERT_POLICY_FLAGS,
        &options::CERTIFICATE_STATUSES,
        &options::OPTION_TYPES,
        &message::MESSAGE_LIMITS,
    ];
    let mut out: Vec<(&'static str, i32)> = Vec::new();
    for r in error::RESULT_CODES {
        out.push((r.name, r.value));
        out.extend(r.aliases.iter().map(|a| (*a, r.value)));
    }
    out.extend(error::EEX_NUMBERS.iter().map(|r| (r.name, r.value)));
    out.extend(options::OPTIONS.iter().map(|o| (o.name, o.index)));
    for g in groups {
        for r in g.rows {
            out.push((r.name, r.value));
            out.extend(r.aliases.iter().map(|a| (*a, r.value)));
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|(n, _)| seen.insert(n.to_ascii_lowercase()));
    out
}

fn tlb_path(dll: &str) -> String {
    Path::new(dll).with_extension("tlb").to_string_lossy().into_owned()
}

/// Writes the type library file.
fn write(path: &str) -> windows_core::Result<()> {
    let syskind = if cfg!(target_pointer_width = "64") { SYS_WIN64 } else { SYS_WIN32 };
    // SAFETY: COM calls with valid arguments; the VARIANTs outlive the AddVarDesc calls that
    // copy them.
    unsafe {
        let lib = CreateTypeLib2(syskind, &HSTRING::from(path))?;
        lib.SetName(&HSTRING::from(LIB_NAME))?;
        lib.SetGuid(&LIBID)?;
        lib.SetVersion(LIB_VERSION.0, LIB_VERSION.1)?;
        lib.SetDocString(&HSTRING::from("CSMailLib: SMTP, POP3 and TLS mail objects (csmail)"))?;
        let info = lib.CreateTypeInfo(&HSTRING::from("CSMailConstants"), TKIND_ENUM)?;
        info.SetGuid(&CONSTANTS_GUID)?;
        info.SetDocString(&HSTRING::from(
            "The constants of csmail.h: result codes, eex numbers, SSLInfo options and values",
        ))?;
        for (i, (name, value)) in constants().into_iter().enumerate() {
            let mut v = VARIANT::from(value);
            let desc = VARDESC {
                memid: 0x4000_0000 + i as i32,
                Anonymous: VARDESC_0 { lpvarValue: &mut v },
                elemdescVar: ELEMDESC { tdesc: TYPEDESC { vt: VT_I4, ..Default::default() }, ..Default::default() },
                varkind: VAR_CONST,
                ..Default::default()
            };
            info.AddVarDesc(i as u32, &desc)?;
            info.SetVarName(i as u32, &HSTRING::from(name))?;
        }
        info.LayOut()?;
        lib.SaveAllChanges()
    }
}

/// Writes csmail_com.tlb beside the DLL and registers it (per user when `per_user`).
pub fn register(dll: &str, per_user: bool) -> windows_core::Result<()> {
    let path = tlb_path(dll);
    write(&path)?;
    let wide = HSTRING::from(path.as_str());
    // SAFETY: a type library just written; the paths are NUL-terminated.
    unsafe {
        let lib = LoadTypeLibEx(&wide, REGKIND_NONE)?;
        if per_user {
            RegisterTypeLibForUser(&lib, &wide, PCWSTR::null())
        } else {
            RegisterTypeLib(&lib, &wide, PCWSTR::null())
        }
    }
}

pub fn unregister() {
    let syskind = if cfg!(target_pointer_width = "64") { SYS_WIN64 } else { SYS_WIN32 };
    // SAFETY: plain values; a library not registered gives an error that is ignored.
    unsafe {
        let _ = UnRegisterTypeLib(&LIBID, LIB_VERSION.0, LIB_VERSION.1, 0, syskind);
        let _ = UnRegisterTypeLibForUser(&LIBID, LIB_VERSION.0, LIB_VERSION.1, 0, syskind);
    }
}
