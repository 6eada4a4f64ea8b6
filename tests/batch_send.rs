//! The batch send and BDAT (issue 9): one result per message, "delivered" only on that
//! message's final 2xx, the next envelope pipelined behind the previous dot, and CHUNKING.

mod common;
use common::*;
use csmail::api::properties::*;
use csmail::api::Outgoing;
use csmail::error::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// The messages stored for `user` by the bundled server, oldest first.
fn stored(fx: &Fixture, user: &str) -> Vec<Vec<u8>> {
    let dir = fx.dir.path().join("mail").join(user).join("new");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn message(i: usize) -> Vec<u8> {
    format!("Subject: {i}\r\n\r\nbody {i}\r\n.leading dot\r\nbare\nLF\r\n").into_bytes()
}

/// What the server stores: the message with every line end CRLF.
fn canonical(m: &[u8]) -> Vec<u8> {
    String::from_utf8(m.to_vec()).unwrap().replace("bare\nLF", "bare\r\nLF").into_bytes()
}

#[test]
fn a_batch_gets_one_result_per_message_and_a_refused_one_does_not_stop_the_rest() {
    let fx = Fixture::start();
    let smtp = fx.smtp(fx.server.smtp_port, None);
    smtp.connect().unwrap();
    let msgs: Vec<Vec<u8>> = (0..5).map(message).collect();
    let mut sources: Vec<&[u8]> = msgs.iter().map(|m| &m[..]).collect();
    let good: &[&str] = &["alice@example.com"];
    let unknown: &[&str] = &["nobody@example.com"];
    let mut batch: Vec<Outgoing> = sources
        .iter_mut()
        .enumerate()
        .map(|(i, source)| Outgoing { from: "b@example.com", recipients: if i == 2 { unknown } else { good }, source })
        .collect();
    let mut results = Vec::new();
    let e = smtp.send_batch(&mut batch, &mut results).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_SERVER, eexSmtpServer));
    assert!(e.text.contains("RCPT TO:<nobody@example.com> refused: 550"), "{}", e.text);
    let codes: Vec<i32> = results.iter().map(|r| r.as_ref().map_or_else(|e| e.result, |_| CSMAIL_OK)).collect();
    assert_eq!(codes, [CSMAIL_OK, CSMAIL_OK, CSMAIL_E_SERVER, CSMAIL_OK, CSMAIL_OK]);
    // The session is still usable, and exactly the four accepted messages were stored, in order.
    assert_eq!(smtp.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    smtp.send("b@example.com", &["bob@example.com"], &mut &msgs[0][..]).unwrap();
    smtp.disconnect().unwrap();
    let expected: Vec<Vec<u8>> = [0, 1, 3, 4].iter().map(|&i| canonical(&msgs[i])).collect();
    assert_eq!(stored(&fx, "alice"), expected);
}

