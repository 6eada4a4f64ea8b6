//! The type library `CSMailLib` 1.0, built with ICreateTypeLib2 (no IDL compiler is needed)
//! from the same lists Invoke uses (`classes`, `members`) and the library's constant tables:
//!
//! - the enum `CSMailConstants`: every constant of csmail.h (result codes, eex numbers, SSLInfo
//!   option indexes, modes, protocols, certificate statuses, log values, ...) under its C name and
//!   its legacy aliases, with the header's values — `MODE_STARTTLS`, `SSLNoServerNameCheck`,
//!   `eexSSLCertName` in VB6/VBA once the library is referenced;
//! - a dispinterface per object (`ISMTPClient`, ...) with every member, its DISPID and types;
//! - the event dispinterface `DLogHandlerEvents` (OnLogMessage);
//! - a coclass per class, LogHandler's with the event interface as its default source.
//!
//! Registration writes it next to the DLL as csmail_com.tlb and registers it. At run time the
//! objects hand out its type information (IDispatch::GetTypeInfo, IProvideClassInfo, which event
//! hookup reads): from that file, or built in memory when the file is not there.

use crate::classes::{events_of, interface_of, Kind, CLASSES, CONSTANTS_GUID, LIBID, LIB_NAME, LIB_VERSION};
use crate::members::{events, members, Param, Shape, Ty};
use std::cell::RefCell;
use std::path::Path;
use windows::Win32::System::Com::{
    ITypeInfo, ITypeLib, CC_STDCALL, ELEMDESC, ELEMDESC_0, FUNCDESC, FUNC_DISPATCH, IMPLTYPEFLAG_FDEFAULT,
    IMPLTYPEFLAG_FSOURCE, INVOKEKIND, INVOKE_FUNC, INVOKE_PROPERTYGET, INVOKE_PROPERTYPUT, SYS_WIN32, SYS_WIN64,
    TKIND_COCLASS, TKIND_DISPATCH, TKIND_ENUM, TYPEDESC, VARDESC, VARDESC_0, VAR_CONST,
};
use windows::Win32::System::Ole::{
    CreateTypeLib2, ICreateTypeInfo, ICreateTypeLib2, LoadTypeLib, LoadTypeLibEx, RegisterTypeLib,
    RegisterTypeLibForUser, UnRegisterTypeLib, UnRegisterTypeLibForUser, PARAMDESC, PARAMFLAG_FIN, PARAMFLAG_FOPT,
    REGKIND_NONE, TYPEFLAG_FCANCREATE, TYPEFLAG_FDISPATCHABLE,
};
use windows::Win32::System::Variant::{
    VARENUM, VARIANT, VT_BOOL, VT_BSTR, VT_DISPATCH, VT_I4, VT_R8, VT_VARIANT, VT_VOID,
};
use windows_core::{Interface, HSTRING, PCWSTR};

thread_local! {
    /// The type library of this apartment (type information is not shared across threads).
    static LIBRARY: RefCell<Option<ITypeLib>> = const { RefCell::new(None) };
}

/// The type library: the file beside the DLL, else one built in memory.
fn library() -> Option<ITypeLib> {
    LIBRARY.with(|cell| {
        if cell.borrow().is_none() {
            let path = crate::register::dll_path().map(|d| tlb_path(&d));
            // SAFETY: a NUL-terminated path; REGKIND_NONE only loads.
            let loaded =
                path.as_ref().and_then(|p| unsafe { LoadTypeLibEx(&HSTRING::from(p.as_str()), REGKIND_NONE) }.ok());
            *cell.borrow_mut() =
                loaded.or_else(|| build("csmail_com.tlb").ok().and_then(|lib| lib.cast::<ITypeLib>().ok()));
        }
        cell.borrow().clone()
    })
}

/// The dispinterface's type information of a kind (IDispatch::GetTypeInfo).
pub fn interface_info(kind: Kind) -> Option<ITypeInfo> {
    // SAFETY: a GUID of this library.
    library().and_then(|lib| unsafe { lib.GetTypeInfoOfGuid(&interface_of(kind).1) }.ok())
}

/// The coclass's type information (IProvideClassInfo::GetClassInfo).
pub fn class_info(kind: Kind) -> Option<ITypeInfo> {
    let clsid = CLASSES.iter().find(|c| c.kind == kind)?.clsid;
    // SAFETY: a GUID of this library.
    library().and_then(|lib| unsafe { lib.GetTypeInfoOfGuid(&clsid) }.ok())
}

fn vt(ty: Ty) -> VARENUM {
    match ty {
        Ty::Void => VT_VOID,
        Ty::I4 => VT_I4,
        Ty::F64 => VT_R8,
        Ty::Bool => VT_BOOL,
        Ty::Str => VT_BSTR,
        Ty::Variant => VT_VARIANT,
        Ty::Object => VT_DISPATCH,
    }
}

