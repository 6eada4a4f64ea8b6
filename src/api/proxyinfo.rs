//! The proxy handlers: SOCK4ProxyInfo (and SOCKS4a), SOCK5ProxyInfo, HTTP CONNECT,
//! POP3ProxyInfo and SMTPProxyInfo, as one object with a kind.
//!
//! SOCKS and HTTP CONNECT are tunnels: the client reaches the target through them and TLS
//! verifies the target's name. POP3ProxyInfo and SMTPProxyInfo are application-level proxies,
//! as their users had them: the client talks POP3 or SMTP to the proxy itself —
//! a POP3 proxy is logged into with `USER name@target-host` (`name@host:port` for a non-default
//! port) and fetches from the target on the client's behalf; an SMTP proxy is a relay host that
//! takes the message instead of the target (with its own credentials when given). TLS there is
//! between client and proxy and verifies the proxy's name.

use crate::error::{self, Error, Result};
use crate::protocol::line::check_command_arg;
use crate::transport::proxy::{ProxyEndpoint, TunnelKind};
use parking_lot::Mutex;

use super::properties::*;
use crate::tables::constants;

// CSMAIL_PROXY_* and the table PROXY_KINDS: src/tables/proxy_kinds.rs.
include!("../tables/proxy_kinds.rs");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyKind {
    Tunnel(TunnelKind),
    Pop3,
    Smtp,
}

pub struct ProxyInfo {
    kind: ProxyKind,
    endpoint: Mutex<ProxyEndpoint>,
}

impl ProxyInfo {
    /// A proxy of the given CSMAIL_PROXY_* kind; None for an unknown kind.
    pub fn new(kind: i32) -> Option<ProxyInfo> {
        let kind = match kind {
            CSMAIL_PROXY_SOCKS4 => ProxyKind::Tunnel(TunnelKind::Socks4),
            CSMAIL_PROXY_SOCKS4A => ProxyKind::Tunnel(TunnelKind::Socks4a),
            CSMAIL_PROXY_SOCKS5 => ProxyKind::Tunnel(TunnelKind::Socks5),
            CSMAIL_PROXY_HTTP => ProxyKind::Tunnel(TunnelKind::HttpConnect),
            CSMAIL_PROXY_POP3 => ProxyKind::Pop3,
            CSMAIL_PROXY_SMTP => ProxyKind::Smtp,
            _ => return None,
        };
        Some(ProxyInfo { kind, endpoint: Mutex::new(ProxyEndpoint { remote_dns: true, ..ProxyEndpoint::default() }) })
    }

    pub fn kind(&self) -> ProxyKind {
        self.kind
    }

    pub(crate) fn endpoint(&self) -> ProxyEndpoint {
        self.endpoint.lock().clone()
    }

    pub fn set_str(&self, prop: i32, value: &str) -> Result<()> {
        check_command_arg("proxy property", value)?;
        let mut e = self.endpoint.lock();
        match prop {
            CSMAIL_PROP_HOST => {
                if value.contains(char::is_whitespace) {
                    return Err(Error::invalid_arg("proxy host must not contain white space"));
                }
                e.host = value.to_owned()
            }
            CSMAIL_PROP_USER => e.user = value.to_owned(),
            CSMAIL_PROP_PASSWORD => e.password = value.to_owned(),
            _ => return Err(unknown(prop)),
        }
        Ok(())
    }

    pub fn get_str(&self, prop: i32) -> Result<String> {
        let e = self.endpoint.lock();
        match prop {
            CSMAIL_PROP_HOST => Ok(e.host.clone()),
            CSMAIL_PROP_USER => Ok(e.user.clone()),
            CSMAIL_PROP_PASSWORD => {
                Err(Error::new(error::CSMAIL_E_NOT_SUPPORTED, error::eexNotSupported, "the password is write-only"))
            }
            _ => Err(unknown(prop)),
        }
    }

    pub fn set_int(&self, prop: i32, value: i32) -> Result<()> {
        let mut e = self.endpoint.lock();
        match prop {
            CSMAIL_PROP_PORT => {
                e.port =
                    u16::try_from(value).map_err(|_| Error::invalid_arg(format!("port {value} is not 0..65535")))?
            }
            CSMAIL_PROP_PROXY_REMOTE_DNS => e.remote_dns = value != 0,
            _ => return Err(unknown(prop)),
        }
        Ok(())
    }

    pub fn get_int(&self, prop: i32) -> Result<i32> {
        let e = self.endpoint.lock();
        match prop {
            CSMAIL_PROP_PORT => Ok(e.port as i32),
            CSMAIL_PROP_PROXY_REMOTE_DNS => Ok(e.remote_dns as i32),
            _ => Err(unknown(prop)),
        }
    }
}

fn unknown(prop: i32) -> Error {
    Error::new(error::CSMAIL_E_INVALID_ARGUMENT, error::eexUnknownOption, format!("unknown proxy property {prop}"))
}

/// The port a tunnel proxy listens on when none is set.
pub(crate) fn default_tunnel_port(kind: TunnelKind) -> u16 {
    match kind {
        TunnelKind::HttpConnect => 8080,
        _ => 1080,
    }
}
