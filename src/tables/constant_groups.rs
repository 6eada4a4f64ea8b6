// The groups of plain constants, in the order the header, the README and the bindings show them.
// Written once: the library includes it (`csmail::api::constant_groups`, which the COM server's
// type library reads) and so does build.rs's codegen (`data::groups`).
[
    &properties::AUTH_MECHANISMS,
    &proxyinfo::PROXY_KINDS,
    &log::LOG_SEVERITIES,
    &log::LOG_FACILITIES,
    &options::SSL_MODES,
    &options::SSL_PROTOCOLS,
    &options::SSL_CIPHERS,
    &options::SSL_HASHES,
    &options::SSL_EXCHANGES,
    &options::SSL_GROUPS,
    &options::CERT_POLICY_FLAGS,
    &options::CERTIFICATE_STATUSES,
    &options::OPTION_TYPES,
    &message::MESSAGE_LIMITS,
    &imap::IMAP_FETCH_ITEMS,
    &imap::IMAP_FETCHED_FIELDS,
    &imap::IMAP_PART_FIELDS,
    &imap::IMAP_SEARCH_KEYS,
]
