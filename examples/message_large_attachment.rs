//! Sends a message with a large attachment streamed from its file, to show (and measure) that
//! memory does not grow with the attachment: the file is base64-encoded chunk by chunk while
//! it is sent.
//!
//!   cargo run --example message_large_attachment -- HOST PORT FILE [TO]
//!
//! Plain SMTP without login, from alice@example.com to TO (default bob@example.com): meant for
//! the bundled server (`csmail-server --dir DIR --max-size 0`). Measure the peak with
//! `/usr/bin/time -v target/debug/examples/message_large_attachment ...` ("Maximum resident set
//! size").

use csmail::api::properties::*;
use csmail::api::SmtpClient;
use csmail::message::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: {} HOST PORT FILE [TO]", args[0]);
        std::process::exit(2);
    }
    let to = args.get(4).map_or("bob@example.com", String::as_str);
    let m = Message::new();
    m.set_header("From", "alice@example.com")?;
    m.set_header("To", to)?;
    m.set_subject("a large attachment, streamed")?;
    m.set_text_body("The file is attached.")?;
    let section = m.add_attachment_file(&args[3], None, None)?;
    println!("attaching {} ({} bytes)", args[3], section.size());

    let smtp = SmtpClient::new();
    smtp.set_str(CSMAIL_PROP_HOST, &args[1])?;
    smtp.set_int(CSMAIL_PROP_PORT, args[2].parse()?)?;
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 60_000)?;
    smtp.connect()?;
    smtp.send_message(&m)?;
    println!("sent: {} {}", smtp.get_int(CSMAIL_PROP_REPLY_CODE)?, smtp.get_str(CSMAIL_PROP_REPLY_TEXT)?);
    smtp.disconnect()?;
    Ok(())
}
