//! COM events through connection points: LogHandler's OnLogMessage and the clients' OnProgress,
//! advised by VB's `WithEvents` and `WScript.ConnectObject` (found through IProvideClassInfo).
//!
//! The library calls its callbacks on the thread of the operation. The objects are
//! apartment-threaded, so that is the thread that created the object and holds the sinks; an
//! event raised on any other thread (which would need marshalling) is not delivered.

use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use windows::Win32::Foundation::{E_NOTIMPL, E_POINTER};
use windows::Win32::System::Com::{
    IConnectionPoint, IConnectionPointContainer, IConnectionPoint_Impl, IDispatch, IEnumConnections, DISPATCH_METHOD,
    DISPPARAMS,
};
use windows::Win32::System::Ole::{CONNECT_E_CANNOTCONNECT, CONNECT_E_NOCONNECTION};
use windows::Win32::System::Variant::VARIANT;
use windows_core::{implement, IUnknown, Interface, Ref, GUID};

/// The sinks advised on one object.
pub struct Sinks {
    owner: ThreadId,
    list: Mutex<(u32, Vec<(u32, IDispatch)>)>,
}

// SAFETY: the IDispatch pointers are only called on `owner`, the apartment that advised them
// (checked in `fire`); other threads only move the container around inside the library.
unsafe impl Send for Sinks {}
unsafe impl Sync for Sinks {}

impl Sinks {
    pub fn new() -> Arc<Sinks> {
        Arc::new(Sinks { owner: thread::current().id(), list: Mutex::new((0, Vec::new())) })
    }

    fn list(&self) -> std::sync::MutexGuard<'_, (u32, Vec<(u32, IDispatch)>)> {
        self.list.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn advise(&self, sink: IDispatch) -> u32 {
        let mut list = self.list();
        list.0 += 1;
        let cookie = list.0;
        list.1.push((cookie, sink));
        cookie
    }

    fn unadvise(&self, cookie: u32) -> bool {
        let mut list = self.list();
        let before = list.1.len();
        list.1.retain(|(c, _)| *c != cookie);
        list.1.len() != before
    }

    /// Raises an event (arguments first to last) on every sink; a sink's failure is its own and
    /// does not stop the operation that raised it.
    pub fn fire(&self, dispid: i32, args: Vec<VARIANT>) {
        if thread::current().id() != self.owner {
            return;
        }
        // A copy, so that a handler may Unadvise (or cause events) without deadlocking.
        let sinks: Vec<IDispatch> = self.list().1.iter().map(|(_, s)| s.clone()).collect();
        for sink in sinks {
            // DISPPARAMS hold the arguments last first.
            let mut reversed: Vec<VARIANT> = args.iter().rev().cloned().collect();
            let params = DISPPARAMS {
                rgvarg: reversed.as_mut_ptr(),
                rgdispidNamedArgs: std::ptr::null_mut(),
                cArgs: reversed.len() as u32,
                cNamedArgs: 0,
            };
            // SAFETY: a valid sink, arguments alive across the call, no result wanted.
            let _ = unsafe { sink.Invoke(dispid, &GUID::zeroed(), 0, DISPATCH_METHOD, &params, None, None, None) };
        }
    }
}

/// The connection point of one event interface (one per FindConnectionPoint call; all share the
/// object's sinks).
#[implement(IConnectionPoint)]
struct EventConnectionPoint {
    iid: GUID,
    sinks: Arc<Sinks>,
    container: IConnectionPointContainer,
}

impl IConnectionPoint_Impl for EventConnectionPoint_Impl {
    fn GetConnectionInterface(&self) -> windows_core::Result<GUID> {
        Ok(self.iid)
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

pub fn connection_point(iid: GUID, sinks: &Arc<Sinks>, container: IConnectionPointContainer) -> IConnectionPoint {
    EventConnectionPoint { iid, sinks: sinks.clone(), container }.into()
}
