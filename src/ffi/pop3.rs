//! C functions of the POP3Client object: each a one-line call into the generic client
//! functions (`ffi::client`), the shared retrieval helpers below, or the POP3Client API.

use super::client::{self, checked, on_client};
use super::common::{non_null, optional_out, slice_arg, str_arg, write_str, UserData};
use super::message::csmail_message;
use super::object;
use super::{
    csmail_errorinfo, csmail_message_callback, csmail_progress_callback, csmail_write_callback, write_callback_sink,
};
use crate::api::Pop3;
use crate::error::Error;
use std::ffi::{c_char, c_void};
use std::io;
use std::sync::Arc;

/// RETR n (or TOP n lines) into a new Message for the caller.
///
/// # Safety
/// `message_out` is NULL or writable.
unsafe fn retrieve_message(
    pop3: *const csmail_pop3,
    number: u32,
    top_lines: Option<u32>,
    message_out: *mut *mut csmail_message,
) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        checked(c, non_null(message_out, "message_out"))?;
        let message = match top_lines {
            Some(lines) => c.top_message(number, lines)?,
            None => c.retrieve_message(number)?,
        };
        // SAFETY: checked non-NULL; caller contract.
        unsafe { object::new_out(Arc::new(message), message_out, "message_out") }
    })
}

/// RETR n (or TOP n lines) into a file.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
unsafe fn retrieve_file(pop3: *const csmail_pop3, number: u32, top_lines: Option<u32>, path: *const c_char) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        // SAFETY: caller contract.
        let path = checked(c, unsafe { str_arg(path, "path") })?;
        c.retrieve_file(number, path, top_lines).map(|_| ())
    })
}

/// RETR n (or TOP n lines) into a write callback.
fn retrieve_cb(
    pop3: *const csmail_pop3,
    number: u32,
    top_lines: Option<u32>,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        let mut sink = checked(c, write_callback_sink(callback, UserData(userdata)))?;
        match top_lines {
            Some(lines) => c.top(number, lines, &mut sink),
            None => c.retrieve(number, &mut sink),
        }
        .map(|_| ())
    })
}

/// A POP3Client: connects to a POP3 server, lists, retrieves and deletes messages.
pub struct csmail_pop3 {
    _private: [u8; 0],
}

/// Creates a POP3Client with one reference (release with `csmail_pop3_release`). Never NULL.
#[no_mangle]
pub extern "system" fn csmail_pop3_new() -> *mut csmail_pop3 {
    client::new::<Pop3>() as *mut csmail_pop3
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_pop3_addref(pop3: *const csmail_pop3) -> i32 {
    client::addref::<Pop3, _>(pop3)
}

/// Releases a reference; the last one closes the connection WITHOUT QUIT (deletions are not
/// committed) and frees the client. An operation running on another thread is aborted (it
/// returns CSMAIL_E_ABORTED promptly, see csmail_pop3_abort) and the client is freed when it has
/// returned. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_pop3_release(pop3: *const csmail_pop3) -> i32 {
    client::release::<Pop3, _>(pop3)
}

/// Sets a string property (CSMAIL_PROP_HOST, _USER, _PASSWORD). CR, LF, NUL are refused.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_set_str(
    pop3: *const csmail_pop3,
    property: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::set_str::<Pop3, _>(pop3, property, value) }
}

/// Reads a string property (HOST, USER, REPLY_TEXT, CAPABILITIES) into a caller buffer.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_get_str(
    pop3: *const csmail_pop3,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::get_str::<Pop3, _>(pop3, property, buf, len, needed_out) }
}

/// Sets an integer property (CSMAIL_PROP_PORT, _TIMEOUT_MS, _AUTH_MECH: AUTO, PLAIN, USER_PASS, APOP).
#[no_mangle]
pub extern "system" fn csmail_pop3_set_int(pop3: *const csmail_pop3, property: i32, value: i32) -> i32 {
    client::set_int::<Pop3, _>(pop3, property, value)
}

/// Reads an integer property (PORT, TIMEOUT_MS, AUTH_MECH, CONNECTED, TLS_ACTIVE).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_get_int(pop3: *const csmail_pop3, property: i32, value_out: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::get_int::<Pop3, _>(pop3, property, value_out) }
}

