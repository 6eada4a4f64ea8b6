//! The TLS setup of one client, kept between connects so that TLS sessions resume.
//!
//! rustls resumes a session only with the configuration (verifier, client-certificate resolver)
//! that stored its ticket, and building one reads and parses the CA file, the CRLs and the client
//! certificate. So each client keeps its last configuration and builds a new one only when an
//! input changes: an SSLInfo input option, the validation callback, or a file one of them names
//! (its size or modification time).

use super::config::{self, TlsClientConfig};
use super::verifier::ValidatorSlot;
use crate::error::Result;
use crate::log::Logger;
use crate::options::{OptValue, SSLCAFile, SSLCRLFile, SSLClientCertificateName, SSLClientCertificateStore, SslState};
use parking_lot::Mutex;
use rustls::client::ClientSessionMemoryCache;
use std::sync::Arc;
use std::time::SystemTime;

/// How many TLS sessions (servers) one client remembers.
const SESSIONS: usize = 32;

/// What a configuration was built from; equal keys give equal configurations.
#[derive(PartialEq)]
struct Key {
    inputs: Vec<OptValue>,
    /// The validation callback set when the configuration was built, by identity: the verifier
    /// reads the slot at each handshake, but a session resumed after the callback changed would
    /// skip what the new callback decides, so a change builds a new configuration (and rustls
    /// resumes only with the configuration that stored the session).
    validator: Option<usize>,
    /// (size, modification time) of each file or directory the options name.
    files: Vec<Option<(u64, SystemTime)>>,
}

impl Key {
    fn of(ssl: &SslState, validator: &ValidatorSlot) -> Key {
        let files = [SSLCAFile, SSLCRLFile, SSLClientCertificateName, SSLClientCertificateStore]
            .into_iter()
            .map(|o| ssl.string(o))
            .map(|p| if p.is_empty() { None } else { std::fs::metadata(p).ok() })
            .map(|m| m.and_then(|m| Some((m.len(), m.modified().ok()?))))
            .collect();
        Key { inputs: ssl.inputs(), validator: validator.current_id(), files }
    }
}

/// One client's TLS setup: its session store and its last configuration.
pub struct TlsSetupCache {
    sessions: Arc<ClientSessionMemoryCache>,
    last: Mutex<Option<(Key, Arc<TlsClientConfig>)>>,
}

impl Default for TlsSetupCache {
    fn default() -> Self {
        TlsSetupCache { sessions: Arc::new(ClientSessionMemoryCache::new(SESSIONS)), last: Mutex::new(None) }
    }
}

impl TlsSetupCache {
    pub fn new() -> TlsSetupCache {
        TlsSetupCache::default()
    }

    /// The configuration for a connect with these settings: the last one when nothing changed
    /// (so the session it stored can resume), else a new one.
    pub fn get(&self, ssl: &SslState, validator: ValidatorSlot, log: &Logger) -> Result<Arc<TlsClientConfig>> {
        let key = Key::of(ssl, &validator);
        let mut last = self.last.lock();
        if let Some((k, c)) = last.as_ref() {
            if *k == key {
                return Ok(c.clone());
            }
        }
        let built = Arc::new(config::build(ssl, &self.sessions, validator, log)?);
        *last = Some((key, built.clone()));
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{find, SSLNoServerNameCheck};
    use crate::tls::verifier::Validator;

    fn with(ssl: &mut SslState, index: i32, v: OptValue) {
        let (i, _) = find(index).unwrap();
        ssl.values[i] = v;
    }

    #[test]
    fn the_configuration_is_kept_until_an_input_changes() {
        let cache = TlsSetupCache::new();
        let log = Logger::default();
        let mut ssl = SslState::new();
        let slot = ValidatorSlot::default();
        let a = cache.get(&ssl, slot.clone(), &log).unwrap();
        let b = cache.get(&ssl, slot.clone(), &log).unwrap();
        assert!(Arc::ptr_eq(&a, &b), "same inputs: the same configuration");
        with(&mut ssl, SSLNoServerNameCheck, OptValue::Int(1));
        let c = cache.get(&ssl, slot.clone(), &log).unwrap();
        assert!(!Arc::ptr_eq(&b, &c), "a changed option builds a new configuration");
        let v: Validator = Arc::new(|_| true);
        slot.set(Some(v)).unwrap();
        let d = cache.get(&ssl, slot.clone(), &log).unwrap();
        assert!(!Arc::ptr_eq(&c, &d), "a validation callback builds a new configuration");
        assert!(Arc::ptr_eq(&d, &cache.get(&ssl, slot.clone(), &log).unwrap()));
        slot.set(None).unwrap();
        assert!(!Arc::ptr_eq(&d, &cache.get(&ssl, slot, &log).unwrap()), "clearing it too");
    }

    #[test]
    fn a_rewritten_ca_file_builds_a_new_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        let ca = |names: &[&str]| {
            let key = rcgen::KeyPair::generate().unwrap();
            let mut p = rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
            p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            p.self_signed(&key).unwrap().pem()
        };
        std::fs::write(&path, ca(&["a.test"])).unwrap();
        let cache = TlsSetupCache::new();
        let log = Logger::default();
        let mut ssl = SslState::new();
        with(&mut ssl, SSLCAFile, OptValue::Str(path.to_str().unwrap().to_owned()));
        let a = cache.get(&ssl, ValidatorSlot::default(), &log).unwrap();
        assert!(Arc::ptr_eq(&a, &cache.get(&ssl, ValidatorSlot::default(), &log).unwrap()));
        // Two certificates: another size, whatever the clock's resolution.
        std::fs::write(&path, ca(&["a.test"]) + &ca(&["b.test"])).unwrap();
        assert!(!Arc::ptr_eq(&a, &cache.get(&ssl, ValidatorSlot::default(), &log).unwrap()));
    }
}
