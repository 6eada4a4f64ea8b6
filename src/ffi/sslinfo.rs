//! C functions of the SSLInfo object: Mode and the indexed Option table.

use super::common::{slice_arg, write_slice, UserData};
use super::object;
use crate::api::SslInfo;
use crate::options::{self, CSMAIL_OPTION_UNKNOWN};
use crate::tls::verifier::{ValidationInput, Validator};
use once_cell::sync::Lazy;
use std::ffi::{c_char, c_void, CString};
use std::sync::Arc;

/// An SSLInfo: how TLS is used (Mode, input options) and what was negotiated (output options).
pub struct csmail_sslinfo {
    _private: [u8; 0],
}

impl object::Handle for csmail_sslinfo {
    type Object = SslInfo;
}

/// Creates an SSLInfo with the defaults of seed 002 (MODE_CHANNEL, validation on) and one
/// reference (release with `csmail_sslinfo_release`). Never NULL.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_new() -> *mut csmail_sslinfo {
    object::new(SslInfo::new())
}

/// Adds a reference. Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_addref(ssl: *const csmail_sslinfo) -> i32 {
    object::addref(ssl)
}

/// Releases a reference. Clients it is attached to keep their own.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_release(ssl: *const csmail_sslinfo) -> i32 {
    object::release(ssl)
}

/// Mode: MODE_CHANNEL (implicit TLS, default) or MODE_STARTTLS. Other values:
/// CSMAIL_E_INVALID_ARGUMENT. Takes effect at the next Connect.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_set_mode(ssl: *const csmail_sslinfo, mode: i32) -> i32 {
    object::on(ssl, |s| s.set_mode(mode))
}

/// Reads Mode.
///
/// # Safety
/// `mode_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_get_mode(ssl: *const csmail_sslinfo, mode_out: *mut i32) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(ssl, mode_out, "mode_out", |s| Ok(s.mode())) }
}

/// Option(index) = value, for Bool and Int options (any non-zero sets a Bool, as VB's True).
///
/// Results: CSMAIL_OK; CSMAIL_E_INVALID_ARGUMENT with eexUnknownOption (unknown index),
/// eexReadOnlyOption (an output option), eexInvalidArgument (wrong type, negative strength).
#[no_mangle]
pub extern "system" fn csmail_sslinfo_set_int(ssl: *const csmail_sslinfo, index: i32, value: i32) -> i32 {
    object::on(ssl, |s| s.set_int(index, value))
}

/// Reads a Bool or Int option (inputs and outputs; outputs are 0 before a TLS connect).
///
/// # Safety
/// `value_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_get_int(
    ssl: *const csmail_sslinfo,
    index: i32,
    value_out: *mut i32,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_value(ssl, value_out, "value_out", |s| s.get_int(index)) }
}

/// Option(index) = string, for String options (SSLClientCertificateName, SSLCAFile).
///
/// # Safety
/// `value` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_set_str(
    ssl: *const csmail_sslinfo,
    index: i32,
    value: *const c_char,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::set_str(ssl, value, "value", |s, v| s.set_str(index, v)) }
}

/// Reads a String option into a caller buffer (NULL asks the size).
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_get_str(
    ssl: *const csmail_sslinfo,
    index: i32,
    buf: *mut c_char,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { object::get_str(ssl, buf, len, needed_out, |s| s.get_str(index)) }
}

/// Option(index) = array, for array options (SSLConnectionProtocolIn, SSLConnectionCipherIn).
/// `count` 0 (with `values` NULL or not) restores the default: the library chooses.
/// Legacy values (SSL_SSL2, SSL_SSL3, SSL_PCT1, SSL_RC2, SSL_RC4, SSL_DES, SSL_3DES,
/// SSL_SKIPJACK) are refused with CSMAIL_E_INVALID_ARGUMENT and eexLegacyValue.
///
/// # Safety
/// `values` is NULL or has `count` readable entries.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_set_int_array(
    ssl: *const csmail_sslinfo,
    index: i32,
    values: *const i32,
    count: usize,
) -> i32 {
    // SAFETY: caller contract.
    object::on(ssl, |s| s.set_array(index, unsafe { slice_arg(values, count, "values") }?))
}

/// Reads an array option: `*count_out` gets the number of entries; `values` (capacity
/// `capacity`) receives them, or NULL asks only the count.
///
/// # Safety
/// `values` is NULL or has `capacity` writable entries; `count_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_get_int_array(
    ssl: *const csmail_sslinfo,
    index: i32,
    values: *mut i32,
    capacity: usize,
    count_out: *mut usize,
) -> i32 {
    object::on(ssl, |s| {
        let v = s.get_array(index)?;
        // SAFETY: caller contract.
        unsafe { write_slice(&v, v.len(), values, capacity, count_out, "entries") }
    })
}

