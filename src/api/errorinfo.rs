//! The ErrorInfo object: Number (eex), Text, OSError of a client's last operation.

use crate::error::Error;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorInfo {
    /// The eex number; 0 after a successful operation.
    pub number: i32,
    pub text: String,
    /// errno (or the WSA code on Windows) where the failure came from the OS, else 0.
    pub os_error: i32,
}

impl From<&Error> for ErrorInfo {
    fn from(e: &Error) -> Self {
        ErrorInfo { number: e.eex, text: e.text.clone(), os_error: e.os_error }
    }
}
