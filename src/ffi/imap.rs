//! C functions of the IMAPClient object: each a one-line call into the generic client functions
//! (`ffi::client`), the shared helpers below, or the IMAPClient API.

use super::client::{self, checked, on_client};
use super::common::{non_null, opt_str, optional_out, slice_arg, str_arg, write_str, UserData};
use super::imap_fetchlist::csmail_fetchlist;
use super::imap_search::csmail_search;
use super::message::csmail_message;
use super::object;
use super::{
    csmail_errorinfo, csmail_message_callback, csmail_progress_callback, csmail_read_callback, csmail_write_callback,
    read_callback_source, write_callback_sink,
};
use crate::api::imap_client::{FlagOp, ListEntry, Search};
use crate::api::imap_objects::{fetch_items, FetchList};
use crate::api::{Imap, ImapClient};
use crate::error::{Error, Result};
use crate::protocol::source::SizedSource;
use std::ffi::{c_char, c_void};
use std::sync::Arc;
use std::time::Duration;

/// An IMAPClient: connects to an IMAP server, lists and selects mailboxes, searches, fetches,
/// flags, moves, appends and idles.
pub struct csmail_imap {
    _private: [u8; 0],
}

/// A flag list given as one string: flags separated by spaces ("\\Seen \\Flagged").
fn flags(s: &str) -> Vec<&str> {
    s.split_ascii_whitespace().collect()
}

/// Runs `f` with the string argument `p` (named `what`), a conversion failure recorded.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn with_str(
    imap: *const csmail_imap,
    p: *const c_char,
    what: &str,
    f: impl FnOnce(&ImapClient, &str) -> Result<()>,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: forwarded caller contract.
        let s = checked(c, unsafe { str_arg(p, what) })?;
        f(c, s)
    })
}

/// Runs `f` with two string arguments.
///
/// # Safety
/// `a` and `b` are NULL or NUL-terminated.
unsafe fn with_strs(
    imap: *const csmail_imap,
    a: (*const c_char, &str),
    b: (*const c_char, &str),
    f: impl FnOnce(&ImapClient, &str, &str) -> Result<()>,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: forwarded caller contract.
        let (x, y) = checked(c, unsafe { str_arg(a.0, a.1).and_then(|x| Ok((x, str_arg(b.0, b.1)?))) })?;
        f(c, x, y)
    })
}

/// APPEND from a source made by `source`, writing the new UID (0 when the server does not say).
///
/// # Safety
/// `mailbox` and `flag_list` are NULL (flags only) or NUL-terminated; `uid_out` NULL or writable.
unsafe fn append_with(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    flag_list: *const c_char,
    uid_out: *mut u32,
    run: impl FnOnce(&ImapClient, &str, &[&str]) -> Result<u32>,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: forwarded caller contract.
        let (m, f) =
            checked(c, unsafe { str_arg(mailbox, "mailbox").and_then(|m| Ok((m, opt_str(flag_list, "flags")?))) })?;
        let uid = run(c, m, &flags(f.unwrap_or("")))?;
        // SAFETY: caller contract (NULL allowed).
        unsafe { optional_out(uid_out, uid) };
        Ok(())
    })
}

/// Creates an IMAPClient with one reference (release with `csmail_imap_release`). Never NULL.
#[no_mangle]
pub extern "system" fn csmail_imap_new() -> *mut csmail_imap {
    client::new::<Imap>() as *mut csmail_imap
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_imap_addref(imap: *const csmail_imap) -> i32 {
    client::addref::<Imap, _>(imap)
}

/// Releases a reference; the last one closes the connection without LOGOUT and frees the client.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_imap_release(imap: *const csmail_imap) -> i32 {
    client::release::<Imap, _>(imap)
}

/// Sets a string property (CSMAIL_PROP_HOST, _USER, _PASSWORD). CR, LF, NUL are refused.
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_set_str(
    imap: *const csmail_imap,
    property: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::set_str::<Imap, _>(imap, property, value) }
}

