//! One stream type, plain or TLS, and the TLS handshake with its error mapping (Appendix A).

use super::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_SSL};
use crate::options::*;
use crate::tls::config::TlsSetup;
use crate::tls::negotiated::{self, Negotiated};
use rustls::pki_types::ServerName;
use rustls::{CertificateError, ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    /// The OpenSSL compatibility backend.
    #[cfg(feature = "compat")]
    Compat(Box<openssl::ssl::SslStream<TcpStream>>),
}

impl Stream {
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => &s.sock,
            #[cfg(feature = "compat")]
            Stream::Compat(s) => s.get_ref(),
        }
    }

    pub fn is_tls(&self) -> bool {
        match self {
            Stream::Plain(_) => false,
            Stream::Tls(_) => true,
            #[cfg(feature = "compat")]
            Stream::Compat(_) => true,
        }
    }

    /// Ends the connection: close_notify for TLS, then a TCP shutdown. Errors are irrelevant
    /// here, the connection is going away.
    pub fn close(&mut self) {
        match self {
            Stream::Tls(s) => {
                s.conn.send_close_notify();
                let _ = s.conn.complete_io(&mut s.sock);
            }
            #[cfg(feature = "compat")]
            Stream::Compat(s) => {
                let _ = s.shutdown();
            }
            Stream::Plain(_) => {}
        }
        let _ = self.tcp().shutdown(Shutdown::Both);
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            #[cfg(feature = "compat")]
            Stream::Compat(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            #[cfg(feature = "compat")]
            Stream::Compat(s) => s.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.write_all(buf),
            Stream::Tls(s) => {
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
            Stream::Compat(s) => s.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            #[cfg(feature = "compat")]
            Stream::Compat(s) => s.flush(),
        }
    }
}

/// Where TLS comes from for one connect: the configuration, the name to verify, and a hook that
/// records what was negotiated (SSLInfo outputs), called after success and after failure alike.
#[derive(Clone)]
pub struct TlsContext {
    pub setup: Arc<TlsSetup>,
    pub server_name: String,
    pub record: Arc<dyn Fn(&Negotiated) + Send + Sync>,
}

fn handshake_error(e: io::Error, ctx: &TlsContext, abort: &Abort) -> Error {
    if abort.is_requested() {
        return Error::aborted();
    }
    if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) {
        return Error::timeout("in the TLS handshake").with_os(&e);
    }
    let tls = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
    let (eex, text) = match tls {
        Some(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => (error::eexSSLCertName, format!("the server's certificate does not match {}: {e}", ctx.server_name)),
        Some(rustls::Error::InvalidCertificate(c)) => {
            let verdict = ctx.setup.verifier.verdict();
            let why = verdict.chain_error.map(|w| short_reason(&w)).unwrap_or_else(|| format!("{c:?}"));
            (error::eexSSLCertificate, format!("the server's certificate is invalid: {why}"))
        }
        // Only before the server's certificate was seen: a refusal after it (a required client
        // certificate, say) has nothing to do with legacy TLS.
        Some(e) if is_legacy_refusal(e) && ctx.setup.verifier.verdict().status == CERTIFICATE_NONE => (
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

/// Runs the client side of a TLS handshake on `tcp` within `timeout`.
pub fn start_tls(tcp: TcpStream, ctx: &TlsContext, timeout: Duration, abort: &Abort, log: &Logger) -> Result<Stream> {
    #[cfg(feature = "compat")]
    if let Some(settings) = ctx.setup.compat {
        let (s, _) = crate::tls::compat::handshake(tcp, ctx, settings, timeout, abort, log)?;
        return Ok(Stream::Compat(Box::new(s)));
    }
    let name = ServerName::try_from(ctx.server_name.clone()).map_err(|_| {
        Error::new(
            error::CSMAIL_E_CONNECT,
            error::eexSSLCertName,
            format!("{:?} is not a valid TLS server name", ctx.server_name),
        )
    })?;
    let mut conn = ClientConnection::new(ctx.setup.config.clone(), name)
        .map_err(|e| Error::new(error::CSMAIL_E_TLS_CONFIG, error::eexTlsConfig, e.to_string()))?;
    log.info(LOG_F_SSL, || format!("TLS handshake with {}", ctx.server_name));
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
    let verdict = ctx.setup.verifier.verdict();
    if let Err(e) = result {
        if verdict.status != 0 {
            log.fatal(LOG_F_SSL, || {
                format!(
                    "certificate refused: status {}, {}; subject {:?}, issuer {:?}",
                    verdict.status,
                    [verdict.chain_error.as_deref(), verdict.name_error.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("; "),
                    verdict.details.subject,
                    verdict.details.issuer
                )
            });
        }
        (ctx.record)(&Negotiated { certificate: verdict, ..Negotiated::default() });
        let err = handshake_error(e, ctx, abort);
        log.fatal(LOG_F_SSL, || err.text.clone());
        return Err(err);
    }
    let n = negotiated::describe(&conn, verdict.clone());
    (ctx.record)(&n);
    log.info(LOG_F_SSL, || {
        format!(
            "TLS established: {} {} (cipher {:#x}/{} bits, hash {:#x}, exchange {:#x} group {:#x}/{} bits), certificate status {}, subject {:?}, issuer {:?}, expires {}, SHA-256 {}",
            if n.protocol == SSL_TLS13 { "TLS 1.3" } else { "TLS 1.2" },
            conn.negotiated_cipher_suite().map(|s| format!("{:?}", s.suite())).unwrap_or_default(),
            n.cipher,
            n.cipher_strength,
            n.hash,
            n.exchange,
            n.group,
            n.exchange_strength,
            n.certificate.status,
            n.certificate.details.subject,
            n.certificate.details.issuer,
            n.certificate.details.expires,
            n.certificate.details.fingerprint,
        )
    });
    if verdict.status != CERTIFICATE_VALID {
        log.warn(LOG_F_SSL, || {
            format!(
                "certificate accepted by policy despite: {}",
                [verdict.chain_error.as_deref(), verdict.name_error.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        });
    }
    Ok(Stream::Tls(Box::new(StreamOwned::new(conn, tcp))))
}
