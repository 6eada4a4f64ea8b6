//! The COM object every CSMailLib class is: one library object behind IDispatch (late binding,
//! names from `members`), IProvideClassInfo (the coclass's type information, which scripts'
//! event hookup reads) and IConnectionPointContainer (LogHandler's OnLogMessage, the clients'
//! OnProgress).

use crate::behaviour::{self, Call};
use crate::classes::{by_kind, events_of, Kind};
use crate::events::{connection_point, Sinks};
use crate::fault::{exception_of, Fault};
use crate::imap::ImapMemory;
use crate::members::{by_dispid, by_name, Shape, ON_LOG_MESSAGE, ON_PROGRESS};
use crate::typelib;
use csmail::api::{ErrorInfo, ImapClient, LogHandler, Message, Pop3Client, ProxyInfo, Section, SmtpClient, SslInfo};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use windows::Win32::Foundation::{
    DISP_E_BADPARAMCOUNT, DISP_E_EXCEPTION, DISP_E_MEMBERNOTFOUND, DISP_E_PARAMNOTOPTIONAL, DISP_E_UNKNOWNNAME,
    E_NOTIMPL, E_POINTER,
};
use windows::Win32::System::Com::{
    IConnectionPoint, IConnectionPointContainer, IConnectionPointContainer_Impl, IDispatch, IDispatch_Impl,
    IEnumConnectionPoints, ITypeInfo, DISPATCH_FLAGS, DISPATCH_METHOD, DISPATCH_PROPERTYGET, DISPATCH_PROPERTYPUT,
    DISPATCH_PROPERTYPUTREF, DISPPARAMS, EXCEPINFO,
};
use windows::Win32::System::Ole::{
    IProvideClassInfo, IProvideClassInfo_Impl, CONNECT_E_NOCONNECTION, DISPID_PROPERTYPUT,
};
use windows::Win32::System::Variant::VARIANT;
use windows_core::{implement, IUnknownImpl, Interface, BSTR, GUID, PCWSTR};

/// The library object inside.
pub enum Inner {
    Smtp(SmtpClient, Arc<Sinks>),
    Pop3(Pop3Client, Arc<Sinks>),
    Imap(ImapClient, Arc<Sinks>, ImapMemory),
    Ssl(Arc<SslInfo>),
    Log(Arc<LogHandler>, Arc<Sinks>),
    Error(ErrorInfo),
    Proxy(Arc<ProxyInfo>),
    Message(Arc<Message>),
    Section(Arc<Section>),
}

#[implement(IDispatch, IProvideClassInfo, IConnectionPointContainer)]
pub struct Automation {
    pub kind: Kind,
    pub inner: Inner,
}

impl Automation {
    /// A new object of a creatable kind.
    pub fn create(kind: Kind) -> Option<IDispatch> {
        let inner = match kind {
            Kind::Smtp => {
                let client = SmtpClient::new();
                let sinks = Sinks::new();
                client.set_progress(Some(progress_events(&sinks))).ok()?;
                Inner::Smtp(client, sinks)
            }
            Kind::Pop3 => {
                let client = Pop3Client::new();
                let sinks = Sinks::new();
                client.set_progress(Some(progress_events(&sinks))).ok()?;
                Inner::Pop3(client, sinks)
            }
            Kind::Imap => {
                let client = ImapClient::new();
                let sinks = Sinks::new();
                client.set_progress(Some(progress_events(&sinks))).ok()?;
                Inner::Imap(client, sinks, ImapMemory::new())
            }
            Kind::SslInfo => Inner::Ssl(Arc::new(SslInfo::new())),
            Kind::LogHandler => {
                let handler = Arc::new(LogHandler::new());
                let sinks = Sinks::new();
                let target = sinks.clone();
                let events = move |severity: i32, facility: i32, message: &str| {
                    let args =
                        vec![VARIANT::from(severity), VARIANT::from(facility), VARIANT::from(BSTR::from(message))];
                    target.fire(ON_LOG_MESSAGE.1, args)
                };
                handler.set_callback(Some(Arc::new(events))).ok()?;
                Inner::Log(handler, sinks)
            }
            Kind::ErrorInfo => Inner::Error(ErrorInfo::default()),
            Kind::Proxy(k) => Inner::Proxy(Arc::new(ProxyInfo::new(k)?)),
            Kind::Message => Inner::Message(Arc::new(Message::new())),
            Kind::Section => Inner::Section(Section::new("application/octet-stream").ok()?),
        };
        Some(Automation { kind, inner }.into())
    }