/// SetAdvancedHandler: attaches an SSLInfo or a LogHandler (the client keeps its own reference).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "system" fn csmail_pop3_set_advanced_handler(pop3: *const csmail_pop3, handler: *const c_void) -> i32 {
    client::set_advanced_handler::<Pop3, _>(pop3, handler)
}

/// Detaches an advanced handler. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "system" fn csmail_pop3_remove_advanced_handler(pop3: *const csmail_pop3, handler: *const c_void) -> i32 {
    client::remove_advanced_handler::<Pop3, _>(pop3, handler)
}

/// ExtendedError: a new ErrorInfo (release with `csmail_errorinfo_release`).
///
/// # Safety
/// `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_extended_error(
    pop3: *const csmail_pop3,
    info_out: *mut *mut csmail_errorinfo,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::extended_error::<Pop3, _>(pop3, info_out) }
}

/// Sets (NULL clears) the progress callback for RETR and TOP (total is -1: POP3 sizes are
/// the server's estimate). Runs on the operation's thread; non-zero stops (CSMAIL_E_ABORTED).
/// Once this returns, the callback it replaced never runs again, also in an operation already
/// running (a call in progress is waited for), so its userdata may be freed.
#[no_mangle]
pub extern "system" fn csmail_pop3_set_progress_callback(
    pop3: *const csmail_pop3,
    callback: csmail_progress_callback,
    userdata: *mut c_void,
) -> i32 {
    client::set_progress_callback::<Pop3, _>(pop3, callback, userdata)
}

/// Connect: TCP, TLS (MODE_CHANNEL) or STLS (MODE_STARTTLS) with an SSLInfo, greeting, CAPA,
/// login (USER must be set).
///
/// Results: CSMAIL_OK, CSMAIL_E_CONNECT (eexDNS, eexTCPConnect, eexSSL*, eexStartTls*,
/// eexPopServer), CSMAIL_E_AUTH (eexPopServer with the server's -ERR line, RESP-CODES
/// included), CSMAIL_E_TIMEOUT, CSMAIL_E_ABORTED, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_TLS_CONFIG.
#[no_mangle]
pub extern "system" fn csmail_pop3_connect(pop3: *const csmail_pop3) -> i32 {
    client::connect::<Pop3, _>(pop3)
}

/// STAT: number of messages and mailbox size in bytes. Either out pointer may be NULL.
///
/// # Safety
/// `count_out` and `size_out` are NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_stat(
    pop3: *const csmail_pop3,
    count_out: *mut u32,
    size_out: *mut u64,
) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        let (n, size) = c.stat()?;
        // SAFETY: caller contract (NULL allowed).
        unsafe {
            optional_out(count_out, n);
            optional_out(size_out, size);
        }
        Ok(())
    })
}

/// LIST n: the size of message `number` (1-based) in bytes.
///
/// # Safety
/// `size_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_message_size(
    pop3: *const csmail_pop3,
    number: u32,
    size_out: *mut u64,
) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        checked(c, non_null(size_out, "size_out"))?;
        let size = c.message_size(number)?;
        // SAFETY: checked non-NULL.
        unsafe { *size_out = size };
        Ok(())
    })
}

/// UIDL n: the unique id of message `number` into a caller buffer.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_uid(
    pop3: *const csmail_pop3,
    number: u32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        let id = c.uid(number)?;
        // SAFETY: caller contract.
        unsafe { write_str(&id, buf, len, needed_out) }
    })
}

/// RETR n into memory: a new Message (release with `csmail_message_release`).
///
/// Results: CSMAIL_OK, CSMAIL_E_SERVER (eexPopServer, e.g. no such message), CSMAIL_E_NETWORK,
/// CSMAIL_E_TIMEOUT, CSMAIL_E_ABORTED, CSMAIL_E_PROTOCOL, CSMAIL_E_NOT_CONNECTED.
///
/// # Safety
/// `message_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_retrieve(
    pop3: *const csmail_pop3,
    number: u32,
    message_out: *mut *mut csmail_message,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { retrieve_message(pop3, number, None, message_out) }
}

/// RETR n into a file (created or truncated, synced at the end; removed again on failure).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_retrieve_file(
    pop3: *const csmail_pop3,
    number: u32,
    path: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { retrieve_file(pop3, number, None, path) }
}

/// RETR n into a write callback, streamed (the callback runs on this thread, during this call).
#[no_mangle]
pub extern "system" fn csmail_pop3_retrieve_cb(
    pop3: *const csmail_pop3,
    number: u32,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    retrieve_cb(pop3, number, None, callback, userdata)
}

