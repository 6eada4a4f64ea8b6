//! LogHandler's OnLogMessage as a COM event: the connection point that VB's `WithEvents` and
//! `WScript.ConnectObject` advise their sink on, and the firing of the event.
//!
//! The library calls the log callback on the thread of the operation. The objects are
//! apartment-threaded, so that is the thread that created the LogHandler and holds the sinks;
//! an event raised on any other thread (which would need marshalling) is not delivered.

use crate::classes::LOG_EVENTS_IID;
use crate::members::ON_LOG_MESSAGE;
use std::sync::Mutex;
use std::thread::{self, ThreadId};
use windows::Win32::Foundation::{E_NOTIMPL, E_POINTER};
use windows::Win32::System::Com::{
    IConnectionPoint, IConnectionPointContainer, IConnectionPoint_Impl, IDispatch, IEnumConnections, DISPATCH_METHOD,
    DISPPARAMS,
};
use windows::Win32::System::Ole::{CONNECT_E_CANNOTCONNECT, CONNECT_E_NOCONNECTION};
use windows::Win32::System::Variant::VARIANT;
use windows_core::{implement, IUnknown, Interface, Ref, BSTR, GUID};

/// The sinks advised on one LogHandler.
pub struct Sinks {
    owner: ThreadId,
    list: Mutex<(u32, Vec<(u32, IDispatch)>)>,
}

// SAFETY: the IDispatch pointers are only called on `owner`, the apartment that advised them
// (checked in `fire`); other threads only move the container around inside the library.
unsafe impl Send for Sinks {}
unsafe impl Sync for Sinks {}

impl Sinks {
    pub fn new() -> Sinks {
        Sinks { owner: thread::current().id(), list: Mutex::new((0, Vec::new())) }
    }

    fn advise(&self, sink: IDispatch) -> u32 {
        let mut list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        list.0 += 1;
        let cookie = list.0;
        list.1.push((cookie, sink));
        cookie
    }

    fn unadvise(&self, cookie: u32) -> bool {
        let mut list = self.list.lock().unwrap_or_else(|e| e.into_inner());
        let before = list.1.len();
        list.1.retain(|(c, _)| *c != cookie);
        list.1.len() != before
    }

    /// Raises OnLogMessage(Severity, Facility, Message) on every sink; a sink's failure is its
    /// own and does not stop the operation that logs.
    pub fn fire(&self, severity: i32, facility: i32, message: &str) {
        if thread::current().id() != self.owner {
            return;
        }
        // A copy, so that a handler may Unadvise (or log) without deadlocking on the list.
        let sinks: Vec<IDispatch> =
            self.list.lock().unwrap_or_else(|e| e.into_inner()).1.iter().map(|(_, s)| s.clone()).collect();
        for sink in sinks {
            // DISPPARAMS hold the arguments last first.
            let mut args = [VARIANT::from(BSTR::from(message)), VARIANT::from(facility), VARIANT::from(severity)];
            let params = DISPPARAMS {
                rgvarg: args.as_mut_ptr(),
                rgdispidNamedArgs: std::ptr::null_mut(),
                cArgs: args.len() as u32,
                cNamedArgs: 0,
            };
            // SAFETY: a valid sink, arguments alive across the call, no result wanted.
            let _ = unsafe {
                sink.Invoke(ON_LOG_MESSAGE.1, &GUID::zeroed(), 0, DISPATCH_METHOD, &params, None, None, None)
            };
        }
    }
}

/// The connection point of a LogHandler (one per FindConnectionPoint call; all share the sinks).
#[implement(IConnectionPoint)]
pub struct LogConnectionPoint {
    pub sinks: std::sync::Arc<Sinks>,
    pub container: IConnectionPointContainer,
}

impl IConnectionPoint_Impl for LogConnectionPoint_Impl {
    fn GetConnectionInterface(&self) -> windows_core::Result<GUID> {
        Ok(LOG_EVENTS_IID)
    }
    fn GetConnectionPointContainer(&self) -> windows_core::Result<IConnectionPointContainer> {
        Ok(self.container.clone())
    }
    fn Advise(&self, sink: Ref<IUnknown>) -> windows_core::Result<u32> {
        let sink = sink.ok().map_err(|_| windows_core::Error::from(E_POINTER))?;
        // Scripts' and VB's sinks are IDispatch; the event is raised through Invoke.
        let disp: IDispatch =
            sink.cast::<IDispatch>().map_err(|_| windows_core::Error::from(CONNECT_E_CANNOTCONNECT))?;
        Ok(self.sinks.advise(disp))
    }
    fn Unadvise(&self, cookie: u32) -> windows_core::Result<()> {
        if self.sinks.unadvise(cookie) {
            Ok(())
        } else {
            Err(CONNECT_E_NOCONNECTION.into())
        }
    }
    fn EnumConnections(&self) -> windows_core::Result<IEnumConnections> {
        Err(E_NOTIMPL.into())
    }
}

pub fn connection_point(sinks: &std::sync::Arc<Sinks>, container: IConnectionPointContainer) -> IConnectionPoint {
    LogConnectionPoint { sinks: sinks.clone(), container }.into()
}
