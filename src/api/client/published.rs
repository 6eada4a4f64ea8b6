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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::smtp::Reply;

    #[test]
    fn reply_properties_follow_the_protocol() {
        let smtp = Published {
            connected: true,
            tls: true,
            capabilities: "PIPELINING\nSIZE 10".into(),
            reply: Reply {
                code: 550,
                lines: vec!["5.1.1 no such user".into(), "more".into()],
                enhanced: "5.1.1".into(),
            },
        };
        assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
        assert_eq!(smtp.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "5.1.1 no such user\nmore");
        assert_eq!(smtp.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap(), "5.1.1");
        assert_eq!(smtp.get_str(CSMAIL_PROP_CAPABILITIES).unwrap(), "PIPELINING\nSIZE 10");
        assert_eq!(
            (smtp.get_int(CSMAIL_PROP_CONNECTED).unwrap(), smtp.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap()),
            (1, 1)
        );

        // POP3's status line has no code and no enhanced code: those properties do not exist.
        let pop3 = Published { reply: "-ERR [AUTH] no".to_owned(), ..Published::default() };
        assert_eq!(pop3.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "-ERR [AUTH] no");
        for e in
            [pop3.get_int(CSMAIL_PROP_REPLY_CODE).unwrap_err(), pop3.get_str(CSMAIL_PROP_REPLY_ENHANCED).unwrap_err()]
        {
            assert_eq!((e.result, e.eex), (error::CSMAIL_E_INVALID_ARGUMENT, error::eexUnknownOption));
        }
        assert_eq!(pop3.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
        let e = pop3.get_int(CSMAIL_PROP_HOST).unwrap_err();
        assert_eq!(e.text, format!("unknown integer property {CSMAIL_PROP_HOST}"));
    }
}
