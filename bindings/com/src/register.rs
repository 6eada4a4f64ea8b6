//! Self-registration: `regsvr32 csmail_com.dll` (DllRegisterServer) writes the classes under
//! HKEY_LOCAL_MACHINE\Software\Classes when it may, and under HKEY_CURRENT_USER\Software\Classes
//! (for this user only, no elevation needed) when it may not; `regsvr32 /n /i:user
//! csmail_com.dll` (DllInstall) always registers per user. The type library is written next to
//! the DLL (csmail_com.tlb) and registered the same way. `regsvr32 /u` removes what was written.
//!
//! Per class: CLSID\{clsid} with InprocServer32 (the DLL's path, ThreadingModel Apartment),
//! ProgID, VersionIndependentProgID and TypeLib; the ProgIDs `CSMailLib.<Class>` and
//! `CSMailLib.<Class>.1` with their CLSID.

use crate::classes::{ClassDef, CLASSES, LIBID, LIB_VERSION};
use crate::typelib;
use windows::Win32::Foundation::{ERROR_ACCESS_DENIED, E_UNEXPECTED, HMODULE, S_OK, WIN32_ERROR};
use windows::Win32::System::LibraryLoader::{
    GetModuleFileNameW, GetModuleHandleExW, GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
    GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
};
use windows::Win32::System::Registry::{
    RegCloseKey, RegCreateKeyW, RegDeleteTreeW, RegSetValueExW, HKEY, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, REG_SZ,
};
use windows_core::{GUID, HRESULT, HSTRING, PCWSTR};

/// The full path of this DLL.
pub fn dll_path() -> Option<String> {
    let mut module = HMODULE::default();
    // SAFETY: the address of a function of this DLL names the module; the refcount stays.
    unsafe {
        GetModuleHandleExW(
            GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
            PCWSTR(dll_path as *const u16),
            &mut module,
        )
        .ok()?;
    }
    let mut buf = vec![0u16; 32768];
    // SAFETY: a buffer of its own length.
    let n = unsafe { GetModuleFileNameW(Some(module), &mut buf) } as usize;
    (n > 0 && n < buf.len()).then(|| String::from_utf16_lossy(&buf[..n]))
}

fn braced(g: &GUID) -> String {
    format!("{{{g:?}}}")
}

fn win32(e: WIN32_ERROR) -> Result<(), WIN32_ERROR> {
    if e.is_ok() {
        Ok(())
    } else {
        Err(e)
    }
}

/// Creates `root\path` and sets its values (name None = the default value).
fn set(root: HKEY, path: &str, values: &[(Option<&str>, &str)]) -> Result<(), WIN32_ERROR> {
    let mut key = HKEY::default();
    // SAFETY: a key opened here and closed below; strings are NUL-terminated HSTRINGs.
    unsafe {
        win32(RegCreateKeyW(root, &HSTRING::from(path), &mut key))?;
        let mut outcome = Ok(());
        for (name, data) in values {
            let wide: Vec<u16> = data.encode_utf16().chain(Some(0)).collect();
            let bytes = std::slice::from_raw_parts(wide.as_ptr().cast::<u8>(), wide.len() * 2);
            let name = name.map(HSTRING::from);
            let name_ptr = name.as_ref().map_or(PCWSTR::null(), |n| PCWSTR(n.as_ptr()));
            outcome = outcome.and(win32(RegSetValueExW(key, name_ptr, None, REG_SZ, Some(bytes))));
        }
        let _ = RegCloseKey(key);
        outcome
    }
}