/// A server that answers the first message's end of data only once it has received the second
/// message's envelope: a client that waits for the 250 before sending on never gets it.
#[test]
fn the_next_envelope_goes_out_behind_the_previous_dot() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let mut w = s.try_clone().unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        let read_line = |r: &mut BufReader<_>, line: &mut String| {
            line.clear();
            r.read_line(line).unwrap();
            line.trim_end().to_owned()
        };
        w.write_all(b"220 test ready\r\n").unwrap();
        assert!(read_line(&mut r, &mut line).starts_with("EHLO"));
        w.write_all(b"250-test\r\n250 PIPELINING\r\n").unwrap();
        let mut seen = Vec::new();
        for n in 0..2 {
            assert_eq!(read_line(&mut r, &mut line), "MAIL FROM:<b@example.com>");
            assert_eq!(read_line(&mut r, &mut line), "RCPT TO:<a@example.com>");
            assert_eq!(read_line(&mut r, &mut line), "DATA");
            if n == 1 {
                // Only now: the reply to the first message.
                w.write_all(b"250 first queued\r\n").unwrap();
            }
            w.write_all(b"250 ok\r\n250 ok\r\n354 go\r\n").unwrap();
            loop {
                let l = read_line(&mut r, &mut line);
                if l == "." {
                    break;
                }
                seen.push(l);
            }
        }
        w.write_all(b"250 second queued\r\n").unwrap();
        assert_eq!(read_line(&mut r, &mut line), "QUIT");
        w.write_all(b"221 bye\r\n").unwrap();
        let mut rest = Vec::new();
        let _ = r.read_to_end(&mut rest);
        seen
    });
    let smtp = csmail::SmtpClient::new();
    smtp.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    smtp.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
    smtp.set_int(CSMAIL_PROP_TIMEOUT_MS, 5000).unwrap();
    smtp.connect().unwrap();
    let (m1, m2) = (b"Subject: 1\r\n\r\none\r\n".to_vec(), b"Subject: 2\r\n\r\ntwo\r\n".to_vec());
    let (mut s1, mut s2) = (&m1[..], &m2[..]);
    let rcpt: &[&str] = &["a@example.com"];
    let mut batch = vec![
        Outgoing { from: "b@example.com", recipients: rcpt, source: &mut s1 },
        Outgoing { from: "b@example.com", recipients: rcpt, source: &mut s2 },
    ];
    let mut results = Vec::new();
    smtp.send_batch(&mut batch, &mut results).unwrap();
    assert_eq!(results, vec![Ok(()), Ok(())]);
    assert_eq!(smtp.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "second queued");
    smtp.disconnect().unwrap();
    assert_eq!(server.join().unwrap(), ["Subject: 1", "", "one", "Subject: 2", "", "two"]);
}

#[test]
fn bdat_when_the_server_offers_chunking() {
    let fx = Fixture::with(|o| o.smtp_chunking = true);
    let smtp = fx.smtp(fx.server.smtp_port, None);
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(csmail::api::AdvancedHandler::Log(log)).unwrap();
    smtp.connect().unwrap();
    // One recipient: MAIL and RCPT, then (once accepted) BDAT ... LAST; dots are not stuffed.
    let m = message(1);
    smtp.send("b@example.com", &["alice@example.com"], &mut &m[..]).unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    // A big message in several chunks, two recipients: LAST after both RCPT replies.
    let big: Vec<u8> = (0..20_000).flat_map(|i| format!("line {i}\r\n.{i}\r\n").into_bytes()).collect();
    smtp.send("b@example.com", &["alice@example.com", "bob@example.com"], &mut &big[..]).unwrap();
    // A refused recipient among two: nobody gets it, and the session goes on.
    let e = smtp.send("b@example.com", &["bob@example.com", "nobody@example.com"], &mut &m[..]).unwrap_err();
    assert_eq!((e.result, e.eex), (CSMAIL_E_SERVER, eexSmtpServer));
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 550);
    // Alone and refused: the server refuses the chunk, nothing is delivered.
    let e = smtp.send("b@example.com", &["nobody@example.com"], &mut &m[..]).unwrap_err();
    assert_eq!(e.result, CSMAIL_E_SERVER);
    // A batch goes with DATA also over CHUNKING: the next envelope behind the previous dot.
    let (m2, m3) = (message(2), message(3));
    let (mut s2, mut s3) = (&m2[..], &m3[..]);
    let rcpt: &[&str] = &["alice@example.com"];
    let mut batch = vec![
        Outgoing { from: "b@example.com", recipients: rcpt, source: &mut s2 },
        Outgoing { from: "b@example.com", recipients: rcpt, source: &mut s3 },
    ];
    let mut results = Vec::new();
    smtp.send_batch(&mut batch, &mut results).unwrap();
    assert_eq!(results, vec![Ok(()), Ok(())]);
    smtp.disconnect().unwrap();
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    assert_eq!(logged.iter().filter(|l| *l == "C: DATA").count(), 2, "only the batch's two: {logged:#?}");
    assert_eq!(logged.iter().filter(|l| l.starts_with("C: <message in BDAT chunks")).count(), 2, "{logged:#?}");
    assert_eq!(stored(&fx, "alice"), vec![canonical(&m), big.clone(), canonical(&m2), canonical(&m3)]);
    assert_eq!(stored(&fx, "bob"), vec![big]);
}

