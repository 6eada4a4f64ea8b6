//! What a connect needs, taken from the client at its start: the settings (rewritten for an
//! application proxy), the logger, the TLS policy and the tunnel.

use super::proxy_route::{route_through, Tunnel};
use super::settings::Config;
use super::tls_policy::tls_policy;
use crate::api::proxyinfo::ProxyInfo;
use crate::api::sslinfo::SslInfo;
use crate::error::{Error, Result};
use crate::log::Logger;
use crate::protocol::session::TlsPolicy;
use rustls::client::ClientSessionMemoryCache;
use std::sync::Arc;

pub struct ConnectPlan {
    /// The client's settings, with host, port and user adjusted for an application proxy.
    pub config: Config,
    pub(crate) log: Logger,
    pub(crate) tls: Option<TlsPolicy>,
    /// A SOCKS or HTTP tunnel to go through.
    pub(crate) tunnel: Option<Tunnel>,
}

pub(crate) fn plan(
    mut config: Config,
    proxy: Option<Arc<ProxyInfo>>,
    ssl: Option<Arc<SslInfo>>,
    sessions: &Arc<ClientSessionMemoryCache>,
    log: Logger,
) -> Result<ConnectPlan> {
    if config.host.is_empty() {
        return Err(Error::invalid_arg("Host is not set"));
    }
    let tunnel = match proxy {
        Some(p) => route_through(&p, &mut config)?,
        None => None,
    };
    let tls = match ssl {
        Some(ssl) => Some(tls_policy(&ssl, &config.host, sessions, &log)?),
        None => None,
    };
    Ok(ConnectPlan { config, log, tls, tunnel })
}
