//! TLS: client configuration from SSLInfo, the recording verifier, negotiated parameters.

pub mod certinfo;
#[cfg(feature = "compat")]
pub mod compat;
pub mod config;
pub mod negotiated;
pub mod store;
pub mod verifier;
