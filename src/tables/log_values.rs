// The LogHandler's Level (severities) and Facility (flags), seed 002. Included by src/log.rs and
// build.rs.

constants! { LOG_SEVERITIES, "LogHandler.Level and the severity of a message";
    /// Only fatal incidents.
    LOG_S_FATAL = 1;
    /// Warnings and fatal incidents.
    LOG_S_WARNING = 2;
    /// Everything, including every command and reply (the greatest detail).
    LOG_S_INFORMATION = 3;
}

constants! { LOG_FACILITIES, "LogHandler.Facility (flags) and the facility of a message";
    /// SMTP/POP3 protocol: every command and reply.
    LOG_F_PROTOCOL = 1;
    /// TLS: handshake, negotiated parameters, certificate.
    LOG_F_SSL = 2;
    /// Proxy connections.
    LOG_F_PROXY = 4;
    /// Connection and user-level events (resolving, connecting, progress of operations).
    LOG_F_USER = 8;
    /// All facilities.
    LOG_F_ALL = LOG_F_PROTOCOL | LOG_F_SSL | LOG_F_PROXY | LOG_F_USER;
}
