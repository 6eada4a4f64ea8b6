//! The C functions every handle object has (new, addref, release, values, strings and bytes
//! out, strings in), written once: each `csmail_<object>_*` function is a one-line call into
//! these, typed by its handle (`csmail_sslinfo`, `csmail_message` ...).
//!
//! Every helper first looks the handle up (CSMAIL_E_INVALID_HANDLE), then converts arguments
//! and asks the object, then writes the out-parameter, in that order: a bad handle is reported
//! before any other argument is read.

use super::common::{guard, opt_str, out, str_arg, write_bytes, write_str};
use super::handles::{self, Registered};
use crate::api::{Message, Section};
use crate::error::{Error, Result};
use std::ffi::c_char;
use std::sync::Arc;

/// An opaque C handle type (`csmail_sslinfo` ...) and the object behind it; each object's file
/// says which.
pub(crate) trait Handle {
    type Object: Registered;
}

/// The object behind a handle.
pub(crate) fn get<H: Handle>(h: *const H) -> Result<Arc<H::Object>> {
    handles::get::<H::Object, H>(h)
}

/// Registers an object with one reference, handed to the caller.
pub(crate) fn new<H: Handle>(object: H::Object) -> *mut H {
    handles::register_as(Arc::new(object)) as *mut H
}

/// Registers a new reference to `object` in `*p` (NULL: CSMAIL_E_INVALID_ARGUMENT naming `what`).
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn new_out<H: Handle>(object: Arc<H::Object>, p: *mut *mut H, what: &str) -> Result<()> {
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and writable per the contract.
    unsafe { *p = handles::register_as(object) as *mut H };
    Ok(())
}

/// Runs the body of a C function on the object behind `h`.
pub(crate) fn on<H: Handle>(h: *const H, f: impl FnOnce(&Arc<H::Object>) -> Result<()>) -> i32 {
    guard(|| f(&get(h)?))
}

pub(crate) fn addref<H: Handle>(h: *const H) -> i32 {
    guard(|| handles::addref_as::<H::Object, H>(h))
}

pub(crate) fn release<H: Handle>(h: *const H) -> i32 {
    guard(|| handles::release_as::<H::Object, H>(h))
}

/// A value out (count, flag, Int property): `f` reads it, `value_out` (named `what`) gets it.
///
/// # Safety
/// `value_out` is NULL or writable.
pub(crate) unsafe fn get_value<H: Handle, V>(
    h: *const H,
    value_out: *mut V,
    what: &str,
    f: impl FnOnce(&Arc<H::Object>) -> Result<V>,
) -> i32 {
    // SAFETY: forwarded caller contract.
    on(h, |o| unsafe { out(value_out, f(o)?, what) })
}

/// A string out, into a caller buffer with the NUL (`needed_out` gets the size; a NULL buffer
/// only asks).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
pub(crate) unsafe fn get_str<H: Handle, S: AsRef<str>>(
    h: *const H,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
    f: impl FnOnce(&Arc<H::Object>) -> Result<S>,
) -> i32 {
    // SAFETY: forwarded caller contract.
    on(h, |o| unsafe { write_str(f(o)?.as_ref(), buf, len, needed_out) })
}

/// Bytes out, into a caller buffer without a NUL (`needed_out` gets the size).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
pub(crate) unsafe fn get_bytes<H: Handle, B: AsRef<[u8]>>(
    h: *const H,
    buf: *mut u8,
    len: usize,
    needed_out: *mut usize,
    f: impl FnOnce(&Arc<H::Object>) -> Result<B>,
) -> i32 {
    // SAFETY: forwarded caller contract.
    on(h, |o| unsafe { write_bytes(f(o)?.as_ref(), buf, len, needed_out) })
}

/// A string in (`value`, named `what` in errors; NULL refused), given to `f`.
///
/// # Safety
/// `value` is NULL or NUL-terminated.
pub(crate) unsafe fn set_str<H: Handle>(
    h: *const H,
    value: *const c_char,
    what: &str,
    f: impl FnOnce(&Arc<H::Object>, &str) -> Result<()>,
) -> i32 {
    // SAFETY: forwarded caller contract.
    on(h, |o| f(o, unsafe { str_arg(value, what) }?))
}

