//! C functions of the SMTPClient object: each a one-line call into the generic client
//! functions (`ffi::client`) or the SMTPClient API.

use super::client::{self, checked, on_client};
use super::common::{slice_arg, str_arg, str_array, UserData};
use super::{csmail_errorinfo, csmail_progress_callback, csmail_read_callback, read_callback_source};
use crate::api::{Outgoing, Smtp};
use std::ffi::{c_char, c_void};

/// An SMTPClient: connects to an SMTP server and sends messages.
pub struct csmail_smtp {
    _private: [u8; 0],
}

/// Creates an SMTPClient with one reference.
///
/// Ownership: the caller owns the reference and ends it with `csmail_smtp_release`.
/// Returns the handle; never NULL. Any thread.
#[no_mangle]
pub extern "system" fn csmail_smtp_new() -> *mut csmail_smtp {
    client::new::<Smtp>() as *mut csmail_smtp
}

/// Adds a reference to an SMTPClient.
///
/// Returns CSMAIL_OK, or CSMAIL_E_INVALID_HANDLE for a NULL, released or wrong-type handle.
#[no_mangle]
pub extern "system" fn csmail_smtp_addref(smtp: *const csmail_smtp) -> i32 {
    client::addref::<Smtp, _>(smtp)
}

/// Releases a reference; the last one closes the connection (without QUIT) and frees the client.
///
/// After the call the handle must not be used if it was the last reference (a later use gets
/// CSMAIL_E_INVALID_HANDLE). An operation running on another thread is aborted (it returns
/// CSMAIL_E_ABORTED promptly, see csmail_smtp_abort) and the client is freed when it has
/// returned. Returns CSMAIL_OK or CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_smtp_release(smtp: *const csmail_smtp) -> i32 {
    client::release::<Smtp, _>(smtp)
}

/// Sets a string property (CSMAIL_PROP_HOST, _USER, _PASSWORD, _EHLO_NAME).
///
/// `value`: NUL-terminated UTF-8, copied. CR, LF or NUL is refused (eexForbiddenCharacter).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, bad UTF-8,
/// forbidden characters, unknown property: eexUnknownOption).
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_set_str(
    smtp: *const csmail_smtp,
    property: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::set_str::<Smtp, _>(smtp, property, value) }
}

/// Reads a string property (HOST, USER, EHLO_NAME, REPLY_TEXT, REPLY_ENHANCED, CAPABILITIES).
///
/// `buf`/`len`: caller buffer, NULL to ask the size; `needed_out`: size with the NUL (may be NULL).
/// The password is write-only (CSMAIL_E_NOT_SUPPORTED).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_get_str(
    smtp: *const csmail_smtp,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::get_str::<Smtp, _>(smtp, property, buf, len, needed_out) }
}

/// Sets an integer property (CSMAIL_PROP_PORT, _TIMEOUT_MS, _AUTH_MECH).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (out of range, unknown).
#[no_mangle]
pub extern "system" fn csmail_smtp_set_int(smtp: *const csmail_smtp, property: i32, value: i32) -> i32 {
    client::set_int::<Smtp, _>(smtp, property, value)
}

/// Reads an integer property (PORT, TIMEOUT_MS, AUTH_MECH, CONNECTED, REPLY_CODE, TLS_ACTIVE).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL `value_out`, unknown).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_get_int(smtp: *const csmail_smtp, property: i32, value_out: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::get_int::<Smtp, _>(smtp, property, value_out) }
}

/// SetAdvancedHandler: attaches an SSLInfo or a LogHandler (replacing one of the same kind).
///
/// The client takes its own reference: the caller may release its handle at once.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE (either handle), CSMAIL_E_NOT_SUPPORTED (a
/// valid handle of an object that is not an advanced handler).
#[no_mangle]
pub extern "system" fn csmail_smtp_set_advanced_handler(smtp: *const csmail_smtp, handler: *const c_void) -> i32 {
    client::set_advanced_handler::<Smtp, _>(smtp, handler)
}

/// Detaches an advanced handler attached with `csmail_smtp_set_advanced_handler`.
///
/// Results: CSMAIL_OK (also when it was not attached), CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "system" fn csmail_smtp_remove_advanced_handler(smtp: *const csmail_smtp, handler: *const c_void) -> i32 {
    client::remove_advanced_handler::<Smtp, _>(smtp, handler)
}

/// ExtendedError: a new ErrorInfo holding the last operation's Number, Text and OSError.
///
/// Ownership: the caller owns the ErrorInfo and releases it with `csmail_errorinfo_release`.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL `info_out`).
///
/// # Safety
/// `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_extended_error(
    smtp: *const csmail_smtp,
    info_out: *mut *mut csmail_errorinfo,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::extended_error::<Smtp, _>(smtp, info_out) }
}

