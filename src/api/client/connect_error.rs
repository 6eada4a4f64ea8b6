//! The result a failed connect reports, and the advice its text gets.

use crate::error::{self, Error};

/// Failures while connecting are connect failures (legacy errConnect), keeping their eex;
/// timeouts, aborts, authentication and configuration errors keep their own result. A refused
/// TCP connect says what that usually means.
pub(crate) fn as_connect_error(e: Error) -> Error {
    let e = with_advice(e);
    match e.result {
        error::CSMAIL_E_NETWORK | error::CSMAIL_E_PROTOCOL | error::CSMAIL_E_SERVER => {
            Error { result: error::CSMAIL_E_CONNECT, ..e }
        }
        _ => e,
    }
}

/// ECONNREFUSED (WSAECONNREFUSED on Windows).
#[cfg(unix)]
const CONNECTION_REFUSED: i32 = libc::ECONNREFUSED;
#[cfg(windows)]
const CONNECTION_REFUSED: i32 = 10061;

fn with_advice(mut e: Error) -> Error {
    if e.eex == error::eexTCPConnect && e.os_error == CONNECTION_REFUSED {
        e.text.push_str(": nothing accepts connections there; check Host and Port, and that the server runs");
    }
    e
}
