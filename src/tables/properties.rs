// The client and proxy properties (csmail_smtp_/csmail_pop3_/csmail_proxyinfo_ get/set_str and
// get/set_int): id, the object-model name, type, access, default, the objects that have it, and
// the meaning; then the authentication mechanisms and proxy kinds their values come from.
// Included by src/api/properties.rs and build.rs.

properties! { PROPERTIES;
    /// Server host name or address; required before Connect, and the name TLS verifies. On a
    /// proxy: the proxy's host.
    CSMAIL_PROP_HOST = 1, "Host", Str, ReadWrite, default "", [Smtp, Pop3, Imap, Proxy];
    /// Server port; 0 = the default for the mode (SMTP 25, or 465 with MODE_CHANNEL; POP3 110,
    /// or 995 with MODE_CHANNEL; IMAP 143, or 993 with MODE_CHANNEL). On a proxy: 0 = 1080 for SOCKS, 8080 for HTTP, the protocol's
    /// port for a POP3 or SMTP proxy.
    CSMAIL_PROP_PORT = 2, "Port", Int, ReadWrite, default "0", [Smtp, Pop3, Imap, Proxy];
    /// User name; empty = no authentication.
    CSMAIL_PROP_USER = 3, "User", Str, ReadWrite, default "", [Smtp, Pop3, Imap, Proxy];
    /// Password, or the OAuth2 access token with CSMAIL_AUTH_XOAUTH2 and CSMAIL_AUTH_OAUTHBEARER
    /// (write-only).
    CSMAIL_PROP_PASSWORD = 4, "Password", Str, WriteOnly, default "", [Smtp, Pop3, Imap, Proxy];
    /// SMTP EHLO name; empty = the host's FQDN, else the local address literal.
    CSMAIL_PROP_EHLO_NAME = 5, "EhloName", Str, ReadWrite, default "", [Smtp];
    /// Timeout of each network step in milliseconds (1 .. 86400000): the TCP connect, the TLS
    /// handshake, each whole reply, each wait for more message data.
    CSMAIL_PROP_TIMEOUT_MS = 6, "TimeoutMs", Int, ReadWrite, default "30000", [Smtp, Pop3, Imap];
    /// Authentication mechanism (CSMAIL_AUTH_*).
    CSMAIL_PROP_AUTH_MECH = 7, "AuthMechanism", Int, ReadWrite, default "CSMAIL_AUTH_AUTO", [Smtp, Pop3, Imap];
    /// Bound of each whole operation (Connect, Send, Retrieve, ...) in milliseconds, 0 = none
    /// (0 .. 86400000), like libcurl's CURLOPT_TIMEOUT_MS. Reaching it gives CSMAIL_E_TIMEOUT
    /// (eexTimeout) with a text that names this property.
    CSMAIL_PROP_OPERATION_TIMEOUT_MS = 8, "OperationTimeoutMs", Int, ReadWrite, default "0", [Smtp, Pop3, Imap];
    /// Least speed of received message data (POP3 RETR and TOP, IMAP FETCH bodies) in bytes per
    /// second, averaged over each CSMAIL_PROP_LOW_SPEED_TIME_MS; 0 = off. Like libcurl's
    /// CURLOPT_LOW_SPEED_LIMIT. A slower window gives CSMAIL_E_TIMEOUT (eexTimeout) with a text
    /// that names this property.
    CSMAIL_PROP_LOW_SPEED_LIMIT = 9, "LowSpeedLimit", Int, ReadWrite, default "0", [Pop3, Imap];
    /// The window of CSMAIL_PROP_LOW_SPEED_LIMIT in milliseconds (1 .. 86400000), like
    /// libcurl's CURLOPT_LOW_SPEED_TIME.
    CSMAIL_PROP_LOW_SPEED_TIME_MS = 10, "LowSpeedTimeMs", Int, ReadWrite, default "30000", [Pop3, Imap];
    /// 1 while connected.
    CSMAIL_PROP_CONNECTED = 20, "Connected", Int, ReadOnly, default "0", [Smtp, Pop3, Imap];
    /// SMTP: the last reply's code.
    CSMAIL_PROP_REPLY_CODE = 21, "ReplyCode", Int, ReadOnly, default "0", [Smtp];
    /// The last reply's text: SMTP lines joined by LF; POP3 the status line; IMAP the last tagged
    /// status line without its tag ("OK [READ-WRITE] SELECT completed").
    CSMAIL_PROP_REPLY_TEXT = 22, "ReplyText", Str, ReadOnly, default "", [Smtp, Pop3, Imap];
    /// SMTP: the last reply's enhanced status code, e.g. "5.1.1".
    CSMAIL_PROP_REPLY_ENHANCED = 23, "ReplyEnhancedCode", Str, ReadOnly, default "", [Smtp];
    /// The server's capabilities: EHLO keywords, CAPA lines or IMAP capabilities, LF-separated.
    CSMAIL_PROP_CAPABILITIES = 24, "Capabilities", Str, ReadOnly, default "", [Smtp, Pop3, Imap];
    /// 1 when the connection is encrypted.
    CSMAIL_PROP_TLS_ACTIVE = 25, "TlsActive", Int, ReadOnly, default "0", [Smtp, Pop3, Imap];
    /// SOCKS5: 1 lets the proxy resolve the target's name, 0 resolves it here.
    CSMAIL_PROP_PROXY_REMOTE_DNS = 30, "RemoteDns", Int, ReadWrite, default "1", [Proxy];
}

constants! { AUTH_MECHANISMS, "Authentication mechanisms (CSMAIL_PROP_AUTH_MECH)";
    /// Choose the best password mechanism the server offers; never an OAuth2 one, as the
    /// password is not a token. SMTP over TLS: PLAIN, LOGIN, CRAM-MD5; in the clear CRAM-MD5
    /// first. POP3 over TLS: SASL PLAIN, USER/PASS, SASL LOGIN, SASL CRAM-MD5, APOP; in the clear
    /// APOP, SASL CRAM-MD5, then USER/PASS, SASL PLAIN, SASL LOGIN. Nothing usable offered: no
    /// credential is sent (CSMAIL_E_AUTH, eexAuthNotSupported). IMAP: AUTHENTICATE CRAM-MD5 in the
    /// clear, else AUTHENTICATE PLAIN when offered, else the LOGIN command; never LOGIN with
    /// LOGINDISABLED.
    CSMAIL_AUTH_AUTO = 0;
    /// SASL PLAIN (RFC 4616; SMTP AUTH, POP3 AUTH, IMAP AUTHENTICATE).
    CSMAIL_AUTH_PLAIN = 1;
    /// SASL LOGIN (SMTP AUTH, POP3 AUTH, IMAP AUTHENTICATE).
    CSMAIL_AUTH_LOGIN = 2;
    /// SASL CRAM-MD5 (RFC 2195; SMTP AUTH, POP3 AUTH, IMAP AUTHENTICATE).
    CSMAIL_AUTH_CRAM_MD5 = 3;
    /// SASL XOAUTH2 (SMTP AUTH, POP3 AUTH, IMAP AUTHENTICATE; Password holds the OAuth2 access token).
    CSMAIL_AUTH_XOAUTH2 = 4;
    /// POP3 USER/PASS; the IMAP LOGIN command.
    CSMAIL_AUTH_USER_PASS = 5;
    /// POP3 APOP.
    CSMAIL_AUTH_APOP = 6;
    /// SASL OAUTHBEARER (RFC 7628; SMTP AUTH, POP3 AUTH; Password holds the OAuth2 access token).
    CSMAIL_AUTH_OAUTHBEARER = 7;
}
