//! csmail: the CSMail mail client object model — SMTPClient, POP3Client, SSLInfo, LogHandler,
//! ErrorInfo — as a C-ABI library and a Rust API, on rustls.
//!
//! Layers point one way: `ffi → api → protocol → transport → tls`; `error`, `log` and `options`
//! are shared by all.

#![allow(non_upper_case_globals)]

pub mod abort;
pub mod api;
pub mod error;
pub mod ffi;
pub mod log;
pub mod options;
pub mod protocol;
pub mod tls;
pub mod transport;

pub use api::{ErrorInfo, LogHandler, Message, Pop3Client, SmtpClient, SslInfo};
pub use error::{Error, Result};
