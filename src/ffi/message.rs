//! C functions of the Message object: headers, addresses, bodies, attachments, sections,
//! SaveToFile / LoadFromFile and the raw bytes.
//!
//! A Message handle is not tied to a client: its functions report failures through the result
//! code and this thread's last error (`csmail_last_eex`, `csmail_last_error_text`). Every
//! function may be called from any thread; a message locks itself briefly per call.

use super::common::{guard, out, slice_arg, str_arg, write_str};
use super::handles::{self, Object};
use super::section::{csmail_section, opt_str, section_out as register_section};
use crate::api::Message;
use crate::error::{Error, Result};
use std::ffi::c_char;
use std::sync::Arc;

/// A Message: headers and MIME sections; made by `csmail_message_new` or returned by
/// `csmail_pop3_retrieve`.
pub struct csmail_message {
    _private: [u8; 0],
}

fn is_message(o: &Object) -> bool {
    matches!(o, Object::Message(_))
}

/// Registers a message and hands one reference to the caller.
pub(crate) fn message_handle(m: Message) -> *mut csmail_message {
    handles::register(Object::Message(Arc::new(m))) as *mut csmail_message
}

/// Creates an empty Message with one reference.
///
/// Ownership: the caller owns the reference and ends it with `csmail_message_release`.
/// Returns the handle; never NULL. Any thread.
#[no_mangle]
pub extern "C" fn csmail_message_new() -> *mut csmail_message {
    message_handle(Message::new())
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_message_addref(message: *const csmail_message) -> i32 {
    guard(|| handles::addref_typed(message, is_message, "Message handle"))
}

/// Releases a reference; the last one frees the message (sections still referenced by the
/// application stay valid). Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_message_release(message: *const csmail_message) -> i32 {
    guard(|| handles::release_typed(message, is_message, "Message handle"))
}

/// The message's bytes (RFC 5322): as retrieved or loaded while unchanged, else composed now
/// (with Bcc; a Date and a Message-ID are added when missing).
///
/// `*data_out` points to `*len_out` bytes owned by the message, valid until its last reference
/// is released (later changes give new bytes and leave these alone). Not NUL-terminated.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL out pointer;
/// eexMimeLimit), CSMAIL_E_IO (an attachment file cannot be read: eexMessageSource).
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
        if data_out.is_null() || len_out.is_null() {
            return Err(Error::invalid_arg("data_out or len_out is NULL"));
        }
        // The bytes live in an Arc the message keeps until it is freed, so the pointer stays
        // valid while the handle is alive.
        let data = m.data()?;
        // SAFETY: caller contract.
        unsafe {
            out(data_out, data.as_ptr(), "data_out")?;
            out(len_out, data.len(), "len_out")
        }
    })
}

/// Replaces the whole message with one read from memory (parsed when first read; malformed
/// MIME is never an error, the bytes stay available).
///
/// `data`/`len`: the bytes, copied. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE,
/// CSMAIL_E_INVALID_ARGUMENT (NULL `data` with `len` > 0).
///
/// # Safety
/// `data` is NULL with `len` 0 or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_load_mem(message: *const csmail_message, data: *const u8, len: usize) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let bytes = unsafe { slice_arg(data, len, "data") }?;
        m.load_bytes(bytes.to_vec());
        Ok(())
    })
}

/// LoadFromFile: replaces the message with the one in a file (RFC 5322 / .eml, as
/// `csmail_message_save_to_file` writes).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, bad UTF-8),
/// CSMAIL_E_IO (eexMessageSource, with the OS error).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_load_from_file(message: *const csmail_message, path: *const c_char) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let path = unsafe { str_arg(path, "path") }?;
        m.load_from_file(path)
    })
}

/// SaveToFile: writes the message (RFC 5322, with Bcc) to a file, created or truncated;
/// attachment files are streamed, never held in memory. A failed save removes the file.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_IO
/// (eexMessageSink: the file; eexMessageSource: an attachment file).
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_save_to_file(message: *const csmail_message, path: *const c_char) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let path = unsafe { str_arg(path, "path") }?;
        m.save_to_file(path)
    })
}

/// A header's decoded value (RFC 2047 words and charsets decoded to UTF-8; address headers as
/// `Name <a@b>, ...`); "" when the message has no such header. The MIME headers
/// (Content-*) are the body section's (`csmail_message_body`).
///
/// `name`: the header name, any case. `buf`/`len`: caller buffer, NULL to ask the size;
/// `needed_out`: size with the NUL (may be NULL).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `name` is NULL or NUL-terminated; `buf` is NULL or has `len` writable bytes; `needed_out`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_get_header(
    message: *const csmail_message,
    name: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let name = unsafe { str_arg(name, "name") }?;
        let v = m.header(name).unwrap_or_default();
        // SAFETY: caller contract.
        unsafe { write_str(&v, buf, len, needed_out) }
    })
}