fn register_class(root: HKEY, class: &ClassDef, dll: &str) -> Result<(), WIN32_ERROR> {
    let clsid = braced(&class.clsid);
    let prog_id = class.prog_id();
    let versioned = format!("{prog_id}.{}", LIB_VERSION.0);
    let base = format!("Software\\Classes\\CLSID\\{clsid}");
    set(root, &base, &[(None, &format!("{prog_id} ({})", class.doc))])?;
    set(root, &format!("{base}\\InprocServer32"), &[(None, dll), (Some("ThreadingModel"), "Apartment")])?;
    set(root, &format!("{base}\\ProgID"), &[(None, &versioned)])?;
    set(root, &format!("{base}\\VersionIndependentProgID"), &[(None, &prog_id)])?;
    set(root, &format!("{base}\\TypeLib"), &[(None, &braced(&LIBID))])?;
    set(root, &format!("{base}\\Version"), &[(None, &format!("{}.{}", LIB_VERSION.0, LIB_VERSION.1))])?;
    for name in [&prog_id, &versioned] {
        set(root, &format!("Software\\Classes\\{name}"), &[(None, class.doc)])?;
        set(root, &format!("Software\\Classes\\{name}\\CLSID"), &[(None, &clsid)])?;
    }
    set(root, &format!("Software\\Classes\\{prog_id}\\CurVer"), &[(None, &versioned)])
}

fn unregister_classes(root: HKEY) {
    for class in CLASSES {
        let prog_id = class.prog_id();
        for path in [
            format!("Software\\Classes\\CLSID\\{}", braced(&class.clsid)),
            format!("Software\\Classes\\{prog_id}"),
            format!("Software\\Classes\\{prog_id}.{}", LIB_VERSION.0),
        ] {
            // SAFETY: a NUL-terminated path under a predefined key; a missing key is fine.
            let _ = unsafe { RegDeleteTreeW(root, &HSTRING::from(path)) };
        }
    }
}

fn register(per_user: bool) -> HRESULT {
    let Some(dll) = dll_path() else {
        return E_UNEXPECTED;
    };
    let mut root = if per_user { HKEY_CURRENT_USER } else { HKEY_LOCAL_MACHINE };
    let mut outcome = CLASSES.iter().try_for_each(|c| register_class(root, c, &dll));
    if outcome == Err(ERROR_ACCESS_DENIED) && !per_user {
        // Not elevated: register for this user instead.
        unregister_classes(root);
        root = HKEY_CURRENT_USER;
        outcome = CLASSES.iter().try_for_each(|c| register_class(root, c, &dll));
    }
    if let Err(e) = outcome {
        unregister_classes(root);
        return e.to_hresult();
    }
    match typelib::register(&dll, root == HKEY_CURRENT_USER) {
        Ok(()) => S_OK,
        Err(e) => {
            unregister_classes(root);
            e.code()
        }
    }
}

fn unregister() -> HRESULT {
    for root in [HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER] {
        unregister_classes(root);
    }
    typelib::unregister();
    S_OK
}

/// DllRegisterServer: registers the classes and the type library (machine-wide when allowed,
/// else for the current user).
#[no_mangle]
pub extern "system" fn DllRegisterServer() -> HRESULT {
    register(false)
}

/// DllUnregisterServer: removes what DllRegisterServer or DllInstall wrote, machine and user.
#[no_mangle]
pub extern "system" fn DllUnregisterServer() -> HRESULT {
    unregister()
}

/// DllInstall: `regsvr32 /n /i:user csmail_com.dll` registers for the current user only;
/// `regsvr32 /n /i:manifest csmail_com.dll` writes CSMailLib.manifest beside the DLL for
/// registration-free use and registers nothing; `regsvr32 /u /n /i:user` unregisters.
///
/// # Safety
/// `cmdline` is NULL or a NUL-terminated UTF-16 string (regsvr32 passes one).
#[no_mangle]
pub unsafe extern "system" fn DllInstall(install: windows_core::BOOL, cmdline: PCWSTR) -> HRESULT {
    // SAFETY: per the contract above.
    let option = if cmdline.is_null() { String::new() } else { unsafe { cmdline.to_string() }.unwrap_or_default() };
    match (install.as_bool(), option.trim().to_ascii_lowercase().as_str()) {
        (true, "manifest") => match dll_path().map(|d| crate::manifest::write(&d)) {
            Some(Ok(())) => S_OK,
            Some(Err(e)) => HRESULT::from_win32(e.raw_os_error().unwrap_or(0) as u32),
            None => E_UNEXPECTED,
        },
        (true, "user") => register(true),
        (true, _) => register(false),
        (false, _) => unregister(),
    }
}
