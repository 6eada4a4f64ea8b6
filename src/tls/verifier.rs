//! The server-certificate verifier: judges chain and name separately, records a
//! CertificateStatus (seed 000), and applies the SSLInfo policy.
//!
//! rustls's own WebPkiServerVerifier stops at the first failure and checks the chain before the
//! name, so an expired certificate for the wrong host would only say "expired". Running the two
//! checks apart keeps both facts; the status reports the chain problem first (it is the more
//! serious one), then a name mismatch.
//!
//! Relaxing options never skip the handshake signature check: accepting a certificate still
//! requires the server to prove it holds the certificate's key.

use crate::options::*;
use parking_lot::Mutex;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_cert_signed_by_trust_anchor, verify_server_name};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::sync::Arc;

/// What the verifier learned about the server's certificate during the last handshake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// CERTIFICATE_* (0 when no certificate was seen).
    pub status: i32,
    /// The chain problem, if any, as rustls words it.
    pub chain_error: Option<String>,
    /// The name problem, if any.
    pub name_error: Option<String>,
}

#[derive(Debug)]
pub struct RecordingVerifier {
    roots: Arc<RootCertStore>,
    algorithms: WebPkiSupportedAlgorithms,
    no_name_check: bool,
    no_validation: bool,
    verdict: Mutex<Verdict>,
}

/// The CertificateStatus a chain error stands for.
fn chain_status(e: &Error) -> i32 {
    match e {
        Error::InvalidCertificate(c) => match c {
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => CERTIFICATE_EXPIRED,
            CertificateError::Revoked => CERTIFICATE_REVOKED,
            CertificateError::UnknownIssuer | CertificateError::BadSignature => CERTIFICATE_UNTRUSTED,
            _ => CERTIFICATE_INVALID,
        },
        _ => CERTIFICATE_INVALID,
    }
}

impl RecordingVerifier {
    pub fn new(
        roots: Arc<RootCertStore>,
        algorithms: WebPkiSupportedAlgorithms,
        no_name_check: bool,
        no_validation: bool,
    ) -> RecordingVerifier {
        RecordingVerifier { roots, algorithms, no_name_check, no_validation, verdict: Mutex::new(Verdict::default()) }
    }

    pub fn verdict(&self) -> Verdict {
        self.verdict.lock().clone()
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let parsed = match ParsedCertificate::try_from(end_entity) {
            Ok(p) => p,
            Err(e) => {
                *self.verdict.lock() =
                    Verdict { status: CERTIFICATE_INVALID, chain_error: Some(e.to_string()), name_error: None };
                return Err(e);
            }
        };
        let chain = if self.roots.is_empty() {
            Err(Error::InvalidCertificate(CertificateError::UnknownIssuer))
        } else {
            verify_server_cert_signed_by_trust_anchor(&parsed, &self.roots, intermediates, now, self.algorithms.all)
        };
        let name = verify_server_name(&parsed, server_name);
        let status = match (&chain, &name) {
            (Err(e), _) => chain_status(e),
            (Ok(()), Err(_)) => CERTIFICATE_NO_MATCH,
            (Ok(()), Ok(())) => CERTIFICATE_VALID,
        };
        *self.verdict.lock() = Verdict {
            status,
            chain_error: chain.as_ref().err().map(|e| e.to_string()),
            name_error: name.as_ref().err().map(|e| e.to_string()),
        };
        match (chain, name) {
            (Err(e), _) if !self.no_validation => Err(e),
            (_, Err(e)) if !self.no_name_check => Err(e),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