/// An optional string in (`value`: NULL is None), given to `f`.
///
/// # Safety
/// `value` is NULL or NUL-terminated.
pub(crate) unsafe fn set_opt_str<H: Handle>(
    h: *const H,
    value: *const c_char,
    f: impl FnOnce(&Arc<H::Object>, Option<&str>) -> Result<()>,
) -> i32 {
    // SAFETY: forwarded caller contract.
    on(h, |o| f(o, unsafe { opt_str(value, "value") }?))
}

/// Entry `index` of a list (0-based); out of range is CSMAIL_E_INVALID_ARGUMENT,
/// "`what` `index` of `len`".
pub(crate) fn nth<T>(list: Vec<T>, index: usize, what: &str) -> Result<T> {
    let n = list.len();
    list.into_iter().nth(index).ok_or_else(|| Error::invalid_arg(format!("{what} {index} of {n}")))
}

/// A new reference to another object out (a section of a message, a child of a section):
/// `f` finds it, `*object_out` (named `what`; NULL refused) receives the handle.
///
/// # Safety
/// `object_out` is NULL or writable.
pub(crate) unsafe fn get_handle<H: Handle, C: Handle>(
    h: *const H,
    object_out: *mut *mut C,
    what: &str,
    f: impl FnOnce(&Arc<H::Object>) -> Result<Arc<C::Object>>,
) -> i32 {
    // SAFETY: forwarded caller contract.
    on(h, |o| unsafe { new_out(f(o)?, object_out, what) })
}

/// As `new_out`, for an out-parameter the caller may leave NULL (no reference is made then).
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn optional_new_out<H: Handle>(object: Arc<H::Object>, p: *mut *mut H) -> Result<()> {
    if !p.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *p = handles::register_as(object) as *mut H };
    }
    Ok(())
}

/// A caller buffer for a string out: (`buf`, `len`, `needed_out`) as for `get_str`.
pub(crate) type StrOut = (*mut c_char, usize, *mut usize);

/// Two strings out (a name and its value), each into its own caller buffer.
///
/// # Safety
/// Each buffer is NULL or has its length writable; each `needed_out` is NULL or writable.
pub(crate) unsafe fn get_str_pair<H: Handle, A: AsRef<str>, B: AsRef<str>>(
    h: *const H,
    first: StrOut,
    second: StrOut,
    f: impl FnOnce(&Arc<H::Object>) -> Result<(A, B)>,
) -> i32 {
    on(h, |o| {
        let (a, b) = f(o)?;
        // SAFETY: forwarded caller contract.
        unsafe {
            write_str(a.as_ref(), first.0, first.1, first.2)?;
            write_str(b.as_ref(), second.0, second.1, second.2)
        }
    })
}

/// An object with named header fields (a Message, a Section): the header functions of both are
/// written once.
pub(crate) trait Headers {
    fn header(&self, name: &str) -> Option<String>;
    fn set_header(&self, name: &str, value: &str) -> Result<()>;
    fn remove_header(&self, name: &str) -> bool;
}

macro_rules! headers {
    ($ty:ty) => {
        impl Headers for $ty {
            fn header(&self, name: &str) -> Option<String> {
                <$ty>::header(self, name)
            }
            fn set_header(&self, name: &str, value: &str) -> Result<()> {
                <$ty>::set_header(self, name, value)
            }
            fn remove_header(&self, name: &str) -> bool {
                <$ty>::remove_header(self, name)
            }
        }
    };
}

headers!(Message);
headers!(Section);

/// A header's value by `name` ("" when absent), as a string out.
///
/// # Safety
/// `name` is NULL or NUL-terminated; `buf` is NULL or has `len` writable bytes; `needed_out` is
/// NULL or writable.
pub(crate) unsafe fn get_header<H: Handle>(
    h: *const H,
    name: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32
where
    H::Object: Headers,
{
    // SAFETY: forwarded caller contract.
    unsafe { get_str(h, buf, len, needed_out, |o| Ok(o.header(str_arg(name, "name")?).unwrap_or_default())) }
}

/// Sets header `name` to `value`, or removes it when `value` is NULL.
///
/// # Safety
/// `name` and `value` are NULL or NUL-terminated.
pub(crate) unsafe fn set_header<H: Handle>(h: *const H, name: *const c_char, value: *const c_char) -> i32
where
    H::Object: Headers,
{
    on(h, |o| {
        // SAFETY: forwarded caller contract.
        let (name, value) = unsafe { (str_arg(name, "name")?, opt_str(value, "value")?) };
        match value {
            Some(v) => o.set_header(name, v),
            None => {
                o.remove_header(name);
                Ok(())
            }
        }
    })
}
