//! The public handle of a scripted session: start it on a port, then collect
//! what happened.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::parse::Script;
use super::run::run;
use super::WAIT;
use crate::Pki;

/// What happened in a scripted session.
#[derive(Clone, Debug, Default)]
pub struct ScriptOutcome {
    /// Every byte the client sent (decrypted), in order.
    pub received: Vec<u8>,
    /// Human-readable descriptions of what did not go as scripted.
    pub mismatches: Vec<String>,
    /// True when every step ran.
    pub completed: bool,
}

/// A scripted server serving exactly one connection on a background thread.
pub struct ScriptedServer {
    pub port: u16,
    rx: mpsc::Receiver<(Vec<String>, bool)>,
    received: Arc<Mutex<Vec<u8>>>,
    handle: Option<JoinHandle<()>>,
}

impl ScriptedServer {
    /// Listens on 127.0.0.1:0 and serves exactly one connection with the
    /// script, on a thread. If `implicit_tls`, TLS from the first byte with
    /// `pki`'s server config. A script with a `TLS` step also needs `pki`.
    pub fn start(script: Script, pki: Option<&Pki>, implicit_tls: bool) -> io::Result<ScriptedServer> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), script, pki, implicit_tls)
    }

    /// Like [`ScriptedServer::start`] on a given address (used by the binary).
    pub fn start_on(
        addr: SocketAddr,
        script: Script,
        pki: Option<&Pki>,
        implicit_tls: bool,
    ) -> io::Result<ScriptedServer> {
        if (implicit_tls || script.needs_tls()) && pki.is_none() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "TLS requested but no Pki given"));
        }
        let tls = pki.map(|p| p.server_config());
        let listener = TcpListener::bind(addr)?;
        let port = listener.local_addr()?.port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let rec = received.clone();
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new().name("csmail-script".into()).spawn(move || {
            let res = run(listener, script, tls, implicit_tls, rec);
            let _ = tx.send(res);
        })?;
        Ok(ScriptedServer { port, rx, received, handle: Some(handle) })
    }

    /// Waits (up to 30 s) for the script to end and returns what happened.
    pub fn finish(mut self) -> ScriptOutcome {
        let (mismatches, completed) = match self.rx.recv_timeout(WAIT) {
            Ok(r) => {
                if let Some(h) = self.handle.take() {
                    let _ = h.join();
                }
                r
            }
            Err(_) => (vec!["script did not finish within 30 s".to_string()], false),
        };
        ScriptOutcome { received: self.received.lock().unwrap().clone(), mismatches, completed }
    }
}
