//! How a proxy changes the way to the server: a SOCKS or HTTP tunnel to go through, or an
//! application proxy that becomes the server (POP3ProxyInfo's `USER name@target`, SMTPProxyInfo's
//! relay with its own credentials).

use super::settings::Config;
use crate::api::proxyinfo::{default_tunnel_port, ProxyInfo, ProxyKind};
use crate::error::{self, Error, Result};
use crate::protocol::mechanism::Mechanism;
use crate::transport::proxy::{ProxyEndpoint, TunnelKind};

/// A SOCKS or HTTP tunnel to reach the server through.
pub type Tunnel = (TunnelKind, ProxyEndpoint);

/// Rewrites `config` for an application proxy; returns the tunnel of a tunnelling proxy.
pub(crate) fn route_through(proxy: &ProxyInfo, config: &mut Config) -> Result<Option<Tunnel>> {
    let mut ep = proxy.endpoint();
    if ep.host.is_empty() {
        return Err(Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexProxyException,
            "the proxy's host is not set",
        ));
    }
    match proxy.kind() {
        ProxyKind::Tunnel(kind) => {
            if ep.port == 0 {
                ep.port = default_tunnel_port(kind);
            }
            return Ok(Some((kind, ep)));
        }
        ProxyKind::Pop3 => {
            // USER name@target[:port]; the proxy's timestamp would make APOP fail.
            config.user = match config.port {
                0 => format!("{}@{}", config.user, config.host),
                port => format!("{}@{}:{port}", config.user, config.host),
            };
            config.host = ep.host;
            config.port = ep.port;
            if config.mechanism == Mechanism::Auto {
                config.mechanism = Mechanism::UserPass;
            }
        }
        ProxyKind::Smtp => {
            config.host = ep.host;
            config.port = ep.port;
            if !ep.user.is_empty() {
                config.user = ep.user;
                config.password = ep.password;
            }
        }
    }
    Ok(None)
}