/// Reads a string property (HOST, USER, REPLY_TEXT, CAPABILITIES) into a caller buffer.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_get_str(
    imap: *const csmail_imap,
    property: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::get_str::<Imap, _>(imap, property, buf, len, needed_out) }
}

/// Sets an integer property (CSMAIL_PROP_PORT, _TIMEOUT_MS, _AUTH_MECH: AUTO, PLAIN, LOGIN,
/// CRAM_MD5, XOAUTH2, USER_PASS for the LOGIN command).
#[no_mangle]
pub extern "system" fn csmail_imap_set_int(imap: *const csmail_imap, property: i32, value: i32) -> i32 {
    client::set_int::<Imap, _>(imap, property, value)
}

/// Reads an integer property (PORT, TIMEOUT_MS, AUTH_MECH, CONNECTED, TLS_ACTIVE).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_get_int(imap: *const csmail_imap, property: i32, value_out: *mut i32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::get_int::<Imap, _>(imap, property, value_out) }
}

/// SetAdvancedHandler: attaches an SSLInfo, a LogHandler or a SOCKS/HTTP ProxyInfo (the client
/// keeps its own reference). Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "system" fn csmail_imap_set_advanced_handler(imap: *const csmail_imap, handler: *const c_void) -> i32 {
    client::set_advanced_handler::<Imap, _>(imap, handler)
}

/// Detaches an advanced handler. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_NOT_SUPPORTED.
#[no_mangle]
pub extern "system" fn csmail_imap_remove_advanced_handler(imap: *const csmail_imap, handler: *const c_void) -> i32 {
    client::remove_advanced_handler::<Imap, _>(imap, handler)
}

/// ExtendedError: a new ErrorInfo (release with `csmail_errorinfo_release`).
///
/// # Safety
/// `info_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_extended_error(
    imap: *const csmail_imap,
    info_out: *mut *mut csmail_errorinfo,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { client::extended_error::<Imap, _>(imap, info_out) }
}

/// Sets (NULL clears) the progress callback of fetches and appends. Runs on the operation's
/// thread; non-zero stops (CSMAIL_E_ABORTED). Once this returns, the callback it replaced never
/// runs again.
#[no_mangle]
pub extern "system" fn csmail_imap_set_progress_callback(
    imap: *const csmail_imap,
    callback: csmail_progress_callback,
    userdata: *mut c_void,
) -> i32 {
    client::set_progress_callback::<Imap, _>(imap, callback, userdata)
}

/// Connect: TCP, TLS (MODE_CHANNEL, port 993) or STARTTLS (MODE_STARTTLS, port 143) with an
/// SSLInfo, greeting, CAPABILITY, login (USER must be set).
///
/// Results: CSMAIL_OK, CSMAIL_E_CONNECT (eexDNS, eexTCPConnect, eexSSL*, eexStartTls*,
/// eexImapBye), CSMAIL_E_AUTH (eexImapNo with the server's line, e.g. [AUTHENTICATIONFAILED];
/// eexAuthNotSupported when LOGINDISABLED or the mechanism is not offered: nothing was sent),
/// CSMAIL_E_TIMEOUT, CSMAIL_E_ABORTED, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_TLS_CONFIG.
#[no_mangle]
pub extern "system" fn csmail_imap_connect(imap: *const csmail_imap) -> i32 {
    client::connect::<Imap, _>(imap)
}

/// LOGOUT and close. Not connected is not an error. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE,
/// CSMAIL_E_NETWORK, CSMAIL_E_TIMEOUT.
#[no_mangle]
pub extern "system" fn csmail_imap_disconnect(imap: *const csmail_imap) -> i32 {
    on_client::<Imap, _>(imap, |c| c.disconnect())
}

