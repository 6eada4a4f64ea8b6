//! The property table (src/tables/properties.rs) tells the truth about every client and proxy:
//! each object has exactly the properties its rows name, of the row's type, access and default.
//! Called through the C ABI, so the check holds whatever the Rust objects behind it look like.

use csmail::api::properties::{Access, Object, PropKind, AUTH_MECHANISMS, PROPERTIES};
use csmail::api::proxyinfo::CSMAIL_PROXY_SOCKS5;
use csmail::error::{
    eexReadOnlyOption, eexUnknownOption, CSMAIL_E_INVALID_ARGUMENT, CSMAIL_E_NOT_SUPPORTED, CSMAIL_OK,
};
use csmail::message::SECTION_PROPERTIES;
use std::ffi::{c_char, c_void, CStr};

extern "C" {
    fn csmail_smtp_new() -> *mut c_void;
    fn csmail_smtp_release(h: *mut c_void) -> i32;
    fn csmail_smtp_set_str(h: *const c_void, p: i32, v: *const c_char) -> i32;
    fn csmail_smtp_get_str(h: *const c_void, p: i32, buf: *mut c_char, len: usize, needed: *mut usize) -> i32;
    fn csmail_smtp_set_int(h: *const c_void, p: i32, v: i32) -> i32;
    fn csmail_smtp_get_int(h: *const c_void, p: i32, v: *mut i32) -> i32;
    fn csmail_pop3_new() -> *mut c_void;
    fn csmail_pop3_release(h: *mut c_void) -> i32;
    fn csmail_pop3_set_str(h: *const c_void, p: i32, v: *const c_char) -> i32;
    fn csmail_pop3_get_str(h: *const c_void, p: i32, buf: *mut c_char, len: usize, needed: *mut usize) -> i32;
    fn csmail_pop3_set_int(h: *const c_void, p: i32, v: i32) -> i32;
    fn csmail_pop3_get_int(h: *const c_void, p: i32, v: *mut i32) -> i32;
    fn csmail_proxyinfo_new(kind: i32) -> *mut c_void;
    fn csmail_proxyinfo_release(h: *mut c_void) -> i32;
    fn csmail_proxyinfo_set_str(h: *const c_void, p: i32, v: *const c_char) -> i32;
    fn csmail_proxyinfo_get_str(h: *const c_void, p: i32, buf: *mut c_char, len: usize, needed: *mut usize) -> i32;
    fn csmail_proxyinfo_set_int(h: *const c_void, p: i32, v: i32) -> i32;
    fn csmail_proxyinfo_get_int(h: *const c_void, p: i32, v: *mut i32) -> i32;
    fn csmail_section_new(content_type: *const c_char, out: *mut *mut c_void) -> i32;
    fn csmail_section_release(h: *const c_void) -> i32;
    fn csmail_section_set_str(h: *const c_void, p: i32, v: *const c_char) -> i32;
    fn csmail_section_get_str(h: *const c_void, p: i32, buf: *mut c_char, len: usize, needed: *mut usize) -> i32;
    fn csmail_last_eex() -> i32;
}

type SetStr = unsafe extern "C" fn(*const c_void, i32, *const c_char) -> i32;
type GetStr = unsafe extern "C" fn(*const c_void, i32, *mut c_char, usize, *mut usize) -> i32;
type SetInt = unsafe extern "C" fn(*const c_void, i32, i32) -> i32;
type GetInt = unsafe extern "C" fn(*const c_void, i32, *mut i32) -> i32;

/// One object's property functions.
struct Target {
    object: Object,
    handle: *mut c_void,
    set_str: SetStr,
    get_str: GetStr,
    set_int: SetInt,
    get_int: GetInt,
    release: unsafe extern "C" fn(*mut c_void) -> i32,
}

