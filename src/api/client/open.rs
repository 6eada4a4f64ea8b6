//! Opening the connection a session runs on: TCP (directly or through a tunnel), and the TLS
//! handshake for implicit TLS; the protocol's greeting comes next.

use super::ehlo_name::default_ehlo_name;
use super::plan::ConnectPlan;
use crate::abort::Abort;
use crate::error::Result;
use crate::protocol::line::LineConnection;
use crate::protocol::session::{await_greeting, greeting_grace};
use crate::tls::config::TlsHandshakeParams;
use crate::transport::connect;
use crate::transport::proxy;
use crate::transport::stream::{self, Stream};
use std::sync::Arc;

/// The well-known ports of a protocol: plain (and STARTTLS), and implicit TLS.
#[derive(Clone, Copy)]
pub struct DefaultPorts {
    pub plain: u16,
    pub implicit_tls: u16,
}

/// The server's port: the setting, else the protocol's default for the TLS mode.
pub(crate) fn server_port(plan: &ConnectPlan, ports: DefaultPorts) -> u16 {
    match plan.config.port {
        0 if plan.tls.as_ref().is_some_and(|t| t.is_implicit()) => ports.implicit_tls,
        0 => ports.plain,
        p => p,
    }
}

/// Returns the connection and the EHLO name (the setting, else the default for this
/// connection's local end) when `wants_ehlo_name`.
pub(crate) fn open_connection(
    plan: &ConnectPlan,
    ports: DefaultPorts,
    wants_ehlo_name: bool,
    abort: &Arc<Abort>,
) -> Result<(LineConnection, String)> {
    let implicit = plan.tls.as_ref().is_some_and(|t| t.is_implicit());
    let port = server_port(plan, ports);
    let host = plan.config.host.trim_start_matches('[').trim_end_matches(']');
    // Each step's timeout ends at the operation's deadline at the latest.
    let tcp = match &plan.tunnel {
        Some((kind, ep)) => proxy::tunnel(*kind, ep, host, port, abort.cap(plan.config.timeout), abort, &plan.log)?,
        None => connect::connect(host, port, abort.cap(plan.config.timeout), abort, &plan.log)?,
    };
    let ehlo = match (wants_ehlo_name, plan.config.ehlo_name.as_str()) {
        (false, _) => String::new(),
        (true, "") => default_ehlo_name(&tcp),
        (true, name) => name.to_owned(),
    };
    abort.watch(&tcp);
    let stream = match &plan.tls {
        Some(t) if implicit => {
            let handshake = TlsHandshakeParams { port, ..t.handshake.clone() };
            stream::start_tls(tcp, &handshake, abort.cap(plan.config.timeout), abort, &plan.log)?
        }
        _ => Stream::Plain(tcp),
    };
    let mut conn = LineConnection::new(stream, plan.log.clone(), abort.clone(), plan.config.timeout);
    // Every protocol here starts with the server's greeting: a port that wants implicit TLS is
    // told apart from a slow server before the protocol reads it (see await_greeting).
    if !implicit {
        let grace = greeting_grace(port, plan.config.timeout);
        await_greeting(&mut conn, port, grace, plan.tls.is_some())?;
    }
    Ok((conn, ehlo))
}
