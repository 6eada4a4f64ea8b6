//! C functions of the POP3Client object.

use super::common::{guard, out, str_arg, write_str, UserData};
use super::handles::{self, Object};
use super::message::csmail_message;
use super::{
    advanced_handler, csmail_errorinfo, csmail_message_callback, csmail_progress_callback, csmail_write_callback,
    progress_callback, write_callback_sink,
};
use crate::api::{Message, Pop3Client};
use crate::error::Error;
use crate::protocol::source::MessageSink;
use std::ffi::{c_char, c_void};
use std::io;
use std::sync::Arc;

/// A POP3Client: connects to a POP3 server, lists, retrieves and deletes messages.
pub struct csmail_pop3 {
    _private: [u8; 0],
}

fn is_pop3(o: &Object) -> bool {
    matches!(o, Object::Pop3(_))
}

/// Creates a POP3Client with one reference (release with `csmail_pop3_release`). Never NULL.
#[no_mangle]
pub extern "C" fn csmail_pop3_new() -> *mut csmail_pop3 {
    handles::register(Object::Pop3(Arc::new(Pop3Client::new()))) as *mut csmail_pop3
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_pop3_addref(pop3: *const csmail_pop3) -> i32 {
    guard(|| handles::addref_typed(pop3, is_pop3, "POP3Client handle"))
}

/// Releases a reference; the last one closes the connection WITHOUT QUIT (deletions are not
/// committed) and frees the client. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_pop3_release(pop3: *const csmail_pop3) -> i32 {
    guard(|| handles::release_typed(pop3, is_pop3, "POP3Client handle"))
}

/// Sets a string property (CSMAIL_PROP_HOST, _USER, _PASSWORD). CR, LF, NUL are refused.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_set_str(pop3: *const csmail_pop3, property: i32, value: *const c_char) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        // SAFETY: caller contract.
        let r = unsafe { str_arg(value, "value") }.and_then(|v| c.set_str(property, v));
        c.core().record_failure(r)
    })
}

/// Reads a string property (HOST, USER, REPLY_TEXT, CAPABILITIES) into a caller buffer.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_get_str(
    pop3: *const csmail_pop3,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        // SAFETY: caller contract.
        let r = c.get_str(property).and_then(|s| unsafe { write_str(&s, buf, len, needed_out) });
        c.core().record_failure(r)
    })
}

/// Sets an integer property (CSMAIL_PROP_PORT, _TIMEOUT_MS, _AUTH_MECH: AUTO, PLAIN, USER_PASS, APOP).
#[no_mangle]
pub extern "C" fn csmail_pop3_set_int(pop3: *const csmail_pop3, property: i32, value: i32) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        c.core().record_failure(c.set_int(property, value))
    })
}

/// Reads an integer property (PORT, TIMEOUT_MS, AUTH_MECH, CONNECTED, TLS_ACTIVE).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_get_int(pop3: *const csmail_pop3, property: i32, value_out: *mut i32) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        // SAFETY: caller contract.
        let r = c.get_int(property).and_then(|v| unsafe { out(value_out, v, "value_out") });
        c.core().record_failure(r)
    })
}

/// SetAdvancedHandler: attaches an SSLInfo or a LogHandler (the client keeps its own reference).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "C" fn csmail_pop3_set_advanced_handler(pop3: *const csmail_pop3, handler: *const c_void) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let r = advanced_handler(handler).and_then(|h| c.set_advanced_handler(h));
        c.core().record_failure(r)
    })
}

/// Detaches an advanced handler. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "C" fn csmail_pop3_remove_advanced_handler(pop3: *const csmail_pop3, handler: *const c_void) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let r = advanced_handler(handler).map(|h| {
            c.core().remove_handler(&h);
        });
        c.core().record_failure(r)
    })
}

/// ExtendedError: a new ErrorInfo (release with `csmail_errorinfo_release`).
///
/// # Safety
/// `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_extended_error(
    pop3: *const csmail_pop3,
    info_out: *mut *mut csmail_errorinfo,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        if info_out.is_null() {
            return Err(Error::invalid_arg("info_out is NULL"));
        }
        let token = handles::register(Object::Error(Arc::new(c.extended_error())));
        // SAFETY: checked non-NULL; caller contract.
        unsafe { *info_out = token as *mut csmail_errorinfo };
        Ok(())
    })
}

/// Sets (NULL clears) the progress callback for RETR and TOP (total is -1: POP3 sizes are
/// the server's estimate). Runs on the operation's thread; non-zero stops (CSMAIL_E_ABORTED).
#[no_mangle]
pub extern "C" fn csmail_pop3_set_progress_callback(
    pop3: *const csmail_pop3,
    callback: csmail_progress_callback,
    userdata: *mut c_void,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        c.core().set_progress(progress_callback(callback, UserData(userdata)));
        Ok(())
    })
}