/// Sets a header (From, To, Cc, Bcc, Reply-To, Sender, Subject, Date, Message-ID,
/// In-Reply-To, References or any other), replacing every field of the name; a NULL `value`
/// removes it. Address headers are parsed (`"Name" <a@b>, c@d`) and every address validated;
/// non-ASCII text is RFC 2047-encoded when written.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT: eexForbiddenCharacter
/// (CR, LF or NUL in the value: a value can never start a header of its own),
/// eexInvalidAddress, eexInvalidHeader (a bad name; Content-* and MIME-Version belong to the
/// sections), eexInvalidUtf8.
///
/// # Safety
/// `name` is NULL or NUL-terminated; `value` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_set_header(
    message: *const csmail_message,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let name = unsafe { str_arg(name, "name") }?;
        // SAFETY: caller contract.
        match unsafe { opt_str(value, "value") }? {
            Some(v) => m.set_header(name, v),
            None => {
                m.remove_header(name);
                Ok(())
            }
        }
    })
}

/// Adds a header field, keeping those of the same name (e.g. a second Received or a custom
/// list). Checks and results as `csmail_message_set_header`; `value` must not be NULL.
///
/// # Safety
/// `name` and `value` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_add_header(
    message: *const csmail_message,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let (name, value) = unsafe { (str_arg(name, "name")?, str_arg(value, "value")?) };
        m.add_header(name, value)
    })
}

/// How many header fields the message has (for `csmail_message_header_at`).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL `count_out`).
///
/// # Safety
/// `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_header_count(message: *const csmail_message, count_out: *mut usize) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { out(count_out, m.headers().len(), "count_out") }
    })
}

/// The name and decoded value of header field `index` (0-based, in message order).
///
/// Two caller buffers as for strings out; either may be NULL to ask its size.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (index out of range),
/// CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// Every buffer is NULL or has its length writable; every `*_needed` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_header_at(
    message: *const csmail_message,
    index: usize,
    name_buf: *mut c_char,
    name_len: usize,
    name_needed: *mut usize,
    value_buf: *mut c_char,
    value_len: usize,
    value_needed: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        let h = m.headers();
        let (n, v) = h.get(index).ok_or_else(|| Error::invalid_arg(format!("header index {index} of {}", h.len())))?;
        // SAFETY: caller contract.
        unsafe {
            write_str(n, name_buf, name_len, name_needed)?;
            write_str(v, value_buf, value_len, value_needed)
        }
    })
}

/// Adds one mailbox to an address header (From, Sender, Reply-To, To, Cc, Bcc). The display
/// name and the address are separate arguments, so no name can act as an address; a
/// non-ASCII name is RFC 2047-encoded when written.
///
/// `display_name`: NULL or "" for none. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE,
/// CSMAIL_E_INVALID_ARGUMENT (eexInvalidAddress, eexInvalidHeader for another header).
///
/// # Safety
/// `header` and `address` are NULL or NUL-terminated; `display_name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_add_address(
    message: *const csmail_message,
    header: *const c_char,
    display_name: *const c_char,
    address: *const c_char,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let (header, name, address) = unsafe {
            (str_arg(header, "header")?, opt_str(display_name, "display_name")?, str_arg(address, "address")?)
        };
        m.add_address(header, name, address)
    })
}

/// How many mailboxes an address header holds (0 when absent).
///
/// # Safety
/// `header` is NULL or NUL-terminated; `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_address_count(
    message: *const csmail_message,
    header: *const c_char,
    count_out: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let header = unsafe { str_arg(header, "header") }?;
        // SAFETY: caller contract.
        unsafe { out(count_out, m.addresses(header).len(), "count_out") }
    })
}

/// The display name ("" when none) and address of mailbox `index` of an address header.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (index out of range),
/// CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `header` is NULL or NUL-terminated; buffers and `*_needed` as for strings out.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_address_at(
    message: *const csmail_message,
    header: *const c_char,
    index: usize,
    name_buf: *mut c_char,
    name_len: usize,
    name_needed: *mut usize,
    addr_buf: *mut c_char,
    addr_len: usize,
    addr_needed: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let header = unsafe { str_arg(header, "header") }?;
        let list = m.addresses(header);
        let mb =
            list.get(index).ok_or_else(|| Error::invalid_arg(format!("address index {index} of {}", list.len())))?;
        // SAFETY: caller contract.
        unsafe {
            write_str(mb.name.as_deref().unwrap_or(""), name_buf, name_len, name_needed)?;
            write_str(&mb.address, addr_buf, addr_len, addr_needed)
        }
    })
}

