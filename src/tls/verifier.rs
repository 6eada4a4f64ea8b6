//! The server-certificate verifier: judges chain (with CRLs) and name separately, records a
//! CertificateStatus (seed 000) with .NET-style policy-error flags and the certificate's
//! details, and decides by the SSLInfo policy or the application's validation callback.
//!
//! rustls's own verifier stops at the first failure and checks the chain before the name, so an
//! expired certificate for the wrong host would only say "expired". Running the two checks
//! apart keeps both facts: the flags carry both, and the status reports the chain problem
//! (revoked, expired, untrusted, invalid — whichever webpki met first on the path) before a name
//! mismatch.
//!
//! Whatever the policy or the callback accepts, the handshake signature is always checked: the
//! server must prove it holds the certificate's key.

use super::certinfo::{self, CertDetails};
use crate::callback::CallbackSlot;
use crate::options::*;
use parking_lot::Mutex;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::verify_server_name;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::collections::HashMap;
use std::sync::Arc;
use webpki::{CertRevocationList, EndEntityCert, ExpirationPolicy, RevocationCheckDepth, UnknownStatusPolicy};

/// What the application's validation callback sees.
pub struct ValidationInput<'a> {
    pub status: i32,
    pub policy_errors: i32,
    pub details: &'a CertDetails,
    pub der: &'a [u8],
}

/// The application's validation callback: true accepts the certificate.
pub type Validator = Arc<dyn Fn(&ValidationInput) -> bool + Send + Sync>;

/// Where the SSLInfo keeps its validation callback; the verifier reads it at the handshake, so
/// a callback cleared before returns is never called (see `crate::callback`).
pub type ValidatorSlot = Arc<CallbackSlot<dyn Fn(&ValidationInput) -> bool + Send + Sync>>;

/// What the verifier learned about the server's certificate during the last handshake.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// CERTIFICATE_* (0 when no certificate was seen).
    pub status: i32,
    /// CERT_POLICY_* flags.
    pub policy_errors: i32,
    pub chain_error: Option<String>,
    pub name_error: Option<String>,
    pub details: CertDetails,
    /// Every certificate the server sent, leaf first.
    pub chain: Vec<Vec<u8>>,
}

/// Revocation settings from the five legacy options (see the README for the mapping).
#[derive(Debug)]
pub struct Revocation {
    pub crls: Vec<CertRevocationList<'static>>,
    pub end_entity_only: bool,
    pub allow_unknown: bool,
    pub allow_expired_crl: bool,
}

/// How the verifier decides, from the SSLInfo options.
pub struct VerifyPolicy {
    /// SSLNoServerNameCheck: a name mismatch is accepted.
    pub no_name_check: bool,
    /// SSLNoServerCertificateValidation: a chain failure is accepted.
    pub no_validation: bool,
    /// SSLCertificatePin, normalised: the one certificate trusted, whatever its issuer.
    pub pin: Option<String>,
    pub revocation: Revocation,
    /// The application's callback, when one is set; its answer replaces the two flags above.
    pub validator: ValidatorSlot,
}

pub struct RecordingVerifier {
    roots: Arc<RootCertStore>,
    algorithms: WebPkiSupportedAlgorithms,
    policy: VerifyPolicy,
    verdict: Mutex<Verdict>,
    /// The verdict of the last certificate accepted for each server name: a resumed session
    /// (which shows no certificate) reports the one its first handshake accepted.
    accepted: Mutex<HashMap<String, Verdict>>,
}

impl RecordingVerifier {
    /// A certificate whose key cannot prove the handshake (a key the engine refuses, such as
    /// RSA under 2048 bits, or a bad signature) is refused after the chain check recorded it:
    /// the verdict must then say CERTIFICATE_INVALID with the chain flag and the reason, not
    /// the status the chain check left.
    fn signature_checked(
        &self,
        checked: Result<HandshakeSignatureValid, Error>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        if let Err(e) = &checked {
            let reason = match e {
                Error::InvalidCertificate(_) | Error::PeerIncompatible(_) => {
                    format!("cannot be used: its key could not prove the server's handshake signature ({:?}); the key is of a kind or size this TLS engine refuses (such as RSA under 2048 bits), or the signature is wrong", dss.scheme)
                }
                _ => format!("cannot be used: the server's handshake signature ({:?}) was refused", dss.scheme),
            };
            let mut v = self.verdict.lock();
            v.status = CERTIFICATE_INVALID;
            v.policy_errors |= CERT_POLICY_CHAIN_ERRORS;
            v.chain_error = Some(reason);
        }
        checked
    }
}