/// Ends the operation in progress from any thread; it returns CSMAIL_E_ABORTED and the
/// connection is closed, except for IDLE, which ends in order: DONE is sent, the server's OK
/// read, and the session stays open.
#[no_mangle]
pub extern "system" fn csmail_imap_abort(imap: *const csmail_imap) -> i32 {
    client::abort::<Imap, _>(imap)
}

/// NOOP: lets the server report changes. Results: CSMAIL_OK, CSMAIL_E_NOT_CONNECTED,
/// CSMAIL_E_SERVER (eexImapNo, eexImapBad), CSMAIL_E_NETWORK (eexImapBye).
#[no_mangle]
pub extern "system" fn csmail_imap_noop(imap: *const csmail_imap) -> i32 {
    on_client::<Imap, _>(imap, |c| c.noop())
}

/// SELECT (`read_only` 0) or EXAMINE (non-zero) a mailbox (UTF-8 name). Each out pointer may be
/// NULL: the message count, RECENT, UIDVALIDITY and UIDNEXT.
///
/// # Safety
/// `mailbox` is NULL or NUL-terminated; each out pointer is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_select(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    read_only: i32,
    exists_out: *mut u32,
    recent_out: *mut u32,
    uid_validity_out: *mut u32,
    uid_next_out: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        with_str(imap, mailbox, "mailbox", |c, m| {
            let i = if read_only != 0 { c.examine(m)? } else { c.select(m)? };
            optional_out(exists_out, i.exists);
            optional_out(recent_out, i.recent);
            optional_out(uid_validity_out, i.uid_validity);
            optional_out(uid_next_out, i.uid_next);
            Ok(())
        })
    }
}

/// ENABLE (RFC 5161) the extensions named in `capabilities`, separated by spaces (for example
/// "UTF8=ACCEPT CONDSTORE"): what the server enabled goes into a caller buffer, space-separated
/// (`needed_out` gets the size with the NUL). A name that is no IMAP atom is refused before
/// anything is sent.
///
/// # Safety
/// `capabilities` is NULL or NUL-terminated; `buf` is NULL or has `len` writable bytes;
/// `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_enable(
    imap: *const csmail_imap,
    capabilities: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        with_str(imap, capabilities, "capabilities", |c, caps| {
            let enabled = c.enable(&flags(caps))?;
            c.record_failure(write_str(&enabled.join(" "), buf, len, needed_out))
        })
    }
}

/// ID (RFC 2971): sends `fields`, one `name=value` per line (LF-separated; NULL or "" sends
/// NIL), and writes the server's fields the same way into a caller buffer (`needed_out` gets
/// the size with the NUL). A field without `=`, or a name or value with CR, LF or NUL, is
/// refused before anything is sent.
///
/// # Safety
/// `fields` is NULL or NUL-terminated; `buf` is NULL or has `len` writable bytes; `needed_out`
/// is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_id(
    imap: *const csmail_imap,
    fields: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: caller contract.
        let text = checked(c, unsafe { opt_str(fields, "fields") })?.unwrap_or("");
        let pairs = checked(c, id_fields(text))?;
        let answer = c.id(&pairs)?;
        let lines: Vec<String> =
            answer.iter().map(|(k, v)| format!("{}={}", k, v.replace(['\r', '\n'], " "))).collect();
        c.record_failure(write_str(&lines.join("\n"), buf, len, needed_out))
    })
}

/// `name=value` lines into ID's pairs; a line without `=` (or with an empty name) is refused.
fn id_fields(text: &str) -> Result<Vec<(&str, &str)>> {
    text.split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| match l.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k, v)),
            _ => Err(Error::invalid_arg(format!("the ID field {l:?} is not name=value"))),
        })
        .collect()
}

