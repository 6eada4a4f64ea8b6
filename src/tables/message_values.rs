// The Message object's values: the Section properties (csmail_section_get_str / set_str) and the
// limits that keep hostile messages in bounds. Included by src/message/mod.rs and build.rs.

properties! { SECTION_PROPERTIES;
    /// The content type, `type/subtype` (e.g. `application/pdf`); setting NULL is refused.
    CSMAIL_SECTION_CONTENT_TYPE = 1, "ContentType", Str, ReadWrite, default "text/plain", [Section];
    /// The charset parameter (e.g. `utf-8`, `iso-8859-1`).
    CSMAIL_SECTION_CHARSET = 2, "Charset", Str, ReadWrite, default "", [Section];
    /// The Content-Transfer-Encoding it was received with (read-only: csmail chooses one when
    /// writing).
    CSMAIL_SECTION_TRANSFER_ENCODING = 3, "ContentTransferEncoding", Str, ReadOnly, default "", [Section];
    /// The file name (Content-Disposition filename, RFC 2231 for long and non-ASCII names).
    CSMAIL_SECTION_FILE_NAME = 4, "FileName", Str, ReadWrite, default "", [Section];
    /// The Content-ID, without angle brackets.
    CSMAIL_SECTION_CONTENT_ID = 5, "ContentID", Str, ReadWrite, default "", [Section];
    /// The disposition: `attachment`, `inline` or empty.
    CSMAIL_SECTION_DISPOSITION = 6, "Disposition", Str, ReadWrite, default "", [Section];
}

constants! { MESSAGE_LIMITS, "Message limits (csmail_message_limits_exceeded)";
    /// How deep multiparts may nest (the message body is depth 0).
    CSMAIL_MESSAGE_MAX_DEPTH = 32;
    /// How many sections (every multipart and leaf part) a message may have.
    CSMAIL_MESSAGE_MAX_PARTS = 1000;
    /// How many header fields a message or section may have when composing.
    CSMAIL_MESSAGE_MAX_HEADERS = 1000;
}