    /// An object around an existing library value (ExtendedError, a retrieved Message).
    pub fn wrap(kind: Kind, inner: Inner) -> IDispatch {
        Automation { kind, inner }.into()
    }
}

/// The progress callback that raises OnProgress; it never stops the operation itself (a
/// handler calls Abort for that).
fn progress_events(sinks: &Arc<Sinks>) -> csmail::api::client::ProgressFn {
    let target = sinks.clone();
    Arc::new(move |done: u64, total: Option<u64>| {
        let total = total.map_or(-1.0, |t| t as f64);
        target.fire(ON_PROGRESS.1, vec![VARIANT::from(done as f64), VARIANT::from(total)]);
        true
    })
}

/// The library object behind an IDispatch, when it is one of ours.
pub fn inner_of(disp: &IDispatch) -> Option<&Inner> {
    disp.cast_object_ref::<Automation>().ok().map(|o| &o.inner)
}

/// The arguments of an Invoke: positional ones first-to-last, and a property put's value.
struct Args {
    positional: Vec<VARIANT>,
    value: Option<VARIANT>,
}

fn read_args(params: &DISPPARAMS, put: bool) -> Result<Args, Fault> {
    let all: &[VARIANT] = if params.cArgs == 0 || params.rgvarg.is_null() {
        &[]
    } else {
        // SAFETY: the caller passes cArgs VARIANTs at rgvarg.
        unsafe { std::slice::from_raw_parts(params.rgvarg, params.cArgs as usize) }
    };
    let named: &[i32] = if params.cNamedArgs == 0 || params.rgdispidNamedArgs.is_null() {
        &[]
    } else {
        // SAFETY: likewise cNamedArgs DISPIDs.
        unsafe { std::slice::from_raw_parts(params.rgdispidNamedArgs, params.cNamedArgs as usize) }
    };
    let mut value = None;
    let mut skip = 0;
    if put {
        // The value of a property put is the named argument DISPID_PROPERTYPUT, always first.
        if named.first() != Some(&DISPID_PROPERTYPUT) || all.is_empty() {
            return Err(Fault::Dispatch(DISP_E_PARAMNOTOPTIONAL, None));
        }
        value = Some(all[0].clone());
        skip = 1;
    } else if !named.is_empty() {
        // Named arguments (Send From:=...) are not supported: say so rather than misplace them.
        return Err(Fault::Dispatch(DISP_E_UNKNOWNNAME, None));
    }
    let positional = all[skip..].iter().rev().cloned().collect();
    Ok(Args { positional, value })
}

impl IDispatch_Impl for Automation_Impl {
    fn GetTypeInfoCount(&self) -> windows_core::Result<u32> {
        Ok(u32::from(typelib::interface_info(self.kind).is_some()))
    }

    fn GetTypeInfo(&self, _itinfo: u32, _lcid: u32) -> windows_core::Result<ITypeInfo> {
        typelib::interface_info(self.kind).ok_or_else(|| E_NOTIMPL.into())
    }

    fn GetIDsOfNames(
        &self,
        _riid: *const GUID,
        names: *const PCWSTR,
        count: u32,
        _lcid: u32,
        dispids: *mut i32,
    ) -> windows_core::Result<()> {
        if names.is_null() || dispids.is_null() || count == 0 {
            return Err(E_POINTER.into());
        }
        // SAFETY: the caller passes `count` names and room for `count` DISPIDs.
        let (names, out) = unsafe {
            (std::slice::from_raw_parts(names, count as usize), std::slice::from_raw_parts_mut(dispids, count as usize))
        };
        // SAFETY: each name is a NUL-terminated UTF-16 string.
        let name = String::from_utf16_lossy(unsafe { names[0].as_wide() });
        let member = by_name(self.kind, &name);
        out[0] = member.map_or(-1, |m| m.dispid);
        // Parameter names (the rest) map to their positions.
        let mut unknown = member.is_none();
        for (i, n) in names.iter().enumerate().skip(1) {
            // SAFETY: as above.
            let n = String::from_utf16_lossy(unsafe { n.as_wide() });
            let pos = member.and_then(|m| m.params.iter().position(|p| p.name.eq_ignore_ascii_case(&n)));
            out[i] = pos.map_or(-1, |p| p as i32);
            unknown |= pos.is_none();
        }
        if unknown {
            Err(DISP_E_UNKNOWNNAME.into())
        } else {
            Ok(())
        }
    }