/// TOP n lines into memory: the headers and the first `lines` body lines, as a new Message.
///
/// # Safety
/// `message_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_top(
    pop3: *const csmail_pop3,
    number: u32,
    lines: u32,
    message_out: *mut *mut csmail_message,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { retrieve_message(pop3, number, Some(lines), message_out) }
}

/// TOP n lines into a file (removed again on failure).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_top_file(
    pop3: *const csmail_pop3,
    number: u32,
    lines: u32,
    path: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { retrieve_file(pop3, number, Some(lines), path) }
}

/// TOP n lines into a write callback.
#[no_mangle]
pub extern "system" fn csmail_pop3_top_cb(
    pop3: *const csmail_pop3,
    number: u32,
    lines: u32,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    retrieve_cb(pop3, number, Some(lines), callback, userdata)
}

/// Batch retrieval: RETR each of `numbers` (and DELE it afterwards when `delete_each` is
/// non-zero), keeping up to 32 messages in flight when the server offers PIPELINING. Each
/// whole message goes to `callback` as it arrives. Deletions are committed by Disconnect.
///
/// # Safety
/// `numbers` has `count` entries.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_retrieve_many(
    pop3: *const csmail_pop3,
    numbers: *const u32,
    count: usize,
    delete_each: i32,
    callback: csmail_message_callback,
    userdata: *mut c_void,
) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        let cb = checked(c, callback.ok_or_else(|| Error::invalid_arg("the message callback is NULL")))?;
        // SAFETY: caller contract.
        let nums = checked(c, unsafe { slice_arg(numbers, count, "numbers") })?;
        let ud = UserData(userdata);
        c.retrieve_many_whole(nums, delete_each != 0, move |n, data| {
            let ud = ud;
            // SAFETY: the application's callback; data is valid during the call.
            let rc = unsafe { cb(ud.0, n, data.as_ptr(), data.len()) };
            if rc != 0 {
                return Err(io::Error::other(format!("the message callback returned {rc}")));
            }
            Ok(())
        })
    })
}

/// DELE n: marks message `number` deleted (committed by Disconnect's QUIT).
#[no_mangle]
pub extern "system" fn csmail_pop3_delete(pop3: *const csmail_pop3, number: u32) -> i32 {
    on_client::<Pop3, _>(pop3, |c| c.delete(number))
}

/// RSET: unmarks every deletion of this session.
#[no_mangle]
pub extern "system" fn csmail_pop3_reset(pop3: *const csmail_pop3) -> i32 {
    on_client::<Pop3, _>(pop3, |c| c.reset())
}

/// NOOP: keeps the session alive.
#[no_mangle]
pub extern "system" fn csmail_pop3_noop(pop3: *const csmail_pop3) -> i32 {
    on_client::<Pop3, _>(pop3, |c| c.noop())
}

/// Disconnect: QUIT and close. `*committed_out` (may be NULL) is 1 when the server confirmed
/// QUIT, which commits the deletions, else 0. Not connected: CSMAIL_OK with 0.
///
/// # Safety
/// `committed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_pop3_disconnect(pop3: *const csmail_pop3, committed_out: *mut i32) -> i32 {
    on_client::<Pop3, _>(pop3, |c| {
        let r = c.disconnect();
        // SAFETY: caller contract (NULL allowed).
        unsafe { optional_out(committed_out, matches!(r, Ok(true)) as i32) };
        r.map(|_| ())
    })
}

/// Ends the operation in progress on this client, from any thread.
///
/// The rule: the operation in progress returns CSMAIL_E_ABORTED (eexAborted). An abort
/// that comes while another thread's call has been entered but its operation has not begun yet
/// ends that operation as it begins (it is not lost in the race with the start). With no call in
/// progress, nothing happens and nothing is remembered: the next operation runs. When the abort
/// shut the connection, CSMAIL_PROP_CONNECTED reads 0 and the next call gets
/// CSMAIL_E_NOT_CONNECTED, also when the operation had completed as the abort landed (it then
/// keeps its own result); when CONNECTED reads 1 the connection works.
///
/// Threads: any; the handle must stay referenced during the call. Results: CSMAIL_OK (in every
/// case above), CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_pop3_abort(pop3: *const csmail_pop3) -> i32 {
    client::abort::<Pop3, _>(pop3)
}