impl std::fmt::Debug for RecordingVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordingVerifier").field("verdict", &*self.verdict.lock()).finish_non_exhaustive()
    }
}

/// The CertificateStatus and the rustls error for a webpki chain failure.
fn classify(e: &webpki::Error) -> (i32, CertificateError) {
    use webpki::Error as W;
    match e {
        W::CertExpired { .. } => (CERTIFICATE_EXPIRED, CertificateError::Expired),
        W::CertNotValidYet { .. } => (CERTIFICATE_EXPIRED, CertificateError::NotValidYet),
        W::CertRevoked => (CERTIFICATE_REVOKED, CertificateError::Revoked),
        W::UnknownIssuer | W::CaUsedAsEndEntity | W::CertDistrusted => {
            (CERTIFICATE_UNTRUSTED, CertificateError::UnknownIssuer)
        }
        W::InvalidSignatureForPublicKey => (CERTIFICATE_UNTRUSTED, CertificateError::BadSignature),
        W::UnknownRevocationStatus => (CERTIFICATE_UNTRUSTED, CertificateError::UnknownRevocationStatus),
        W::CrlExpired { .. } => (CERTIFICATE_UNTRUSTED, CertificateError::ExpiredRevocationList),
        W::UnsupportedCriticalExtension => (CERTIFICATE_INVALID, CertificateError::UnhandledCriticalExtension),
        _ => (CERTIFICATE_INVALID, CertificateError::Other(rustls::OtherError(Arc::new(e.clone())))),
    }
}

/// A chain failure in plain words, starting with a verb ("is not trusted: ..."), so that "the
/// server's certificate " + reason reads as a sentence; it names what to set when a setting can
/// help. webpki's own names (UnknownIssuer, CertExpired { .. }) are for programmers.
fn chain_reason(e: &webpki::Error, details: &CertDetails) -> String {
    use webpki::Error as W;
    match e {
        W::UnknownIssuer if !details.issuer.is_empty() && details.issuer == details.subject => format!(
            "is not trusted: it is self-signed (\"{}\"); to trust it, add it to SSLCAFile or pin it with SSLCertificatePin",
            details.subject
        ),
        W::UnknownIssuer => format!(
            "is not trusted: its issuer \"{}\" is not a trusted CA; if you trust that CA, add its certificate to SSLCAFile",
            details.issuer
        ),
        W::CertDistrusted => format!("is not trusted: its CA \"{}\" is distrusted", details.issuer),
        W::CaUsedAsEndEntity => "is not trusted: it is a CA certificate, not a server certificate".to_owned(),
        W::InvalidSignatureForPublicKey => format!(
            "is not trusted: its signature does not verify with the key of its issuer \"{}\"",
            details.issuer
        ),
        W::CertExpired { .. } => format!("expired on {}", details.expires),
        W::CertNotValidYet { .. } => format!("is not valid before {}", details.issued),
        W::CertRevoked => "is revoked: a CRL in SSLCRLFile lists it (or a CA above it)".to_owned(),
        W::UnknownRevocationStatus => {
            "has an unknown revocation status: no CRL in SSLCRLFile covers its issuer (SSLRevocationIgnoreNRC accepts that)"
                .to_owned()
        }
        W::CrlExpired { .. } => {
            "has an unknown revocation status: the CRL that covers it has expired (SSLRevocationIgnoreRO accepts that)"
                .to_owned()
        }
        W::RequiredEkuNotFoundContext(_) => {
            "is not for servers: its extended key usage does not include TLS server authentication".to_owned()
        }
        W::UnsupportedCriticalExtension => {
            "is invalid: it has a critical extension this TLS engine does not know".to_owned()
        }
        // No plain text of its own: its name without Rust's punctuation.
        other => format!("is invalid: {}", super::words::camel_words(&format!("{other:?}"), ' ')),
    }
}

