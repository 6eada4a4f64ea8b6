//! csmail: the CSMail mail client object model — SMTPClient, POP3Client, SSLInfo, LogHandler,
//! ErrorInfo — as a C-ABI library and a Rust API, on rustls.
//!
//! Layers point one way: `ffi → api → message → protocol → transport → tls`. A module uses only
//! the layers below its own (skipping is fine), never one above:
//! - `message` composes and parses MIME (Message, Section) on mail-builder and mail-parser; the
//!   api's clients send and return it, and it streams through protocol's `MessageSource`.
//! - `tls` is the lowest: configuration, verifier, handshake and its errors on a connected
//!   `TcpStream`; it knows nothing of transport.
//! - `transport` connects (directly or through a proxy) and wraps the socket into one `Stream`,
//!   plain or TLS, by calling tls's handshake.
//! - What a handshake learned reaches the api through the `record` hook of
//!   `tls::config::TlsHandshakeParams`: the api's SSLInfo writes it into its output options, so no
//!   lower module needs to know SSLInfo.
//!
//! Shared by all layers and importing none: `abort` (ending an operation from another thread),
//! `options` (the SSLInfo option table), `log`, `callback` (a callback slot that never runs a
//! replaced callback once the replacement returns), `error` and `tables` (the declarative tables
//! the constants come from), each using only those after it in that list. `unsafe` lives only in `ffi`.
//! tests/layers.rs checks all of this on the source.
//!
//! The Rust API is what this file makes public, on purpose: the objects (`api`), the result
//! codes and eex numbers (`error`), the SSLInfo options and modes (`options`), the LogHandler
//! and its levels (`log`), message sources and sinks (`source`), the certificate store rules
//! (`store`), and the C functions (`ffi`) for programs that call them from Rust. The protocol
//! engines, the transport and the TLS plumbing are the crate's own.

#![allow(non_upper_case_globals)]

// The declarative tables; first, so their macros are in scope for the modules that include them.
mod tables;

pub(crate) mod abort;
pub mod api;
pub(crate) mod callback;
pub mod error;
pub mod ffi;
pub mod log;
pub mod message;
pub mod options;
pub(crate) mod protocol;
pub(crate) mod tls;
pub(crate) mod transport;

pub use api::{Client, ErrorInfo, LogHandler, Message, Pop3Client, SmtpClient, SslInfo};
pub use error::{Error, Result};

/// Where a message comes from (Send) and goes to (RETR, TOP): memory, a file, or a function.
pub mod source {
    pub use crate::protocol::source::{
        FileSink, FileSource, FnSink, FnSource, MessageSink, MessageSource, SizedSource,
    };
}

/// The certificate store and its seed-003 selection rules: the client picks its client
/// certificate by them, and a server (the bundled one) its own certificate.
pub mod store {
    pub use crate::tls::store::{load, now, select, Choice, Identity, Usage};
}

/// What the fuzz targets in `fuzz/` drive besides the C ABI: the internals that parse what a
/// server sends and encode what goes out. Only with the `fuzzing` feature; not a public API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzz_api {
    pub use crate::protocol::dotstuff::{Stuffer, Unstuffed, Unstuffer};
    pub use crate::protocol::imap::read_all as imap_responses;
    pub use crate::protocol::pop3::{listing_line, parse_status};
    pub use crate::protocol::smtp::Reply;

    /// What an EHLO reply offers, as the client reads it: (SIZE, AUTH mechanisms).
    pub fn ehlo_extensions(reply: &Reply) -> (u64, Vec<String>) {
        let e = crate::protocol::smtp::Extensions::parse(reply);
        (e.size, e.auth)
    }

    /// Reads CAPA's lines as the client does.
    pub fn capabilities(lines: Vec<String>) {
        crate::protocol::pop3::Capabilities::parse(lines);
    }
}
