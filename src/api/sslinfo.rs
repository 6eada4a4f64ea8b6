//! The SSLInfo advanced handler: Mode, the indexed Option table, and the negotiated outputs.

use crate::error::{self, Error, Result};
use crate::options::*;
use crate::options::{self, Kind, OptionDef};
use crate::tls::config::NegotiatedRecorder;
use crate::tls::negotiated::Negotiated;
use crate::tls::verifier::{Validator, ValidatorSlot};
use parking_lot::Mutex;
use std::sync::Arc;

/// The SSLInfo object. Shared between the application and every client it is attached to;
/// the outputs describe the most recent TLS connect of any of them.
pub struct SslInfo {
    state: Mutex<SslState>,
    last: Mutex<Negotiated>,
    validator: ValidatorSlot,
}

impl Default for SslInfo {
    fn default() -> Self {
        SslInfo {
            state: Mutex::new(SslState::new()),
            last: Mutex::new(Negotiated::default()),
            validator: Arc::default(),
        }
    }
}

fn lookup(index: i32) -> Result<&'static OptionDef> {
    options::find(index).map(|(_, d)| d).ok_or_else(|| {
        Error::new(
            error::CSMAIL_E_INVALID_ARGUMENT,
            error::eexUnknownOption,
            format!("unknown SSLInfo option index {index}"),
        )
    })
}

fn kind_error(def: &OptionDef, wanted: Kind) -> Error {
    Error::invalid_arg(format!("SSLInfo option {} holds a {:?}, not a {:?}", def.name, def.kind, wanted))
}

fn legacy(name: &str, what: &str) -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexLegacyValue,
        format!("{name}: {what} is a legacy algorithm no modern TLS engine speaks; use TLS 1.2/1.3 with AES-GCM or ChaCha20-Poly1305"),
    )
}

fn check_array(def: &OptionDef, values: &[i32]) -> Result<()> {
    for &v in values {
        match def.index {
            SSLConnectionProtocolIn => match v {
                SSL_PCT1 => return Err(legacy(def.name, "PCT 1.0")),
                SSL_SSL2 => return Err(legacy(def.name, "SSL 2.0")),
                SSL_SSL3 => return Err(legacy(def.name, "SSL 3.0")),
                SSL_TLS1 | SSL_TLS11 | SSL_TLS12 | SSL_TLS13 => {}
                _ => return Err(Error::invalid_arg(format!("{}: unknown protocol value {v:#x}", def.name))),
            },
            SSLConnectionCipherIn => match v {
                SSL_RC2 => return Err(legacy(def.name, "RC2")),
                SSL_RC4 => return Err(legacy(def.name, "RC4")),
                SSL_DES => return Err(legacy(def.name, "DES")),
                SSL_3DES => return Err(legacy(def.name, "3DES")),
                SSL_SKIPJACK => return Err(legacy(def.name, "SKIPJACK")),
                SSL_AES128_GCM | SSL_AES256_GCM | SSL_CHACHA20_POLY1305 | SSL_AES128_CBC | SSL_AES256_CBC => {}
                _ => return Err(Error::invalid_arg(format!("{}: unknown cipher value {v:#x}", def.name))),
            },
            _ => {}
        }
    }
    Ok(())
}

impl SslInfo {
    pub fn new() -> SslInfo {
        SslInfo::default()
    }

    pub fn mode(&self) -> i32 {
        self.state.lock().mode
    }

    pub fn set_mode(&self, mode: i32) -> Result<()> {
        if mode != MODE_CHANNEL && mode != MODE_STARTTLS {
            return Err(Error::invalid_arg(format!("unknown SSLInfo mode {mode}")));
        }
        self.state.lock().mode = mode;
        Ok(())
    }

    /// Reads a Bool or Int option (Bools read as 0 or 1).
    pub fn get_int(&self, index: i32) -> Result<i32> {
        let def = lookup(index)?;
        if !matches!(def.kind, Kind::Bool | Kind::Int) {
            return Err(kind_error(def, Kind::Int));
        }
        Ok(self.state.lock().int(index))
    }

    /// Sets a Bool or Int input option. Any non-zero value sets a Bool (VB's True is -1).
    pub fn set_int(&self, index: i32, value: i32) -> Result<()> {
        let def = self.writable(index)?;
        let value = match def.kind {
            Kind::Bool => (value != 0) as i32,
            Kind::Int if value < 0 => return Err(Error::invalid_arg(format!("{}: must not be negative", def.name))),
            Kind::Int => value,
            _ => return Err(kind_error(def, Kind::Int)),
        };
        self.put(index, OptValue::Int(value));
        Ok(())
    }

