//! What every C function shares: the panic guard, this thread's last error, string
//! conversion, and the library-wide functions (version, strerror, last error).

use crate::error::{self, Error, Result};
use once_cell::sync::Lazy;
use std::cell::RefCell;
use std::ffi::{c_char, c_void, CStr, CString};

/// Result codes are small: 0 .. RESULT_CODES-1.
const RESULT_CODES: i32 = 32;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    static LAST: RefCell<(i32, String)> = const { RefCell::new((0, String::new())) };
}

/// Runs the body of a C function: converts its outcome to a result code, remembers the error
/// for `csmail_last_eex`, and stops panics at the boundary.
pub(crate) fn guard(f: impl FnOnce() -> Result<()>) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::new(error::CSMAIL_E_PANIC, error::eexPanic, "internal error: a panic was caught at the C boundary"))
    });
    // try_with: a call from a thread-local destructor may come after LAST is gone; the result
    // code still tells the caller, only the thread's last error is not kept.
    let _ = LAST.try_with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            *l = match &outcome {
                Ok(()) => (0, String::new()),
                Err(e) => (e.eex, e.text.clone()),
            }
        }
    });
    match outcome {
        Ok(()) => error::CSMAIL_OK,
        Err(e) => e.result,
    }
}

/// Borrows a NUL-terminated UTF-8 argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn str_arg<'a>(p: *const c_char, what: &str) -> Result<&'a str> {
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and NUL-terminated per the contract.
    unsafe { CStr::from_ptr(p) }.to_str().map_err(|_| {
        Error::new(error::CSMAIL_E_INVALID_ARGUMENT, error::eexInvalidUtf8, format!("{what} is not valid UTF-8"))
    })
}

/// Refuses a count of `T`s that no array can hold (over `isize::MAX` bytes), before a slice is
/// made of it: such a count is a caller's error (an unset or negative length), and a slice of it
/// is undefined behaviour.
pub(crate) fn check_count<T>(count: usize, what: &str) -> Result<()> {
    if count > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Error::invalid_arg(format!("{what}: a count of {count} is larger than any array can be")));
    }
    Ok(())
}

/// Borrows an array of strings.
///
/// # Safety
/// `p` is NULL (with `n` 0) or points to `n` string pointers valid for the call.
pub(crate) unsafe fn str_array<'a>(p: *const *const c_char, n: usize, what: &str) -> Result<Vec<&'a str>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    check_count::<*const c_char>(n, what)?;
    // SAFETY: p points to n pointers per the contract.
    let ptrs = unsafe { std::slice::from_raw_parts(p, n) };
    ptrs.iter().map(|&s| unsafe { str_arg(s, what) }).collect()
}

/// Borrows an array (a byte buffer, message numbers); (NULL, 0) is the empty array.
///
/// # Safety
/// `p` is NULL with `len` 0, or points to `len` readable elements.
pub(crate) unsafe fn slice_arg<'a, T>(p: *const T, len: usize, what: &str) -> Result<&'a [T]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    check_count::<T>(len, what)?;
    // SAFETY: non-NULL, len readable elements per the contract.
    Ok(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Writes a string into a caller buffer. `needed_out` (if not NULL) gets the size with the NUL.
/// A NULL buffer only asks for the size; a buffer too small gets nothing and
/// CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
pub(crate) unsafe fn write_str(s: &str, buf: *mut c_char, len: usize, needed_out: *mut usize) -> Result<()> {
    let needed = s.len() + 1;
    // SAFETY: forwarded caller contract; the NUL is written below once the size is checked.
    unsafe { write_slice(s.as_bytes(), needed, buf as *mut u8, len, needed_out, "bytes") }?;
    if !buf.is_null() {
        // SAFETY: buf has at least needed = s.len() + 1 bytes (checked by write_slice).
        unsafe { *buf.add(s.len()) = 0 };
    }
    Ok(())
}

/// Writes bytes into a caller buffer: `needed_out` gets the size (no NUL added); a NULL buffer
/// only asks.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
pub(crate) unsafe fn write_bytes(data: &[u8], buf: *mut u8, len: usize, needed_out: *mut usize) -> Result<()> {
    // SAFETY: forwarded caller contract.
    unsafe { write_slice(data, data.len(), buf, len, needed_out, "bytes") }
}

/// Writes an array into a caller array of `len` entries: `needed_out` (if not NULL) gets
/// `needed`, the entries the whole value takes (`data` plus any terminator the caller adds); a
/// NULL `buf` only asks; an array too small gets nothing and CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `buf` is NULL or has `len` writable entries; `needed_out` is NULL or writable.
pub(crate) unsafe fn write_slice<T: Copy>(
    data: &[T],
    needed: usize,
    buf: *mut T,
    len: usize,
    needed_out: *mut usize,
    unit: &str,
) -> Result<()> {
    // SAFETY: NULL or writable per the contract.
    unsafe { optional_out(needed_out, needed) };
    if buf.is_null() {
        return Ok(());
    }
    if len < needed {
        return Err(Error::new(
            error::CSMAIL_E_BUFFER_TOO_SMALL,
            error::eexBufferTooSmall,
            format!("the buffer has {len} {unit}; {needed} are needed"),
        ));
    }
    // SAFETY: buf has at least needed >= data.len() entries.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len()) };
    Ok(())
}

/// An optional string argument: NULL is None.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
pub(crate) unsafe fn opt_str<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded.
    unsafe { str_arg(p, what) }.map(Some)
}

