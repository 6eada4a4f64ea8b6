//! C functions of the Section object: one MIME part of a Message.
//!
//! A Section handle is a reference to a part that may belong to a message: changes show in
//! the message at once. Like Message, a Section reports failures through the result code and
//! this thread's last error; any thread may call, each call locks the part briefly.

use super::common::{guard, out, slice_arg, str_arg, write_str, UserData};
use super::handles::{self, Object};
use super::{csmail_write_callback, write_callback_sink};
use crate::api::Section;
use crate::error::{self, Error, Result};
use crate::message::{
    CSMAIL_SECTION_CHARSET, CSMAIL_SECTION_CONTENT_ID, CSMAIL_SECTION_CONTENT_TYPE, CSMAIL_SECTION_DISPOSITION,
    CSMAIL_SECTION_FILE_NAME, CSMAIL_SECTION_TRANSFER_ENCODING,
};
use crate::protocol::source::MessageSink;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

/// A Section: one MIME part (content type, file name, content, nested parts).
pub struct csmail_section {
    _private: [u8; 0],
}

fn is_section(o: &Object) -> bool {
    matches!(o, Object::Section(_))
}

/// Registers a new reference to a section in `*p`.
///
/// # Safety
/// `p` is NULL or writable.
pub(crate) unsafe fn section_out(s: Arc<Section>, p: *mut *mut csmail_section) -> Result<()> {
    if p.is_null() {
        return Err(Error::invalid_arg("section_out is NULL"));
    }
    let token = handles::register(Object::Section(s));
    // SAFETY: non-NULL and writable per the contract.
    unsafe { *p = token as *mut csmail_section };
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

/// Writes bytes into a caller buffer: `needed_out` gets the size; a NULL buffer only asks.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
unsafe fn write_bytes(data: &[u8], buf: *mut u8, len: usize, needed_out: *mut usize) -> Result<()> {
    if !needed_out.is_null() {
        // SAFETY: writable per the contract.
        unsafe { *needed_out = data.len() };
    }
    if buf.is_null() {
        return Ok(());
    }
    if len < data.len() {
        return Err(Error::new(
            error::CSMAIL_E_BUFFER_TOO_SMALL,
            error::eexBufferTooSmall,
            format!("the buffer has {len} bytes; {} are needed", data.len()),
        ));
    }
    // SAFETY: buf has at least data.len() bytes.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len()) };
    Ok(())
}

/// Creates a free-standing Section with one reference (add it with `csmail_message_add_section`
/// or `csmail_section_add_child`).
///
/// `content_type`: `type/subtype`, NULL or "" for text/plain. `section_out` receives the handle
/// (release it). Results: CSMAIL_OK, CSMAIL_E_INVALID_ARGUMENT (NULL `section_out`, not a
/// content type: eexInvalidHeader). Any thread.
///
/// # Safety
/// `content_type` is NULL or NUL-terminated; `section_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_new(
    content_type: *const c_char,
    section_out_p: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        // SAFETY: caller contract.
        let ct = unsafe { opt_str(content_type, "content_type") }?.unwrap_or("");
        let s = Section::new(ct)?;
        // SAFETY: caller contract.
        unsafe { section_out(s, section_out_p) }
    })
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_section_addref(section: *const csmail_section) -> i32 {
    guard(|| handles::addref_typed(section, is_section, "Section handle"))
}

/// Releases a reference; the part lives on while a message holds it.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "C" fn csmail_section_release(section: *const csmail_section) -> i32 {
    guard(|| handles::release_typed(section, is_section, "Section handle"))
}

/// Reads a string property: CSMAIL_SECTION_CONTENT_TYPE, _CHARSET, _TRANSFER_ENCODING,
/// _FILE_NAME, _CONTENT_ID, _DISPOSITION ("" when unset).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (unknown property:
/// eexUnknownOption), CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_get_str(
    section: *const csmail_section,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        let v = match property {
            CSMAIL_SECTION_CONTENT_TYPE => Some(s.content_type()),
            CSMAIL_SECTION_CHARSET => s.charset(),
            CSMAIL_SECTION_TRANSFER_ENCODING => s.transfer_encoding(),
            CSMAIL_SECTION_FILE_NAME => s.file_name(),
            CSMAIL_SECTION_CONTENT_ID => s.content_id(),
            CSMAIL_SECTION_DISPOSITION => s.disposition(),
            _ => return Err(unknown(property)),
        };
        // SAFETY: caller contract.
        unsafe { write_str(v.as_deref().unwrap_or(""), buf, len, needed_out) }
    })
}

