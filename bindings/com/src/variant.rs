//! VARIANT conversions: arguments in (any VARIANT a script passes, by value or by reference,
//! converted with VariantChangeType as VB would), results out. Strings are BSTR (UTF-16) outside
//! and UTF-8 inside; an unpaired surrogate is refused with eexInvalidUtf8 rather than replaced.

use crate::fault::{invalid, Fault};
use csmail::error::{eexInvalidArgument, eexInvalidUtf8};
use windows::Win32::Foundation::DISP_E_TYPEMISMATCH;
use windows::Win32::System::Com::{IDispatch, SAFEARRAY, SAFEARRAYBOUND};
use windows::Win32::System::Ole::{
    SafeArrayAccessData, SafeArrayCreate, SafeArrayGetLBound, SafeArrayGetUBound, SafeArrayUnaccessData,
};
use windows::Win32::System::Variant::{
    VariantChangeType, VariantCopyInd, VARENUM, VARIANT, VAR_CHANGE_FLAGS, VT_ARRAY, VT_BOOL, VT_BSTR, VT_BYREF,
    VT_DISPATCH, VT_EMPTY, VT_ERROR, VT_I4, VT_NULL, VT_R8, VT_UI1, VT_UNKNOWN, VT_VARIANT,
};
use windows_core::{Interface, BSTR};

/// A result on its way out.
pub enum Value {
    Empty,
    I4(i32),
    F64(f64),
    Bool(bool),
    Str(String),
    Object(IDispatch),
    /// An array of Longs, as a SAFEARRAY of VARIANTs (VBScript indexes only those).
    I4Array(Vec<i32>),
    /// Bytes, as a SAFEARRAY of Bytes (VT_ARRAY | VT_UI1, what ADODB.Stream and VB's Byte() use).
    Bytes(Vec<u8>),
    /// Strings, as a SAFEARRAY of VARIANTs (mailbox names).
    StrArray(Vec<String>),
    /// IMAP numbers (UIDs, counts) as a SAFEARRAY of VARIANTs, each as `Value::number` makes it.
    NumArray(Vec<u32>),
}

impl Value {
    /// An unsigned 32-bit number (a UID, a count): a Long when it fits, else a Double, so that
    /// VBScript sees UIDs above 2^31 - 1 as the positive numbers they are.
    pub fn number(n: u32) -> Value {
        match i32::try_from(n) {
            Ok(i) => Value::I4(i),
            Err(_) => Value::F64(f64::from(n)),
        }
    }
}

fn mismatch(position: u32) -> Fault {
    Fault::Dispatch(DISP_E_TYPEMISMATCH, Some(position))
}

/// The value behind any VT_BYREF levels.
fn direct(v: &VARIANT) -> VARIANT {
    let mut out = VARIANT::default();
    // SAFETY: both are valid VARIANTs; VariantCopyInd writes a deep copy into `out`.
    if unsafe { VariantCopyInd(&mut out, v) }.is_err() {
        return VARIANT::default();
    }
    out
}

fn vt(v: &VARIANT) -> VARENUM {
    v.vt()
}

fn changed(v: &VARIANT, to: VARENUM, position: u32) -> Result<VARIANT, Fault> {
    let mut out = VARIANT::default();
    // SAFETY: valid VARIANTs; the source is only read (VariantChangeType follows VT_BYREF).
    unsafe { VariantChangeType(&mut out, v, VAR_CHANGE_FLAGS(0), to) }.map_err(|_| mismatch(position))?;
    Ok(out)
}

/// A missing optional argument: VT_ERROR with DISP_E_PARAMNOTFOUND, as hosts pass it.
pub fn is_missing(v: &VARIANT) -> bool {
    let d = direct(v);
    vt(&d) == VT_ERROR || vt(&d) == VT_EMPTY
}

pub fn utf8(s: &BSTR) -> Result<String, Fault> {
    String::from_utf16(s).map_err(|_| invalid(eexInvalidUtf8, "a string holds an unpaired UTF-16 surrogate"))
}

pub fn to_string(v: &VARIANT, position: u32) -> Result<String, Fault> {
    let d = direct(v);
    if vt(&d) == VT_NULL {
        return Err(invalid(eexInvalidArgument, format!("argument {} is Null; a string is needed", position + 1)));
    }
    let s = changed(&d, VT_BSTR, position)?;
    // SAFETY: VariantChangeType made a VT_BSTR.
    let b: &BSTR = unsafe { &s.Anonymous.Anonymous.Anonymous.bstrVal };
    utf8(b)
}

pub fn to_i32(v: &VARIANT, position: u32) -> Result<i32, Fault> {
    let s = changed(&direct(v), VT_I4, position)?;
    // SAFETY: VariantChangeType made a VT_I4.
    Ok(unsafe { s.Anonymous.Anonymous.Anonymous.lVal })
}

