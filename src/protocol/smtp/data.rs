//! The message data after DATA's 354: streamed from the source through the dot-stuffer, the
//! last bytes in one write with the terminator, and the final reply that alone means delivered.

use super::reply::server_error;
use super::SmtpSession;
use crate::error::{self, Error, Result};
use crate::log::LOG_F_PROTOCOL;
use crate::protocol::dotstuff::Stuffer;
use crate::protocol::line::WRITE_CHUNK;
use crate::protocol::session::Session;
use crate::protocol::source::{MessageSource, Progress};
use std::time::Instant;

impl SmtpSession {
    /// Streams the message after DATA's 354 and reads the final reply. Once the terminator is
    /// out, a lost connection or an abort is DELIVERY_UNKNOWN: the server may have delivered.
    pub(crate) fn send_data(
        &mut self,
        source: &mut dyn MessageSource,
        total: Option<u64>,
        progress: Progress,
    ) -> Result<()> {
        let mut stuffer = Stuffer::new();
        let mut chunk = vec![0u8; WRITE_CHUNK];
        let mut done: u64 = 0;
        let log = self.link.conn.log.clone();
        log.info(LOG_F_PROTOCOL, || {
            format!("C: <message data{}>", total.map(|t| format!(", {t} bytes")).unwrap_or_default())
        });
        loop {
            let n = match source.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.mark_broken();
                    return Err(Error::new(
                        error::CSMAIL_E_IO,
                        error::eexMessageSource,
                        format!("reading the message failed: {e}"),
                    )
                    .with_os(&e));
                }
            };
            if n == 0 {
                break;
            }
            stuffer.push(&chunk[..n], self.link.conn.data_queue());
            done += n as u64;
            if self.link.conn.pending() >= WRITE_CHUNK {
                self.breaking_on_error(|s| s.link.conn.flush("sending the message"))?;
            }
            if !progress(done, total) {
                self.mark_broken();
                return Err(Error::aborted());
            }
        }
        // The message's last bytes and the terminator go out in one write: no delayed-ACK stall.
        stuffer.finish(self.link.conn.data_queue());
        self.breaking_on_error(|s| s.link.conn.flush("sending the message"))?;
        log.info(LOG_F_PROTOCOL, || "C: .".into());
        let started = Instant::now();
        let reply = match self.read_reply("waiting for the reply to the message") {
            Ok(r) => r,
            Err(e) if e.result == error::CSMAIL_E_ABORTED => {
                self.mark_broken();
                return Err(Error::new(
                    error::CSMAIL_E_DELIVERY_UNKNOWN,
                    error::eexDeliveryUnknown,
                    "aborted after the message was sent: delivery unknown",
                ));
            }
            Err(e) => {
                self.mark_broken();
                return Err(Error {
                    result: error::CSMAIL_E_DELIVERY_UNKNOWN,
                    eex: error::eexDeliveryUnknown,
                    text: format!(
                        "the message was sent but no final reply came ({}; waited {} ms): delivery unknown",
                        e.text,
                        started.elapsed().as_millis()
                    ),
                    os_error: e.os_error,
                });
            }
        };
        if reply.code != 250 {
            return Err(server_error(error::CSMAIL_E_SERVER, "the message was refused", &reply));
        }
        Ok(())
    }
}