/// Connect: TCP, TLS (MODE_CHANNEL) or STLS (MODE_STARTTLS) with an SSLInfo, greeting, CAPA,
/// login (USER must be set).
///
/// Results: CSMAIL_OK, CSMAIL_E_CONNECT (eexDNS, eexTCPConnect, eexSSL*, eexStartTls*,
/// eexPopServer), CSMAIL_E_AUTH (eexPopServer with the server's -ERR line, RESP-CODES
/// included), CSMAIL_E_TIMEOUT, CSMAIL_E_ABORTED, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_TLS_CONFIG.
#[no_mangle]
pub extern "C" fn csmail_pop3_connect(pop3: *const csmail_pop3) -> i32 {
    guard(|| handles::pop3(pop3)?.connect())
}

/// STAT: number of messages and mailbox size in bytes. Either out pointer may be NULL.
///
/// # Safety
/// `count_out` and `size_out` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_stat(pop3: *const csmail_pop3, count_out: *mut u32, size_out: *mut u64) -> i32 {
    guard(|| {
        let (n, size) = handles::pop3(pop3)?.stat()?;
        // SAFETY: caller contract (NULL allowed).
        unsafe {
            if !count_out.is_null() {
                *count_out = n;
            }
            if !size_out.is_null() {
                *size_out = size;
            }
        }
        Ok(())
    })
}

/// LIST n: the size of message `number` (1-based) in bytes.
///
/// # Safety
/// `size_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_message_size(pop3: *const csmail_pop3, number: u32, size_out: *mut u64) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        if size_out.is_null() {
            return c.core().record_failure(Err(Error::invalid_arg("size_out is NULL")));
        }
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
pub unsafe extern "C" fn csmail_pop3_uid(
    pop3: *const csmail_pop3,
    number: u32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let id = c.uid(number)?;
        // SAFETY: caller contract.
        unsafe { write_str(&id, buf, len, needed_out) }
    })
}

/// Stores a retrieved message in a new Message object for the caller.
fn new_message(data: Vec<u8>, message_out: *mut *mut csmail_message) {
    let token = handles::register(Object::Message(Arc::new(Message::from_bytes(data))));
    // SAFETY: callers check message_out for NULL first.
    unsafe { *message_out = token as *mut csmail_message };
}

/// RETR n into memory: a new Message (release with `csmail_message_release`).
///
/// Results: CSMAIL_OK, CSMAIL_E_SERVER (eexPopServer, e.g. no such message), CSMAIL_E_NETWORK,
/// CSMAIL_E_TIMEOUT, CSMAIL_E_ABORTED, CSMAIL_E_PROTOCOL, CSMAIL_E_NOT_CONNECTED.
///
/// # Safety
/// `message_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_retrieve(
    pop3: *const csmail_pop3,
    number: u32,
    message_out: *mut *mut csmail_message,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        if message_out.is_null() {
            return c.core().record_failure(Err(Error::invalid_arg("message_out is NULL")));
        }
        let mut data = Vec::new();
        c.retrieve(number, &mut data)?;
        new_message(data, message_out);
        Ok(())
    })
}

/// RETR n into a file (created or truncated, synced at the end; removed again on failure).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_retrieve_file(pop3: *const csmail_pop3, number: u32, path: *const c_char) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        // SAFETY: caller contract.
        let path = c.core().record_failure(unsafe { str_arg(path, "path") })?;
        c.retrieve_file(number, path, None).map(|_| ())
    })
}

/// RETR n into a write callback, streamed (the callback runs on this thread, during this call).
#[no_mangle]
pub extern "C" fn csmail_pop3_retrieve_cb(
    pop3: *const csmail_pop3,
    number: u32,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let mut sink = c.core().record_failure(write_callback_sink(callback, UserData(userdata)))?;
        c.retrieve(number, &mut sink).map(|_| ())
    })
}

/// TOP n lines into memory: the headers and the first `lines` body lines, as a new Message.
///
/// # Safety
/// `message_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_top(
    pop3: *const csmail_pop3,
    number: u32,
    lines: u32,
    message_out: *mut *mut csmail_message,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        if message_out.is_null() {
            return c.core().record_failure(Err(Error::invalid_arg("message_out is NULL")));
        }
        let mut data = Vec::new();
        c.top(number, lines, &mut data)?;
        new_message(data, message_out);
        Ok(())
    })
}

