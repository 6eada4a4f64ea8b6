//! The AUTH_MECH property's values (CSMAIL_AUTH_*) and the mechanisms they stand for.

use crate::api::properties::*;
use crate::protocol::mechanism::Mechanism;

pub(crate) fn mechanism_from(v: i32) -> Option<Mechanism> {
    Some(match v {
        CSMAIL_AUTH_AUTO => Mechanism::Auto,
        CSMAIL_AUTH_PLAIN => Mechanism::Plain,
        CSMAIL_AUTH_LOGIN => Mechanism::Login,
        CSMAIL_AUTH_CRAM_MD5 => Mechanism::CramMd5,
        CSMAIL_AUTH_XOAUTH2 => Mechanism::XOAuth2,
        CSMAIL_AUTH_OAUTHBEARER => Mechanism::OAuthBearer,
        CSMAIL_AUTH_USER_PASS => Mechanism::UserPass,
        CSMAIL_AUTH_APOP => Mechanism::Apop,
        _ => return None,
    })
}

pub(crate) fn mechanism_code(m: Mechanism) -> i32 {
    match m {
        Mechanism::Auto => CSMAIL_AUTH_AUTO,
        Mechanism::Plain => CSMAIL_AUTH_PLAIN,
        Mechanism::Login => CSMAIL_AUTH_LOGIN,
        Mechanism::CramMd5 => CSMAIL_AUTH_CRAM_MD5,
        Mechanism::XOAuth2 => CSMAIL_AUTH_XOAUTH2,
        Mechanism::OAuthBearer => CSMAIL_AUTH_OAUTHBEARER,
        Mechanism::UserPass => CSMAIL_AUTH_USER_PASS,
        Mechanism::Apop => CSMAIL_AUTH_APOP,
    }
}
