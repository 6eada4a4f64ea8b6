//! TLS: client configuration from SSLInfo, the recording verifier, the handshake with its error
//! mapping, the suite mapping and the negotiated parameters. The lowest layer: it works on a
//! connected `TcpStream` and knows nothing of transport, protocol or api.

pub mod cache;
pub mod certinfo;
#[cfg(feature = "compat")]
pub mod compat;
pub mod config;
pub mod handshake;
pub mod negotiated;
pub mod store;
pub mod suites;
pub mod verifier;
pub mod words;
