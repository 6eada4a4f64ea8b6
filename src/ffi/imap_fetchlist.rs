//! C functions of the fetched-attributes object (`csmail_fetchlist`): what
//! `csmail_imap_fetch_info` returned for each message — numbers and strings by CSMAIL_FETCHED_*
//! field, and each MIME part of its BODYSTRUCTURE by CSMAIL_PART_* field, so a C program reads
//! the structure without an IMAP parser of its own.
//!
//! The list does not change once made; any thread may read it. Failures go into the result
//! code and this thread's last error.

use super::common::out;
use super::object;
use crate::api::imap_objects::FetchList;
use std::ffi::c_char;

/// The attributes of fetched messages, in the order the server sent them.
pub struct csmail_fetchlist {
    _private: [u8; 0],
}

impl object::Handle for csmail_fetchlist {
    type Object = FetchList;
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_fetchlist_addref(list: *const csmail_fetchlist) -> i32 {
    object::addref(list)
}

/// Releases a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_fetchlist_release(list: *const csmail_fetchlist) -> i32 {
    object::release(list)
}

/// How many messages the list holds.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL `count_out`).
///
/// # Safety
/// `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_fetchlist_count(list: *const csmail_fetchlist, count_out: *mut usize) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(list, count_out, "count_out", |l| Ok(l.messages.len())) }
}

/// A number field of message `index` (0-based): CSMAIL_FETCHED_NUMBER, _UID, _SIZE,
/// _PART_COUNT.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (index out of range;
/// NULL `value_out`; not a number field: eexUnknownOption).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_fetchlist_get_int(
    list: *const csmail_fetchlist,
    index: usize,
    field: i32,
    value_out: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(list, value_out, "value_out", |l| l.get_int(index, field)) }
}

/// A string field of message `index` (0-based) into a caller buffer: CSMAIL_FETCHED_FLAGS,
/// _INTERNAL_DATE, _SUBJECT, _FROM, _DATE, _MESSAGE_ID ("" when not fetched).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_BUFFER_TOO_SMALL,
/// CSMAIL_E_INVALID_ARGUMENT (index out of range; not a string field: eexUnknownOption).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_fetchlist_get_str(
    list: *const csmail_fetchlist,
    index: usize,
    field: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_str(list, buf, len, needed_out, |l| l.get_str(index, field)) }
}

/// A number field of part `part` (0-based, depth first; CSMAIL_FETCHED_PART_COUNT parts) of
/// message `index`: CSMAIL_PART_DEPTH, _SIZE, _LINES, _CHILD_COUNT.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (index or part out of
/// range; NULL `value_out`; not a number field: eexUnknownOption).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_fetchlist_part_get_int(
    list: *const csmail_fetchlist,
    index: usize,
    part: usize,
    field: i32,
    value_out: *mut u32,
) -> i32 {
    object::on(list, |l| {
        let v = l.part_int(index, part, field)?;
        // SAFETY: caller contract.
        unsafe { out(value_out, v, "value_out") }
    })
}

/// A string field of part `part` of message `index` into a caller buffer: CSMAIL_PART_SECTION
/// (give it to csmail_imap_fetch_cb to fetch just that part), _MIME_TYPE, _CHARSET, _ENCODING,
/// _DISPOSITION, _FILE_NAME, _CONTENT_ID, _DESCRIPTION, _LANGUAGE.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_BUFFER_TOO_SMALL,
/// CSMAIL_E_INVALID_ARGUMENT (index or part out of range; not a string field: eexUnknownOption).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_fetchlist_part_get_str(
    list: *const csmail_fetchlist,
    index: usize,
    part: usize,
    field: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_str(list, buf, len, needed_out, |l| l.part_str(index, part, field)) }
}
