//! The TLS policy of a connect, built from the attached SSLInfo: the rustls configuration (the
//! client's kept one while its inputs stay the same, so that sessions resume), the name to
//! verify, where the negotiated parameters are recorded, and when and how strictly TLS is used.

use crate::api::sslinfo::SslInfo;
use crate::error::Result;
use crate::log::Logger;
use crate::options::{SSLAllowPlaintext, SSLServerName, SslState, MODE_STARTTLS};
use crate::protocol::session::{TlsPolicy, TlsStart};
use crate::tls::cache::TlsSetupCache;
use crate::tls::config::TlsHandshakeParams;
use crate::tls::negotiated::Negotiated;
use std::sync::Arc;

pub(crate) fn tls_policy(ssl: &Arc<SslInfo>, host: &str, tls_setup: &TlsSetupCache, log: &Logger) -> Result<TlsPolicy> {
    let state: SslState = ssl.snapshot();
    let tls_config = tls_setup.get(&state, ssl.validator(), log)?;
    // The outputs of a previous connect are cleared before this one can fail.
    ssl.record(&Negotiated::default());
    let server_name = match state.string(SSLServerName) {
        "" => host.trim_start_matches('[').trim_end_matches(']').to_owned(),
        name => name.to_owned(),
    };
    Ok(TlsPolicy {
        handshake: TlsHandshakeParams { config: tls_config, server_name, port: 0, record: ssl.recorder() },
        start: if state.mode == MODE_STARTTLS { TlsStart::Upgrade } else { TlsStart::Implicit },
        allow_plaintext: state.flag(SSLAllowPlaintext),
    })
}