pub fn to_bool(v: &VARIANT, position: u32) -> Result<bool, Fault> {
    let s = changed(&direct(v), VT_BOOL, position)?;
    // SAFETY: VariantChangeType made a VT_BOOL.
    Ok(unsafe { s.Anonymous.Anonymous.Anonymous.boolVal }.as_bool())
}

pub fn to_object(v: &VARIANT, position: u32) -> Result<IDispatch, Fault> {
    let d = direct(v);
    // SAFETY: the union member read is the one the tag names.
    unsafe {
        let inner = &d.Anonymous.Anonymous;
        if inner.vt == VT_DISPATCH {
            if let Some(disp) = &*inner.Anonymous.pdispVal {
                return Ok(disp.clone());
            }
        }
        if inner.vt == VT_UNKNOWN {
            if let Some(unk) = &*inner.Anonymous.punkVal {
                return unk.cast::<IDispatch>().map_err(|_| mismatch(position));
            }
        }
    }
    Err(invalid(eexInvalidArgument, format!("argument {} is not an object (Nothing or a plain value)", position + 1)))
}

/// The elements of a one-dimensional SAFEARRAY, as VARIANTs.
fn array_elements(d: &VARIANT, position: u32) -> Result<Option<Vec<VARIANT>>, Fault> {
    let tag = vt(d);
    if tag.0 & VT_ARRAY.0 == 0 {
        return Ok(None);
    }
    // SAFETY: VT_ARRAY: parray is a SAFEARRAY of the element type in the low bits; it is read
    // between SafeArrayAccessData and SafeArrayUnaccessData only.
    unsafe {
        let psa: *mut SAFEARRAY = if tag.0 & VT_BYREF.0 != 0 {
            *d.Anonymous.Anonymous.Anonymous.pparray
        } else {
            d.Anonymous.Anonymous.Anonymous.parray
        };
        if psa.is_null() || (*psa).cDims != 1 {
            return Err(mismatch(position));
        }
        let lo = SafeArrayGetLBound(psa, 1).map_err(|_| mismatch(position))?;
        let hi = SafeArrayGetUBound(psa, 1).map_err(|_| mismatch(position))?;
        let n = (hi - lo + 1).max(0) as usize;
        let elem = VARENUM(tag.0 & !(VT_ARRAY.0 | VT_BYREF.0));
        let mut data = std::ptr::null_mut();
        SafeArrayAccessData(psa, &mut data).map_err(|_| mismatch(position))?;
        let out = match elem {
            VT_VARIANT => Some((0..n).map(|i| (*(data as *const VARIANT).add(i)).clone()).collect()),
            VT_BSTR => Some((0..n).map(|i| VARIANT::from((*(data as *const BSTR).add(i)).clone())).collect()),
            VT_I4 => Some((0..n).map(|i| VARIANT::from(*(data as *const i32).add(i))).collect()),
            VT_UI1 => Some((0..n).map(|i| VARIANT::from(*(data as *const u8).add(i))).collect()),
            _ => None,
        };
        let _ = SafeArrayUnaccessData(psa);
        out.map(Some).ok_or_else(|| mismatch(position))
    }
}