/// LIST `reference` `pattern` ("" and "*" for all): the mailbox names (UTF-8), one per line
/// (LF-separated), into a caller buffer (`needed_out` gets the size with the NUL).
///
/// # Safety
/// `reference` and `pattern` are NULL or NUL-terminated; `buf` is NULL or has `len` writable
/// bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_list(
    imap: *const csmail_imap,
    reference: *const c_char,
    pattern: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { list_lines(imap, reference, pattern, (buf, len, needed_out), shown_name) }
}

/// LIST with each mailbox's attributes (the special-use ones included: `\Trash`, `\Sent`,
/// `\Archive` ...): one line per mailbox (LF-separated), the attributes separated by spaces,
/// then a TAB, then the name (UTF-8), into a caller buffer (`needed_out` gets the size with the
/// NUL). An attribute never holds a TAB, so a line splits at its first one.
///
/// # Safety
/// `reference` and `pattern` are NULL or NUL-terminated; `buf` is NULL or has `len` writable
/// bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_list_attributes(
    imap: *const csmail_imap,
    reference: *const c_char,
    pattern: *const c_char,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        list_lines(imap, reference, pattern, (buf, len, needed_out), |e| {
            format!("{}\t{}", e.attributes.join(" "), shown_name(e))
        })
    }
}

/// A mailbox name as a line of a LIST result: a CR or LF in it (which a server may send in a
/// literal) would split the line, so each becomes a space.
fn shown_name(e: &ListEntry) -> String {
    e.name.replace(['\r', '\n'], " ")
}

/// LIST `reference` `pattern` into a caller buffer: a line per mailbox as `line` writes it,
/// LF-separated.
///
/// # Safety
/// As `csmail_imap_list`.
unsafe fn list_lines(
    imap: *const csmail_imap,
    reference: *const c_char,
    pattern: *const c_char,
    (buf, len, needed_out): (*mut c_char, usize, *mut usize),
    line: impl Fn(&ListEntry) -> String,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        with_strs(imap, (reference, "reference"), (pattern, "pattern"), |c, r, p| {
            let lines: Vec<String> = c.list(r, p)?.iter().map(line).collect();
            c.record_failure(write_str(&lines.join("\n"), buf, len, needed_out))
        })
    }
}

/// STATUS of a mailbox; each out pointer may be NULL (UINT32_MAX when the server did not say).
///
/// # Safety
/// `mailbox` is NULL or NUL-terminated; each out pointer is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_status(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    messages_out: *mut u32,
    unseen_out: *mut u32,
    uid_next_out: *mut u32,
    uid_validity_out: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        with_str(imap, mailbox, "mailbox", |c, m| {
            let s = c.status(m)?;
            optional_out(messages_out, s.messages.unwrap_or(u32::MAX));
            optional_out(unseen_out, s.unseen.unwrap_or(u32::MAX));
            optional_out(uid_next_out, s.uid_next.unwrap_or(u32::MAX));
            optional_out(uid_validity_out, s.uid_validity.unwrap_or(u32::MAX));
            Ok(())
        })
    }
}

/// CREATE a mailbox.
///
/// # Safety
/// `mailbox` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_create(imap: *const csmail_imap, mailbox: *const c_char) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_str(imap, mailbox, "mailbox", |c, m| c.create_mailbox(m)) }
}

/// DELETE a mailbox.
///
/// # Safety
/// `mailbox` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_delete(imap: *const csmail_imap, mailbox: *const c_char) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_str(imap, mailbox, "mailbox", |c, m| c.delete_mailbox(m)) }
}

/// RENAME a mailbox.
///
/// # Safety
/// `old_name` and `new_name` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_rename(
    imap: *const csmail_imap,
    old_name: *const c_char,
    new_name: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_strs(imap, (old_name, "old_name"), (new_name, "new_name"), |c, f, t| c.rename_mailbox(f, t)) }
}

/// SUBSCRIBE (`subscribe` non-zero) or UNSUBSCRIBE a mailbox.
///
/// # Safety
/// `mailbox` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_subscribe(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    subscribe: i32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_str(imap, mailbox, "mailbox", |c, m| c.subscribe(m, subscribe != 0)) }
}