fn unknown(property: i32) -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexUnknownOption,
        format!("unknown section property {property}"),
    )
}

/// Sets a string property (NULL `value` clears it): CSMAIL_SECTION_CONTENT_TYPE (not NULL),
/// _CHARSET, _FILE_NAME, _CONTENT_ID, _DISPOSITION. _TRANSFER_ENCODING is read-only: csmail
/// picks a 7-bit-safe encoding when it writes the part.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (eexInvalidHeader,
/// eexForbiddenCharacter, eexReadOnlyOption, eexUnknownOption).
///
/// # Safety
/// `value` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_set_str(
    section: *const csmail_section,
    property: i32,
    value: *const c_char,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let v = unsafe { opt_str(value, "value") }?;
        match property {
            CSMAIL_SECTION_CONTENT_TYPE => {
                s.set_content_type(v.ok_or_else(|| Error::invalid_arg("the content type is NULL"))?)
            }
            CSMAIL_SECTION_CHARSET => s.set_charset(v),
            CSMAIL_SECTION_FILE_NAME => s.set_file_name(v),
            CSMAIL_SECTION_CONTENT_ID => s.set_content_id(v),
            CSMAIL_SECTION_DISPOSITION => s.set_disposition(v),
            CSMAIL_SECTION_TRANSFER_ENCODING => Err(Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexReadOnlyOption,
                "the transfer encoding is chosen by csmail when it writes the part",
            )),
            _ => Err(unknown(property)),
        }
    })
}

/// A Content-Type parameter by name (charset and name included); "" when absent.
///
/// # Safety
/// `name` is NULL or NUL-terminated; `buf`/`needed_out` as for strings out.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_get_param(
    section: *const csmail_section,
    name: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let name = unsafe { str_arg(name, "name") }?;
        // SAFETY: caller contract.
        unsafe { write_str(&s.param(name).unwrap_or_default(), buf, len, needed_out) }
    })
}

/// Sets (NULL `value`: removes) a Content-Type parameter; `boundary` is csmail's own.
///
/// # Safety
/// `name` and `value` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_set_param(
    section: *const csmail_section,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let (name, value) = unsafe { (str_arg(name, "name")?, opt_str(value, "value")?) };
        s.set_param(name, value)
    })
}

/// Another header of the part (Content-Description, Content-Location, X-...), decoded;
/// "" when absent.
///
/// # Safety
/// `name` is NULL or NUL-terminated; `buf`/`needed_out` as for strings out.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_get_header(
    section: *const csmail_section,
    name: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let name = unsafe { str_arg(name, "name") }?;
        // SAFETY: caller contract.
        unsafe { write_str(&s.header(name).unwrap_or_default(), buf, len, needed_out) }
    })
}

/// Sets (NULL `value`: removes) a header of the part. CR, LF and NUL are refused
/// (eexForbiddenCharacter); the Content-Type/-Disposition/-ID/-Transfer-Encoding headers are
/// set through the properties (eexInvalidHeader).
///
/// # Safety
/// `name` and `value` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_set_header(
    section: *const csmail_section,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let (name, value) = unsafe { (str_arg(name, "name")?, opt_str(value, "value")?) };
        match value {
            Some(v) => s.set_header(name, v),
            None => {
                s.remove_header(name);
                Ok(())
            }
        }
    })
}

/// The size of the decoded content in bytes.
///
/// # Safety
/// `size_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_size(section: *const csmail_section, size_out: *mut u64) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        unsafe { out(size_out, s.size(), "size_out") }
    })
}

/// Whether the part is an attachment (1) or a body text, inline part or multipart (0).
///
/// # Safety
/// `flag_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_is_attachment(section: *const csmail_section, flag_out: *mut i32) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        unsafe { out(flag_out, s.is_attachment() as i32, "flag_out") }
    })
}