fn elem(ty: Ty, flags: Option<windows::Win32::System::Ole::PARAMFLAGS>) -> ELEMDESC {
    ELEMDESC {
        tdesc: TYPEDESC { vt: vt(ty), ..Default::default() },
        Anonymous: ELEMDESC_0 { paramdesc: PARAMDESC { wParamFlags: flags.unwrap_or_default(), ..Default::default() } },
    }
}

/// One function of a dispinterface: a method, a property get or a property put.
#[derive(Clone, Copy)]
struct Function<'a> {
    name: &'a str,
    dispid: i32,
    invkind: INVOKEKIND,
    params: &'a [Param],
    ty: Ty,
    doc: &'a str,
}

/// Adds one dispatch function: `params` then, for a put, the value (unnamed).
///
/// # Safety
/// `info` is a TKIND_DISPATCH type being built.
unsafe fn add_function(info: &ICreateTypeInfo, index: u32, f: &Function) -> windows_core::Result<()> {
    let Function { name, dispid, invkind, params, ty, doc } = *f;
    let mut elems: Vec<ELEMDESC> = params
        .iter()
        .map(|p| elem(p.ty, Some(if p.optional { PARAMFLAG_FIN | PARAMFLAG_FOPT } else { PARAMFLAG_FIN })))
        .collect();
    let result = match invkind {
        INVOKE_PROPERTYPUT => {
            elems.push(elem(ty, Some(PARAMFLAG_FIN)));
            Ty::Void
        }
        _ => ty,
    };
    let desc = FUNCDESC {
        memid: dispid,
        lprgelemdescParam: elems.as_mut_ptr(),
        funckind: FUNC_DISPATCH,
        invkind,
        callconv: CC_STDCALL,
        cParams: elems.len() as i16,
        cParamsOpt: 0,
        elemdescFunc: elem(result, None),
        ..Default::default()
    };
    // SAFETY: per the contract; the descriptions are copied by AddFuncDesc.
    unsafe {
        info.AddFuncDesc(index, &desc)?;
        let names: Vec<HSTRING> =
            std::iter::once(name).chain(params.iter().map(|p| p.name)).map(HSTRING::from).collect();
        let ptrs: Vec<PCWSTR> = names.iter().map(|n| PCWSTR(n.as_ptr())).collect();
        info.SetFuncAndParamNames(index, &ptrs)?;
        info.SetFuncDocString(index, &HSTRING::from(doc))
    }
}

/// AddRefTypeInfo: the handle of a referenced type. (The binding declares the out parameter
/// `*const u32`; the pointer passed is a `*mut` to a local.)
///
/// # Safety
/// `info` is a type being built, `referenced` type information of the same or another library.
unsafe fn reference(info: &ICreateTypeInfo, referenced: &ITypeInfo) -> windows_core::Result<u32> {
    let mut href = 0u32;
    let out: *mut u32 = &mut href;
    // SAFETY: per the contract; `out` is writable.
    unsafe { info.AddRefTypeInfo(referenced, out)? };
    Ok(href)
}

/// A dispinterface deriving from stdole's IDispatch.
///
/// # Safety
/// `lib` is a type library being built; `dispatch` is IDispatch's type information.
unsafe fn dispinterface(
    lib: &ICreateTypeLib2,
    dispatch: &ITypeInfo,
    name: &str,
    iid: &windows_core::GUID,
    doc: &str,
) -> windows_core::Result<ICreateTypeInfo> {
    // SAFETY: per the contract.
    unsafe {
        let info = lib.CreateTypeInfo(&HSTRING::from(name), TKIND_DISPATCH)?;
        info.SetGuid(iid)?;
        info.SetDocString(&HSTRING::from(doc))?;
        info.SetTypeFlags(TYPEFLAG_FDISPATCHABLE.0 as u32)?;
        info.AddImplType(0, reference(&info, dispatch)?)?;
        Ok(info)
    }
}

