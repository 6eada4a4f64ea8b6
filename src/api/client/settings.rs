//! The client's settable properties (HOST, PORT, USER, PASSWORD, EHLO_NAME, TIMEOUT_MS,
//! AUTH_MECH, OPERATION_TIMEOUT_MS, LOW_SPEED_LIMIT, LOW_SPEED_TIME_MS): their values, their
//! checks, and which of them a protocol has.

use super::mechanism_codes::{mechanism_code, mechanism_from};
use crate::abort::{Limits, LowSpeed};
use crate::api::properties::*;
use crate::error::{self, Error, Result};
use crate::protocol::line::check_command_arg;
use crate::protocol::mechanism::Mechanism;
use std::time::Duration;

/// The settable properties of a client.
#[derive(Clone, Debug)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub ehlo_name: String,
    pub timeout: Duration,
    pub mechanism: Mechanism,
    /// OPERATION_TIMEOUT_MS; zero = no bound.
    pub operation_timeout: Duration,
    /// LOW_SPEED_LIMIT in bytes per second; 0 = off.
    pub low_speed_limit: u32,
    /// LOW_SPEED_TIME_MS.
    pub low_speed_time: Duration,
}

/// The longest a timeout property may be: one day.
const MAX_MS: i32 = 86_400_000;

impl Default for Config {
    fn default() -> Self {
        Config {
            host: String::new(),
            port: 0,
            user: String::new(),
            password: String::new(),
            ehlo_name: String::new(),
            timeout: Duration::from_secs(30),
            mechanism: Mechanism::Auto,
            operation_timeout: Duration::ZERO,
            low_speed_limit: 0,
            low_speed_time: Duration::from_secs(30),
        }
    }
}

/// What a protocol takes of the settable properties: those the property table lists for its
/// object (EHLO_NAME is SMTP's), and the authentication mechanisms it speaks.
#[derive(Clone, Copy)]
pub struct Applicable {
    /// The client's object in the property table.
    pub object: Object,
    pub mechanism: fn(Mechanism) -> bool,
}

impl Applicable {
    /// Whether the property table gives this client the property.
    pub fn has(&self, prop: i32) -> bool {
        find(prop).is_some_and(|def| def.objects.contains(&self.object))
    }
}

pub(crate) fn unknown_property(p: i32) -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexUnknownOption,
        format!("unknown or read-only property {p} for this call"),
    )
}

/// A host or EHLO name: one command-line token.
fn check_name(what: &str, value: &str) -> Result<()> {
    check_command_arg(what, value)?;
    if value.contains(char::is_whitespace) {
        return Err(Error::invalid_arg(format!("{what} must not contain white space")));
    }
    Ok(())
}

/// A duration property in milliseconds, `least ..= MAX_MS`.
fn millis(what: &str, value: i32, least: i32) -> Result<Duration> {
    if !(least..=MAX_MS).contains(&value) {
        return Err(Error::invalid_arg(format!("{what} {value} ms is not {least}..{MAX_MS}")));
    }
    Ok(Duration::from_millis(value as u64))
}

impl Config {
    /// The limits an operation starting now runs under.
    pub(crate) fn limits(&self) -> Limits {
        Limits {
            operation: Some(self.operation_timeout).filter(|d| !d.is_zero()),
            low_speed: (self.low_speed_limit > 0)
                .then_some(LowSpeed { bytes_per_sec: self.low_speed_limit, window: self.low_speed_time }),
        }
    }

    pub(crate) fn set_str(&mut self, applies: Applicable, prop: i32, value: &str) -> Result<()> {
        match prop {
            CSMAIL_PROP_HOST => {
                check_name("Host", value)?;
                self.host = value.to_owned();
            }
            CSMAIL_PROP_USER => {
                check_command_arg("User", value)?;
                self.user = value.to_owned();
            }
            CSMAIL_PROP_PASSWORD => {
                check_command_arg("Password", value)?;
                self.password = value.to_owned();
            }
            CSMAIL_PROP_EHLO_NAME if applies.has(prop) => {
                check_name("EHLO name", value)?;
                self.ehlo_name = value.to_owned();
            }
            _ => return Err(unknown_property(prop)),
        }
        Ok(())
    }

    pub(crate) fn set_int(&mut self, applies: Applicable, prop: i32, value: i32) -> Result<()> {
        match prop {
            CSMAIL_PROP_PORT => {
                self.port =
                    u16::try_from(value).map_err(|_| Error::invalid_arg(format!("port {value} is not 0..65535")))?;
            }
            CSMAIL_PROP_TIMEOUT_MS => self.timeout = millis("timeout", value, 1)?,
            CSMAIL_PROP_OPERATION_TIMEOUT_MS => self.operation_timeout = millis("operation timeout", value, 0)?,
            CSMAIL_PROP_LOW_SPEED_TIME_MS if applies.has(prop) => {
                self.low_speed_time = millis("low-speed time", value, 1)?
            }
            CSMAIL_PROP_LOW_SPEED_LIMIT if applies.has(prop) => {
                self.low_speed_limit = u32::try_from(value)
                    .map_err(|_| Error::invalid_arg(format!("low-speed limit {value} bytes/s is negative")))?;
            }
            CSMAIL_PROP_AUTH_MECH => {
                self.mechanism = mechanism_from(value).filter(|m| (applies.mechanism)(*m)).ok_or_else(|| {
                    Error::invalid_arg(format!("authentication mechanism {value} does not apply to this client"))
                })?;
            }
            _ => return Err(unknown_property(prop)),
        }
        Ok(())
    }

    /// The settable string properties; None for the others (read-only ones are the published
    /// state's).
    pub(crate) fn get_str(&self, applies: Applicable, prop: i32) -> Option<Result<String>> {
        Some(Ok(match prop {
            CSMAIL_PROP_HOST => self.host.clone(),
            CSMAIL_PROP_USER => self.user.clone(),
            CSMAIL_PROP_EHLO_NAME if applies.has(prop) => self.ehlo_name.clone(),
            CSMAIL_PROP_PASSWORD => {
                return Some(Err(Error::new(
                    error::CSMAIL_E_NOT_SUPPORTED,
                    error::eexNotSupported,
                    "the password is write-only",
                )))
            }
            _ => return None,
        }))
    }

    pub(crate) fn get_int(&self, applies: Applicable, prop: i32) -> Option<i32> {
        Some(match prop {
            CSMAIL_PROP_PORT => self.port as i32,
            CSMAIL_PROP_TIMEOUT_MS => self.timeout.as_millis() as i32,
            CSMAIL_PROP_OPERATION_TIMEOUT_MS => self.operation_timeout.as_millis() as i32,
            CSMAIL_PROP_LOW_SPEED_LIMIT if applies.has(prop) => self.low_speed_limit as i32,
            CSMAIL_PROP_LOW_SPEED_TIME_MS if applies.has(prop) => self.low_speed_time.as_millis() as i32,
            CSMAIL_PROP_AUTH_MECH => mechanism_code(self.mechanism),
            _ => return None,
        })
    }
}