/// The decoded content (transfer encoding undone, charset unchanged) into a caller buffer.
///
/// `buf`/`len`: NULL to ask the size; `needed_out` receives the size in bytes (no NUL added).
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_BUFFER_TOO_SMALL, CSMAIL_E_IO (a
/// file-backed content cannot be read).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_content(
    section: *const csmail_section,
    buf: *mut u8,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        let data = s.content()?;
        // SAFETY: caller contract.
        unsafe { write_bytes(&data, buf, len, needed_out) }
    })
}

/// The content as text: decoded from the part's charset to UTF-8 (invalid sequences replaced),
/// NUL-terminated, as for strings out.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_text(
    section: *const csmail_section,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        let text = s.text()?;
        // SAFETY: caller contract.
        unsafe { write_str(&text.replace('\0', "\u{FFFD}"), buf, len, needed_out) }
    })
}

/// The decoded content through a write callback, in chunks of at most 64 KiB (on this thread,
/// during this call). A non-zero return from the callback stops with CSMAIL_E_IO
/// (eexMessageSink).
#[no_mangle]
pub extern "C" fn csmail_section_content_cb(
    section: *const csmail_section,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        let mut sink = write_callback_sink(callback, UserData(userdata))?;
        let data = s.content()?;
        for chunk in data.chunks(64 * 1024) {
            sink.write(chunk).map_err(|e| Error::new(error::CSMAIL_E_IO, error::eexMessageSink, e.to_string()))?;
        }
        Ok(())
    })
}

/// SaveToFile of a section: writes its decoded content into `folder` under `file_name`, or
/// under the section's own file name when `file_name` is NULL. The name must be one plain file
/// name: path separators, "..", absolute paths, drive letters, control characters and Windows
/// device names (CON, NUL, COM1 ...) are refused (eexUnsafeFileName), so a hostile attachment
/// name can never write outside the folder. An existing file is replaced; a symbolic link in
/// its place is not followed.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (eexUnsafeFileName),
/// CSMAIL_E_IO (eexMessageSink with the OS error).
///
/// # Safety
/// `folder` is NULL or NUL-terminated; `file_name` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_save_to_file(
    section: *const csmail_section,
    folder: *const c_char,
    file_name: *const c_char,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let (folder, name) = unsafe { (str_arg(folder, "folder")?, opt_str(file_name, "file_name")?) };
        s.save_to_folder(folder, name).map(|_| ())
    })
}

/// Replaces the content with `len` bytes at `data` (copied).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (a multipart section).
///
/// # Safety
/// `data` is NULL with `len` 0 or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_set_content_mem(
    section: *const csmail_section,
    data: *const u8,
    len: usize,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        let bytes = unsafe { slice_arg(data, len, "data") }?;
        s.set_content(bytes.to_vec())
    })
}

/// Makes a file the content, read (and encoded) only when the message is sent or saved.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_IO.
///
/// # Safety
/// `path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_set_content_file(section: *const csmail_section, path: *const c_char) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        s.set_content_file(unsafe { str_arg(path, "path") }?)
    })
}

/// Replaces the content with UTF-8 text (the charset becomes utf-8).
///
/// # Safety
/// `text` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_set_text(section: *const csmail_section, text: *const c_char) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        s.set_text(unsafe { str_arg(text, "text") }?)
    })
}

/// How many sections are nested in this one (a multipart's parts; 0 for a leaf).
///
/// # Safety
/// `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_child_count(section: *const csmail_section, count_out: *mut usize) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        // SAFETY: caller contract.
        unsafe { out(count_out, s.children().len(), "count_out") }
    })
}

/// A new reference to nested section `index` (0-based); release it.
///
/// # Safety
/// `child_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn csmail_section_child(
    section: *const csmail_section,
    index: usize,
    child_out: *mut *mut csmail_section,
) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        let children = s.children();
        let n = children.len();
        let c =
            children.into_iter().nth(index).ok_or_else(|| Error::invalid_arg(format!("child index {index} of {n}")))?;
        // SAFETY: caller contract.
        unsafe { section_out(c, child_out) }
    })
}

/// Appends `child` to a multipart section (the parent keeps its own reference).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (not multipart,
/// a cycle, eexMimeLimit).
#[no_mangle]
pub extern "C" fn csmail_section_add_child(section: *const csmail_section, child: *const csmail_section) -> i32 {
    guard(|| {
        let s = handles::section(section)?;
        let c = handles::section(child)?;
        s.add_child(c)
    })
}
