//! The TLS policy of a connect, built from the attached SSLInfo: the rustls configuration (with
//! the client's TLS session cache), the name to verify, where the negotiated parameters are
//! recorded, and when and how strictly TLS is used.

use crate::api::sslinfo::SslInfo;
use crate::error::Result;
use crate::log::Logger;
use crate::options::{SSLAllowPlaintext, SSLServerName, SslState, MODE_STARTTLS};
use crate::protocol::session::{TlsPolicy, TlsStart};
use crate::tls::config;
use crate::tls::negotiated::Negotiated;
use crate::transport::stream::TlsContext;
use rustls::client::ClientSessionMemoryCache;
use std::sync::Arc;

pub(crate) fn tls_policy(
    ssl: &Arc<SslInfo>,
    host: &str,
    sessions: &Arc<ClientSessionMemoryCache>,
    log: &Logger,
) -> Result<TlsPolicy> {
    let state: SslState = ssl.snapshot();
    let setup = Arc::new(config::build(&state, sessions, ssl.validator(), log)?);
    // The outputs of a previous connect are cleared before this one can fail.
    ssl.record(&Negotiated::default());
    let record_into = ssl.clone();
    let server_name = match state.string(SSLServerName) {
        "" => host.trim_start_matches('[').trim_end_matches(']').to_owned(),
        name => name.to_owned(),
    };
    Ok(TlsPolicy {
        context: TlsContext { setup, server_name, record: Arc::new(move |n: &Negotiated| record_into.record(n)) },
        start: if state.mode == MODE_STARTTLS { TlsStart::Upgrade } else { TlsStart::Implicit },
        allow_plaintext: state.flag(SSLAllowPlaintext),
    })
}
