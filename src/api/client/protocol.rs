//! What a protocol tells the generic client. A new protocol (IMAP) is a session in
//! `protocol::<name>` (implementing `protocol::session::Session`, whose `open` runs the
//! protocol's introduction), a unit type implementing this trait, a type alias
//! `Client<Name>`, and its own operations in an `impl Client<Name>` block (see
//! `third_protocol_tests.rs`), with its C functions as one-line calls into `ffi::client`.

use super::open::DefaultPorts;
use super::plan::ConnectPlan;
use super::published::ReplyProperties;
use super::settings::Applicable;
use crate::api::proxyinfo::ProxyKind;
use crate::error::Result;
use crate::protocol::session::Session;

/// The session's last reply.
pub type ReplyOf<P> = <<P as Protocol>::Session as Session>::Reply;

pub trait Protocol: Send + Sync + 'static {
    type Session: Session<Reply: ReplyProperties> + Send;
    /// The ports used when PORT is 0.
    const PORTS: DefaultPorts;
    /// The application proxy that serves this protocol, if it has one (tunnels serve every
    /// protocol).
    const APPLICATION_PROXY: Option<ProxyKind>;
    /// Which settable properties apply.
    const SETTINGS: Applicable;

    /// Checks the settings of a connect before the network is touched.
    fn check_plan(_plan: &ConnectPlan) -> Result<()> {
        Ok(())
    }
}
