//! A tiny line-oriented mail client for the tests, plain or over rustls,
//! trusting only the test CA.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConnection, StreamOwned};

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    Gone,
}

pub struct Client {
    s: Stream,
    buf: Vec<u8>,
}

pub fn client_config(ca_pem: &str) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
    )
}

impl Client {
    pub fn connect(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Client { s: Stream::Plain(s), buf: Vec::new() }
    }

    pub fn connect_tls(port: u16, ca_pem: &str) -> Client {
        let mut c = Client::connect(port);
        c.upgrade(ca_pem);
        c
    }

    /// Implicit TLS with a given client configuration (one configuration keeps its TLS sessions).
    pub fn connect_tls_with(port: u16, config: Arc<rustls::ClientConfig>) -> Client {
        let mut c = Client::connect(port);
        c.upgrade_with(config);
        c
    }

    /// Starts TLS on the connection (after STARTTLS/STLS was accepted).
    pub fn upgrade(&mut self, ca_pem: &str) {
        self.upgrade_with(client_config(ca_pem));
    }

    pub fn upgrade_with(&mut self, config: Arc<rustls::ClientConfig>) {
        assert!(self.buf.is_empty(), "unread plaintext before TLS");
        let sock = match std::mem::replace(&mut self.s, Stream::Gone) {
            Stream::Plain(s) => s,
            _ => panic!("not plain"),
        };
        let name = ServerName::try_from("localhost").unwrap();
        let mut conn = ClientConnection::new(config, name).unwrap();
        let mut sock = sock;
        while conn.is_handshaking() {
            conn.complete_io(&mut sock).unwrap();
        }
        self.s = Stream::Tls(Box::new(StreamOwned::new(conn, sock)));
    }

    pub fn send(&mut self, data: &[u8]) {
        match &mut self.s {
            Stream::Plain(s) => s.write_all(data).unwrap(),
            Stream::Tls(t) => {
                t.write_all(data).unwrap();
                t.flush().unwrap();
            }
            Stream::Gone => unreachable!(),
        }
    }

    fn fill(&mut self) -> usize {
        let mut tmp = [0u8; 8192];
        let n = match &mut self.s {
            Stream::Plain(s) => s.read(&mut tmp),
            Stream::Tls(t) => t.read(&mut tmp),
            Stream::Gone => unreachable!(),
        };
        let n = match n {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => 0,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => 0,
            Err(e) => panic!("read: {e}"),
        };
        self.buf.extend_from_slice(&tmp[..n]);
        n
    }

    /// One raw line including CRLF; empty at EOF.
    pub fn raw_line(&mut self) -> Vec<u8> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                return self.buf.drain(..=i).collect();
            }
            if self.fill() == 0 {
                return std::mem::take(&mut self.buf);
            }
        }
    }

    /// One line without CRLF.
    pub fn line(&mut self) -> String {
        let l = self.raw_line();
        let s = String::from_utf8(l).unwrap();
        s.trim_end_matches("\r\n").to_string()
    }

    /// True if the server closed the connection (and sent nothing more).
    pub fn at_eof(&mut self) -> bool {
        self.buf.is_empty() && self.fill() == 0
    }

    /// An SMTP reply: all lines of a multi-line reply.
    pub fn reply(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let l = self.line();
            assert!(l.len() >= 3, "short reply line {l:?} after {out:?}");
            let last = l.as_bytes().get(3) != Some(&b'-');
            out.push(l);
            if last {
                return out;
            }
        }
    }

    /// Sends a command, returns the (last line of the) SMTP reply.
    pub fn smtp(&mut self, cmd: &str) -> String {
        self.send(format!("{cmd}\r\n").as_bytes());
        self.reply().pop().unwrap()
    }

    /// Sends a POP3 command, returns the status line.
    pub fn pop(&mut self, cmd: &str) -> String {
        self.send(format!("{cmd}\r\n").as_bytes());
        self.line()
    }

    /// Reads a POP3 multi-line body up to the terminating dot line,
    /// undoing byte-stuffing; returns the exact bytes.
    pub fn pop_body(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let l = self.raw_line();
            assert!(!l.is_empty(), "EOF inside multi-line response");
            if l == b".\r\n" {
                return out;
            }
            if l.first() == Some(&b'.') {
                out.extend_from_slice(&l[1..]);
            } else {
                out.extend_from_slice(&l);
            }
        }
    }

    /// Exactly `n` more bytes.
    pub fn raw_bytes(&mut self, n: usize) -> Vec<u8> {
        while self.buf.len() < n {
            assert!(self.fill() > 0, "EOF inside a literal");
        }
        self.buf.drain(..n).collect()
    }

    /// An IMAP response: everything up to and including the line tagged `tag`, literals
    /// (`{n}` CRLF and n octets) included as sent. Not UTF-8 bytes show as U+FFFD.
    pub fn imap_until(&mut self, tag: &str) -> String {
        let mut out = Vec::new();
        loop {
            let l = self.raw_line();
            assert!(!l.is_empty(), "EOF before the tagged response; got {:?}", String::from_utf8_lossy(&out));
            out.extend_from_slice(&l);
            let text = String::from_utf8_lossy(&l).into_owned();
            if let Some(n) =
                text.trim_end().strip_suffix('}').and_then(|t| t.rsplit_once('{')).and_then(|(_, n)| n.parse().ok())
            {
                let lit = self.raw_bytes(n);
                out.extend_from_slice(&lit);
                continue;
            }
            if text.starts_with(&format!("{tag} ")) {
                return String::from_utf8_lossy(&out).into_owned();
            }
        }
    }

    /// Sends `tag cmd` and returns the whole response (see [`Client::imap_until`]).
    pub fn imap(&mut self, tag: &str, cmd: &str) -> String {
        self.send(format!("{tag} {cmd}\r\n").as_bytes());
        self.imap_until(tag)
    }

    /// Lines of a POP3 multi-line response (without CRLF).
    pub fn pop_lines(&mut self) -> Vec<String> {
        String::from_utf8(self.pop_body()).unwrap().split_terminator("\r\n").map(String::from).collect()
    }
}

pub fn b64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn unb64(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

/// Files in a user's maildir subfolder, sorted.
pub fn files(root: &std::path::Path, user: &str, sub: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(root.join(user).join(sub)).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}
