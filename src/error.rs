//! Result codes, the legacy `eex*` extended-error numbers, and the crate's error type.
//!
//! Two levels, as the legacy library had them: every C function returns a coarse result code
//! (0 = success, like the VB `Err.Number` category), and the detail goes into the client's
//! ErrorInfo: `Number` (an `eex*` value), `Text` and `OSError`.
//!
//! The `eex*` values 1001–1407 are exactly those of the CSMail/SSL supplement (seed 002). New
//! numbers live in new ranges and are never renumbered: 1501–1599 protocol and connection
//! conditions the legacy table had no number for, 1601–1699 API misuse.
#![allow(non_upper_case_globals)]

use std::fmt;

// ---- result codes (the return value of every C function) ----

/// Success.
pub const CSMAIL_OK: i32 = 0;
/// A handle is NULL, already released, or of another object type.
pub const CSMAIL_E_INVALID_HANDLE: i32 = 1;
/// An argument is invalid: NULL where a value is needed, bad UTF-8, CR/LF/NUL on a command line,
/// an unknown property or option, an out-of-range value.
pub const CSMAIL_E_INVALID_ARGUMENT: i32 = 2;
/// The caller's buffer is too small; the size needed was reported.
pub const CSMAIL_E_BUFFER_TOO_SMALL: i32 = 3;
/// The object or operation is not supported (yet).
pub const CSMAIL_E_NOT_SUPPORTED: i32 = 4;
/// A callback called an operation on the client that is running it.
pub const CSMAIL_E_REENTRANT: i32 = 5;
/// Another thread is running an operation on this client.
pub const CSMAIL_E_BUSY: i32 = 6;
/// A Rust panic was caught at the boundary (a bug in csmail).
pub const CSMAIL_E_PANIC: i32 = 7;
/// The operation needs a connection and there is none.
pub const CSMAIL_E_NOT_CONNECTED: i32 = 8;
/// Connecting failed: name resolution, TCP, TLS handshake, greeting, STARTTLS/STLS (legacy errConnect).
pub const CSMAIL_E_CONNECT: i32 = 10;
/// Authentication failed or no usable mechanism.
pub const CSMAIL_E_AUTH: i32 = 11;
/// The server refused a command (a 4xx/5xx SMTP reply or a POP3 -ERR).
pub const CSMAIL_E_SERVER: i32 = 12;
/// The connection failed while sending or receiving.
pub const CSMAIL_E_NETWORK: i32 = 13;
/// A network step took longer than the client's timeout.
pub const CSMAIL_E_TIMEOUT: i32 = 14;
/// The operation was ended by csmail_*_abort or by a callback's request.
pub const CSMAIL_E_ABORTED: i32 = 15;
/// The message data and terminator were sent but the final reply never came: the message may or
/// may not have been delivered.
pub const CSMAIL_E_DELIVERY_UNKNOWN: i32 = 16;
/// The server broke the protocol: malformed, over-long or never-ending replies, bytes injected
/// after STARTTLS/STLS.
pub const CSMAIL_E_PROTOCOL: i32 = 17;
/// A message source or sink failed (file, read or write callback).
pub const CSMAIL_E_IO: i32 = 18;
/// The TLS configuration is unusable (no protocol or cipher left, unreadable CA file).
pub const CSMAIL_E_TLS_CONFIG: i32 = 19;

// ---- eex numbers from seed 002 (exact) ----
pub const eexProxyNoconn: i32 = 1001;
pub const eexProxySocketerror: i32 = 1002;
pub const eexProxyServerclosedport: i32 = 1003;
pub const eexProxyException: i32 = 1004;
pub const eexProxyUnexpecteddefault: i32 = 1005;
pub const eexProxyRequestfailed: i32 = 1006;
pub const eexProxyAuthrequired: i32 = 1007;
pub const eexProxyAuthtypeunknown: i32 = 1008;
pub const eexProxyAuthfailed: i32 = 1009;
pub const eexProxyAuthnologon: i32 = 1010;
pub const eexNoExtended: i32 = 1101;
pub const eexDNS: i32 = 1102;
pub const eexTCPConnect: i32 = 1103;
pub const eexSocketTx: i32 = 1104;
pub const eexSocketRx: i32 = 1105;
pub const eexSocket: i32 = 1106;
pub const eexNotConnected: i32 = 1107;
pub const eexPopServer: i32 = 1201;
pub const eexSmtpServer: i32 = 1301;
pub const eexSSLW32: i32 = 1401;
pub const eexSSLConnected: i32 = 1403;
pub const eexSSLNocontext: i32 = 1404;
pub const eexSSLCertName: i32 = 1405;
pub const eexSSLProtocol: i32 = 1406;
pub const eexSSLCertificate: i32 = 1407;