/// A name mismatch in plain words ("is not valid for the name ... (it is valid for ...)").
fn name_reason(e: &Error, server_name: &ServerName<'_>) -> String {
    let checked = server_name.to_str();
    match e {
        Error::InvalidCertificate(CertificateError::NotValidForNameContext { presented, .. }) => {
            let names: Vec<String> = presented.iter().map(|p| plain_general_name(p)).collect();
            if names.is_empty() {
                format!("is not valid for the name \"{checked}\" (it lists no host names)")
            } else {
                format!("is not valid for the name \"{checked}\" (it is valid for {})", names.join(", "))
            }
        }
        _ => format!("is not valid for the name \"{checked}\""),
    }
}

/// webpki writes the names it found as `DnsName("a.example")` and `IpAddress(127.0.0.1)`: the
/// name or address alone.
fn plain_general_name(p: &str) -> String {
    if let Some(dns) = p.strip_prefix("DnsName(\"").and_then(|r| r.strip_suffix("\")")) {
        return dns.to_owned();
    }
    if let Some(ip) = p.strip_prefix("IpAddress(").and_then(|r| r.strip_suffix(')')) {
        // Its IPv6 form is its own ("0::1"): the standard one is what users type.
        return ip.parse::<std::net::IpAddr>().map_or_else(|_| ip.to_owned(), |a| a.to_string());
    }
    p.to_owned()
}

impl RecordingVerifier {
    pub fn new(
        roots: Arc<RootCertStore>,
        algorithms: WebPkiSupportedAlgorithms,
        policy: VerifyPolicy,
    ) -> RecordingVerifier {
        RecordingVerifier {
            roots,
            algorithms,
            policy,
            verdict: Mutex::new(Verdict::default()),
            accepted: Mutex::new(HashMap::new()),
        }
    }

    /// Whether SSLNoServerNameCheck waives a name mismatch (an error text then gives no advice
    /// about the name).
    pub fn waives_name(&self) -> bool {
        self.policy.no_name_check
    }

    pub fn verdict(&self) -> Verdict {
        self.verdict.lock().clone()
    }

    /// Forgets the previous handshake's verdict: the verifier lives as long as the client's
    /// configuration, and a handshake that sees no certificate must not report an old one.
    pub fn start_handshake(&self) {
        *self.verdict.lock() = Verdict::default();
    }

    /// The verdict of the certificate last accepted for `server_name` (default: none seen).
    pub fn accepted_for(&self, server_name: &str) -> Verdict {
        self.accepted.lock().get(server_name).cloned().unwrap_or_default()
    }