/// CLOSE (`expunge` non-zero: removes the messages marked \Deleted) or UNSELECT the mailbox.
#[no_mangle]
pub extern "system" fn csmail_imap_close_mailbox(imap: *const csmail_imap, expunge: i32) -> i32 {
    on_client::<Imap, _>(imap, |c| c.close_mailbox(expunge != 0))
}

/// SEARCH (UID SEARCH when `uid` is non-zero) with IMAP search keys ("UNSEEN", "FROM \"bob\"";
/// ASCII, no literals): the matching numbers, space-separated, into a caller buffer.
///
/// # Safety
/// `criteria` is NULL or NUL-terminated; `buf` is NULL or has `len` writable bytes;
/// `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_search(
    imap: *const csmail_imap,
    criteria: *const c_char,
    uid: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        with_str(imap, criteria, "criteria", |c, k| {
            let ids = c.search(&Search::new().raw(k), uid != 0)?;
            let text: Vec<String> = ids.iter().map(u32::to_string).collect();
            c.record_failure(write_str(&text.join(" "), buf, len, needed_out))
        })
    }
}

/// SEARCH (UID SEARCH when `uid` is non-zero) with criteria built with `csmail_search_new` and
/// `csmail_search_add*`: the matching numbers, space-separated, into a caller buffer. Strings
/// go out quoted or as literals, with CHARSET UTF-8 when one is not ASCII.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE (either handle), CSMAIL_E_NOT_CONNECTED,
/// CSMAIL_E_BUFFER_TOO_SMALL, CSMAIL_E_SERVER (eexImapNo, eexImapBad: e.g. no mailbox
/// selected), CSMAIL_E_NETWORK, CSMAIL_E_TIMEOUT.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_search_criteria(
    imap: *const csmail_imap,
    criteria: *const csmail_search,
    uid: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        let criteria = checked(c, object::get(criteria))?.criteria();
        let ids = c.search(&criteria, uid != 0)?;
        let text: Vec<String> = ids.iter().map(u32::to_string).collect();
        // SAFETY: caller contract.
        c.record_failure(unsafe { write_str(&text.join(" "), buf, len, needed_out) })
    })
}

/// FETCH (UID FETCH when `uid` is non-zero) the attributes `items` (CSMAIL_FETCH_ITEM_* bits
/// ORed; the UID always comes) of the messages in `set` ("1:*", "4,7"): a new list of them
/// (release with `csmail_fetchlist_release`), read with `csmail_fetchlist_get_int` / `_get_str`
/// and, for CSMAIL_FETCH_ITEM_BODYSTRUCTURE, `csmail_fetchlist_part_get_int` / `_get_str`.
/// Nothing is marked \Seen.
///
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (NULL, not a set,
/// unknown item bits, NULL `list_out`), CSMAIL_E_NOT_CONNECTED, CSMAIL_E_SERVER (eexImapNo,
/// eexImapBad), CSMAIL_E_NETWORK, CSMAIL_E_TIMEOUT.
///
/// # Safety
/// `set` is NULL or NUL-terminated; `list_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_fetch_info(
    imap: *const csmail_imap,
    set: *const c_char,
    uid: i32,
    items: i32,
    list_out: *mut *mut csmail_fetchlist,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: caller contract.
        let set = checked(c, unsafe { str_arg(set, "set") })?;
        let items = checked(c, fetch_items(items))?;
        checked(c, non_null(list_out, "list_out"))?;
        let messages = c.fetch_info(set, uid != 0, items)?;
        // SAFETY: checked non-NULL; caller contract.
        unsafe { object::new_out(Arc::new(FetchList { messages }), list_out, "list_out") }
    })
}

