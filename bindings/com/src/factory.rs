//! The class factory and the DLL's COM entry points (DllGetClassObject, DllCanUnloadNow).

use crate::classes::{by_clsid, ClassDef};
use crate::object::Automation;
use windows::Win32::Foundation::{CLASS_E_CLASSNOTAVAILABLE, CLASS_E_NOAGGREGATION, E_OUTOFMEMORY, E_POINTER, S_FALSE};
use windows::Win32::System::Com::{IClassFactory, IClassFactory_Impl};
use windows_core::{implement, IUnknown, Interface, Ref, BOOL, GUID, HRESULT};

#[implement(IClassFactory)]
struct Factory {
    class: &'static ClassDef,
}

impl IClassFactory_Impl for Factory_Impl {
    fn CreateInstance(
        &self,
        outer: Ref<IUnknown>,
        riid: *const GUID,
        object: *mut *mut core::ffi::c_void,
    ) -> windows_core::Result<()> {
        if object.is_null() || riid.is_null() {
            return Err(E_POINTER.into());
        }
        // SAFETY: checked non-NULL above.
        unsafe { *object = std::ptr::null_mut() };
        if outer.is_some() {
            return Err(CLASS_E_NOAGGREGATION.into());
        }
        let instance = Automation::create(self.class.kind).ok_or(windows_core::Error::from(E_OUTOFMEMORY))?;
        // SAFETY: QueryInterface writes the interface asked for into the caller's slot.
        unsafe { instance.query(riid, object) }.ok()
    }

    fn LockServer(&self, lock: BOOL) -> windows_core::Result<()> {
        // The DLL never unloads (DllCanUnloadNow), so a lock has nothing to keep.
        let _ = lock;
        Ok(())
    }
}

/// DllGetClassObject: the class factory of a CSMailLib CLSID.
///
/// # Safety
/// COM calls it with valid pointers (NULL ones are refused).
#[no_mangle]
pub unsafe extern "system" fn DllGetClassObject(
    clsid: *const GUID,
    riid: *const GUID,
    out: *mut *mut core::ffi::c_void,
) -> HRESULT {
    if clsid.is_null() || riid.is_null() || out.is_null() {
        return E_POINTER;
    }
    // SAFETY: checked non-NULL; the caller's pointers.
    unsafe {
        *out = std::ptr::null_mut();
        let Some(class) = by_clsid(&*clsid) else {
            return CLASS_E_CLASSNOTAVAILABLE;
        };
        let factory: IClassFactory = Factory { class }.into();
        factory.query(riid, out)
    }
}

/// DllCanUnloadNow: always S_FALSE. Objects hand out library objects to each other
/// (ExtendedError, retrieved Messages, handlers shared between clients) and the library may
/// run a callback late; staying loaded until the process ends is always safe.
#[no_mangle]
pub extern "system" fn DllCanUnloadNow() -> HRESULT {
    S_FALSE
}