impl Target {
    fn get_str(&self, p: i32) -> (i32, String) {
        let mut buf = [0 as c_char; 256];
        let mut needed = 0usize;
        // SAFETY: a live handle, a local buffer of the given size.
        let rc = unsafe { (self.get_str)(self.handle, p, buf.as_mut_ptr(), buf.len(), &mut needed) };
        // SAFETY: NUL-terminated on success; all zeros otherwise.
        (rc, unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
    }
    fn get_int(&self, p: i32) -> (i32, i32) {
        let mut v = -1;
        // SAFETY: a live handle and a local.
        (unsafe { (self.get_int)(self.handle, p, &mut v) }, v)
    }
    fn set_str(&self, p: i32, v: &CStr) -> i32 {
        // SAFETY: a live handle and a NUL-terminated string.
        unsafe { (self.set_str)(self.handle, p, v.as_ptr()) }
    }
    fn set_int(&self, p: i32, v: i32) -> i32 {
        // SAFETY: a live handle.
        unsafe { (self.set_int)(self.handle, p, v) }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        // SAFETY: the handle this target made.
        assert_eq!(unsafe { (self.release)(self.handle) }, CSMAIL_OK);
    }
}

fn targets() -> Vec<Target> {
    // SAFETY: constructors without arguments (the proxy's kind is checked by it).
    unsafe {
        vec![
            Target {
                object: Object::Smtp,
                handle: csmail_smtp_new(),
                set_str: csmail_smtp_set_str,
                get_str: csmail_smtp_get_str,
                set_int: csmail_smtp_set_int,
                get_int: csmail_smtp_get_int,
                release: csmail_smtp_release,
            },
            Target {
                object: Object::Pop3,
                handle: csmail_pop3_new(),
                set_str: csmail_pop3_set_str,
                get_str: csmail_pop3_get_str,
                set_int: csmail_pop3_set_int,
                get_int: csmail_pop3_get_int,
                release: csmail_pop3_release,
            },
            Target {
                object: Object::Proxy,
                handle: csmail_proxyinfo_new(CSMAIL_PROXY_SOCKS5),
                set_str: csmail_proxyinfo_set_str,
                get_str: csmail_proxyinfo_get_str,
                set_int: csmail_proxyinfo_set_int,
                get_int: csmail_proxyinfo_get_int,
                release: csmail_proxyinfo_release,
            },
        ]
    }
}

/// The number a default written as text stands for ("30000", "CSMAIL_AUTH_AUTO").
fn default_number(text: &str) -> i32 {
    text.parse().unwrap_or_else(|_| {
        AUTH_MECHANISMS.rows.iter().find(|r| r.name == text).unwrap_or_else(|| panic!("default {text:?}")).value
    })
}

/// An unknown property: CSMAIL_E_INVALID_ARGUMENT with eexUnknownOption.
fn assert_unknown(rc: i32, what: &str) {
    assert_eq!(rc, CSMAIL_E_INVALID_ARGUMENT, "{what}");
    // SAFETY: reads this thread's last error.
    assert_eq!(unsafe { csmail_last_eex() }, eexUnknownOption, "{what}");
}

#[test]
fn every_object_has_exactly_the_properties_of_the_table() {
    for t in targets() {
        assert!(!t.handle.is_null());
        for p in PROPERTIES {
            let what = format!("{:?} {}", t.object, p.constant);
            if !p.objects.contains(&t.object) {
                assert_unknown(t.get_int(p.id).0, &what);
                assert_unknown(t.get_str(p.id).0, &what);
                assert_unknown(t.set_int(p.id, 0), &what);
                assert_unknown(t.set_str(p.id, c"x"), &what);
                continue;
            }
            match p.kind {
                PropKind::Int => {
                    assert_eq!(t.get_int(p.id), (CSMAIL_OK, default_number(p.default)), "{what}: default");
                    assert_eq!(t.get_str(p.id).0, CSMAIL_E_INVALID_ARGUMENT, "{what}: read as a string");
                    let set = t.set_int(p.id, default_number(p.default));
                    match p.access {
                        Access::ReadOnly => assert_eq!(set, CSMAIL_E_INVALID_ARGUMENT, "{what}: set"),
                        _ => assert_eq!(set, CSMAIL_OK, "{what}: set"),
                    }
                }
                PropKind::Str => {
                    assert_eq!(p.default, "", "{what}: string defaults are empty");
                    let (rc, value) = t.get_str(p.id);
                    match p.access {
                        Access::WriteOnly => assert_eq!(rc, CSMAIL_E_NOT_SUPPORTED, "{what}: read"),
                        _ => assert_eq!((rc, value.as_str()), (CSMAIL_OK, ""), "{what}: default"),
                    }
                    assert_eq!(t.get_int(p.id).0, CSMAIL_E_INVALID_ARGUMENT, "{what}: read as an int");
                    let set = t.set_str(p.id, c"example.org");
                    match p.access {
                        Access::ReadOnly => assert_eq!(set, CSMAIL_E_INVALID_ARGUMENT, "{what}: set"),
                        _ => assert_eq!(set, CSMAIL_OK, "{what}: set"),
                    }
                    if p.access == Access::ReadWrite {
                        assert_eq!(t.get_str(p.id), (CSMAIL_OK, "example.org".to_owned()), "{what}: read back");
                    }
                }
            }
        }
        // An id no row has.
        assert_unknown(t.get_int(999).0, "id 999");
        assert_unknown(t.set_str(999, c"x"), "id 999");
    }
}

#[test]
fn the_table_names_every_property_once() {
    let mut ids = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for p in PROPERTIES {
        assert!(ids.insert(p.id), "{} repeats id {}", p.constant, p.id);
        assert!(names.insert(p.name), "{} repeats name {}", p.constant, p.name);
        assert!(p.constant.starts_with("CSMAIL_PROP_"), "{}", p.constant);
    }
}

/// A value a Section property accepts, different from its default (a new row needs one here).
fn section_sample(constant: &str) -> &'static CStr {
    match constant {
        "CSMAIL_SECTION_CONTENT_TYPE" => c"application/pdf",
        "CSMAIL_SECTION_CHARSET" => c"iso-8859-1",
        "CSMAIL_SECTION_FILE_NAME" => c"report.pdf",
        "CSMAIL_SECTION_CONTENT_ID" => c"part1@example.org",
        "CSMAIL_SECTION_DISPOSITION" => c"attachment",
        "CSMAIL_SECTION_TRANSFER_ENCODING" => c"8bit",
        other => panic!("no sample value for {other}: add one"),
    }
}