fn body_get(m: &Message, html: bool) -> String {
    if html { m.html_body() } else { m.text_body() }.unwrap_or_default()
}

/// TextBody: the plain-text body, decoded to UTF-8 ("" when none).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_get_text_body(
    message: *const csmail_message,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { write_str(&body_get(&m, false), buf, len, needed_out) }
    })
}

/// HTMLBody: the HTML body, decoded to UTF-8 ("" when none).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_get_html_body(
    message: *const csmail_message,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { write_str(&body_get(&m, true), buf, len, needed_out) }
    })
}

/// TextBody = text: sets the plain-text body (UTF-8; multipart/alternative beside an HTML body).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, bad UTF-8).
///
/// # Safety
/// `text` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_set_text_body(message: *const csmail_message, text: *const c_char) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        m.set_text_body(unsafe { str_arg(text, "text") }?)
    })
}

/// HTMLBody = html: sets the HTML body (multipart/alternative beside a text body,
/// multipart/related with inline parts).
///
/// # Safety
/// `html` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_set_html_body(message: *const csmail_message, html: *const c_char) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        m.set_html_body(unsafe { str_arg(html, "html") }?)
    })
}

/// Priority: 1 (highest) to 5 (lowest) from X-Priority, 3 when absent.
///
/// # Safety
/// `priority_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_get_priority(message: *const csmail_message, priority_out: *mut i32) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { out(priority_out, m.priority(), "priority_out") }
    })
}

/// Priority = 1..5 (X-Priority; 3, normal, removes the header). Other values:
/// CSMAIL_E_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn csmail_message_set_priority(message: *const csmail_message, priority: i32) -> i32 {
    guard(|| handles::message(message)?.set_priority(priority))
}

/// AddAttachment from a file: the file is read only when the message is sent or saved, base64
/// encoded chunk by chunk (memory does not grow with its size).
///
/// `path`: the file. `content_type`: NULL to guess from the name (application/octet-stream when
/// unknown). `file_name`: NULL for the last component of `path`. `section_out`: NULL, or
/// receives a new reference to the attachment's Section (release it).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (bad content type:
/// eexInvalidHeader), CSMAIL_E_IO (the file cannot be opened: eexMessageSource).
///
/// # Safety
/// Strings are NULL or NUL-terminated; `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_add_attachment_file(
    message: *const csmail_message,
    path: *const c_char,
    content_type: *const c_char,
    file_name: *const c_char,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let (path, ct, name) = unsafe {
            (str_arg(path, "path")?, opt_str(content_type, "content_type")?, opt_str(file_name, "file_name")?)
        };
        let s = m.add_attachment_file(path, ct, name)?;
        // SAFETY: caller contract.
        unsafe { section_out_opt(s, section_out) }
    })
}

/// AddAttachment from memory: `len` bytes at `data` (copied) named `file_name`.
///
/// `content_type`: NULL to guess from `file_name`. `section_out`: NULL or receives a new
/// reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `data` points to `len` bytes (NULL with 0);
/// `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_add_attachment_mem(
    message: *const csmail_message,
    file_name: *const c_char,
    data: *const u8,
    len: usize,
    content_type: *const c_char,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let (name, bytes, ct) = unsafe {
            (str_arg(file_name, "file_name")?, slice_arg(data, len, "data")?, opt_str(content_type, "content_type")?)
        };
        let s = m.add_attachment_bytes(name, bytes.to_vec(), ct)?;
        // SAFETY: caller contract.
        unsafe { section_out_opt(s, section_out) }
    })
}

/// Adds an inline part from memory, which the HTML body shows as `cid:<content_id>`
/// (multipart/related with the HTML body).
///
/// `content_id`: without angle brackets. `file_name`, `content_type`: may be NULL
/// (the type is then guessed from the name). Results as `csmail_message_add_attachment_mem`.
///
/// # Safety
/// As `csmail_message_add_attachment_mem`.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_add_inline_mem(
    message: *const csmail_message,
    content_id: *const c_char,
    file_name: *const c_char,
    data: *const u8,
    len: usize,
    content_type: *const c_char,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let (cid, name, bytes, ct) = unsafe {
            (
                str_arg(content_id, "content_id")?,
                opt_str(file_name, "file_name")?,
                slice_arg(data, len, "data")?,
                opt_str(content_type, "content_type")?,
            )
        };
        let s = m.add_inline_bytes(cid, name, bytes.to_vec(), ct)?;
        // SAFETY: caller contract.
        unsafe { section_out_opt(s, section_out) }
    })
}