/// Writes an out-parameter, refusing NULL.
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn out<T>(p: *mut T, value: T, what: &str) -> Result<()> {
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    // SAFETY: non-NULL and writable per the contract.
    unsafe { *p = value };
    Ok(())
}

/// An application's userdata pointer, carried to the operation's thread. The application
/// promises (as documented for every callback) that it may be used there.
#[derive(Clone, Copy)]
pub(crate) struct UserData(pub *mut c_void);
// SAFETY: csmail only passes the pointer back to the application's own callback.
unsafe impl Send for UserData {}
// SAFETY: as above.
unsafe impl Sync for UserData {}

/// The library version, e.g. "0.1.0".
///
/// Returns a static NUL-terminated string; never NULL; any thread.
#[no_mangle]
pub extern "system" fn csmail_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr() as *const c_char
}

/// A static description of a result code (CSMAIL_OK, CSMAIL_E_*).
///
/// Returns a static NUL-terminated string, "unknown result code" for values not defined;
/// never NULL; any thread.
#[no_mangle]
pub extern "system" fn csmail_strerror(result: i32) -> *const c_char {
    // NUL-terminated copies of the static texts, made once.
    static TEXTS: Lazy<Vec<CString>> = Lazy::new(|| {
        (0..RESULT_CODES).map(|c| CString::new(error::result_text(c)).expect("no NUL in texts")).collect()
    });
    match usize::try_from(result).ok().and_then(|i| TEXTS.get(i)) {
        Some(s) => s.as_ptr(),
        None => c"unknown result code".as_ptr(),
    }
}

/// The eex number of this thread's last failed csmail call (0 if the last call succeeded).
///
/// Use it when no client handle is at hand, e.g. after CSMAIL_E_INVALID_HANDLE. Any thread;
/// each thread has its own. Calls from a thread-local destructor (a pthread key's, after
/// csmail's own storage of the thread is gone) work, but keep no last error: this gives 0.
#[no_mangle]
pub extern "system" fn csmail_last_eex() -> i32 {
    // 0 once the thread's storage is gone (a call from a thread-local destructor).
    LAST.try_with(|l| l.try_borrow().map_or(0, |l| l.0)).unwrap_or(0)
}

/// The text of this thread's last failed csmail call ("" if it succeeded).
///
/// `buf`/`len`: caller buffer, NULL to ask the size; `needed_out`: size with NUL, may be NULL.
/// This call does not change the last error. Returns CSMAIL_OK or CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_last_error_text(buf: *mut c_char, len: usize, needed_out: *mut usize) -> i32 {
    let text = LAST.try_with(|l| l.try_borrow().map(|l| l.1.clone()).unwrap_or_default()).unwrap_or_default();
    // SAFETY: forwarded caller contract.
    match unsafe { write_str(&text, buf, len, needed_out) } {
        Ok(()) => error::CSMAIL_OK,
        Err(e) => e.result,
    }
}

/// Refuses a NULL out-parameter before the call does anything.
pub(crate) fn non_null<T>(p: *mut T, what: &str) -> Result<()> {
    if p.is_null() {
        return Err(Error::invalid_arg(format!("{what} is NULL")));
    }
    Ok(())
}

/// Writes an out-parameter the caller may leave NULL.
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn optional_out<T>(p: *mut T, value: T) {
    if !p.is_null() {
        // SAFETY: non-NULL and writable per the contract.
        unsafe { *p = value };
    }
}
