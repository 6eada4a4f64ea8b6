//! Client properties: one integer id per property, typed get/set functions, like SSLInfo's
//! Option table (and curl's setopt) but with a fixed type per id.

/// Server host name or address (string). Required before Connect. Also the name TLS verifies.
pub const CSMAIL_PROP_HOST: i32 = 1;
/// Server port (int); 0 = the default for the mode (SMTP 25, or 465 with MODE_CHANNEL;
/// POP3 110, or 995 with MODE_CHANNEL).
pub const CSMAIL_PROP_PORT: i32 = 2;
/// User name (string); empty = no authentication.
pub const CSMAIL_PROP_USER: i32 = 3;
/// Password, or the OAuth2 token with CSMAIL_AUTH_XOAUTH2 (string, write-only).
pub const CSMAIL_PROP_PASSWORD: i32 = 4;
/// SMTP EHLO name (string); empty = the host's FQDN, else the local address literal.
pub const CSMAIL_PROP_EHLO_NAME: i32 = 5;
/// Timeout of each network step in milliseconds (int, 1 .. 86400000; default 30000).
pub const CSMAIL_PROP_TIMEOUT_MS: i32 = 6;
/// Authentication mechanism (int, CSMAIL_AUTH_*).
pub const CSMAIL_PROP_AUTH_MECH: i32 = 7;
/// 1 while connected (int, read-only).
pub const CSMAIL_PROP_CONNECTED: i32 = 20;
/// SMTP: the last reply's code (int, read-only).
pub const CSMAIL_PROP_REPLY_CODE: i32 = 21;
/// The last reply's text (string, read-only): SMTP lines joined by LF; POP3 the status line.
pub const CSMAIL_PROP_REPLY_TEXT: i32 = 22;
/// SMTP: the last reply's enhanced status code, e.g. "5.1.1" (string, read-only).
pub const CSMAIL_PROP_REPLY_ENHANCED: i32 = 23;
/// The server's capabilities (string, read-only): EHLO keywords or CAPA lines, LF-separated.
pub const CSMAIL_PROP_CAPABILITIES: i32 = 24;
/// 1 when the connection is encrypted (int, read-only).
pub const CSMAIL_PROP_TLS_ACTIVE: i32 = 25;

/// Choose the best mechanism the server offers (SMTP over TLS: PLAIN, LOGIN, CRAM-MD5; in the
/// clear CRAM-MD5 first. POP3: SASL PLAIN over TLS, APOP in the clear when offered, else USER/PASS).
pub const CSMAIL_AUTH_AUTO: i32 = 0;
/// SASL PLAIN (SMTP AUTH PLAIN, POP3 AUTH PLAIN).
pub const CSMAIL_AUTH_PLAIN: i32 = 1;
/// SMTP AUTH LOGIN.
pub const CSMAIL_AUTH_LOGIN: i32 = 2;
/// SMTP AUTH CRAM-MD5.
pub const CSMAIL_AUTH_CRAM_MD5: i32 = 3;
/// SMTP AUTH XOAUTH2 (Password holds the token).
pub const CSMAIL_AUTH_XOAUTH2: i32 = 4;
/// POP3 USER/PASS.
pub const CSMAIL_AUTH_USER_PASS: i32 = 5;
/// POP3 APOP.
pub const CSMAIL_AUTH_APOP: i32 = 6;