    fn Invoke(
        &self,
        dispid: i32,
        _riid: *const GUID,
        _lcid: u32,
        flags: DISPATCH_FLAGS,
        params: *const DISPPARAMS,
        result: *mut VARIANT,
        excepinfo: *mut EXCEPINFO,
        argerr: *mut u32,
    ) -> windows_core::Result<()> {
        let Some(member) = by_dispid(self.kind, dispid) else {
            return Err(DISP_E_MEMBERNOTFOUND.into());
        };
        let put = flags.0 & (DISPATCH_PROPERTYPUT.0 | DISPATCH_PROPERTYPUTREF.0) != 0;
        let call = match member.shape {
            Shape::Property { put: true, .. } if put => Call::Put,
            Shape::Property { get: true, .. }
                if flags.0 & (DISPATCH_PROPERTYGET.0 | DISPATCH_METHOD.0) != 0 && !put =>
            {
                Call::Get
            }
            Shape::Method if flags.0 & DISPATCH_METHOD.0 != 0 => Call::Method,
            _ => return Err(DISP_E_MEMBERNOTFOUND.into()),
        };
        let empty = DISPPARAMS::default();
        // SAFETY: DISPPARAMS is required by the contract; NULL is taken as no arguments.
        let params = unsafe { params.as_ref() }.unwrap_or(&empty);
        let outcome = read_args(params, put).and_then(|args| {
            let required = member.params.iter().filter(|p| !p.optional).count();
            if args.positional.len() < required || args.positional.len() > member.params.len() {
                return Err(Fault::Dispatch(DISP_E_BADPARAMCOUNT, None));
            }
            // A panic in the library must not unwind into the script host.
            catch_unwind(AssertUnwindSafe(|| {
                behaviour::invoke(self, member, call, &args.positional, args.value.as_ref())
            }))
            .unwrap_or_else(|_| {
                Err(Fault::Library(csmail::Error::new(
                    csmail::error::CSMAIL_E_PANIC,
                    csmail::error::eexPanic,
                    "internal error in CSMailLib (a panic was caught); please report it",
                )))
            })
        });
        match outcome {
            Ok(value) => {
                if !result.is_null() {
                    // SAFETY: the caller's result VARIANT, initialised by the caller.
                    unsafe { *result = value.into_variant() };
                }
                Ok(())
            }
            Err(Fault::Dispatch(hr, position)) => {
                if let (Some(p), false) = (position, argerr.is_null()) {
                    // SAFETY: the caller's argument-error slot; positions count from the last.
                    unsafe { *argerr = params.cArgs.saturating_sub(1 + p) };
                }
                Err(hr.into())
            }
            Err(Fault::Library(e)) => {
                if excepinfo.is_null() {
                    return Err(crate::fault::hresult_of(e.result).into());
                }
                let (scode, source, description) = exception_of(by_kind(self.kind).name, &e);
                // SAFETY: the caller's EXCEPINFO; the BSTRs are the caller's to free.
                unsafe {
                    *excepinfo = EXCEPINFO {
                        bstrSource: std::mem::ManuallyDrop::new(source),
                        bstrDescription: std::mem::ManuallyDrop::new(description),
                        scode: scode.0,
                        ..Default::default()
                    };
                }
                Err(DISP_E_EXCEPTION.into())
            }
        }
    }
}

impl IProvideClassInfo_Impl for Automation_Impl {
    fn GetClassInfo(&self) -> windows_core::Result<ITypeInfo> {
        typelib::class_info(self.kind).ok_or_else(|| E_NOTIMPL.into())
    }
}

impl IConnectionPointContainer_Impl for Automation_Impl {
    fn EnumConnectionPoints(&self) -> windows_core::Result<IEnumConnectionPoints> {
        Err(E_NOTIMPL.into())
    }

    fn FindConnectionPoint(&self, riid: *const GUID) -> windows_core::Result<IConnectionPoint> {
        // SAFETY: the caller's IID, or NULL.
        let iid = unsafe { riid.as_ref() }.ok_or(windows_core::Error::from(E_POINTER))?;
        let sinks = match &self.inner {
            Inner::Log(_, s) | Inner::Smtp(_, s) | Inner::Pop3(_, s) | Inner::Imap(_, s, _) => s,
            _ => return Err(CONNECT_E_NOCONNECTION.into()),
        };
        match events_of(self.kind) {
            Some((_, events)) if events == *iid => Ok(connection_point(events, sinks, self.to_interface())),
            _ => Err(CONNECT_E_NOCONNECTION.into()),
        }
    }
}
