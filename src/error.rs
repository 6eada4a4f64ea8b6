//! Result codes, the legacy `eex*` extended-error numbers, and the crate's error type.
//!
//! Two levels, as the legacy library had them: every C function returns a coarse result code
//! (0 = success, like the VB `Err.Number` category), and the detail goes into the client's
//! ErrorInfo: `Number` (an `eex*` value), `Text` and `OSError`.
//!
//! Both are declared once, as rows of src/tables/result_codes.rs and src/tables/eex_numbers.rs
//! (see src/tables/mod.rs); the header, the README and the bindings are generated from them.
//! The `eex*` values 1001–1407 are exactly those of the CSMail/SSL supplement (seed 002). New
//! numbers live in new ranges and are never renumbered: 1501–1599 protocol and connection
//! conditions the legacy table had no number for, 1601–1699 API misuse, 1701–1799 the Message
//! object.
#![allow(non_upper_case_globals)]

use std::fmt;

use crate::tables::{eex_numbers, result_codes, EexRow, ResultRow};

// The result codes (CSMAIL_OK, CSMAIL_E_*) and the table RESULT_CODES: src/tables/result_codes.rs.
include!("tables/result_codes.rs");

// The eex numbers (eexDNS, eexSSLCertName, ...) and the table EEX_NUMBERS: src/tables/eex_numbers.rs.
include!("tables/eex_numbers.rs");

/// The row of a result code, None for a value that is not one.
pub fn result_row(code: i32) -> Option<&'static ResultRow> {
    RESULT_CODES.iter().find(|r| r.value == code)
}

/// The static description of a result code (for `csmail_strerror`), from the table.
pub fn result_text(code: i32) -> &'static str {
    result_row(code).map_or("unknown result code", |r| r.text)
}

/// The row of an eex number (its legacy name and meaning), None for a value that is not one.
pub fn eex_row(eex: i32) -> Option<&'static EexRow> {
    EEX_NUMBERS.iter().find(|r| r.value == eex)
}

/// Everything a failure carries: the result code, the ErrorInfo number, text and OS error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub result: i32,
    pub eex: i32,
    pub text: String,
    pub os_error: i32,
}

pub type Result<T> = std::result::Result<T, Error>;

/// The OS error number of a timeout: ETIMEDOUT, or WSAETIMEDOUT on Windows.
#[cfg(unix)]
pub(crate) const TIMED_OUT: i32 = libc::ETIMEDOUT;
#[cfg(windows)]
pub(crate) const TIMED_OUT: i32 = 10060;

impl Error {
    pub fn new(result: i32, eex: i32, text: impl Into<String>) -> Error {
        Error { result, eex, text: text.into(), os_error: 0 }
    }
    /// Keeps the OS error number of `e` in `os_error` (ErrorInfo.OSError), and takes the
    /// standard library's " (os error N)" suffix off the text: the number has its own field,
    /// and the text is for people. A timeout reports ETIMEDOUT (WSAETIMEDOUT on Windows), not
    /// the EAGAIN a socket receive timeout leaves behind: EAGAIN would read as "try again".
    pub fn with_os(mut self, e: &std::io::Error) -> Error {
        let raw = e.raw_os_error().unwrap_or(0);
        if raw != 0 {
            let suffix = format!(" (os error {raw})");
            if let Some(cut) = self.text.find(&suffix) {
                self.text.replace_range(cut..cut + suffix.len(), "");
            }
        }
        // Without an OS error number (a timeout the client's own clock noticed) the error keeps
        // the one it has: Error::timeout's ETIMEDOUT.
        self.os_error = match raw {
            0 => self.os_error,
            _ if self.result == CSMAIL_E_TIMEOUT => TIMED_OUT,
            _ => raw,
        };
        self
    }
    pub fn invalid_arg(text: impl Into<String>) -> Error {
        Error::new(CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument, text)
    }
    pub fn invalid_handle(what: &str) -> Error {
        Error::new(
            CSMAIL_E_INVALID_HANDLE,
            eexInvalidHandle,
            format!("{what}: NULL, released, or not a handle of this type"),
        )
    }
    pub fn not_connected() -> Error {
        Error::new(CSMAIL_E_NOT_CONNECTED, eexNotConnected, "not connected to a server")
    }
    pub fn aborted() -> Error {
        Error::new(CSMAIL_E_ABORTED, eexAborted, "the operation was aborted")
    }
    /// A step that took longer than its timeout; OSError ETIMEDOUT (WSAETIMEDOUT), whether
    /// the socket's timeout or the client's own clock noticed.
    pub fn timeout(step: &str) -> Error {
        Error { os_error: TIMED_OUT, ..Error::new(CSMAIL_E_TIMEOUT, eexTimeout, format!("timed out while {step}")) }
    }
    pub fn protocol(eex: i32, text: impl Into<String>) -> Error {
        Error::new(CSMAIL_E_PROTOCOL, eex, text)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (eex {}): {}", result_text(self.result), self.eex, self.text)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_os_keeps_the_number_and_drops_it_from_the_text() {
        let io = std::io::Error::from_raw_os_error(libc::ECONNREFUSED);
        let e = Error::new(CSMAIL_E_CONNECT, eexTCPConnect, format!("cannot connect to x:1: {io}")).with_os(&io);
        assert_eq!(e.os_error, libc::ECONNREFUSED);
        assert!(!e.text.contains("os error"), "{}", e.text);
        assert!(e.text.starts_with("cannot connect to x:1: "), "{}", e.text);
    }

    #[test]
    fn a_timeout_reports_etimedout_not_eagain() {
        let io = std::io::Error::from_raw_os_error(libc::EAGAIN);
        let e = Error::timeout("reading").with_os(&io);
        assert_eq!((e.os_error, e.text.as_str()), (libc::ETIMEDOUT, "timed out while reading"));
        // Other errors keep their number.
        let e = Error::new(CSMAIL_E_NETWORK, eexSocketRx, "x").with_os(&io);
        assert_eq!(e.os_error, libc::EAGAIN);
        // A timeout the client's clock noticed (no OS number) keeps ETIMEDOUT.
        let clock = std::io::Error::new(std::io::ErrorKind::TimedOut, "connect timed out");
        assert_eq!(Error::timeout("connecting").with_os(&clock).os_error, libc::ETIMEDOUT);
    }
}