// ---- new: protocol and connection conditions (1501-1599) ----
/// A network step took longer than the timeout.
pub const eexTimeout: i32 = 1501;
/// The operation was aborted by the application.
pub const eexAborted: i32 = 1502;
/// The DATA terminator was sent but no final reply arrived: delivery unknown.
pub const eexDeliveryUnknown: i32 = 1503;
/// TLS is required (SSLInfo in MODE_STARTTLS) and the server does not offer STARTTLS/STLS.
pub const eexStartTlsNotOffered: i32 = 1504;
/// The server refused STARTTLS/STLS while TLS is required.
pub const eexStartTlsRefused: i32 = 1505;
/// The server sent bytes after its STARTTLS/STLS reply and before the handshake (injection).
pub const eexStartTlsInjection: i32 = 1506;
/// A reply line or a multi-line reply exceeded its size limit.
pub const eexReplyTooLong: i32 = 1507;
/// A reply did not follow the protocol's syntax.
pub const eexMalformedReply: i32 = 1508;
/// The server closed the connection in the middle of a reply.
pub const eexConnectionClosed: i32 = 1509;
/// No authentication mechanism offered by the server is usable (or the chosen one is not offered).
pub const eexAuthNotSupported: i32 = 1510;
/// An address needs SMTPUTF8 and the server does not offer it.
pub const eexSmtpUtf8Required: i32 = 1511;
/// The message source (file or read callback) failed.
pub const eexMessageSource: i32 = 1512;
/// The message sink (file or write callback) failed.
pub const eexMessageSink: i32 = 1513;
/// The TLS configuration leaves nothing to negotiate, or a CA file cannot be used.
pub const eexTlsConfig: i32 = 1514;
/// The message is larger than the SIZE the server advertised.
pub const eexMessageTooLarge: i32 = 1515;
/// The server speaks only TLS that rustls does not (TLS 1.0/1.1, CBC-only, DHE-only, static
/// RSA): the compatibility backend (SSLCompatibilityBackend) can reach it.
pub const eexSSLLegacyServer: i32 = 1516;

// ---- new: API misuse (1601-1699) ----
/// NULL, released or wrong-type handle.
pub const eexInvalidHandle: i32 = 1601;
/// Invalid argument (NULL pointer, value out of range, unknown property).
pub const eexInvalidArgument: i32 = 1602;
/// A string argument is not valid UTF-8.
pub const eexInvalidUtf8: i32 = 1603;
/// CR, LF or NUL in an argument that reaches a command line.
pub const eexForbiddenCharacter: i32 = 1604;
/// The caller's buffer is too small.
pub const eexBufferTooSmall: i32 = 1605;
/// A callback re-entered the client running it.
pub const eexReentrant: i32 = 1606;
/// Another thread is running an operation on the client.
pub const eexBusy: i32 = 1607;
/// Not supported.
pub const eexNotSupported: i32 = 1608;
/// An output-only SSLInfo option cannot be set.
pub const eexReadOnlyOption: i32 = 1609;
/// An unknown SSLInfo option index or client property.
pub const eexUnknownOption: i32 = 1610;
/// A legacy protocol or cipher value no modern engine speaks (SSL2, SSL3, PCT1, RC2, RC4, DES, SKIPJACK).
pub const eexLegacyValue: i32 = 1611;
/// A panic was caught at the C boundary.
pub const eexPanic: i32 = 1612;
/// Connect was called on a connected client.
pub const eexAlreadyConnected: i32 = 1613;