/// Sets (or with NULL clears) the progress callback for Send: bytes of the message read so far
/// and the total (-1 when the source is a read callback).
///
/// The callback runs on the thread of the operation; returning non-zero ends it with
/// CSMAIL_E_ABORTED. `userdata` is passed back unchanged and must be usable on that thread.
/// Once this returns, the callback it replaced never runs again, also in an operation already
/// running (a call in progress is waited for), so its userdata may be freed.
#[no_mangle]
pub extern "system" fn csmail_smtp_set_progress_callback(
    smtp: *const csmail_smtp,
    callback: csmail_progress_callback,
    userdata: *mut c_void,
) -> i32 {
    client::set_progress_callback::<Smtp, _>(smtp, callback, userdata)
}

/// Connect: TCP connect to HOST:PORT, TLS (MODE_CHANNEL) or STARTTLS (MODE_STARTTLS) when an
/// SSLInfo is attached, greeting, EHLO (HELO fallback), AUTH when USER is set.
///
/// Blocks until done, failed, timed out or aborted. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE,
/// CSMAIL_E_INVALID_ARGUMENT (no host, already connected), CSMAIL_E_CONNECT (eexDNS,
/// eexTCPConnect, eexSSLProtocol, eexSSLCertName, eexSSLCertificate, eexStartTlsNotOffered,
/// eexStartTlsRefused, eexStartTlsInjection, eexSmtpServer, ...), CSMAIL_E_AUTH, CSMAIL_E_TIMEOUT,
/// CSMAIL_E_ABORTED, CSMAIL_E_TLS_CONFIG, CSMAIL_E_BUSY, CSMAIL_E_REENTRANT.
#[no_mangle]
pub extern "system" fn csmail_smtp_connect(smtp: *const csmail_smtp) -> i32 {
    client::connect::<Smtp, _>(smtp)
}

/// Send from memory: MAIL FROM `from`, RCPT TO each of `recipients`, DATA with `data`.
///
/// `from`: bare address ("" for the null sender); `recipients`: `count` bare addresses (at
/// least one); `data`/`len`: the RFC 5322 message (bare CR and LF are sent as CRLF, lines are
/// dot-stuffed). The message goes to every recipient or to none: a refused recipient fails
/// the call (CSMAIL_E_SERVER, eexSmtpServer) and nothing is sent; the session stays usable
/// (RSET), except when the server had already accepted a pipelined DATA: then the connection
/// is closed to cancel it (CSMAIL_PROP_CONNECTED becomes 0). A connection lost after the
/// data was sent gives CSMAIL_E_DELIVERY_UNKNOWN (eexDeliveryUnknown).
/// Other results: CSMAIL_E_NOT_CONNECTED, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_NETWORK,
/// CSMAIL_E_TIMEOUT, CSMAIL_E_ABORTED, CSMAIL_E_PROTOCOL, CSMAIL_E_NOT_SUPPORTED (SMTPUTF8).
///
/// # Safety
/// The strings are NUL-terminated; `recipients` has `count` pointers; `data` has `len` bytes.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_send_mem(
    smtp: *const csmail_smtp,
    from: *const c_char,
    recipients: *const *const c_char,
    count: usize,
    data: *const u8,
    len: usize,
) -> i32 {
    on_client::<Smtp, _>(smtp, |c| {
        // SAFETY: caller contract.
        let args = unsafe {
            (|| {
                Ok((str_arg(from, "from")?, str_array(recipients, count, "recipients")?, slice_arg(data, len, "data")?))
            })()
        };
        let (from, rcpts, mut data) = checked(c, args)?;
        c.send(from, &rcpts, &mut data)
    })
}

/// One message of `csmail_smtp_send_batch`: the envelope and the message in memory, as
/// `csmail_smtp_send_mem` takes them.
#[repr(C)]
pub struct csmail_batch_message {
    /// The sender's bare address ("" for the null sender), NUL-terminated UTF-8.
    pub from: *const c_char,
    /// `recipient_count` bare addresses (at least one).
    pub recipients: *const *const c_char,
    pub recipient_count: usize,
    /// The RFC 5322 message, `len` bytes.
    pub data: *const u8,
    pub len: usize,
}

