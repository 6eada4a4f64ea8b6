//! Safe Rust types for each legacy object. The rlib is a real Rust API; the C functions in
//! `ffi` are thin wrappers over these.

#![forbid(unsafe_code)]

pub mod client;
pub mod errorinfo;
pub mod imap_client;
pub mod imap_objects;
pub mod message;
pub mod message_transfer;
pub mod pop3_client;
pub mod properties;
pub mod proxyinfo;
pub mod smtp_client;
pub mod sslinfo;
mod whole_message;

pub use crate::log::LogHandler;
/// What SSLInfo reports and what its validation callback (seed 001) sees.
pub use crate::tls::{
    certinfo::CertDetails,
    negotiated::Negotiated,
    verifier::{ValidationInput, Validator},
};
pub use client::Client;
pub use errorinfo::ErrorInfo;
pub use imap_client::{Imap, ImapClient};
pub use message::{Mailbox, Message, Section};
pub use pop3_client::{Pop3, Pop3Client};
pub use proxyinfo::ProxyInfo;
pub use smtp_client::{Outgoing, Smtp, SmtpClient};
pub use sslinfo::SslInfo;

use std::sync::Arc;

/// What SetAdvancedHandler accepts.
#[derive(Clone)]
pub enum AdvancedHandler {
    Ssl(Arc<SslInfo>),
    Log(Arc<LogHandler>),
    Proxy(Arc<ProxyInfo>),
}

/// The groups of plain constants (authentication mechanisms, proxy kinds, log levels, SSLInfo
/// values, certificate statuses, message limits, IMAP fetch fields and search keys), in the header's order: what a binding that
/// builds its own constant list (the COM server's type library) walks.
pub fn constant_groups() -> [&'static crate::tables::ConstGroup; 18] {
    use crate::api::imap_objects as imap;
    use crate::{log, message, options};
    include!("../tables/constant_groups.rs")
}
