//! What a protocol tells the generic client. A new protocol (IMAP) is a session in
//! `protocol::<name>` (implementing `protocol::session::Session`), a unit type implementing this
//! trait, a type alias `Client<Name>`, and its own operations in an `impl Client<Name>` block.

use super::open::DefaultPorts;
use super::plan::ConnectPlan;
use super::published::ReplyProperties;
use super::settings::Applicable;
use crate::api::proxyinfo::ProxyKind;
use crate::error::{Error, Result};
use crate::protocol::line::LineConnection;
use crate::protocol::session::Session;

/// The session's last reply.
pub type ReplyOf<P> = <<P as Protocol>::Session as Session>::Reply;

pub trait Protocol: Send + Sync + 'static {
    type Session: Session<Reply: ReplyProperties> + Send;
    /// The ports used when PORT is 0.
    const PORTS: DefaultPorts;
    /// The application proxy that serves this protocol (tunnels serve every protocol).
    const PROXY: ProxyKind;
    /// Which settable properties apply.
    const SETTINGS: Applicable;

    /// Checks the settings of a connect before the network is touched.
    fn check_plan(_plan: &ConnectPlan) -> Result<()> {
        Ok(())
    }

    /// Runs the protocol's introduction on the new connection: greeting, capabilities,
    /// STARTTLS/STLS, login. On failure the connection is closed and the refusal comes back.
    fn open(
        conn: LineConnection,
        plan: &ConnectPlan,
        ehlo_name: &str,
    ) -> std::result::Result<Self::Session, (Error, ReplyOf<Self>)>;
}
