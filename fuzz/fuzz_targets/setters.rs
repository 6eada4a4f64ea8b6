//! The property and option setters and getters of every object, through the C ABI, with ids
//! from the tables and arbitrary ones, any bytes as values (invalid UTF-8, control characters,
//! long strings) and caller buffers of every size: every call returns a result code of the
//! table and never CSMAIL_E_PANIC; a string read back fits the size reported; a value set is
//! the value read back (a flag: any non-zero value as 1).
#![no_main]
// Some of the C functions are safe to call (integer arguments only); one `unsafe` for all.
#![allow(unused_unsafe)]

use csmail::api::properties::PROPERTIES;
use csmail::error::{result_row, CSMAIL_E_BUFFER_TOO_SMALL, CSMAIL_E_PANIC, CSMAIL_OK};
use csmail::ffi::pop3::*;
use csmail::ffi::proxyinfo::*;
use csmail::ffi::smtp::*;
use csmail::ffi::sslinfo::*;
use csmail::options::OPTIONS;
use libfuzzer_sys::fuzz_target;
use std::ffi::{c_char, CStr, CString};
use std::ptr::null_mut;
use std::sync::OnceLock;

/// The objects, made once per process (as tokens: handles are not Send).
struct Objects {
    smtp: usize,
    pop3: usize,
    proxy: usize,
    ssl: usize,
}

fn objects() -> &'static Objects {
    static O: OnceLock<Objects> = OnceLock::new();
    O.get_or_init(|| Objects {
        smtp: csmail_smtp_new() as usize,
        pop3: csmail_pop3_new() as usize,
        proxy: csmail_proxyinfo_new(3) as usize,
        ssl: csmail_sslinfo_new() as usize,
    })
}

struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn i32(&mut self) -> i32 {
        i32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    /// An id: mostly one of the table's, sometimes any number.
    fn id(&mut self, table: &[i32]) -> i32 {
        match self.byte() % 4 {
            0 => self.i32(),
            _ => table[usize::from(self.byte()) % table.len()],
        }
    }
    /// A C string of up to 255 bytes (everything up to a NUL).
    fn string(&mut self) -> CString {
        let n = usize::from(self.byte()).min(self.0.len());
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        let s: Vec<u8> = s.iter().copied().take_while(|&b| b != 0).collect();
        CString::new(s).unwrap()
    }
    fn buffer_len(&mut self) -> usize {
        [0, 1, 2, 3, 8, 64, 4096][usize::from(self.byte()) % 7]
    }
}

#[track_caller]
fn check(rc: i32) -> i32 {
    assert_ne!(rc, CSMAIL_E_PANIC);
    assert!(result_row(rc).is_some(), "undocumented result {rc}");
    rc
}

/// Checks the caller-buffer contract of one string read (`len` bytes, NULL when 0) and returns
/// the string on success.
fn read_str(len: usize, get: impl FnOnce(*mut c_char, usize, *mut usize) -> i32) -> Option<Vec<u8>> {
    let mut buf = vec![0x55 as c_char; len.max(1)];
    let mut needed = 0usize;
    let p = if len == 0 { null_mut() } else { buf.as_mut_ptr() };
    let rc = check(get(p, len, &mut needed));
    if rc == CSMAIL_OK && len > 0 {
        assert!(needed <= len, "needed {needed} > buffer {len}");
        // SAFETY: on success the buffer holds a NUL-terminated string.
        let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
        assert_eq!(s.to_bytes().len() + 1, needed);
        return Some(s.to_bytes().to_vec());
    }
    if rc == CSMAIL_E_BUFFER_TOO_SMALL {
        assert!(needed > len, "too small, yet needed {needed} <= {len}");
    }
    None
}

