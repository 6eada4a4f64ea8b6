//! The client side of a TLS handshake on a connected socket, its error mapping (Appendix A,
//! legacy-server detection) and its log, and the TLS stream it yields: rustls by default, the
//! OpenSSL compatibility backend when the configuration asks for it.

use super::config::TlsHandshakeParams;
use super::negotiated::{self, Negotiated};
use super::verifier::Verdict;
use crate::abort::Abort;
use crate::error::{self, Error, Result};
use crate::log::{Logger, LOG_F_SSL};
use crate::options::*;
use rustls::pki_types::ServerName;
use rustls::{AlertDescription, CertificateError, ClientConnection, HandshakeKind, InvalidMessage, StreamOwned};
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

impl TlsStream {
    /// Writes every byte of `parts` as one stream of TLS records: a command line queued before
    /// a message chunk shares the chunk's first record instead of taking a small record (and a
    /// write) of its own.
    pub fn write_all_parts(&mut self, parts: &mut [io::IoSlice<'_>]) -> io::Result<()> {
        match self {
            TlsStream::Rustls(s) => {
                // rustls takes plaintext up to its buffer limit (WRITE_BUFFER_LIMIT): feed it,
                // then drain the records to the socket (one writev for all of them).
                let mut rest = parts;
                while !rest.is_empty() {
                    let n = s.conn.writer().write_vectored(rest)?;
                    if n == 0 && !s.conn.wants_write() {
                        return Err(io::Error::new(io::ErrorKind::WriteZero, "TLS connection refuses data"));
                    }
                    io::IoSlice::advance_slices(&mut rest, n);
                    while s.conn.wants_write() {
                        s.conn.write_tls(&mut s.sock)?;
                    }
                }
                Ok(())
            }
            #[cfg(feature = "compat")]
            TlsStream::Compat(s) => parts.iter().try_for_each(|p| s.write_all(p)),
        }
    }
}

impl Read for TlsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            // Records decrypted before a failing one are the server's last words (a refusal
            // before it drops out of TLS, say): they are delivered first. rustls keeps the
            // error, so the read after them reports it.
            TlsStream::Rustls(s) => s.read(buf).or_else(|e| match s.conn.reader().read(buf) {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(e),
            }),
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
        self.write_all_parts(&mut [io::IoSlice::new(buf)])
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
        Some(rustls::Error::InvalidCertificate(c)) => certificate_refused(c, &verifier.verdict(), verifier.waives_name()),
        // Only before the server's certificate was seen: a refusal after it (a required client
        // certificate, say) has nothing to do with legacy TLS.
        Some(e) if is_legacy_refusal(e) && verifier.verdict().status == CERTIFICATE_NONE => (
            error::eexSSLLegacyServer,
            format!(
                "the server speaks only TLS that rustls does not ({}): it may need TLS 1.0/1.1, CBC, DHE or static-RSA suites; set SSLCompatibilityBackend to reach it",
                plain_tls_error(e)
            ),
        ),
        // What came back is no TLS record: the server speaks its protocol in the clear first.
        Some(rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType)) => {
            (error::eexSSLProtocol, plaintext_answer(params.port))
        }
        Some(rustls::Error::AlertReceived(a)) => (error::eexSSLProtocol, alert_refusal(*a)),
        Some(other) => (error::eexSSLProtocol, format!("TLS handshake failed: {}", plain_tls_error(other))),
        None if e.kind() == io::ErrorKind::UnexpectedEof => {
            (error::eexSSLProtocol, "the server closed the connection during the TLS handshake".to_owned())
        }
        None => (error::eexSSLProtocol, format!("TLS handshake failed: {e}")),
    };
    Error::new(error::CSMAIL_E_CONNECT, eex, text).with_os(&e)
}