/// Builds the whole library (saved only when `save`): see the module's comment.
fn build(path: &str) -> windows_core::Result<ICreateTypeLib2> {
    let syskind = if cfg!(target_pointer_width = "64") { SYS_WIN64 } else { SYS_WIN32 };
    // SAFETY: COM calls with valid arguments; every description outlives the call that copies it.
    unsafe {
        let lib = CreateTypeLib2(syskind, &HSTRING::from(path))?;
        lib.SetName(&HSTRING::from(LIB_NAME))?;
        lib.SetGuid(&LIBID)?;
        lib.SetVersion(LIB_VERSION.0, LIB_VERSION.1)?;
        lib.SetDocString(&HSTRING::from("CSMailLib: SMTP, POP3 and TLS mail objects (csmail)"))?;
        let stdole = LoadTypeLib(&HSTRING::from("stdole2.tlb"))?;
        let dispatch = stdole.GetTypeInfoOfGuid(&windows::Win32::System::Com::IDispatch::IID)?;

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

        // The event interfaces.
        let mut sources: Vec<(Kind, ICreateTypeInfo)> = Vec::new();
        for kind in [Kind::LogHandler, Kind::Smtp, Kind::Pop3, Kind::Imap] {
            let Some((name, iid)) = events_of(kind) else { continue };
            let info = dispinterface(&lib, &dispatch, name, &iid, &format!("The events of {}", interface_of(kind).0))?;
            for (index, &(name, dispid, params, doc)) in events(kind).iter().enumerate() {
                let f = Function { name, dispid, invkind: INVOKE_FUNC, params, ty: Ty::Void, doc };
                add_function(&info, index as u32, &f)?;
            }
            info.LayOut()?;
            sources.push((kind, info));
        }

        // One dispinterface per kind (the proxy classes share one).
        let mut interfaces: Vec<(windows_core::GUID, ICreateTypeInfo)> = Vec::new();
        for class in CLASSES {
            let (name, iid) = interface_of(class.kind);
            if interfaces.iter().any(|(g, _)| *g == iid) {
                continue;
            }
            let info = dispinterface(&lib, &dispatch, &format!("I{name}"), &iid, class.doc)?;
            let mut index = 0;
            for m in members(class.kind) {
                let kinds: Vec<INVOKEKIND> = match m.shape {
                    Shape::Method => vec![INVOKE_FUNC],
                    Shape::Property { get, put } => [(get, INVOKE_PROPERTYGET), (put, INVOKE_PROPERTYPUT)]
                        .iter()
                        .filter(|(on, _)| *on)
                        .map(|(_, k)| *k)
                        .collect(),
                };
                for kind in kinds {
                    let f = Function {
                        name: m.name,
                        dispid: m.dispid,
                        invkind: kind,
                        params: m.params,
                        ty: m.ty,
                        doc: m.doc,
                    };
                    add_function(&info, index, &f)?;
                    index += 1;
                }
            }
            info.LayOut()?;
            interfaces.push((iid, info));
        }

        // The coclasses.
        for class in CLASSES {
            let info = lib.CreateTypeInfo(&HSTRING::from(class.name), TKIND_COCLASS)?;
            info.SetGuid(&class.clsid)?;
            info.SetDocString(&HSTRING::from(class.doc))?;
            info.SetTypeFlags(TYPEFLAG_FCANCREATE.0 as u32)?;
            let iid = interface_of(class.kind).1;
            let (_, interface) = interfaces.iter().find(|(g, _)| *g == iid).expect("every kind has its interface");
            info.AddImplType(0, reference(&info, &interface.cast::<ITypeInfo>()?)?)?;
            info.SetImplTypeFlags(0, IMPLTYPEFLAG_FDEFAULT)?;
            if let Some((_, source)) = sources.iter().find(|(k, _)| *k == class.kind) {
                info.AddImplType(1, reference(&info, &source.cast::<ITypeInfo>()?)?)?;
                info.SetImplTypeFlags(1, IMPLTYPEFLAG_FDEFAULT | IMPLTYPEFLAG_FSOURCE)?;
            }
            info.LayOut()?;
        }
        Ok(lib)
    }
}

/// Every constant of the tables, as csmail.h names them: the C name (`CSMAIL_...`) and the legacy
/// names beside it (`eexSSLCertName`, `SSLNoServerNameCheck`, `mailCertificateValid`, ...), each
/// name once. The groups are the header's, from the one list the library and build.rs share; the
/// result is checked against the header by scripts/test-com-wine.sh, which wants every name.
pub fn constants() -> Vec<(String, i32)> {
    use csmail::{api, error, message, options};
    let groups = api::constant_groups();
    let mut out: Vec<(String, i32)> = Vec::new();
    // Names without the prefix get a `CSMAIL_` twin, as in the header.
    let both = |name: &str, value: i32, out: &mut Vec<(String, i32)>| {
        if !name.starts_with("CSMAIL_") {
            out.push((format!("CSMAIL_{name}"), value));
        }
        out.push((name.to_owned(), value));
    };
    for r in error::RESULT_CODES {
        both(r.name, r.value, &mut out);
        r.aliases.iter().for_each(|a| out.push((a.to_string(), r.value)));
    }
    error::EEX_NUMBERS.iter().for_each(|r| both(r.name, r.value, &mut out));
    options::OPTIONS.iter().for_each(|o| both(o.name, o.index, &mut out));
    for p in api::properties::PROPERTIES.iter().chain(message::SECTION_PROPERTIES.iter()) {
        both(p.constant, p.id, &mut out);
    }
    for g in groups {
        for r in g.rows {
            both(r.name, r.value, &mut out);
            r.aliases.iter().for_each(|a| out.push((a.to_string(), r.value)));
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
    // SAFETY: a library just built.
    unsafe { build(path)?.SaveAllChanges() }
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