/// TOP n lines into a file (removed again on failure).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_top_file(
    pop3: *const csmail_pop3,
    number: u32,
    lines: u32,
    path: *const c_char,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        // SAFETY: caller contract.
        let path = c.core().record_failure(unsafe { str_arg(path, "path") })?;
        c.retrieve_file(number, path, Some(lines)).map(|_| ())
    })
}

/// TOP n lines into a write callback.
#[no_mangle]
pub extern "C" fn csmail_pop3_top_cb(
    pop3: *const csmail_pop3,
    number: u32,
    lines: u32,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let mut sink = c.core().record_failure(write_callback_sink(callback, UserData(userdata)))?;
        c.top(number, lines, &mut sink).map(|_| ())
    })
}

/// A sink that collects one message and hands it to the batch callback when complete.
struct BatchSink {
    number: u32,
    data: Vec<u8>,
    callback: unsafe extern "C" fn(*mut c_void, u32, *const u8, usize) -> i32,
    userdata: UserData,
}

impl MessageSink for BatchSink {
    fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(data);
        Ok(())
    }
    fn finish(&mut self) -> io::Result<()> {
        // SAFETY: the application's callback; data is valid during the call.
        let rc = unsafe { (self.callback)(self.userdata.0, self.number, self.data.as_ptr(), self.data.len()) };
        if rc != 0 {
            return Err(io::Error::other(format!("the message callback returned {rc}")));
        }
        Ok(())
    }
}

/// Batch retrieval: RETR each of `numbers` (and DELE it afterwards when `delete_each` is
/// non-zero), keeping up to 8 commands in flight when the server offers PIPELINING. Each
/// whole message goes to `callback` as it arrives. Deletions are committed by Disconnect.
///
/// # Safety
/// `numbers` has `count` entries.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_retrieve_many(
    pop3: *const csmail_pop3,
    numbers: *const u32,
    count: usize,
    delete_each: i32,
    callback: csmail_message_callback,
    userdata: *mut c_void,
) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let Some(cb) = callback else {
            return c.core().record_failure(Err(Error::invalid_arg("the message callback is NULL")));
        };
        if count > 0 && numbers.is_null() {
            return c.core().record_failure(Err(Error::invalid_arg("numbers is NULL")));
        }
        if let Err(e) = super::common::check_count::<u32>(count, "numbers") {
            return c.core().record_failure(Err(e));
        }
        // SAFETY: caller contract; checked non-NULL when count > 0.
        let nums: &[u32] = if count == 0 { &[] } else { unsafe { std::slice::from_raw_parts(numbers, count) } };
        let ud = UserData(userdata);
        let mut open = move |n: u32| -> Box<dyn MessageSink> {
            Box::new(BatchSink { number: n, data: Vec::new(), callback: cb, userdata: ud })
        };
        c.retrieve_many(nums, delete_each != 0, &mut open)
    })
}

/// DELE n: marks message `number` deleted (committed by Disconnect's QUIT).
#[no_mangle]
pub extern "C" fn csmail_pop3_delete(pop3: *const csmail_pop3, number: u32) -> i32 {
    guard(|| handles::pop3(pop3)?.delete(number))
}

/// RSET: unmarks every deletion of this session.
#[no_mangle]
pub extern "C" fn csmail_pop3_reset(pop3: *const csmail_pop3) -> i32 {
    guard(|| handles::pop3(pop3)?.reset())
}

/// NOOP: keeps the session alive.
#[no_mangle]
pub extern "C" fn csmail_pop3_noop(pop3: *const csmail_pop3) -> i32 {
    guard(|| handles::pop3(pop3)?.noop())
}

/// Disconnect: QUIT and close. `*committed_out` (may be NULL) is 1 when the server confirmed
/// QUIT, which commits the deletions, else 0. Not connected: CSMAIL_OK with 0.
///
/// # Safety
/// `committed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_pop3_disconnect(pop3: *const csmail_pop3, committed_out: *mut i32) -> i32 {
    guard(|| {
        let c = handles::pop3(pop3)?;
        let r = c.disconnect();
        if !committed_out.is_null() {
            // SAFETY: caller contract.
            unsafe { *committed_out = matches!(r, Ok(true)) as i32 };
        }
        r.map(|_| ())
    })
}

/// Ends the operation running on this client, from any thread (CSMAIL_E_ABORTED for it).
#[no_mangle]
pub extern "C" fn csmail_pop3_abort(pop3: *const csmail_pop3) -> i32 {
    guard(|| {
        handles::pop3(pop3)?.abort();
        Ok(())
    })
}
