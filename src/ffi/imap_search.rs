//! C functions of the search criteria object (`csmail_search`): IMAP SEARCH keys added one at a
//! time and sent with `csmail_imap_search_criteria`. Every string goes out quoted or as a
//! literal (UTF-8 with CHARSET UTF-8 when it is not ASCII), so no value can inject a command;
//! each key is checked when it is added.
//!
//! Like Message, the object reports failures through the result code and this thread's last
//! error; any thread may call, each call locks the criteria briefly.

use super::common::str_arg;
use super::object;
use crate::api::imap_objects::SearchBuilder;
use std::ffi::c_char;

/// Search criteria: keys ANDed together (none: every message).
pub struct csmail_search {
    _private: [u8; 0],
}

impl object::Handle for csmail_search {
    type Object = SearchBuilder;
}

/// Creates empty criteria with one reference (release with `csmail_search_release`). Never
/// NULL. Any thread.
#[no_mangle]
pub extern "system" fn csmail_search_new() -> *mut csmail_search {
    object::new(SearchBuilder::new())
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_search_addref(search: *const csmail_search) -> i32 {
    object::addref(search)
}

/// Releases a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_search_release(search: *const csmail_search) -> i32 {
    object::release(search)
}

/// Adds a key without argument: CSMAIL_SEARCH_ALL, _SEEN, _UNSEEN, _FLAGGED, _UNFLAGGED,
/// _ANSWERED, _UNANSWERED, _DELETED, _UNDELETED, _DRAFT, _UNDRAFT, _NEW.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (another key:
/// eexUnknownOption).
#[no_mangle]
pub extern "system" fn csmail_search_add(search: *const csmail_search, key: i32) -> i32 {
    object::on(search, |s| s.add_flag(key))
}

/// Adds a key with a string (UTF-8): CSMAIL_SEARCH_FROM, _TO, _CC, _BCC, _SUBJECT, _BODY,
/// _TEXT, _KEYWORD, _UNKEYWORD ("contains", as the server compares).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL or not UTF-8;
/// CR, LF or NUL: eexForbiddenCharacter; another key: eexUnknownOption).
///
/// # Safety
/// `value` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_search_add_str(
    search: *const csmail_search,
    key: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { object::set_str(search, value, "value", |s, v| s.add_str(key, v)) }
}

/// Adds HEADER `name` `value`: messages whose header field `name` contains `value`.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, not UTF-8,
/// CR, LF or NUL: eexForbiddenCharacter).
///
/// # Safety
/// `name` and `value` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_search_add_header(
    search: *const csmail_search,
    name: *const c_char,
    value: *const c_char,
) -> i32 {
    object::on(search, |s| {
        // SAFETY: caller contract.
        let (n, v) = unsafe { (str_arg(name, "name")?, str_arg(value, "value")?) };
        s.add_header(n, v)
    })
}

/// Adds a key with a size in octets: CSMAIL_SEARCH_LARGER, _SMALLER (32 bits, as IMAP4rev1's
/// number and every VB integer can carry).
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (another key:
/// eexUnknownOption).
#[no_mangle]
pub extern "system" fn csmail_search_add_number(search: *const csmail_search, key: i32, octets: u32) -> i32 {
    object::on(search, |s| s.add_number(key, u64::from(octets)))
}

/// Adds a key with a day (the server's internal date, its time zone): CSMAIL_SEARCH_SINCE,
/// _BEFORE, _ON; `month` 1-12.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (a day the calendar
/// does not have, such as 2023-02-29; another key: eexUnknownOption).
#[no_mangle]
pub extern "system" fn csmail_search_add_date(
    search: *const csmail_search,
    key: i32,
    year: i32,
    month: i32,
    day: i32,
) -> i32 {
    object::on(search, |s| s.add_date(key, year, month, day))
}

/// Adds UID `set`: messages with these UIDs ("1:5,7", "100:*").
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, not a set).
///
/// # Safety
/// `set` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_search_add_uids(search: *const csmail_search, set: *const c_char) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { object::set_str(search, set, "set", |s, v| s.add_uids(v)) }
}

/// Adds NOT (the keys of `inner`), copied as they are now: later changes to `inner` do not
/// change `search`.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE (either handle), CSMAIL_E_INVALID_ARGUMENT
/// (`inner` has no key).
#[no_mangle]
pub extern "system" fn csmail_search_add_not(search: *const csmail_search, inner: *const csmail_search) -> i32 {
    object::on(search, |s| s.add_not(&*object::get(inner)?))
}

/// Adds OR (the keys of `a`) (the keys of `b`), copied as they are now.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE (any handle), CSMAIL_E_INVALID_ARGUMENT (`a` or
/// `b` has no key).
#[no_mangle]
pub extern "system" fn csmail_search_add_or(
    search: *const csmail_search,
    a: *const csmail_search,
    b: *const csmail_search,
) -> i32 {
    object::on(search, |s| s.add_or(&*object::get(a)?, &*object::get(b)?))
}

/// Adds search keys written in IMAP syntax ("UNSEEN FROM \"bob\""): ASCII, no literals.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, blank, not
/// ASCII, a literal `{n}`; CR, LF or NUL: eexForbiddenCharacter).
///
/// # Safety
/// `keys` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_search_add_raw(search: *const csmail_search, keys: *const c_char) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { object::set_str(search, keys, "keys", |s, v| s.add_raw(v)) }
}
