//! SMTPClient.Send(Message): the envelope from its headers unless given; Bcc never in what is
//! sent; attachments streamed from their files. (POP3Client returns a Message with
//! `retrieve_message` / `top_message`, parsed when first read.)

use super::properties::{CSMAIL_PROP_CAPABILITIES, CSMAIL_PROP_CONNECTED};
use super::SmtpClient;
use crate::error::{self, Error, Result};
use crate::message::Message;
use crate::protocol::source::MessageSource;

/// A message whose header holds UTF-8 addresses: MAIL carries SMTPUTF8 for it.
struct Utf8Header(Box<dyn MessageSource + Send>);

impl MessageSource for Utf8Header {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
    fn size(&self) -> Option<u64> {
        self.0.size()
    }
    fn needs_smtputf8(&self) -> bool {
        true
    }
}

impl SmtpClient {
    /// Send(Message): from Sender (else From) to every address of To, Cc and Bcc.
    pub fn send_message(&self, message: &Message) -> Result<()> {
        self.send_message_to(message, None, None)
    }

    /// Send(Message) with an envelope given in part or whole: `from` replaces the sender,
    /// `recipients` replaces To + Cc + Bcc. An address that is not ASCII, in the envelope or in
    /// any address header that is sent (From, Sender, Reply-To, To, Cc, Resent-*), needs SMTPUTF8:
    /// MAIL carries the SMTPUTF8 parameter, and without it on the server the message is refused
    /// before MAIL with eexSmtpUtf8Required. Composed messages are always 7-bit; a message read
    /// with 8-bit content is sent as it is to a server with 8BITMIME (BODY=8BITMIME) and
    /// re-encoded as 7-bit for one without.
    pub fn send_message_to(&self, message: &Message, from: Option<&str>, recipients: Option<&[&str]>) -> Result<()> {
        let prepared = (|| {
            let sender = match from {
                Some(f) => f.to_owned(),
                None => message.envelope_sender()?,
            };
            let rcpts: Vec<String> = match recipients {
                Some(r) => r.iter().map(|s| s.to_string()).collect(),
                None => message.envelope_recipients()?,
            };
            let offers = |keyword: &str| {
                self.get_str(CSMAIL_PROP_CAPABILITIES)
                    .is_ok_and(|caps| caps.lines().any(|l| l.trim().eq_ignore_ascii_case(keyword)))
            };
            // The envelope's addresses are checked by send; the header's are checked here, or one
            // only in Reply-To or Sender would reach a server that cannot take it as raw UTF-8.
            // (Not connected: send reports that.)
            let utf8_header = message.non_ascii_header_address();
            if self.get_int(CSMAIL_PROP_CONNECTED) == Ok(1) && !offers("SMTPUTF8") {
                if let Some((header, address)) = &utf8_header {
                    return Err(Error::new(
                        error::CSMAIL_E_NOT_SUPPORTED,
                        error::eexSmtpUtf8Required,
                        format!(
                            "the {header} address {address} is not ASCII and the server does not offer \
                             SMTPUTF8; use an ASCII address (a domain may be written in its xn-- form) \
                             or a server with SMTPUTF8"
                        ),
                    ));
                }
            }
            // Without 8BITMIME an 8-bit message read from bytes goes out re-encoded as 7-bit.
            let eight_bit_ok = offers("8BITMIME");
            let mut source = if eight_bit_ok { message.source(false)? } else { message.source_7bit(false)? };
            if utf8_header.is_some() {
                source = Box::new(Utf8Header(source));
            }
            Ok((sender, rcpts, source))
        })();
        let (sender, rcpts, mut source) = self.record_failure(prepared)?;
        let rcpt_refs: Vec<&str> = rcpts.iter().map(String::as_str).collect();
        self.send(&sender, &rcpt_refs, source.as_mut())
    }
}