/// Send a batch: `count` messages in order over the connected session, each to all its
/// recipients or to none, as `csmail_smtp_send_mem` sends one. With PIPELINING the next
/// message's envelope goes out in the same write as the previous message's end of data: one
/// round trip per message instead of two.
///
/// `results` (NULL, or `count` slots) receives each message's result: CSMAIL_OK only after that
/// message's own final 2xx reply. The call returns CSMAIL_OK when every message was delivered,
/// else the result of the first that was not (ErrorInfo describes it). Messages after one that
/// broke the session (a lost connection, DELIVERY_UNKNOWN, a refused envelope after a pipelined
/// DATA) are not sent: CSMAIL_E_NETWORK (eexNotConnected). Invalid arguments in any message
/// (NULL, bad UTF-8, CR/LF/NUL) give CSMAIL_E_INVALID_ARGUMENT before anything is sent.
///
/// # Safety
/// `messages` has `count` entries whose pointers follow `csmail_batch_message`; `results` is
/// NULL or has `count` writable slots.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_send_batch(
    smtp: *const csmail_smtp,
    messages: *const csmail_batch_message,
    count: usize,
    results: *mut i32,
) -> i32 {
    on_client::<Smtp, _>(smtp, |c| {
        // SAFETY: caller contract.
        let list = checked(c, unsafe { slice_arg(messages, count, "messages") })?;
        let mut parts = Vec::with_capacity(count);
        for m in list {
            // SAFETY: caller contract.
            let args = unsafe {
                (|| {
                    Ok((
                        str_arg(m.from, "from")?,
                        str_array(m.recipients, m.recipient_count, "recipients")?,
                        slice_arg(m.data, m.len, "data")?,
                    ))
                })()
            };
            parts.push(checked(c, args)?);
        }
        let mut sources: Vec<&[u8]> = parts.iter().map(|p| p.2).collect();
        let mut batch: Vec<Outgoing> = parts
            .iter()
            .zip(sources.iter_mut())
            .map(|(p, source)| Outgoing { from: p.0, recipients: &p.1, source })
            .collect();
        let mut outcome = Vec::new();
        let r = c.send_batch(&mut batch, &mut outcome);
        if !results.is_null() {
            for (i, o) in outcome.iter().enumerate() {
                // SAFETY: caller contract: `count` writable slots.
                unsafe { *results.add(i) = o.as_ref().map_or_else(|e| e.result, |_| crate::error::CSMAIL_OK) };
            }
        }
        r
    })
}

/// Send from a file, streamed: like `csmail_smtp_send_mem` with the file's bytes.
///
/// A file that cannot be opened gives CSMAIL_E_IO (eexMessageSource) before anything is sent.
///
/// # Safety
/// As `csmail_smtp_send_mem`; `path` is a NUL-terminated UTF-8 path.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_send_file(
    smtp: *const csmail_smtp,
    from: *const c_char,
    recipients: *const *const c_char,
    count: usize,
    path: *const c_char,
) -> i32 {
    on_client::<Smtp, _>(smtp, |c| {
        // SAFETY: caller contract.
        let args = unsafe {
            (|| Ok((str_arg(from, "from")?, str_array(recipients, count, "recipients")?, str_arg(path, "path")?)))()
        };
        let (from, rcpts, path) = checked(c, args)?;
        c.send_file(from, &rcpts, path)
    })
}

/// Send from a read callback, streamed: the callback fills `buf` (up to `capacity` bytes),
/// stores the count in `*n_out`, and returns 0; `*n_out` = 0 ends the message. A non-zero
/// return fails the send with CSMAIL_E_IO (eexMessageSource) and the connection is closed so
/// that no partial message is delivered.
///
/// The callback runs on the calling thread, during this call only.
///
/// # Safety
/// As `csmail_smtp_send_mem`.
#[no_mangle]
pub unsafe extern "system" fn csmail_smtp_send_cb(
    smtp: *const csmail_smtp,
    from: *const c_char,
    recipients: *const *const c_char,
    count: usize,
    callback: csmail_read_callback,
    userdata: *mut c_void,
) -> i32 {
    on_client::<Smtp, _>(smtp, |c| {
        // SAFETY: caller contract.
        let args = unsafe { (|| Ok((str_arg(from, "from")?, str_array(recipients, count, "recipients")?)))() };
        let (from, rcpts) = checked(c, args)?;
        let mut source = checked(c, read_callback_source(callback, UserData(userdata)))?;
        c.send(from, &rcpts, &mut source)
    })
}

/// Reset: RSET, ending the current mail transaction.
///
/// Results: CSMAIL_OK, CSMAIL_E_NOT_CONNECTED, CSMAIL_E_SERVER, CSMAIL_E_NETWORK, CSMAIL_E_TIMEOUT.
#[no_mangle]
pub extern "system" fn csmail_smtp_reset(smtp: *const csmail_smtp) -> i32 {
    on_client::<Smtp, _>(smtp, |c| c.reset())
}

/// Disconnect: QUIT and close. CSMAIL_OK also when not connected.
#[no_mangle]
pub extern "system" fn csmail_smtp_disconnect(smtp: *const csmail_smtp) -> i32 {
    on_client::<Smtp, _>(smtp, |c| c.disconnect())
}

/// Ends the operation in progress on this client, from any thread.
///
/// The rule: the operation in progress returns CSMAIL_E_ABORTED (eexAborted), or
/// CSMAIL_E_DELIVERY_UNKNOWN once the message was sent. An abort
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
pub extern "system" fn csmail_smtp_abort(smtp: *const csmail_smtp) -> i32 {
    client::abort::<Smtp, _>(smtp)
}
