//! SMTPClient.Send(Message) in C: the envelope from the message unless given.

use super::client::{checked, on_client};
use super::common::str_array;
use super::handles;
use super::message::csmail_message;
use super::section::opt_str;
use super::smtp::csmail_smtp;
use crate::api::Smtp;
use std::ffi::c_char;

/// Send(Message): sends a Message, the envelope taken from it — the sender from Sender (else
/// the first From), the recipients from To, Cc and Bcc. Bcc never appears in what is sent.
/// Attachment files are streamed. The message must be connected first (`csmail_smtp_connect`).
///
/// Results: as `csmail_smtp_send_mem`, and CSMAIL_E_INVALID_ARGUMENT with eexNoEnvelope (no
/// sender or no recipient) or eexInvalidAddress; CSMAIL_E_REFUSED_LOCALLY with
/// eexSmtpUtf8Required (an address that is not ASCII, in the envelope or in any address header
/// sent, and no SMTPUTF8: nothing is sent); CSMAIL_E_IO (an attachment file).
/// Threads: as every SMTPClient operation.
#[no_mangle]
pub extern "C" fn csmail_smtp_send_message(smtp: *const csmail_smtp, message: *const csmail_message) -> i32 {
    on_client::<Smtp, _>(smtp, |c| {
        let m = checked(c, handles::message(message))?;
        c.send_message(&m)
    })
}

/// Send(Message) with an envelope: `from` (NULL: from the message) and `recipients`/`count`
/// (NULL and 0: To, Cc and Bcc of the message). Results as `csmail_smtp_send_message`.
///
/// # Safety
/// `from` is NULL or NUL-terminated; `recipients` is NULL (with `count` 0) or points to
/// `count` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn csmail_smtp_send_message_to(
    smtp: *const csmail_smtp,
    message: *const csmail_message,
    from: *const c_char,
    recipients: *const *const c_char,
    count: usize,
) -> i32 {
    on_client::<Smtp, _>(smtp, |c| {
        let m = checked(c, handles::message(message))?;
        // SAFETY: caller contract.
        let args = unsafe { opt_str(from, "from").and_then(|f| Ok((f, str_array(recipients, count, "recipients")?))) };
        let (from, rcpts) = checked(c, args)?;
        let rcpts = if recipients.is_null() { None } else { Some(rcpts.as_slice()) };
        c.send_message_to(&m, from, rcpts)
    })
}