fn section_get(section: *mut c_void, p: i32) -> (i32, String) {
    let mut buf = [0 as c_char; 256];
    let mut needed = 0usize;
    // SAFETY: a live handle, a local buffer of the given size.
    let rc = unsafe { csmail_section_get_str(section, p, buf.as_mut_ptr(), buf.len(), &mut needed) };
    // SAFETY: NUL-terminated on success; all zeros otherwise.
    (rc, unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// The Section has exactly the rows of SECTION_PROPERTIES (src/tables/message_values.rs): each
/// with the row's default and access, and no other id (the client ids 1..30 included).
#[test]
fn the_section_has_exactly_the_properties_of_its_table() {
    let mut section = std::ptr::null_mut();
    // SAFETY: NULL content type (text/plain) and a local out pointer.
    assert_eq!(unsafe { csmail_section_new(std::ptr::null(), &mut section) }, CSMAIL_OK);
    let mut ids = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for p in SECTION_PROPERTIES {
        let what = p.constant;
        assert!(ids.insert(p.id), "{what} repeats id {}", p.id);
        assert!(names.insert(p.name), "{what} repeats name {}", p.name);
        assert!(p.constant.starts_with("CSMAIL_SECTION_"), "{what}");
        assert_eq!(p.objects, [Object::Section], "{what}");
        // csmail_section_get_str / set_str are the Section's only property functions.
        assert_eq!(p.kind, PropKind::Str, "{what}");
        assert_eq!(section_get(section, p.id), (CSMAIL_OK, p.default.to_owned()), "{what}: default");
        let sample = section_sample(p.constant);
        // SAFETY: a live handle and a NUL-terminated string.
        let set = unsafe { csmail_section_set_str(section, p.id, sample.as_ptr()) };
        match p.access {
            Access::ReadOnly => {
                assert_eq!(set, CSMAIL_E_INVALID_ARGUMENT, "{what}: set");
                // SAFETY: reads this thread's last error.
                assert_eq!(unsafe { csmail_last_eex() }, eexReadOnlyOption, "{what}: set");
                assert_eq!(section_get(section, p.id), (CSMAIL_OK, p.default.to_owned()), "{what}: unchanged");
            }
            Access::ReadWrite => {
                assert_eq!(set, CSMAIL_OK, "{what}: set");
                let back = sample.to_str().unwrap().to_owned();
                assert_eq!(section_get(section, p.id), (CSMAIL_OK, back), "{what}: read back");
            }
            Access::WriteOnly => panic!("{what}: a section has no secrets"),
        }
    }
    for id in (-1..=64).chain([999, i32::MAX, i32::MIN]).filter(|id| !ids.contains(id)) {
        assert_unknown(section_get(section, id).0, &format!("section id {id}"));
        // SAFETY: a live handle and a NUL-terminated string.
        assert_unknown(unsafe { csmail_section_set_str(section, id, c"x".as_ptr()) }, &format!("section id {id}"));
    }
    // SAFETY: the handle made above.
    assert_eq!(unsafe { csmail_section_release(section) }, CSMAIL_OK);
}