#[test]
fn the_c_batch_fills_one_result_per_message() {
    use csmail::ffi::smtp::*;
    use std::ffi::CString;
    let fx = Fixture::start();
    let h = csmail_smtp_new();
    let host = CString::new("127.0.0.1").unwrap();
    let (from, alice, nobody) = (
        CString::new("b@example.com").unwrap(),
        CString::new("alice@example.com").unwrap(),
        CString::new("nobody@example.com").unwrap(),
    );
    let good = [alice.as_ptr()];
    let bad = [nobody.as_ptr()];
    let (m1, m2) = (message(1), message(2));
    let msgs = [
        csmail_batch_message {
            from: from.as_ptr(),
            recipients: good.as_ptr(),
            recipient_count: 1,
            data: m1.as_ptr(),
            len: m1.len(),
        },
        csmail_batch_message {
            from: from.as_ptr(),
            recipients: bad.as_ptr(),
            recipient_count: 1,
            data: m1.as_ptr(),
            len: m1.len(),
        },
        csmail_batch_message {
            from: from.as_ptr(),
            recipients: good.as_ptr(),
            recipient_count: 1,
            data: m2.as_ptr(),
            len: m2.len(),
        },
    ];
    let mut results = [99i32; 3];
    // SAFETY: a valid handle, NUL-terminated strings, arrays of the stated lengths.
    unsafe {
        assert_eq!(csmail_smtp_set_str(h, CSMAIL_PROP_HOST, host.as_ptr()), CSMAIL_OK);
        assert_eq!(csmail_smtp_set_int(h, CSMAIL_PROP_PORT, fx.server.smtp_port as i32), CSMAIL_OK);
        assert_eq!(csmail_smtp_connect(h), CSMAIL_OK);
        assert_eq!(csmail_smtp_send_batch(h, msgs.as_ptr(), 3, results.as_mut_ptr()), CSMAIL_E_SERVER);
        assert_eq!(results, [CSMAIL_OK, CSMAIL_E_SERVER, CSMAIL_OK]);
        // A NULL recipient list: refused before anything is sent.
        let broken = [csmail_batch_message { recipients: std::ptr::null(), ..msgs[0] }];
        assert_eq!(csmail_smtp_send_batch(h, broken.as_ptr(), 1, results.as_mut_ptr()), CSMAIL_E_INVALID_ARGUMENT);
        assert_eq!(csmail_smtp_disconnect(h), CSMAIL_OK);
    }
    assert_eq!(csmail_smtp_release(h), CSMAIL_OK);
    assert_eq!(stored(&fx, "alice"), vec![canonical(&m1), canonical(&m2)]);
}