    pub fn get_array(&self, index: i32) -> Result<Vec<i32>> {
        let def = lookup(index)?;
        if def.kind != Kind::IntArray {
            return Err(kind_error(def, Kind::IntArray));
        }
        Ok(self.state.lock().array(index).to_vec())
    }

    pub fn set_array(&self, index: i32, values: &[i32]) -> Result<()> {
        let def = self.writable(index)?;
        if def.kind != Kind::IntArray {
            return Err(kind_error(def, Kind::IntArray));
        }
        check_array(def, values)?;
        self.put(index, OptValue::Array(values.to_vec()));
        Ok(())
    }

    pub fn get_str(&self, index: i32) -> Result<String> {
        let def = lookup(index)?;
        if index == SSLClientCertificatePassword {
            return Err(Error::new(
                error::CSMAIL_E_NOT_SUPPORTED,
                error::eexNotSupported,
                "the password is write-only",
            ));
        }
        if def.kind != Kind::Str {
            return Err(kind_error(def, Kind::Str));
        }
        Ok(self.state.lock().string(index).to_owned())
    }

    pub fn set_str(&self, index: i32, value: &str) -> Result<()> {
        let def = self.writable(index)?;
        if def.kind != Kind::Str {
            return Err(kind_error(def, Kind::Str));
        }
        if value.contains('\0') {
            return Err(Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexForbiddenCharacter,
                format!("{}: NUL in value", def.name),
            ));
        }
        self.put(index, OptValue::Str(value.to_owned()));
        Ok(())
    }

    fn writable(&self, index: i32) -> Result<&'static OptionDef> {
        let def = lookup(index)?;
        if def.output {
            return Err(Error::new(
                error::CSMAIL_E_INVALID_ARGUMENT,
                error::eexReadOnlyOption,
                format!("SSLInfo option {} is an output and cannot be set", def.name),
            ));
        }
        Ok(def)
    }

    fn put(&self, index: i32, value: OptValue) {
        let (i, _) = options::find(index).expect("checked index");
        self.state.lock().values[i] = value;
    }

    /// A consistent copy of every setting, taken at the start of a connect.
    pub(crate) fn snapshot(&self) -> SslState {
        self.state.lock().clone()
    }

    /// Clears the outputs (at the start of a connect) or fills them (after a handshake): the
    /// negotiated parameters and the certificate's details go into the output options.
    pub(crate) fn record(&self, n: &Negotiated) {
        let c = &n.certificate;
        let ints = [
            (SSLConnectionProtocolOut, n.protocol),
            (SSLConnectionCipherOut, n.cipher),
            (SSLCipherStrength, n.cipher_strength),
            (SSLHash, n.hash),
            (SSLHashStrength, n.hash_strength),
            (SSLExchange, n.exchange),
            (SSLExchangeStrength, n.exchange_strength),
            (SSLExchangeGroup, n.group),
            (SSLCipherSuite, n.suite),
            (SSLCertificateStatus, c.status),
            (SSLCertificatePolicyErrors, c.policy_errors),
            (SSLCertificateCount, c.chain.len() as i32),
            (SSLSessionResumed, n.resumed as i32),
        ];
        let strings = [
            (SSLCertificateSubject, &c.details.subject),
            (SSLCertificateIssuer, &c.details.issuer),
            (SSLCertificateIssued, &c.details.issued),
            (SSLCertificateExpires, &c.details.expires),
            (SSLCertificateFingerprint, &c.details.fingerprint),
        ];
        let mut state = self.state.lock();
        let outputs = ints
            .into_iter()
            .map(|(index, v)| (index, OptValue::Int(v)))
            .chain(strings.into_iter().map(|(index, s)| (index, OptValue::Str(s.clone()))));
        for (index, value) in outputs {
            let (i, _) = options::find(index).expect("output index from the table");
            state.values[i] = value;
        }
        drop(state);
        *self.last.lock() = n.clone();
    }

    /// The hook a TLS handshake reports through (the tls layer knows nothing of SSLInfo).
    pub(crate) fn recorder(self: &Arc<Self>) -> NegotiatedRecorder {
        let ssl = self.clone();
        Arc::new(move |n: &Negotiated| ssl.record(n))
    }

    /// Everything the last TLS connect negotiated and learned about the certificate.
    pub fn negotiated(&self) -> Negotiated {
        self.last.lock().clone()
    }

    /// Sets (None clears) the validation callback: it sees the status, the policy-error flags
    /// and the certificate, and its answer replaces the options' decision. Once this returns
    /// the old callback never runs again (a call in progress is waited for).
    pub fn set_validator(&self, v: Option<Validator>) -> Result<()> {
        Ok(self.validator.set(v)?)
    }

    pub(crate) fn validator(&self) -> ValidatorSlot {
        self.validator.clone()
    }
}