/// ErrorInfo's number and text for a refused server certificate, from what the verifier
/// recorded: what is wrong in plain words (every problem it found: an untrusted chain and a
/// wrong name are both told), and what to set. The number follows rustls's reason, which the
/// verifier chose as the first problem the policy did not waive.
fn certificate_refused(reason: &CertificateError, verdict: &Verdict, name_waived: bool) -> (i32, String) {
    let name_advice = |name: &str| {
        if name_waived {
            format!("it {name}")
        } else {
            format!(
                "it {name}: connect by a name it is valid for, set SSLServerName to the name it should be checked against, or set SSLNoServerNameCheck to accept the mismatch"
            )
        }
    };
    let name_first =
        matches!(reason, CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. });
    match (&verdict.chain_error, &verdict.name_error) {
        (_, Some(name)) if name_first => {
            (error::eexSSLCertName, format!("the server's certificate is refused: {}", name_advice(name)))
        }
        (Some(chain), Some(name)) => {
            (error::eexSSLCertificate, format!("the server's certificate {chain}; also, {}", name_advice(name)))
        }
        (Some(chain), None) => (error::eexSSLCertificate, format!("the server's certificate {chain}")),
        (None, Some(name)) => {
            (error::eexSSLCertName, format!("the server's certificate is refused: {}", name_advice(name)))
        }
        // Nothing wrong by the options: the application's validation callback said no.
        (None, None) => (
            error::eexSSLCertificate,
            "the application's validation callback refused the server's certificate".to_owned(),
        ),
    }
}

/// The text when implicit TLS (MODE_CHANNEL) met a server that answered in plain text.
fn plaintext_answer(port: u16) -> String {
    let port = if port == 0 { "this port".to_owned() } else { format!("port {port}") };
    format!(
        "the server answered in plain text, not TLS; {port} probably expects STARTTLS: use MODE_STARTTLS (MODE_CHANNEL is for implicit-TLS ports such as 465 and 995)"
    )
}

/// The text for a TLS alert that ended the handshake, with advice for the ones that have one.
fn alert_refusal(a: AlertDescription) -> String {
    let what = format!("the server refused the TLS handshake (alert \"{}\")", alert_name(a));
    match a {
        AlertDescription::CertificateRequired | AlertDescription::HandshakeFailure => {
            format!("{what}: if it requires a client certificate, set SSLClientCertificateName")
        }
        AlertDescription::UnknownCA | AlertDescription::BadCertificate | AlertDescription::CertificateUnknown => {
            format!("{what}: it did not accept the client certificate (SSLClientCertificateName)")
        }
        _ => what,
    }
}

/// An alert by its name in the TLS specification ("certificate_required").
pub fn alert_name(a: AlertDescription) -> String {
    super::words::camel_words(&format!("{a:?}"), '_')
}

/// A rustls error in words: alerts by their TLS names (rustls's Display shows Rust's).
pub fn plain_tls_error(e: &rustls::Error) -> String {
    match e {
        rustls::Error::AlertReceived(a) => format!("the server sent the alert \"{}\"", alert_name(*a)),
        other => other.to_string(),
    }
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
fn problems(verdict: &Verdict) -> String {
    [verdict.chain_error.as_deref(), verdict.name_error.as_deref()]
        .into_iter()
        .flatten()
        .map(|p| format!("it {p}"))
        .collect::<Vec<_>>()
        .join("; ")
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
    params.config.verifier.start_handshake();
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
    let resumed = conn.handshake_kind() == Some(HandshakeKind::Resumed);
    // A resumed session shows no certificate: report the one its first handshake accepted.
    let verdict = if resumed { params.config.verifier.accepted_for(&params.server_name) } else { verdict };
    let n = negotiated::describe(&conn, verdict.clone());
    (params.record)(&n);
    log.info(LOG_F_SSL, || negotiated::established_line(&n));
    if verdict.status != CERTIFICATE_VALID {
        log.warn(LOG_F_SSL, || format!("certificate accepted by policy despite: {}", problems(&verdict)));
    }
    // A flush of message data (WRITE_CHUNK and the BDAT line before it) fits into rustls's
    // buffer whole, so it goes out as full records in one writev, not as 64 KiB and a remnant.
    conn.set_buffer_limit(Some(WRITE_BUFFER_LIMIT));
    Ok(TlsStream::Rustls(Box::new(StreamOwned::new(conn, tcp))))
}

/// How much plaintext (and how many records' bytes) rustls holds before we drain it to the
/// socket: above the protocol layer's largest flush (64 KiB of data plus its command lines).
const WRITE_BUFFER_LIMIT: usize = 256 * 1024;
