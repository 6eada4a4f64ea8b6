//! An operation's limits beyond the per-step timeout, as libcurl has them: a deadline for the
//! whole operation (CSMAIL_PROP_OPERATION_TIMEOUT_MS, like CURLOPT_TIMEOUT) and a low-speed
//! limit on received message data (CSMAIL_PROP_LOW_SPEED_LIMIT bytes per second over
//! CSMAIL_PROP_LOW_SPEED_TIME_MS, like CURLOPT_LOW_SPEED_LIMIT / _TIME). Without them a server
//! that drips a message one byte at a time holds a call for as long as it likes, because the
//! timeout bounds each read of message data, not the whole.

use crate::error::{self, Error, Result};
use std::time::{Duration, Instant};

/// The limits an operation runs under; the default is none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// The whole operation's bound.
    pub operation: Option<Duration>,
    /// The least speed of received message data.
    pub low_speed: Option<LowSpeed>,
}

/// At least `bytes_per_sec` on average over each `window` of received message data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LowSpeed {
    pub bytes_per_sec: u32,
    pub window: Duration,
}

impl LowSpeed {
    /// The bytes a window must bring.
    fn needed(&self) -> u64 {
        u64::from(self.bytes_per_sec) * self.window.as_millis() as u64 / 1000
    }
}

impl Limits {
    /// The deadline of an operation that began at `began`.
    pub fn deadline_from(&self, began: Instant) -> Option<Instant> {
        self.operation.map(|d| began + d)
    }

    /// A step's timeout that came at the operation's deadline, told as the deadline's: which
    /// limit fired and which property to raise. Other errors pass unchanged.
    pub fn deadline_error(&self, e: Error) -> Error {
        let (Some(limit), Some(rest)) = (self.operation, e.text.strip_prefix("timed out ")) else {
            return e;
        };
        if e.result != error::CSMAIL_E_TIMEOUT {
            return e;
        }
        let text = format!(
            "the operation ran longer than CSMAIL_PROP_OPERATION_TIMEOUT_MS allows ({} ms) and stopped {rest}; raise CSMAIL_PROP_OPERATION_TIMEOUT_MS, or set it to 0 for no limit",
            limit.as_millis()
        );
        Error { text, ..e }
    }
}

/// Measures received message data against the low-speed limit, window by window; it starts
/// afresh with each operation (each new epoch of the client's `Abort`).
#[derive(Default)]
pub struct SpeedMeter {
    epoch: u64,
    start: Option<Instant>,
    bytes: u64,
}

impl SpeedMeter {
    /// Checks the window that ended by `now`, if one did, and returns when the current one
    /// ends: the longest the next read may wait before the speed is judged again.
    pub fn window_end(&mut self, epoch: u64, limit: LowSpeed, now: Instant, step: &str) -> Result<Instant> {
        let start = match self.start {
            Some(s) if self.epoch == epoch => s,
            _ => {
                *self = SpeedMeter { epoch, start: Some(now), bytes: 0 };
                now
            }
        };
        if now < start + limit.window {
            return Ok(start + limit.window);
        }
        if self.bytes < limit.needed() {
            return Err(Error::new(
                error::CSMAIL_E_TIMEOUT,
                error::eexTimeout,
                format!(
                    "the transfer was slower than CSMAIL_PROP_LOW_SPEED_LIMIT ({} bytes/s) over CSMAIL_PROP_LOW_SPEED_TIME_MS ({} ms) while {step}: {} bytes arrived, {} were needed; lower CSMAIL_PROP_LOW_SPEED_LIMIT, or set it to 0 to turn the check off",
                    limit.bytes_per_sec,
                    limit.window.as_millis(),
                    self.bytes,
                    limit.needed()
                ),
            ));
        }
        self.start = Some(now);
        self.bytes = 0;
        Ok(now + limit.window)
    }

    /// Counts received bytes into the current window.
    pub fn add(&mut self, n: usize) {
        self.bytes += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOW: LowSpeed = LowSpeed { bytes_per_sec: 100, window: Duration::from_secs(2) };

    #[test]
    fn a_window_short_of_the_speed_fails_and_a_fast_one_starts_the_next() {
        let t0 = Instant::now();
        let mut m = SpeedMeter::default();
        assert_eq!(m.window_end(1, LOW, t0, "x").unwrap(), t0 + LOW.window);
        m.add(200);
        let t1 = t0 + LOW.window;
        assert_eq!(m.window_end(1, LOW, t1, "x").unwrap(), t1 + LOW.window, "200 bytes in 2 s is enough");
        m.add(199);
        let e = m.window_end(1, LOW, t1 + LOW.window, "receiving the message").unwrap_err();
        assert_eq!((e.result, e.eex, e.os_error), (error::CSMAIL_E_TIMEOUT, error::eexTimeout, 0));
        assert_eq!(
            e.text,
            "the transfer was slower than CSMAIL_PROP_LOW_SPEED_LIMIT (100 bytes/s) over CSMAIL_PROP_LOW_SPEED_TIME_MS (2000 ms) while receiving the message: 199 bytes arrived, 200 were needed; lower CSMAIL_PROP_LOW_SPEED_LIMIT, or set it to 0 to turn the check off"
        );
        // A new operation starts a new window.
        let t2 = t1 + LOW.window * 5;
        assert_eq!(m.window_end(2, LOW, t2, "x").unwrap(), t2 + LOW.window);
    }

    #[test]
    fn only_a_step_timeout_becomes_the_deadline_error() {
        let limits = Limits { operation: Some(Duration::from_millis(3000)), low_speed: None };
        let e = limits.deadline_error(Error::timeout("receiving the message"));
        assert_eq!((e.result, e.eex), (error::CSMAIL_E_TIMEOUT, error::eexTimeout));
        assert_eq!(
            e.text,
            "the operation ran longer than CSMAIL_PROP_OPERATION_TIMEOUT_MS allows (3000 ms) and stopped while receiving the message; raise CSMAIL_PROP_OPERATION_TIMEOUT_MS, or set it to 0 for no limit"
        );
        let other = Error::aborted();
        assert_eq!(limits.deadline_error(other.clone()), other);
        assert_eq!(Limits::default().deadline_error(Error::timeout("x")), Error::timeout("x"));
    }
}