/// FETCH one whole message (by UID when `uid` is non-zero) into a new Message.
///
/// # Safety
/// `message_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_fetch(
    imap: *const csmail_imap,
    id: u32,
    uid: i32,
    message_out: *mut *mut csmail_message,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        checked(c, non_null(message_out, "message_out"))?;
        let m = c.fetch_message(id, uid != 0)?;
        // SAFETY: checked non-NULL; caller contract.
        unsafe { object::new_out(Arc::new(m), message_out, "message_out") }
    })
}

/// Batch fetch: the whole messages `uids` (UIDs), with up to 8 UID FETCH commands in flight;
/// each goes to `callback` (its UID as the number) as it arrives. `fetched_out` (may be NULL)
/// gets how many were there (a UID the mailbox no longer has is skipped).
///
/// # Safety
/// `uids` has `count` entries; `fetched_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_fetch_many(
    imap: *const csmail_imap,
    uids: *const u32,
    count: usize,
    callback: csmail_message_callback,
    userdata: *mut c_void,
    fetched_out: *mut u32,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        let cb = checked(c, callback.ok_or_else(|| Error::invalid_arg("the message callback is NULL")))?;
        // SAFETY: caller contract.
        let ids = checked(c, unsafe { slice_arg(uids, count, "uids") })?;
        let ud = UserData(userdata);
        let fetched = c.fetch_many_whole(ids, move |uid, data| {
            let ud = ud;
            // SAFETY: the application's callback; data is valid during the call.
            let rc = unsafe { cb(ud.0, uid, data.as_ptr(), data.len()) };
            if rc != 0 {
                return Err(std::io::Error::other(format!("the message callback returned {rc}")));
            }
            Ok(())
        })?;
        // SAFETY: caller contract (NULL allowed).
        unsafe { optional_out(fetched_out, fetched.len() as u32) };
        Ok(())
    })
}

/// FETCH one whole message into a file (created or truncated, synced; removed on failure).
///
/// # Safety
/// `path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_fetch_file(
    imap: *const csmail_imap,
    id: u32,
    uid: i32,
    path: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_str(imap, path, "path", |c, p| c.fetch_file(id, uid != 0, p).map(|_| ())) }
}

/// FETCH BODY.PEEK[`section`] ("" or NULL for the whole message, "TEXT", "HEADER", "1.2")
/// streamed into a write callback in pieces of at least 16 KiB (the callback runs on this
/// thread, during this call).
///
/// # Safety
/// `section` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_fetch_cb(
    imap: *const csmail_imap,
    id: u32,
    uid: i32,
    section: *const c_char,
    callback: csmail_write_callback,
    userdata: *mut c_void,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: caller contract.
        let section = checked(c, unsafe { opt_str(section, "section") })?.unwrap_or("");
        let mut sink = checked(c, write_callback_sink(callback, UserData(userdata)))?;
        c.fetch_body(id, uid != 0, section, &mut sink).map(|_| ())
    })
}

/// STORE flags ("\\Seen \\Flagged", space-separated) on a message set ("1:5,7"): `op` > 0
/// adds, < 0 removes, 0 replaces.
///
/// # Safety
/// `set` and `flag_list` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_store_flags(
    imap: *const csmail_imap,
    set: *const c_char,
    uid: i32,
    op: i32,
    flag_list: *const c_char,
) -> i32 {
    let op = match op {
        1.. => FlagOp::Add,
        0 => FlagOp::Replace,
        _ => FlagOp::Remove,
    };
    // SAFETY: caller contract.
    unsafe { with_strs(imap, (set, "set"), (flag_list, "flags"), |c, s, f| c.store_flags(s, uid != 0, op, &flags(f))) }
}

/// COPY a message set to a mailbox (NO [TRYCREATE] when it does not exist).
///
/// # Safety
/// `set` and `mailbox` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_copy(
    imap: *const csmail_imap,
    set: *const c_char,
    uid: i32,
    mailbox: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_strs(imap, (set, "set"), (mailbox, "mailbox"), |c, s, m| c.copy(s, uid != 0, m)) }
}

