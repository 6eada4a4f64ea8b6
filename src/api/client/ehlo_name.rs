//! The default EHLO name.

use std::net::{SocketAddr, TcpStream};

/// The host's FQDN when it has one, else the address literal of the local end of the
/// connection (RFC 5321 4.1.4): a bare host name or an invalid one would be refused by strict
/// servers.
pub(crate) fn default_ehlo_name(tcp: &TcpStream) -> String {
    if let Some(name) = gethostname::gethostname().to_str() {
        if name.contains('.') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
            return name.to_owned();
        }
    }
    match tcp.local_addr() {
        Ok(SocketAddr::V4(a)) => format!("[{}]", a.ip()),
        Ok(SocketAddr::V6(a)) => format!("[IPv6:{}]", a.ip()),
        Err(_) => "localhost".to_owned(),
    }
}
