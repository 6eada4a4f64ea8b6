//! A third protocol on the generic client, as IMAP would come: a session type implementing
//! `Session`, a unit type implementing `Protocol`, and nothing else. Against a loopback peer,
//! the generic connect, published state and QUIT-and-close work for it unchanged.

use super::{Applicable, Client, DefaultPorts, Protocol};
use crate::api::properties::*;
use crate::api::proxyinfo::ProxyKind;
use crate::error::{self, Error, Result};
use crate::protocol::line::LineConnection;
use crate::protocol::session::{Session, SessionLink, SessionParams};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// An IMAP-like protocol: an untagged greeting, LOGOUT to end.
struct Greeter;

struct GreeterSession {
    link: SessionLink<String>,
    caps: Vec<String>,
}

impl GreeterSession {
    fn read_status(&mut self, step: &str) -> Result<()> {
        let deadline = self.link.conn.deadline();
        let line = self.link.conn.read_line(512, deadline, step)?;
        self.link.last = String::from_utf8_lossy(&line).into_owned();
        Ok(())
    }
}

impl Session for GreeterSession {
    type Reply = String;
    type QuitOutcome = ();

    fn open(conn: LineConnection, _: &SessionParams) -> std::result::Result<Self, (Error, String)> {
        GreeterSession { link: SessionLink::new(conn), caps: Vec::new() }.open_with(|s| {
            s.read_status("reading the greeting")?;
            if !s.link.last.starts_with("* OK") {
                return Err(Error::new(error::CSMAIL_E_CONNECT, error::eexMalformedReply, "no greeting"));
            }
            s.caps = vec!["IMAP4rev2".into(), "STARTTLS".into()];
            Ok(())
        })
    }
    fn link(&self) -> &SessionLink<String> {
        &self.link
    }
    fn link_mut(&mut self) -> &mut SessionLink<String> {
        &mut self.link
    }
    fn capability_lines(&self) -> &[String] {
        &self.caps
    }
    fn send_quit(&mut self) -> Result<()> {
        self.link.conn.send("a1 LOGOUT", None, "sending LOGOUT")?;
        self.read_status("reading the LOGOUT reply")
    }
    fn quit_not_sent() {}
}

impl Protocol for Greeter {
    type Session = GreeterSession;
    const PORTS: DefaultPorts = DefaultPorts { plain: 143, implicit_tls: 993 };
    const APPLICATION_PROXY: Option<ProxyKind> = None;
    // A real third protocol gets its own object in the property table; POP3's row set fits here.
    const SETTINGS: Applicable = Applicable { object: Object::Pop3, mechanism: |_| true };
}

#[test]
fn a_third_protocol_is_a_session_and_a_protocol_description() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        let mut out = sock.try_clone().unwrap();
        out.write_all(b"* OK greeter ready\r\n").unwrap();
        let mut received = String::new();
        BufReader::new(sock).read_line(&mut received).unwrap();
        out.write_all(b"* BYE\r\na1 OK LOGOUT completed\r\n").unwrap();
        received
    });

    let client = Client::<Greeter>::new();
    client.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    client.set_int(CSMAIL_PROP_PORT, i32::from(port)).unwrap();
    // The property table decides what this client has: no EHLO name, as for POP3.
    let e = client.set_str(CSMAIL_PROP_EHLO_NAME, "x").unwrap_err();
    assert_eq!((e.result, e.eex), (error::CSMAIL_E_INVALID_ARGUMENT, error::eexUnknownOption));
    assert_eq!(client.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);

    client.connect().unwrap();
    assert_eq!(client.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 1);
    assert_eq!(client.get_int(CSMAIL_PROP_TLS_ACTIVE).unwrap(), 0);
    assert_eq!(client.get_str(CSMAIL_PROP_REPLY_TEXT).unwrap(), "* OK greeter ready");
    assert_eq!(client.get_str(CSMAIL_PROP_CAPABILITIES).unwrap(), "IMAP4rev2\nSTARTTLS");
    assert_eq!(client.extended_error().number, 0);

    client.disconnect().unwrap();
    assert_eq!(client.get_int(CSMAIL_PROP_CONNECTED).unwrap(), 0);
    assert_eq!(peer.join().unwrap(), "a1 LOGOUT\r\n");
    // Not connected any more: an operation that needs the session says so.
    let e = client.with_connected(|_| Ok(())).unwrap_err();
    assert_eq!(e.result, error::CSMAIL_E_NOT_CONNECTED);
    assert_eq!(client.extended_error().number, e.eex);
}
