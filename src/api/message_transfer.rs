//! SMTPClient.Send(Message): the envelope from its headers unless given; Bcc never in what is
//! sent; attachments streamed from their files. (POP3Client returns a Message with
//! `retrieve_message` / `top_message`, parsed when first read.)

use super::properties::CSMAIL_PROP_CAPABILITIES;
use super::SmtpClient;
use crate::error::Result;
use crate::message::Message;
use crate::protocol::dotstuff::Shape;
use crate::protocol::source::MessageSource;

/// A message whose header holds an address that is not ASCII: MAIL carries SMTPUTF8 for it, and
/// a server without SMTPUTF8 gets nothing (the session refuses before MAIL, naming the address).
struct Utf8Header {
    source: Box<dyn MessageSource + Send>,
    /// "the Reply-To address jörg@bücher.example".
    address: String,
}

impl MessageSource for Utf8Header {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.source.read(buf)
    }
    fn size(&self) -> Option<u64> {
        self.source.size()
    }
    fn shape(&mut self) -> std::io::Result<Option<Shape>> {
        self.source.shape()
    }
    fn utf8_header_address(&self) -> Option<&str> {
        Some(&self.address)
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
            // Without 8BITMIME an 8-bit message read from bytes goes out re-encoded as 7-bit.
            let eight_bit_ok = self
                .get_str(CSMAIL_PROP_CAPABILITIES)
                .is_ok_and(|caps| caps.lines().any(|l| l.trim().eq_ignore_ascii_case("8BITMIME")));
            let mut source = if eight_bit_ok { message.source(false)? } else { message.source_7bit(false)? };
            // The envelope's addresses are checked by the session; one only in the header
            // (Reply-To, Sender, a To outside a given envelope) is told to it here.
            if let Some((header, address)) = message.non_ascii_header_address() {
                source = Box::new(Utf8Header { source, address: format!("the {header} address {address}") });
            }
            Ok((sender, rcpts, source))
        })();
        let (sender, rcpts, mut source) = self.record_failure(prepared)?;
        let rcpt_refs: Vec<&str> = rcpts.iter().map(String::as_str).collect();
        self.send(&sender, &rcpt_refs, source.as_mut())
    }
}