/// Adds an inline part from a file (streamed like attachments), shown as `cid:<content_id>`.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_add_inline_file(
    message: *const csmail_message,
    content_id: *const c_char,
    path: *const c_char,
    content_type: *const c_char,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        let (cid, path, ct) = unsafe {
            (str_arg(content_id, "content_id")?, str_arg(path, "path")?, opt_str(content_type, "content_type")?)
        };
        let s = m.add_inline_file(cid, path, ct)?;
        // SAFETY: caller contract.
        unsafe { section_out_opt(s, section_out) }
    })
}

/// # Safety
/// `p` is NULL or writable.
unsafe fn section_out_opt(s: Arc<crate::api::Section>, p: *mut *mut csmail_section) -> Result<()> {
    if p.is_null() {
        return Ok(());
    }
    // SAFETY: forwarded.
    unsafe { register_section(s, p) }
}

fn indexed(list: Vec<Arc<crate::api::Section>>, index: usize, what: &str) -> Result<Arc<crate::api::Section>> {
    let n = list.len();
    list.into_iter().nth(index).ok_or_else(|| Error::invalid_arg(format!("{what} index {index} of {n}")))
}

/// Sections.Count: how many leaf sections (text, HTML, inline parts, attachments) the message
/// has, depth first. The MIME tree itself is reachable from `csmail_message_body`.
///
/// # Safety
/// `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_section_count(message: *const csmail_message, count_out: *mut usize) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { out(count_out, m.sections().len(), "count_out") }
    })
}

/// Sections(index): a new reference to leaf section `index` (0-based); release it.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (out of range, NULL).
///
/// # Safety
/// `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_section(
    message: *const csmail_message,
    index: usize,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        let s = indexed(m.sections(), index, "section")?;
        // SAFETY: caller contract.
        unsafe { register_section(s, section_out) }
    })
}

/// How many of the sections are attachments.
///
/// # Safety
/// `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_attachment_count(message: *const csmail_message, count_out: *mut usize) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { out(count_out, m.attachments().len(), "count_out") }
    })
}

/// A new reference to attachment `index` (0-based); release it.
///
/// # Safety
/// `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_attachment(
    message: *const csmail_message,
    index: usize,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        let s = indexed(m.attachments(), index, "attachment")?;
        // SAFETY: caller contract.
        unsafe { register_section(s, section_out) }
    })
}

/// A new reference to the body section: the root of the MIME tree (a multipart or a single
/// part), whose children are reached with `csmail_section_child`.
///
/// # Safety
/// `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_body(
    message: *const csmail_message,
    section_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { register_section(m.body(), section_out) }
    })
}

/// Sections.Add: adds a section made with `csmail_section_new` (an attachment, an inline part
/// with a Content-ID, or a text body), laid out as for the Add functions. The message keeps its
/// own reference.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (already in the
/// message; eexMimeLimit).
#[no_mangle]
pub extern "C" fn csmail_message_add_section(message: *const csmail_message, section: *const csmail_section) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        let s = handles::section(section)?;
        m.add_section(s)
    })
}

/// Sections.Remove: removes a section from the message (the handle stays valid).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (not in this message,
/// or the body section itself).
#[no_mangle]
pub extern "C" fn csmail_message_remove_section(message: *const csmail_message, section: *const csmail_section) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        let s = handles::section(section)?;
        if m.remove_section(&s) {
            Ok(())
        } else {
            Err(Error::invalid_arg("the section is not part of this message (or is its body)"))
        }
    })
}

/// Whether parsing met more nesting or parts than csmail's limits (32 levels, 1000 parts):
/// `*exceeded_out` is 1 when parts were left out of the sections (the bytes keep them), else 0.
///
/// # Safety
/// `exceeded_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_message_limits_exceeded(message: *const csmail_message, exceeded_out: *mut i32) -> i32 {
    guard(|| {
        let m = handles::message(message)?;
        // SAFETY: caller contract.
        unsafe { out(exceeded_out, m.limits_exceeded() as i32, "exceeded_out") }
    })
}
