//! C functions of the Message object (the bytes of a retrieved message).

use super::common::{guard, out};
use super::handles::{self, Object};
use crate::error::Error;

/// A Message: the raw RFC 5322 bytes of a message retrieved by POP3Client.
pub struct csmail_message {
    _private: [u8; 0],
}

fn is_message(o: &Object) -> bool {
    matches!(o, Object::Message(_))
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_message_addref(message: *const csmail_message) -> i32 {
    guard(|| handles::addref_typed(message, is_message, "Message handle"))
}

/// Releases a reference; the last one frees the message and its bytes.
#[no_mangle]
pub extern "C" fn csmail_message_release(message: *const csmail_message) -> i32 {
    guard(|| handles::release_typed(message, is_message, "Message handle"))
}

/// The message's bytes: `*data_out` points to `*len_out` bytes owned by the message, valid
/// until its last reference is released. Not NUL-terminated.
///
/// # Safety
/// `data_out` and `len_out` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_data(
    message: *const csmail_message,
    data_out: *mut *const u8,
    len_out: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // The bytes live inside the Arc the registry holds, so the pointer stays valid while
        // the handle is alive.
        let data = m.data();
        // Both out-pointers are checked before either is written: a failure writes nothing.
        if data_out.is_null() || len_out.is_null() {
            return Err(Error::invalid_arg(if data_out.is_null() { "data_out is NULL" } else { "len_out is NULL" }));
        }
        // SAFETY: caller contract; both checked non-NULL.
        unsafe {
            out(data_out, data.as_ptr(), "data_out")?;
            out(len_out, data.len(), "len_out")
        }
    })
}
