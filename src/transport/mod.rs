//! Transport: TCP connect (every resolved address, connect timeout, abort), and one stream type
//! that is plain or TLS, with the STARTTLS upgrade.

pub mod connect;
pub mod proxy;
pub mod stream;

#[cfg(test)]
mod connect_tests;