/// One operation on a client or proxy: set or get a string or an integer property.
macro_rules! property_op {
    ($inp:expr, $props:expr, $h:expr, $set_str:ident, $get_str:ident, $set_int:ident, $get_int:ident) => {{
        let h = $h as *const _;
        let id = $inp.id($props);
        // SAFETY (every call): a live handle, strings that outlive the call, buffers and
        // out-values of the sizes given.
        match $inp.byte() % 4 {
            0 => {
                let v = $inp.string();
                if check(unsafe { $set_str(h, id, v.as_ptr()) }) == CSMAIL_OK {
                    if let Some(back) = read_str(4096, |b, l, n| unsafe { $get_str(h, id, b, l, n) }) {
                        assert_eq!(back, v.as_bytes(), "property {id} set to {v:?}");
                    }
                }
            }
            1 => {
                let len = $inp.buffer_len();
                read_str(len, |b, l, n| unsafe { $get_str(h, id, b, l, n) });
            }
            2 => {
                let v = $inp.i32();
                if check(unsafe { $set_int(h, id, v) }) == CSMAIL_OK {
                    let mut back = 0;
                    if check(unsafe { $get_int(h, id, &mut back) }) == CSMAIL_OK {
                        // A flag reads back as 1 whatever non-zero value set it.
                        assert!(back == v || (back == 1 && v != 0), "property {id} set to {v}, reads {back}");
                    }
                }
            }
            _ => {
                let mut back = 0;
                check(unsafe { $get_int(h, id, &mut back) });
            }
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let o = objects();
    let props: Vec<i32> = PROPERTIES.iter().map(|p| p.id).collect();
    let opts: Vec<i32> = OPTIONS.iter().map(|p| p.index).collect();
    let mut inp = Input(data);
    for _ in 0..16 {
        if inp.0.is_empty() {
            break;
        }
        match inp.byte() % 4 {
            0 => property_op!(
                inp,
                &props,
                o.smtp,
                csmail_smtp_set_str,
                csmail_smtp_get_str,
                csmail_smtp_set_int,
                csmail_smtp_get_int
            ),
            1 => property_op!(
                inp,
                &props,
                o.pop3,
                csmail_pop3_set_str,
                csmail_pop3_get_str,
                csmail_pop3_set_int,
                csmail_pop3_get_int
            ),
            2 => property_op!(
                inp,
                &props,
                o.proxy,
                csmail_proxyinfo_set_str,
                csmail_proxyinfo_get_str,
                csmail_proxyinfo_set_int,
                csmail_proxyinfo_get_int
            ),
            _ => {
                let h = o.ssl as *const _;
                let id = inp.id(&opts);
                // SAFETY (every call): a live handle, strings and arrays that outlive the call,
                // buffers and out-values of the sizes given.
                match inp.byte() % 6 {
                    0 => {
                        let v = inp.string();
                        if check(unsafe { csmail_sslinfo_set_str(h, id, v.as_ptr()) }) == CSMAIL_OK {
                            if let Some(back) =
                                read_str(4096, |b, l, n| unsafe { csmail_sslinfo_get_str(h, id, b, l, n) })
                            {
                                assert_eq!(back, v.as_bytes(), "option {id} set to {v:?}");
                            }
                        }
                    }
                    1 => {
                        let len = inp.buffer_len();
                        read_str(len, |b, l, n| unsafe { csmail_sslinfo_get_str(h, id, b, l, n) });
                    }
                    2 => {
                        let v = inp.i32();
                        check(unsafe { csmail_sslinfo_set_int(h, id, v) });
                        let mut back = 0;
                        check(unsafe { csmail_sslinfo_get_int(h, id, &mut back) });
                    }
                    3 => {
                        let n = usize::from(inp.byte() % 16);
                        let values: Vec<i32> = (0..n).map(|_| inp.i32()).collect();
                        let p = if n == 0 && inp.byte() % 2 == 0 { std::ptr::null() } else { values.as_ptr() };
                        check(unsafe { csmail_sslinfo_set_int_array(h, id, p, n) });
                    }
                    4 => {
                        let cap = inp.buffer_len();
                        let mut values = vec![0i32; cap.max(1)];
                        let p = if cap == 0 { null_mut() } else { values.as_mut_ptr() };
                        let mut count = 0usize;
                        let rc = check(unsafe { csmail_sslinfo_get_int_array(h, id, p, cap, &mut count) });
                        if rc == CSMAIL_OK && cap > 0 {
                            assert!(count <= cap);
                        }
                    }
                    _ => {
                        check(unsafe { csmail_sslinfo_set_mode(h, inp.i32()) });
                    }
                }
            }
        }
    }
});