/// A batch to a server with CHUNKING goes with DATA, one round trip a message; a refused
/// message is followed by RSET and the rest go on; a message for two recipients is all or none.
#[test]
fn a_chunked_batch_keeps_two_messages_in_flight_and_survives_a_refusal() {
    let fx = Fixture::with(|o| o.smtp_chunking = true);
    let smtp = fx.smtp(fx.server.smtp_port, None);
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(csmail::api::AdvancedHandler::Log(log)).unwrap();
    smtp.connect().unwrap();
    let msgs: Vec<Vec<u8>> = (0..6).map(message).collect();
    let mut sources: Vec<&[u8]> = msgs.iter().map(|m| &m[..]).collect();
    let alice: &[&str] = &["alice@example.com"];
    let unknown: &[&str] = &["nobody@example.com"];
    let both: &[&str] = &["alice@example.com", "bob@example.com"];
    let recipients = [alice, alice, unknown, alice, both, alice];
    let mut batch: Vec<Outgoing> = sources
        .iter_mut()
        .zip(recipients)
        .map(|(source, recipients)| Outgoing { from: "b@example.com", recipients, source })
        .collect();
    let mut results = Vec::new();
    let e = smtp.send_batch(&mut batch, &mut results).unwrap_err();
    assert!(e.text.contains("RCPT TO:<nobody@example.com> refused: 550"), "{}", e.text);
    let codes: Vec<i32> = results.iter().map(|r| r.as_ref().map_or_else(|e| e.result, |_| CSMAIL_OK)).collect();
    assert_eq!(codes, [CSMAIL_OK, CSMAIL_OK, CSMAIL_E_SERVER, CSMAIL_OK, CSMAIL_OK, CSMAIL_OK]);
    assert_eq!(smtp.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    smtp.disconnect().unwrap();
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    assert!(logged.iter().any(|l| l == "C: RSET"), "{logged:#?}");
    let expected: Vec<Vec<u8>> = [0, 1, 3, 4, 5].iter().map(|&i| canonical(&msgs[i])).collect();
    assert_eq!(stored(&fx, "alice"), expected);
    assert_eq!(stored(&fx, "bob"), vec![canonical(&msgs[4])]);
}

/// A big file over STARTTLS to a CHUNKING server: its plain CRLF stretches go from the read
/// buffer straight behind their BDAT line (one write, no copy into the queue), a stretch with
/// bare LF goes through the chunk buffer, and the server stores every byte, line ends made CRLF.
#[test]
fn a_big_file_goes_in_bdat_chunks_over_tls_byte_for_byte() {
    let fx = Fixture::with(|o| o.smtp_chunking = true);
    let smtp = fx.smtp(fx.server.smtp_port, Some(fx.ssl(csmail::options::MODE_STARTTLS)));
    let (log, lines) = collecting_log();
    smtp.set_advanced_handler(csmail::api::AdvancedHandler::Log(log)).unwrap();
    smtp.connect().unwrap();
    let mut file = b"Subject: big\r\n\r\n".to_vec();
    for i in 0..30_000 {
        file.extend_from_slice(format!("line {i} \u{e9}\r\n.{i}\r\n").as_bytes());
    }
    let crlf = file.clone();
    // A stretch with bare LF in the middle, then CRLF lines again (ending at a line end).
    let tail = &crlf[16..crlf[..200_000].iter().rposition(|&b| b == b'\n').unwrap() + 1];
    file.extend_from_slice(b"bare\nLF\n");
    file.extend_from_slice(tail);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.eml");
    std::fs::write(&path, &file).unwrap();
    smtp.send_file("b@example.com", &["alice@example.com"], path.to_str().unwrap()).unwrap();
    assert_eq!(smtp.get_int(CSMAIL_PROP_REPLY_CODE).unwrap(), 250);
    smtp.disconnect().unwrap();
    let mut expected = crlf.clone();
    expected.extend_from_slice(b"bare\r\nLF\r\n");
    expected.extend_from_slice(tail);
    let got = stored(&fx, "alice");
    assert_eq!(got.len(), 1);
    let first_difference = got[0].iter().zip(&expected).position(|(a, b)| a != b);
    assert_eq!((got[0].len(), first_difference), (expected.len(), None), "stored bytes differ");
    let logged: Vec<String> = lines.lock().iter().map(|l| l.2.clone()).collect();
    let mail = logged.iter().find(|l| l.starts_with("C: MAIL FROM")).unwrap();
    assert_eq!(mail, &format!("C: MAIL FROM:<b@example.com> SIZE={} BODY=8BITMIME", expected.len()));
    assert!(logged.iter().any(|l| l.starts_with("C: <message in BDAT chunks")), "{logged:#?}");
}
