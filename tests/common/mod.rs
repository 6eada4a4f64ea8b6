//! Shared test fixtures: the bundled server in-process, a CA file, configured clients.
#![allow(dead_code)]

pub mod c_imap;
pub mod sasl;

use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, ImapClient, Pop3Client, SmtpClient, SslInfo};
use csmail::log::LogHandler;
use csmail::options::*;
use csmail_server::{RunningServer, ServerOptions};
use parking_lot::Mutex;
use std::path::PathBuf;
use std::sync::Arc;

pub struct Fixture {
    pub server: RunningServer,
    pub dir: tempfile::TempDir,
    pub ca_file: PathBuf,
}

impl Fixture {
    pub fn start() -> Fixture {
        Fixture::with(|_| {})
    }

    pub fn with(adjust: impl FnOnce(&mut ServerOptions)) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut opts = ServerOptions::new(dir.path().join("mail"));
        adjust(&mut opts);
        let server = csmail_server::start(opts).expect("server starts");
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, &server.ca_cert_pem).expect("write CA");
        Fixture { server, dir, ca_file }
    }

    /// An SSLInfo that trusts only the test CA.
    pub fn ssl(&self, mode: i32) -> Arc<SslInfo> {
        let ssl = Arc::new(SslInfo::new());
        ssl.set_mode(mode).unwrap();
        ssl.set_str(SSLCAFile, self.ca_file.to_str().unwrap()).unwrap();
        ssl.set_int(SSLNoSystemRoots, 1).unwrap();
        ssl
    }

    pub fn smtp(&self, port: u16, ssl: Option<Arc<SslInfo>>) -> SmtpClient {
        let c = SmtpClient::new();
        c.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
        c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
        c.set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000).unwrap();
        if let Some(s) = ssl {
            c.set_advanced_handler(AdvancedHandler::Ssl(s)).unwrap();
        }
        c
    }

    pub fn imap(&self, port: u16, ssl: Option<Arc<SslInfo>>, user: &str, pass: &str) -> ImapClient {
        let c = ImapClient::new();
        c.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
        c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
        c.set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000).unwrap();
        c.set_str(CSMAIL_PROP_USER, user).unwrap();
        c.set_str(CSMAIL_PROP_PASSWORD, pass).unwrap();
        if let Some(s) = ssl {
            c.set_advanced_handler(AdvancedHandler::Ssl(s)).unwrap();
        }
        c
    }

    pub fn pop3(&self, port: u16, ssl: Option<Arc<SslInfo>>, user: &str, pass: &str) -> Pop3Client {
        let c = Pop3Client::new();
        c.set_str(CSMAIL_PROP_HOST, "localhost").unwrap();
        c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
        c.set_int(CSMAIL_PROP_TIMEOUT_MS, 10_000).unwrap();
        c.set_str(CSMAIL_PROP_USER, user).unwrap();
        c.set_str(CSMAIL_PROP_PASSWORD, pass).unwrap();
        if let Some(s) = ssl {
            c.set_advanced_handler(AdvancedHandler::Ssl(s)).unwrap();
        }
        c
    }
}

/// Every (severity, facility, message) a LogHandler delivered.
pub type LogLines = Arc<Mutex<Vec<(i32, i32, String)>>>;

/// A LogHandler that collects every message.
pub fn collecting_log() -> (Arc<LogHandler>, LogLines) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    let h = Arc::new(LogHandler::new());
    h.set_callback(Some(Arc::new(move |s, f, m: &str| l.lock().push((s, f, m.to_owned()))))).unwrap();
    (h, lines)
}

// ---------------------------------------------------------------------------------------------
// Scripted-server helpers (hostile_server.rs, bad_input.rs, ffi_boundary.rs).
// ---------------------------------------------------------------------------------------------

use csmail::api::ErrorInfo;
use csmail::error::Error;
use csmail_server::{Pki, Script, ScriptOutcome, ScriptedServer};

/// The EHLO name every scripted SMTP client uses, so scripts can match `C: EHLO client.test`.
pub const EHLO_NAME: &str = "client.test";

/// Loads tests/scripts/NAME.txt.
pub fn load_script(name: &str) -> Script {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scripts")).join(format!("{name}.txt"));
    Script::from_file(&path).unwrap_or_else(|e| panic!("script {name}: {e}"))
}

