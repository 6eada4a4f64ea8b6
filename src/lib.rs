//! csmail: the CSMail mail client object model — SMTPClient, POP3Client, SSLInfo, LogHandler,
//! ErrorInfo — as a C-ABI library and a Rust API, on rustls.
//!
//! Layers point one way: `ffi → api → protocol → transport → tls`; `error`, `log` and `options`
//! are shared by all.
//!
//! The Rust API is what this file makes public, on purpose: the objects (`api`), the result
//! codes and eex numbers (`error`), the SSLInfo options and modes (`options`), the LogHandler
//! and its levels (`log`), message sources and sinks (`source`), the certificate store rules
//! (`store`), and the C functions (`ffi`) for programs that call them from Rust. The protocol
//! engines, the transport and the TLS plumbing are the crate's own.

#![allow(non_upper_case_globals)]

pub mod api;
pub mod error;
pub mod ffi;
pub mod log;
pub mod options;
pub(crate) mod protocol;
pub(crate) mod tls;
pub(crate) mod transport;

pub use api::{Client, ErrorInfo, LogHandler, Message, Pop3Client, SmtpClient, SslInfo};
pub use error::{Error, Result};

/// Where a message comes from (Send) and goes to (RETR, TOP): memory, a file, or a function.
pub mod source {
    pub use crate::protocol::source::{FileSink, FileSource, FnSink, FnSource, MessageSink, MessageSource};
}

/// The certificate store and its seed-003 selection rules: the client picks its client
/// certificate by them, and a server (the bundled one) its own certificate.
pub mod store {
    pub use crate::tls::store::{load, now, select, Choice, Identity, Usage};
}
