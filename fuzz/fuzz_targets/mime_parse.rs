//! The MIME parser on hostile input: reading a message (every header, section, attachment,
//! text) never panics, stays within the limits, and an unchanged message gives back its bytes.
#![no_main]

use csmail::message::{limits, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let m = Message::from_bytes(data.to_vec());
    let _ = (m.subject(), m.headers(), m.text_body(), m.html_body(), m.envelope(), m.priority());
    for h in ["From", "To", "Cc", "Bcc", "Reply-To", "Sender"] {
        let _ = m.addresses(h);
    }
    let body = m.body();
    assert!(body.count() <= limits::CSMAIL_MESSAGE_MAX_PARTS as usize && body.depth() <= limits::CSMAIL_MESSAGE_MAX_DEPTH as usize);
    for s in m.sections() {
        let _ = (s.content(), s.text(), s.file_name(), s.content_type(), s.params(), s.headers(), s.is_attachment());
        if let Some(name) = s.file_name() {
            let _ = csmail::message::files::check_file_name(&name);
        }
    }
    assert!(m.data().expect("bytes read are always available").as_slice() == data);
    // Changing it composes a new message that reads back.
    if m.set_header("X-Fuzz", "1").is_ok() {
        if let Ok(bytes) = m.data() {
            let again = Message::from_bytes(bytes.to_vec());
            assert_eq!(again.header("X-Fuzz").as_deref(), Some("1"));
        }
    }
});
