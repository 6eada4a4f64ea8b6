//! Shared test fixtures: the bundled server in-process, a CA file, configured clients.
#![allow(dead_code)]

use csmail::api::properties::*;
use csmail::api::{AdvancedHandler, Pop3Client, SmtpClient, SslInfo};
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
            c.set_advanced_handler(AdvancedHandler::Ssl(s));
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
            c.set_advanced_handler(AdvancedHandler::Ssl(s));
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
    h.set_callback(Some(Arc::new(move |s, f, m: &str| l.lock().push((s, f, m.to_owned())))));
    (h, lines)
}
