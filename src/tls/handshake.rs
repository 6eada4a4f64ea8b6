//! The client side of a TLS handshake on a connected socket, its error mapping (Appendix A,
//! legacy-server detection) and its log, and the TLS stream it yields: rustls by default, the
//! OpenSSL compatibility backend when the configuration asks for it.

use super::config::TlsHandshakeParams;
use super::negotiated::{self, Negotiated};
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_SSL};
use crate::options::*;
use rustls::pki_types::ServerName;
use rustls::{CertificateError, ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// An established TLS session over a TCP socket.
pub enum TlsStream {
    Rustls(Box<StreamOwned<ClientConnection, TcpStream>>),
    /// The OpenSSL compatibility backend.
    #[cfg(feature = "compat")]
    Compat(openssl::ssl::SslStream<TcpStream>),
}

impl TlsStream {
    pub fn tcp(&self) -> &TcpStream {
        match self {
            TlsStream::Rustls(s) => &s.sock,
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => s.get_ref(),
        }
    }

    /// Sends close_notify. Errors are irrelevant here, the connection is going away.
    pub fn close_notify(&mut self) {
        match self {
            TlsStream::Rustls(s) => {
                s.conn.send_close_notify();
                let _ = s.conn.complete_io(&mut s.sock);
            }
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => {
                let _ = s.shutdown();
            }
        }
    }
}

impl Read for TlsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            TlsStream::Rustls(s) => s.read(buf),
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => s.read(buf),
        }
    }
}

impl Write for TlsStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            TlsStream::Rustls(s) => s.write(buf),
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => s.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            TlsStream::Rustls(s) => {
                // rustls accepts plaintext only up to its buffer limit: feed it in pieces and
                // drain the records to the socket in between.
                let mut rest = buf;
                while !rest.is_empty() {
                    let n = s.conn.writer().write(rest)?;
                    rest = &rest[n..];
                    if n == 0 && !s.conn.wants_write() {
                        return Err(io::Error::new(io::ErrorKind::WriteZero, "TLS connection refuses data"));
                    }
                    while s.conn.wants_write() {
                        s.conn.write_tls(&mut s.sock)?;
                    }
                }
                Ok(())
            }
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => s.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            TlsStream::Rustls(s) => s.flush(),
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => s.flush(),
        }
    }
}

fn handshake_error(e: io::Error, params: &TlsHandshakeParams, abort: &Abort) -> Error {
    if abort.is_requested() {
        return Error::aborted();
    }
    if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
        return Error::timeout("in the TLS handshake").with_os(&e);
    }
    let verifier = &params.config.verifier;
    let tls = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let (eex, text) = match tls {
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => (error::eexSSLCertName, format!("the server's certificate does not match {}: {e}", params.server_name)),
        Some(rustls::Error::InvalidCertificate(c)) => {
            let verdict = verifier.verdict();
            let why = verdict.chain_error.map(|w| short_reason(&w)).unwrap_or_else(|| format!("{c:?}"));
            (error::eexSSLCertificate, format!("the server's certificate is invalid: {why}"))
        }
        // Only before the server's certificate was seen: a refusal after it (a required client
        // certificate, say) has nothing to do with legacy TLS.
        Some(e) if is_legacy_refusal(e) && verifier.verdict().status == CERTIFICATE_NONE => (
            error::eexSSLLegacyServer,
            format!(
                "the server speaks only TLS that rustls does not ({e}): it may need TLS 1.0/1.1, CBC, DHE or static-RSA suites; set SSLCompatibilityBackend to reach it"
            ),
        ),
        Some(rustls::Error::AlertReceived(a)) => {
            (error::eexSSLProtocol, format!("the server ended the TLS handshake with alert {a:?}"))
        }
        Some(other) => (error::eexSSLProtocol, format!("TLS handshake failed: {other}")),
        None if e.kind() == io::ErrorKind::UnexpectedEof => {
            (error::eexSSLProtocol, "the server closed the connection during the TLS handshake".to_owned())
        }
        None => (error::eexSSLProtocol, format!("TLS handshake failed: {e}")),
    };
    Error::new(error::CSMAIL_E_CONNECT, eex, text).with_os(&e)
}