/// A scripted server with (optionally) a PKI and a CA file the client can trust.
pub struct Scripted {
    pub server: ScriptedServer,
    pub pki: Pki,
    pub dir: tempfile::TempDir,
    pub ca_file: PathBuf,
}

impl Scripted {
    /// Starts tests/scripts/NAME.txt; `implicit_tls` makes the whole session TLS.
    pub fn start(name: &str, implicit_tls: bool) -> Scripted {
        Scripted::start_script(load_script(name), implicit_tls)
    }

    pub fn start_script(script: Script, implicit_tls: bool) -> Scripted {
        let pki = Pki::generate(&[]);
        let dir = tempfile::tempdir().expect("tempdir");
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, &pki.ca_cert_pem).expect("write CA");
        let server = ScriptedServer::start(script, Some(&pki), implicit_tls).expect("scripted server starts");
        Scripted { server, pki, dir, ca_file }
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// An SSLInfo in `mode` that trusts only this server's test CA.
    pub fn ssl(&self, mode: i32) -> Arc<SslInfo> {
        let ssl = Arc::new(SslInfo::new());
        ssl.set_mode(mode).unwrap();
        ssl.set_str(SSLCAFile, self.ca_file.to_str().unwrap()).unwrap();
        ssl.set_int(SSLNoSystemRoots, 1).unwrap();
        ssl
    }

    /// An SMTP client for this server: host 127.0.0.1, EHLO name `client.test`, `timeout_ms`.
    pub fn smtp(&self, timeout_ms: i32) -> SmtpClient {
        scripted_smtp(self.port(), timeout_ms)
    }

    /// A POP3 client for this server with user "u" and password "p".
    pub fn pop3(&self, timeout_ms: i32) -> Pop3Client {
        scripted_pop3(self.port(), timeout_ms)
    }

    /// Waits for the script to end.
    pub fn finish(self) -> ScriptOutcome {
        self.server.finish()
    }
}

pub fn scripted_smtp(port: u16, timeout_ms: i32) -> SmtpClient {
    let c = SmtpClient::new();
    c.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, timeout_ms).unwrap();
    c.set_str(CSMAIL_PROP_EHLO_NAME, EHLO_NAME).unwrap();
    c
}

pub fn scripted_pop3(port: u16, timeout_ms: i32) -> Pop3Client {
    let c = Pop3Client::new();
    c.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    c.set_int(CSMAIL_PROP_PORT, port as i32).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, timeout_ms).unwrap();
    c.set_str(CSMAIL_PROP_USER, "u").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "p").unwrap();
    c
}

/// An IMAPClient for a scripted server, user bob (password bobpass).
pub fn scripted_imap(port: u16, timeout_ms: i32) -> ImapClient {
    let c = ImapClient::new();
    c.set_str(CSMAIL_PROP_HOST, "127.0.0.1").unwrap();
    c.set_int(CSMAIL_PROP_PORT, i32::from(port)).unwrap();
    c.set_int(CSMAIL_PROP_TIMEOUT_MS, timeout_ms).unwrap();
    c.set_str(CSMAIL_PROP_USER, "bob").unwrap();
    c.set_str(CSMAIL_PROP_PASSWORD, "bobpass").unwrap();
    c
}

/// Asserts that `r` failed with exactly `result` and `eex`, and returns the error.
#[track_caller]
pub fn expect_err<T: std::fmt::Debug>(r: csmail::Result<T>, result: i32, eex: i32) -> Error {
    match r {
        Ok(v) => panic!("expected result {result} / eex {eex}, got Ok({v:?})"),
        Err(e) => {
            assert_eq!((e.result, e.eex), (result, eex), "wrong result/eex: {e}");
            e
        }
    }
}

/// Asserts that a client's ErrorInfo describes `e` exactly.
#[track_caller]
pub fn assert_info(info: &ErrorInfo, e: &Error) {
    assert_eq!(info.number, e.eex, "ErrorInfo.Number: {info:?} vs {e}");
    assert_eq!(info.text, e.text, "ErrorInfo.Text");
    assert_eq!(info.os_error, e.os_error, "ErrorInfo.OSError");
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// The received bytes as text, for failure messages.
pub fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

/// Asserts that none of the command words appear at the start of any line the client sent.
#[track_caller]
pub fn assert_no_commands(received: &[u8], words: &[&str]) {
    for line in received.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line).to_ascii_uppercase();
        for w in words {
            assert!(!line.starts_with(w), "the client sent {w}: {}", show(received));
        }
    }
}
