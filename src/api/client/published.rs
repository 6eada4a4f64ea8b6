//! The session's state as the client publishes it after each operation (CONNECTED, TLS_ACTIVE,
//! CAPABILITIES and the last reply), kept outside the session lock so that a callback can read
//! it while an operation runs.

use crate::api::properties::*;
use crate::error::{self, Error, Result};

/// A protocol's last reply as the REPLY_* properties show it.
pub trait ReplyProperties: Clone + Default + Send {
    /// REPLY_TEXT.
    fn text(&self) -> String;
    /// REPLY_CODE, when the protocol's replies have codes.
    fn code(&self) -> Option<i32> {
        None
    }
    /// REPLY_ENHANCED, when the protocol's replies have enhanced status codes.
    fn enhanced(&self) -> Option<String> {
        None
    }
}

#[derive(Default)]
pub(crate) struct Published<R> {
    pub connected: bool,
    pub tls: bool,
    pub capabilities: String,
    pub reply: R,
}

fn unknown(kind: &str, prop: i32) -> Error {
    Error::new(error::CSMAIL_E_INVALID_ARGUMENT, error::eexUnknownOption, format!("unknown {kind} property {prop}"))
}

impl<R: ReplyProperties> Published<R> {
    pub(crate) fn get_str(&self, prop: i32) -> Result<String> {
        let v = match prop {
            CSMAIL_PROP_REPLY_TEXT => Some(self.reply.text()),
            CSMAIL_PROP_REPLY_ENHANCED => self.reply.enhanced(),
            CSMAIL_PROP_CAPABILITIES => Some(self.capabilities.clone()),
            _ => None,
        };
        v.ok_or_else(|| unknown("string", prop))
    }

    pub(crate) fn get_int(&self, prop: i32) -> Result<i32> {
        let v = match prop {
            CSMAIL_PROP_CONNECTED => Some(self.connected as i32),
            CSMAIL_PROP_TLS_ACTIVE => Some(self.tls as i32),
            CSMAIL_PROP_REPLY_CODE => self.reply.code(),
            _ => None,
        };
        v.ok_or_else(|| unknown("integer", prop))
    }
}