/// webpki's reasons can carry long lists (every supported algorithm): keep the name.
fn short_reason(reason: &str) -> String {
    let cut = reason.find(['{', '(']).unwrap_or(reason.len());
    reason[..cut].trim().to_owned()
}

/// Whether a handshake failure means the server wants what only legacy TLS has: it refused
/// our versions or suites, or answered with an older version.
fn is_legacy_refusal(e: &rustls::Error) -> bool {
    use rustls::{AlertDescription as A, PeerIncompatible as P};
    matches!(
        e,
        rustls::Error::AlertReceived(A::ProtocolVersion | A::HandshakeFailure | A::InsufficientSecurity)
            | rustls::Error::PeerIncompatible(
                P::ServerDoesNotSupportTls12Or13
                    | P::ServerTlsVersionIsDisabledByOurConfig
                    | P::NoCipherSuitesInCommon
                    | P::NoKxGroupsInCommon
                    | P::EcPointsExtensionRequired
                    | P::ExtendedMasterSecretExtensionRequired
            )
    )
}

/// The chain and name problems the verifier recorded, joined for the log.
fn problems(verdict: &super::verifier::Verdict) -> String {
    [verdict.chain_error.as_deref(), verdict.name_error.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("; ")
}

/// Runs the client side of a TLS handshake on `tcp` within `timeout`, and records the outcome
/// through `params.record`, after success and failure alike.
pub fn handshake(
    tcp: TcpStream,
    params: &TlsHandshakeParams,
    timeout: Duration,
    abort: &Abort,
    log: &Logger,
) -> Result<TlsStream> {
    #[cfg(feature = "compat")]
    if let Some(range) = params.config.compat {
        let s = super::compat::handshake(tcp, params, range, timeout, abort, log)?;
        return Ok(TlsStream::Compat(s));
    }
    let name = ServerName::try_from(params.server_name.clone()).map_err(|_| {
        Error::new(
            error::CSMAIL_E_CONNECT,
            error::eexSSLCertName,
            format!("{:?} is not a valid TLS server name", params.server_name),
        )
    })?;
    let mut conn = ClientConnection::new(params.config.rustls.clone(), name)
        .map_err(|e| Error::new(error::CSMAIL_E_TLS_CONFIG, error::eexTlsConfig, e.to_string()))?;
    log.info(LOG_F_SSL, || format!("TLS handshake with {}", params.server_name));
    let deadline = Instant::now() + timeout;
    let mut tcp = tcp;
    let result = (|| -> io::Result<()> {
        while conn.is_handshaking() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "handshake timed out"));
            }
            tcp.set_read_timeout(Some(left))?;
            conn.complete_io(&mut tcp)?;
        }
        Ok(())
    })();
    let verdict = params.config.verifier.verdict();
    if let Err(e) = result {
        if verdict.status != 0 {
            log.fatal(LOG_F_SSL, || {
                format!(
                    "certificate refused: status {}, {}; subject {:?}, issuer {:?}",
                    verdict.status,
                    problems(&verdict),
                    verdict.details.subject,
                    verdict.details.issuer
                )
            });
        }
        (params.record)(&Negotiated { certificate: verdict, ..Negotiated::default() });
        let err = handshake_error(e, params, abort);
        log.fatal(LOG_F_SSL, || err.text.clone());
        return Err(err);
    }
    let n = negotiated::describe(&conn, verdict.clone());
    (params.record)(&n);
    log.info(LOG_F_SSL, || negotiated::established_line(&n));
    if verdict.status != CERTIFICATE_VALID {
        log.warn(LOG_F_SSL, || format!("certificate accepted by policy despite: {}", problems(&verdict)));
    }
    Ok(TlsStream::Rustls(Box::new(StreamOwned::new(conn, tcp))))
}
