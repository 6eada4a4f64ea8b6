// The kinds of proxy handler (csmail_proxyinfo_new); their property, CSMAIL_PROP_PROXY_REMOTE_DNS,
// is in the property table. Included by src/api/proxyinfo.rs and build.rs.

constants! { PROXY_KINDS, "Proxy kinds (csmail_proxyinfo_new)";
    /// SOCK4ProxyInfo: SOCKS version 4 (the target's IPv4 address is resolved here).
    CSMAIL_PROXY_SOCKS4 = 1;
    /// SOCKS version 4a (the proxy resolves the target's name).
    CSMAIL_PROXY_SOCKS4A = 2;
    /// SOCK5ProxyInfo: SOCKS version 5, no authentication or user/password.
    CSMAIL_PROXY_SOCKS5 = 3;
    /// HTTP CONNECT, with Basic authentication when a user is set.
    CSMAIL_PROXY_HTTP = 4;
    /// POP3ProxyInfo: a POP3 proxy logged into as `USER name@target-host`.
    CSMAIL_PROXY_POP3 = 5;
    /// SMTPProxyInfo: an SMTP relay that takes the message instead of the target.
    CSMAIL_PROXY_SMTP = 6;
}