/// MOVE a message set to a mailbox (without MOVE: COPY, STORE \Deleted, EXPUNGE).
///
/// # Safety
/// `set` and `mailbox` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_move(
    imap: *const csmail_imap,
    set: *const c_char,
    uid: i32,
    mailbox: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { with_strs(imap, (set, "set"), (mailbox, "mailbox"), |c, s, m| c.move_messages(s, uid != 0, m)) }
}

/// EXPUNGE (`set` NULL: every message marked \Deleted) or UID EXPUNGE `set` (UIDPLUS).
///
/// # Safety
/// `set` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_expunge(imap: *const csmail_imap, set: *const c_char) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        // SAFETY: caller contract.
        match checked(c, unsafe { opt_str(set, "set") })? {
            Some(s) => c.uid_expunge(s),
            None => c.expunge(),
        }
    })
}

/// APPEND a file to a mailbox with flags (NULL for none); `uid_out` (may be NULL) gets the new
/// UID, 0 when the server does not say.
/// The file is read twice: once to measure it (bare CR and LF count as the CRLF they are sent
/// as; a NUL byte is refused before anything is sent), then to send it.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `uid_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_append_file(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    flag_list: *const c_char,
    path: *const c_char,
    uid_out: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        append_with(imap, mailbox, flag_list, uid_out, |c, m, f| {
            c.append_file(m, f, checked(c, str_arg(path, "path"))?)
        })
    }
}

/// APPEND a Message to a mailbox.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `uid_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_append_message(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    flag_list: *const c_char,
    message: *const csmail_message,
    uid_out: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        append_with(imap, mailbox, flag_list, uid_out, |c, m, f| {
            let msg = checked(c, object::get(message))?;
            c.append_message(m, f, &msg)
        })
    }
}

/// APPEND a message read from a callback of `size` bytes (exactly, or an error before anything
/// is sent; SIZE_MAX when unknown). Bare CR and LF become CRLF, so the size of the literal is
/// known only after the conversion: the message is read through once into a spool first
/// (memory up to 256 KiB, a temporary file beyond), and memory does not grow with its size.
/// A NUL byte is refused (CSMAIL_E_INVALID_ARGUMENT, eexForbiddenCharacter) before anything is
/// sent.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `uid_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_append_cb(
    imap: *const csmail_imap,
    mailbox: *const c_char,
    flag_list: *const c_char,
    size: usize,
    callback: csmail_read_callback,
    userdata: *mut c_void,
    uid_out: *mut u32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        append_with(imap, mailbox, flag_list, uid_out, |c, m, f| {
            let source = checked(c, read_callback_source(callback, UserData(userdata)))?;
            let mut sized = SizedSource(source, (size != usize::MAX).then_some(size as u64));
            c.append(m, f, &mut sized)
        })
    }
}

/// IDLE until the server reports a change to the selected mailbox or `timeout_ms` pass;
/// `exists_out` (may be NULL) gets the message count, `changed_out` (may be NULL) 1 when the
/// server reported a change, 0 when the wait ran out. csmail_imap_abort ends it from another
/// thread with DONE: CSMAIL_E_ABORTED, and the session stays open (CONNECTED 1) unless the
/// server did not confirm DONE within 2 s.
///
/// # Safety
/// The out pointers are NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_imap_idle(
    imap: *const csmail_imap,
    timeout_ms: u32,
    exists_out: *mut u32,
    changed_out: *mut i32,
) -> i32 {
    on_client::<Imap, _>(imap, |c| {
        let out = c.idle(Duration::from_millis(u64::from(timeout_ms)))?;
        // SAFETY: caller contract (NULL allowed).
        unsafe {
            optional_out(exists_out, out.exists);
            optional_out(changed_out, i32::from(!out.events.is_empty()));
        }
        Ok(())
    })
}