/// The value type of an option index: CSMAIL_OPTION_BOOL, _INT, _INT_ARRAY, _STRING, or
/// CSMAIL_OPTION_UNKNOWN. Any thread.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_option_type(index: i32) -> i32 {
    options::find(index).map_or(CSMAIL_OPTION_UNKNOWN, |(_, d)| d.kind.code())
}

/// The legacy name of an option index ("SSLNoServerNameCheck", ...), or NULL when unknown.
/// Static string; any thread.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_option_name(index: i32) -> *const c_char {
    static NAMES: Lazy<Vec<CString>> =
        Lazy::new(|| options::OPTIONS.iter().map(|d| CString::new(d.name).expect("no NUL")).collect());
    match options::find(index) {
        Some((i, _)) => NAMES[i].as_ptr(),
        None => std::ptr::null(),
    }
}

/// What a validation callback sees; every pointer is valid only during the call.
#[repr(C)]
pub struct csmail_certificate_info {
    /// CertificateStatus (CERTIFICATE_*).
    pub status: i32,
    /// CERT_POLICY_* flags (name mismatch, chain errors).
    pub policy_errors: i32,
    /// CertificateSubject, "CN=..., O=...", NUL-terminated UTF-8.
    pub subject: *const c_char,
    /// CertificateIssuer.
    pub issuer: *const c_char,
    /// CertificateIssued, ISO 8601 UTC.
    pub issued: *const c_char,
    /// CertificateExpires, ISO 8601 UTC.
    pub expires: *const c_char,
    /// SHA-256 fingerprint, 64 lowercase hex digits.
    pub fingerprint: *const c_char,
    /// The DER of the server certificate.
    pub der: *const u8,
    pub der_len: usize,
}

/// A validation callback: return non-zero to accept the server certificate, 0 to refuse it.
/// It runs on the thread of the connect, during the TLS handshake, for every certificate
/// (valid ones too); its answer replaces SSLNoServerNameCheck and SSLNoServerCertificateValidation.
/// Accepting never skips the handshake signature check.
pub type csmail_validation_callback =
    Option<unsafe extern "system" fn(userdata: *mut c_void, info: *const csmail_certificate_info) -> i32>;

/// Sets (NULL clears) the certificate validation callback of this SSLInfo.
///
/// `userdata` is passed back unchanged and must be usable on the connecting thread. Once this
/// returns, the callback it replaced never runs again (a call in progress is waited for), so
/// its userdata may be freed; called from inside that callback it gives CSMAIL_E_REENTRANT.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_REENTRANT.
#[no_mangle]
pub extern "system" fn csmail_sslinfo_set_validation_callback(
    ssl: *const csmail_sslinfo,
    callback: csmail_validation_callback,
    userdata: *mut c_void,
) -> i32 {
    object::on(ssl, |s| {
        let ud = UserData(userdata);
        s.set_validator(callback.map(|cb| {
            Arc::new(move |input: &ValidationInput| {
                let ud = ud;
                let c = |v: &str| CString::new(v.replace('\0', "")).unwrap_or_default();
                let d = input.details;
                let (subject, issuer, issued, expires, fingerprint) =
                    (c(&d.subject), c(&d.issuer), c(&d.issued), c(&d.expires), c(&d.fingerprint));
                let info = csmail_certificate_info {
                    status: input.status,
                    policy_errors: input.policy_errors,
                    subject: subject.as_ptr(),
                    issuer: issuer.as_ptr(),
                    issued: issued.as_ptr(),
                    expires: expires.as_ptr(),
                    fingerprint: fingerprint.as_ptr(),
                    der: input.der.as_ptr(),
                    der_len: input.der.len(),
                };
                // SAFETY: the application's callback; info and its strings live for the call.
                unsafe { cb(ud.0, &info) != 0 }
            }) as Validator
        }))?;
        Ok(())
    })
}

/// The DER of certificate `index` (0 = the server's own, then the intermediates as sent) of
/// the last handshake, into a caller buffer; `needed_out` gets its length; a NULL buffer only
/// asks for it. SSLCertificateCount tells how many there are.
/// Results: CSMAIL_OK, CSMAIL_E_INVALID_HANDLE, CSMAIL_E_INVALID_ARGUMENT (index out of
/// range), CSMAIL_E_BUFFER_TOO_SMALL.
///
/// # Safety
/// `buf` is NULL or has `len` writable bytes; `needed_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "system" fn csmail_sslinfo_get_certificate_der(
    ssl: *const csmail_sslinfo,
    index: usize,
    buf: *mut u8,
    len: usize,
    needed_out: *mut usize,
) -> i32 {
    // SAFETY: caller contract.
    unsafe {
        object::get_bytes(ssl, buf, len, needed_out, |s| {
            object::nth(s.negotiated().certificate.chain, index, "certificate")
        })
    }
}