/// Recipients: an array of strings, or one string with addresses separated by commas or
/// semicolons.
pub fn to_list(v: &VARIANT, position: u32) -> Result<Vec<String>, Fault> {
    let d = direct(v);
    if let Some(items) = array_elements(&d, position)? {
        return items.iter().map(|i| to_string(i, position)).collect();
    }
    let s = to_string(&d, position)?;
    Ok(s.split([',', ';']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect())
}

/// Longs from an array (SSLInfo's array options). Elements never assigned are left out: a
/// VBScript `Dim protocols(2)` with two values set has an Empty third element.
pub fn to_i32_list(v: &VARIANT, position: u32) -> Result<Vec<i32>, Fault> {
    let d = direct(v);
    match array_elements(&d, position)? {
        Some(items) => items.iter().filter(|i| vt(&direct(i)) != VT_EMPTY).map(|i| to_i32(i, position)).collect(),
        None => Ok(vec![to_i32(&d, position)?]),
    }
}

/// An IMAP number (a UID or a message sequence number, 1 to 4294967295): a Long, or a Double
/// for UIDs above 2^31 - 1.
pub fn to_id(v: &VARIANT, position: u32) -> Result<u32, Fault> {
    let d = changed(&direct(v), VT_R8, position)?;
    // SAFETY: VariantChangeType made a VT_R8.
    let f = unsafe { d.Anonymous.Anonymous.Anonymous.dblVal };
    if f.fract() != 0.0 || !(1.0..=f64::from(u32::MAX)).contains(&f) {
        return Err(invalid(
            eexInvalidArgument,
            format!("argument {}: {f} is not a message number or UID (1 to 4294967295)", position + 1),
        ));
    }
    Ok(f as u32)
}

/// IMAP numbers: an array of them (what Search returns) or one.
pub fn to_ids(v: &VARIANT, position: u32) -> Result<Vec<u32>, Fault> {
    let d = direct(v);
    match array_elements(&d, position)? {
        Some(items) => items.iter().map(|i| to_id(i, position)).collect(),
        None => Ok(vec![to_id(&d, position)?]),
    }
}

/// An IMAP message set: an array of numbers (what Search returns), one number, or a set as
/// IMAP writes it ("1:5,7", "1:*"), which the library checks.
pub fn to_set(v: &VARIANT, position: u32) -> Result<String, Fault> {
    let d = direct(v);
    let numbers = match vt(&d) {
        VT_BSTR => return to_string(&d, position),
        t if t.0 & VT_ARRAY.0 != 0 => to_ids(&d, position)?,
        _ => vec![to_id(&d, position)?],
    };
    if numbers.is_empty() {
        return Err(invalid(
            eexInvalidArgument,
            format!("argument {}: the message set is empty (did Search find nothing?)", position + 1),
        ));
    }
    Ok(numbers.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
}

/// IMAP flags: a string with flags separated by spaces ("\Seen \Flagged") or an array.
pub fn to_flags(v: &VARIANT, position: u32) -> Result<Vec<String>, Fault> {
    let d = direct(v);
    if let Some(items) = array_elements(&d, position)? {
        return items.iter().map(|i| to_string(i, position)).collect();
    }
    Ok(to_string(&d, position)?.split_ascii_whitespace().map(str::to_owned).collect())
}

/// A message body: a byte array as it is, a string as UTF-8.
pub fn to_bytes(v: &VARIANT, position: u32) -> Result<Vec<u8>, Fault> {
    let d = direct(v);
    if vt(&d) == VARENUM(VT_ARRAY.0 | VT_UI1.0) {
        if let Some(items) = array_elements(&d, position)? {
            // SAFETY: the elements were made as VT_UI1 above.
            return Ok(items.iter().map(|i| unsafe { i.Anonymous.Anonymous.Anonymous.bVal }).collect());
        }
    }
    Ok(to_string(&d, position)?.into_bytes())
}

impl Value {
    pub fn into_variant(self) -> VARIANT {
        match self {
            Value::Empty => VARIANT::default(),
            Value::I4(i) => VARIANT::from(i),
            Value::F64(f) => VARIANT::from(f),
            Value::Bool(b) => VARIANT::from(b),
            Value::Str(s) => VARIANT::from(BSTR::from(s)),
            Value::Object(o) => VARIANT::from(o),
            Value::I4Array(items) => variant_array(items.into_iter().map(VARIANT::from).collect()),
            Value::Bytes(bytes) => byte_array(&bytes),
            Value::StrArray(items) => variant_array(items.into_iter().map(|s| VARIANT::from(BSTR::from(s))).collect()),
            Value::NumArray(items) => {
                variant_array(items.into_iter().map(|n| Value::number(n).into_variant()).collect())
            }
        }
    }
}

fn variant_array(items: Vec<VARIANT>) -> VARIANT {
    let bound = SAFEARRAYBOUND { cElements: items.len() as u32, lLbound: 0 };
    // SAFETY: a new one-dimensional SAFEARRAY of VARIANTs; its elements are written while its
    // data is accessed, and the VARIANT made here owns it afterwards.
    unsafe {
        let psa = SafeArrayCreate(VT_VARIANT, 1, &bound);
        if psa.is_null() {
            return VARIANT::default();
        }
        let mut data = std::ptr::null_mut();
        if SafeArrayAccessData(psa, &mut data).is_ok() {
            for (i, v) in items.into_iter().enumerate() {
                std::ptr::write((data as *mut VARIANT).add(i), v);
            }
            let _ = SafeArrayUnaccessData(psa);
        }
        let mut out = VARIANT::default();
        let inner = &mut *out.Anonymous.Anonymous;
        inner.vt = VARENUM(VT_ARRAY.0 | VT_VARIANT.0);
        inner.Anonymous.parray = psa;
        out
    }
}

fn byte_array(bytes: &[u8]) -> VARIANT {
    let bound = SAFEARRAYBOUND { cElements: bytes.len() as u32, lLbound: 0 };
    // SAFETY: a new one-dimensional SAFEARRAY of bytes, filled while its data is accessed; the
    // VARIANT made here owns it afterwards.
    unsafe {
        let psa = SafeArrayCreate(VT_UI1, 1, &bound);
        if psa.is_null() {
            return VARIANT::default();
        }
        let mut data = std::ptr::null_mut();
        if SafeArrayAccessData(psa, &mut data).is_ok() {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data as *mut u8, bytes.len());
            let _ = SafeArrayUnaccessData(psa);
        }
        let mut out = VARIANT::default();
        let inner = &mut *out.Anonymous.Anonymous;
        inner.vt = VARENUM(VT_ARRAY.0 | VT_UI1.0);
        inner.Anonymous.parray = psa;
        out
    }
}
