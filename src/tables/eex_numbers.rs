// The ErrorInfo numbers (eex). 1001-1407 are exactly those of the CSMail/SSL supplement (seed
// 002), with its notes as texts. New numbers live in new ranges and are never renumbered:
// 1501-1599 protocol and connection conditions the legacy table had no number for, 1601-1699 API
// misuse, 1701-1799 the Message object, 1801-1899 IMAP. Included by src/error.rs and build.rs.
eex_numbers! {
    /// The object was unable to create a TCP connection to the proxy server.
    eexProxyNoconn = 1001;
    /// A socket error occurred while communicating with the proxy server.
    eexProxySocketerror = 1002;
    /// The proxy server unexpectedly closed the connection.
    eexProxyServerclosedport = 1003;
    /// An internal error occurred while communicating with the proxy server.
    eexProxyException = 1004;
    /// An unexpected error occurred while communicating with the proxy server.
    eexProxyUnexpecteddefault = 1005;
    /// The proxy server rejected the request.
    eexProxyRequestfailed = 1006;
    /// The proxy server requires authentication but no credentials have been supplied.
    eexProxyAuthrequired = 1007;
    /// The proxy server does not support the authentication mechanism requested by the client.
    eexProxyAuthtypeunknown = 1008;
    /// The proxy server has rejected the client's credentials.
    eexProxyAuthfailed = 1009;
    /// The proxy could not confirm the client's logon (SOCKS4: identd on the client unreachable or
    /// reporting another user); the supplement gives no note.
    eexProxyAuthnologon = 1010;
    /// No extended error information is available (the supplement gives no note).
    eexNoExtended = 1101;
    /// The server or proxy name cannot be found in the DNS.
    eexDNS = 1102;
    /// The client cannot connect to the server or proxy.
    eexTCPConnect = 1103;
    /// A network error has occurred while sending data.
    eexSocketTx = 1104;
    /// A network error has occurred while receiving data.
    eexSocketRx = 1105;
    /// A network error has occurred.
    eexSocket = 1106;
    /// The object is not connected to the server or proxy.
    eexNotConnected = 1107;
    /// The POP3 server has reported an error.
    eexPopServer = 1201;
    /// The SMTP server has reported an error.
    eexSmtpServer = 1301;
    /// An error has occurred during an SSL operation.
    eexSSLW32 = 1401;
    /// Attempt to change the properties of an existing SSL connection.
    eexSSLConnected = 1403;
    /// Attempt to perform an operation on an un-established SSL connection.
    eexSSLNocontext = 1404;
    /// The name on the host's certificate does not match its hostname.
    eexSSLCertName = 1405;
    /// An SSL protocol error occurred.
    eexSSLProtocol = 1406;
    /// The certificate is invalid.
    eexSSLCertificate = 1407;
    /// A network step took longer than the timeout.
    eexTimeout = 1501;
    /// The operation was aborted by the application.
    eexAborted = 1502;
    /// The DATA terminator was sent but no final reply arrived: delivery unknown.
    eexDeliveryUnknown = 1503;
    /// TLS is required (SSLInfo in MODE_STARTTLS) and the server does not offer STARTTLS/STLS.
    eexStartTlsNotOffered = 1504;
    /// The server refused STARTTLS/STLS while TLS is required.
    eexStartTlsRefused = 1505;
    /// The server sent bytes after its STARTTLS/STLS reply and before the handshake (injection).
    eexStartTlsInjection = 1506;
    /// A reply line or a multi-line reply exceeded its size limit.
    eexReplyTooLong = 1507;
    /// A reply did not follow the protocol's syntax.
    eexMalformedReply = 1508;
    /// The server closed the connection in the middle of a reply.
    eexConnectionClosed = 1509;
    /// No authentication mechanism offered by the server is usable (or the chosen one is not
    /// offered).
    eexAuthNotSupported = 1510;
    /// An address needs SMTPUTF8 and the server does not offer it.
    eexSmtpUtf8Required = 1511;
    /// The message source (file or read callback) failed.
    eexMessageSource = 1512;
    /// The message sink (file or write callback) failed.
    eexMessageSink = 1513;
    /// The TLS configuration leaves nothing to negotiate, or a CA file cannot be used.
    eexTlsConfig = 1514;
    /// The message is larger than the SIZE the server advertised.
    eexMessageTooLarge = 1515;
    /// The server speaks only TLS that rustls does not (TLS 1.0/1.1, CBC-only, DHE-only, static
    /// RSA): the compatibility backend (SSLCompatibilityBackend) can reach it.
    eexSSLLegacyServer = 1516;
    /// NULL, released or wrong-type handle.
    eexInvalidHandle = 1601;
    /// Invalid argument (NULL pointer, value out of range, unknown property).
    eexInvalidArgument = 1602;
    /// A string argument is not valid UTF-8.
    eexInvalidUtf8 = 1603;
    /// CR, LF or NUL in an argument that reaches a command line.
    eexForbiddenCharacter = 1604;
    /// The caller's buffer is too small.
    eexBufferTooSmall = 1605;
    /// A callback re-entered the client running it.
    eexReentrant = 1606;
    /// Another thread is running an operation on the client.
    eexBusy = 1607;
    /// Not supported.
    eexNotSupported = 1608;
    /// An output-only SSLInfo option cannot be set.
    eexReadOnlyOption = 1609;
    /// An unknown SSLInfo option index or client property.
    eexUnknownOption = 1610;
    /// A legacy protocol or cipher value no modern engine speaks (SSL2, SSL3, PCT1, RC2, RC4, DES,
    /// SKIPJACK).
    eexLegacyValue = 1611;
    /// A panic was caught at the C boundary.
    eexPanic = 1612;
    /// Connect was called on a connected client.
    eexAlreadyConnected = 1613;
    /// An e-mail address is not valid (syntax, forbidden characters, or a display name that would
    /// carry an address of its own).
    eexInvalidAddress = 1701;
    /// A section's file name would leave the target folder (path separators, "..", an absolute
    /// path, a Windows device name) or is empty.
    eexUnsafeFileName = 1702;
    /// A message goes over the MIME limits (nesting depth or number of parts).
    eexMimeLimit = 1703;
    /// The message has no sender (From or Sender) or no recipient (To, Cc, Bcc) to send to.
    eexNoEnvelope = 1704;
    /// A header name or value is not allowed (a name that is not printable ASCII without ':', a
    /// MIME header that belongs to the sections).
    eexInvalidHeader = 1705;
    /// The IMAP server answered NO: it refused the command (its response code, e.g. [TRYCREATE],
    /// [AUTHENTICATIONFAILED], is in the text).
    eexImapNo = 1801;
    /// The IMAP server answered BAD: it did not accept the command's syntax or state.
    eexImapBad = 1802;
    /// The IMAP server ended the session (an untagged BYE outside LOGOUT).
    eexImapBye = 1803;
}