// ---- new: the Message object (1701-1799) ----
/// An e-mail address is not valid (syntax, forbidden characters, or a display name that would
/// carry an address of its own).
pub const eexInvalidAddress: i32 = 1701;
/// A section's file name would leave the target folder (path separators, "..", an absolute
/// path, a Windows device name) or is empty.
pub const eexUnsafeFileName: i32 = 1702;
/// A message goes over the MIME limits (nesting depth or number of parts).
pub const eexMimeLimit: i32 = 1703;
/// The message has no sender (From or Sender) or no recipient (To, Cc, Bcc) to send to.
pub const eexNoEnvelope: i32 = 1704;
/// A header name or value is not allowed (CR, LF or NUL in a value, a name that is not
/// printable ASCII without ':', a header csmail manages itself).
pub const eexInvalidHeader: i32 = 1705;

/// The static description of a result code (for `csmail_strerror`).
pub fn result_text(code: i32) -> &'static str {
    match code {
        CSMAIL_OK => "success",
        CSMAIL_E_INVALID_HANDLE => "invalid handle (NULL, released, or of another type)",
        CSMAIL_E_INVALID_ARGUMENT => "invalid argument",
        CSMAIL_E_BUFFER_TOO_SMALL => "buffer too small",
        CSMAIL_E_NOT_SUPPORTED => "not supported",
        CSMAIL_E_REENTRANT => "re-entrant call from a callback",
        CSMAIL_E_BUSY => "another operation is in progress on this client",
        CSMAIL_E_PANIC => "internal error (panic caught)",
        CSMAIL_E_NOT_CONNECTED => "not connected",
        CSMAIL_E_CONNECT => "connect failed",
        CSMAIL_E_AUTH => "authentication failed",
        CSMAIL_E_SERVER => "the server refused the command",
        CSMAIL_E_NETWORK => "network error",
        CSMAIL_E_TIMEOUT => "timed out",
        CSMAIL_E_ABORTED => "aborted",
        CSMAIL_E_DELIVERY_UNKNOWN => "delivery unknown: the connection ended after the message was sent",
        CSMAIL_E_PROTOCOL => "protocol violation by the server",
        CSMAIL_E_IO => "message source or sink failed",
        CSMAIL_E_TLS_CONFIG => "unusable TLS configuration",
        _ => "unknown result code",
    }
}

/// Everything a failure carries: the result code, the ErrorInfo number, text and OS error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub result: i32,
    pub eex: i32,
    pub text: String,
    pub os_error: i32,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(result: i32, eex: i32, text: impl Into<String>) -> Error {
        Error { result, eex, text: text.into(), os_error: 0 }
    }
    pub fn with_os(mut self, e: &std::io::Error) -> Error {
        self.os_error = e.raw_os_error().unwrap_or(0);
        self
    }
    pub fn invalid_arg(text: impl Into<String>) -> Error {
        Error::new(CSMAIL_E_INVALID_ARGUMENT, eexInvalidArgument, text)
    }
    pub fn invalid_handle(what: &str) -> Error {
        Error::new(
            CSMAIL_E_INVALID_HANDLE,
            eexInvalidHandle,
            format!("{what}: NULL, released, or not a handle of this type"),
        )
    }
    pub fn not_connected() -> Error {
        Error::new(CSMAIL_E_NOT_CONNECTED, eexNotConnected, "not connected to a server")
    }
    pub fn aborted() -> Error {
        Error::new(CSMAIL_E_ABORTED, eexAborted, "the operation was aborted")
    }
    pub fn timeout(step: &str) -> Error {
        Error::new(CSMAIL_E_TIMEOUT, eexTimeout, format!("timed out while {step}"))
    }
    pub fn protocol(eex: i32, text: impl Into<String>) -> Error {
        Error::new(CSMAIL_E_PROTOCOL, eex, text)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (eex {}): {}", result_text(self.result), self.eex, self.text)
    }
}

impl std::error::Error for Error {}
