// The result codes: the return value of every C function (0 = success, like the VB `Err.Number`
// category); the detail goes into the client's ErrorInfo. One row each: doc (the meaning), value,
// the short text csmail_strerror returns, and legacy names. Included by src/error.rs and build.rs.
result_codes! {
    /// Success.
    CSMAIL_OK = 0, "success";
    /// A handle is NULL, already released, or of another object type.
    CSMAIL_E_INVALID_HANDLE = 1, "invalid handle (NULL, released, or of another type)";
    /// An argument is invalid: NULL where a value is needed, bad UTF-8, CR/LF/NUL on a command
    /// line, an unknown property or option, an out-of-range value.
    CSMAIL_E_INVALID_ARGUMENT = 2, "invalid argument";
    /// The caller's buffer is too small; the size needed was reported.
    CSMAIL_E_BUFFER_TOO_SMALL = 3, "buffer too small";
    /// The object or operation is not supported: not an advanced handler, SMTPUTF8 needed but not
    /// offered, a write-only property read.
    CSMAIL_E_NOT_SUPPORTED = 4, "not supported";
    /// A callback called an operation on the client that is running it.
    CSMAIL_E_REENTRANT = 5, "re-entrant call from a callback";
    /// Another thread is running an operation on this client.
    CSMAIL_E_BUSY = 6, "another operation is in progress on this client";
    /// A Rust panic was caught at the boundary (a bug in csmail).
    CSMAIL_E_PANIC = 7, "internal error (panic caught)";
    /// The operation needs a connection and there is none.
    CSMAIL_E_NOT_CONNECTED = 8, "not connected";
    /// Connecting failed: name resolution, TCP, TLS handshake, greeting, STARTTLS/STLS (the
    /// legacy VB error errConnect).
    CSMAIL_E_CONNECT = 10, "connect failed", legacy errConnect;
    /// Authentication failed or no usable mechanism.
    CSMAIL_E_AUTH = 11, "authentication failed";
    /// The server refused a command (a 4xx/5xx SMTP reply or a POP3 -ERR).
    CSMAIL_E_SERVER = 12, "the server refused the command";
    /// The connection failed while sending or receiving.
    CSMAIL_E_NETWORK = 13, "network error";
    /// A network step took longer than the client's timeout.
    CSMAIL_E_TIMEOUT = 14, "timed out";
    /// The operation was ended by csmail_*_abort or by a callback's request.
    CSMAIL_E_ABORTED = 15, "aborted";
    /// The message data and terminator were sent but the final reply never came (the connection
    /// ended or the wait for the reply timed out): the message may or may not have been delivered.
    CSMAIL_E_DELIVERY_UNKNOWN = 16, "delivery unknown: the message was sent, but the connection ended or timed out before the server's final reply";
    /// The server broke the protocol: malformed, over-long or never-ending replies, bytes
    /// injected after STARTTLS/STLS.
    CSMAIL_E_PROTOCOL = 17, "protocol violation by the server";
    /// A message source or sink failed (file, read or write callback).
    CSMAIL_E_IO = 18, "message source or sink failed";
    /// The TLS configuration is unusable (no protocol or cipher left, unreadable CA file).
    CSMAIL_E_TLS_CONFIG = 19, "unusable TLS configuration";
    /// csmail refused to send, before sending anything, what the server announced it would not
    /// accept: a message over its SIZE, an address that is not ASCII when it does not offer
    /// SMTPUTF8. The reply properties are cleared: no server reply belongs to this.
    CSMAIL_E_REFUSED_LOCALLY = 20, "refused before sending: the server announced it would not accept this";
}
