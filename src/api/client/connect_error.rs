//! The result a failed connect reports.

use crate::error::{self, Error};

/// Failures while connecting are connect failures (legacy errConnect), keeping their eex;
/// timeouts, aborts, authentication and configuration errors keep their own result.
pub(crate) fn as_connect_error(e: Error) -> Error {
    match e.result {
        error::CSMAIL_E_NETWORK | error::CSMAIL_E_PROTOCOL | error::CSMAIL_E_SERVER => {
            Error { result: error::CSMAIL_E_CONNECT, ..e }
        }
        _ => e,
    }
}