    /// The chain check: a pin replaces trust in the CA; otherwise webpki with the CRLs.
    fn check_chain(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        details: &CertDetails,
        now: UnixTime,
    ) -> Result<(), (i32, CertificateError, String)> {
        let fingerprint = details.fingerprint.as_str();
        if let Some(pin) = &self.policy.pin {
            return if pin == fingerprint {
                Ok(())
            } else {
                Err((
                    CERTIFICATE_UNTRUSTED,
                    CertificateError::ApplicationVerificationFailure,
                    format!("is not the pinned certificate: its SHA-256 fingerprint is {fingerprint}, SSLCertificatePin is {pin}"),
                ))
            };
        }
        let ee = EndEntityCert::try_from(end_entity).map_err(|e| {
            let (s, c) = classify(&e);
            (s, c, chain_reason(&e, details))
        })?;
        let crl_refs: Vec<&CertRevocationList> = self.policy.revocation.crls.iter().collect();
        let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs).ok().map(|b| {
            b.with_depth(if self.policy.revocation.end_entity_only {
                RevocationCheckDepth::EndEntity
            } else {
                RevocationCheckDepth::Chain
            })
            .with_status_policy(if self.policy.revocation.allow_unknown {
                UnknownStatusPolicy::Allow
            } else {
                UnknownStatusPolicy::Deny
            })
            .with_expiration_policy(if self.policy.revocation.allow_expired_crl {
                ExpirationPolicy::Ignore
            } else {
                ExpirationPolicy::Enforce
            })
            .build()
        });
        ee.verify_for_usage(
            self.algorithms.all,
            &self.roots.roots,
            intermediates,
            now,
            webpki::KeyUsage::server_auth(),
            revocation,
            None,
        )
        .map(|_| ())
        .map_err(|e| {
            let (s, c) = classify(&e);
            (s, c, chain_reason(&e, details))
        })
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
        let chain_der: Vec<Vec<u8>> =
            std::iter::once(end_entity).chain(intermediates).map(|c| c.as_ref().to_vec()).collect();
        let details = certinfo::details(end_entity).unwrap_or_else(|| CertDetails {
            fingerprint: certinfo::fingerprint(end_entity),
            ..CertDetails::default()
        });
        let chain = self.check_chain(end_entity, intermediates, &details, now);
        // A certificate rustls cannot parse has no name to judge: the chain check already
        // reports it, and it must not also count as a name mismatch.
        let name = match ParsedCertificate::try_from(end_entity) {
            Ok(parsed) => verify_server_name(&parsed, server_name).map_err(|e| name_reason(&e, server_name)),
            Err(_) => Ok(()),
        };
        let status = match (&chain, &name) {
            (Err((s, _, _)), _) => *s,
            (Ok(()), Err(_)) => CERTIFICATE_NO_MATCH,
            (Ok(()), Ok(())) => CERTIFICATE_VALID,
        };
        let policy_errors = if chain.is_err() { CERT_POLICY_CHAIN_ERRORS } else { 0 }
            | if name.is_err() { CERT_POLICY_NAME_MISMATCH } else { 0 };
        let by_callback = self
            .policy
            .validator
            .call(|v| v(&ValidationInput { status, policy_errors, details: &details, der: end_entity.as_ref() }));
        let accept = by_callback.unwrap_or_else(|| {
            (chain.is_ok() || self.policy.no_validation) && (name.is_ok() || self.policy.no_name_check)
        });
        let verdict = Verdict {
            status,
            policy_errors,
            chain_error: chain.as_ref().err().map(|e| e.2.clone()),
            name_error: name.as_ref().err().cloned(),
            details,
            chain: chain_der,
        };
        *self.verdict.lock() = verdict.clone();
        if accept {
            self.accepted.lock().insert(server_name.to_str().into_owned(), verdict);
            return Ok(ServerCertVerified::assertion());
        }
        // The reason reported is the first one the policy did not waive, so the error points
        // to what is still wrong (a waived chain leaves the name: eexSSLCertName).
        let chain_counts = chain.is_err() && (by_callback.is_some() || !self.policy.no_validation);
        let name_counts = name.is_err() && (by_callback.is_some() || !self.policy.no_name_check);
        Err(Error::InvalidCertificate(match (chain, name) {
            (Err((_, c, _)), _) if chain_counts => c,
            (_, Err(_)) if name_counts => CertificateError::NotValidForName,
            (Err((_, c, _)), _) => c,
            _ => CertificateError::ApplicationVerificationFailure,
        }))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.signature_checked(verify_tls12_signature(message, cert, dss, &self.algorithms), dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.signature_checked(verify_tls13_signature(message, cert, dss, &self.algorithms), dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::plain_general_name;

    #[test]
    fn webpki_names_become_plain_names_and_standard_addresses() {
        assert_eq!(plain_general_name("DnsName(\"mail.example.com\")"), "mail.example.com");
        assert_eq!(plain_general_name("IpAddress(127.0.0.1)"), "127.0.0.1");
        assert_eq!(plain_general_name("IpAddress(0::1)"), "::1");
        assert_eq!(plain_general_name("IpAddress(2001:db8:0:0:0:0:0:1)"), "2001:db8::1");
        assert_eq!(plain_general_name("DirectoryName"), "DirectoryName");
    }
}
