// The IMAPClient's values: what csmail_imap_fetch_info asks for, the fields of a fetched message
// and of each of its MIME parts, and the keys of the search builder. Included by
// src/api/imap_objects.rs and build.rs.

constants! { IMAP_FETCH_ITEMS, "IMAP fetch items (csmail_imap_fetch_info, OR them together)";
    /// FLAGS: the message's flags.
    CSMAIL_FETCH_ITEM_FLAGS = 0x01;
    /// RFC822.SIZE: the message's size in octets.
    CSMAIL_FETCH_ITEM_SIZE = 0x02;
    /// INTERNALDATE: when the server received the message.
    CSMAIL_FETCH_ITEM_INTERNAL_DATE = 0x04;
    /// ENVELOPE: subject, first sender, date and Message-ID.
    CSMAIL_FETCH_ITEM_ENVELOPE = 0x08;
    /// BODYSTRUCTURE: the MIME parts with their section numbers.
    CSMAIL_FETCH_ITEM_BODYSTRUCTURE = 0x10;
    /// All of the above.
    CSMAIL_FETCH_ITEM_ALL = 0x1F;
}

constants! { IMAP_FETCHED_FIELDS, "Fields of a fetched message (csmail_fetchlist_get_int / _get_str)";
    /// The message sequence number (number).
    CSMAIL_FETCHED_NUMBER = 1;
    /// The UID (number; always fetched).
    CSMAIL_FETCHED_UID = 2;
    /// The size in octets (number; 0 unless CSMAIL_FETCH_ITEM_SIZE).
    CSMAIL_FETCHED_SIZE = 3;
    /// How many MIME parts csmail_fetchlist_part_get_* can read (number; 0 unless
    /// CSMAIL_FETCH_ITEM_BODYSTRUCTURE): every part, multiparts included, depth first.
    CSMAIL_FETCHED_PART_COUNT = 4;
    /// The flags, space-separated ("\Seen \Flagged"; string).
    CSMAIL_FETCHED_FLAGS = 10;
    /// The internal date as the server wrote it ("17-Jul-1996 02:44:25 -0700"; string).
    CSMAIL_FETCHED_INTERNAL_DATE = 11;
    /// The envelope's subject, as sent (encoded words are not decoded; string).
    CSMAIL_FETCHED_SUBJECT = 12;
    /// The envelope's first From address, `mailbox@host` (string).
    CSMAIL_FETCHED_FROM = 13;
    /// The envelope's Date header (string).
    CSMAIL_FETCHED_DATE = 14;
    /// The envelope's Message-ID, with its angle brackets (string).
    CSMAIL_FETCHED_MESSAGE_ID = 15;
}

constants! { IMAP_PART_FIELDS, "Fields of a MIME part of a fetched message (csmail_fetchlist_part_get_int / _get_str)";
    /// How deep the part is: 0 for the message's body, 1 for its parts ... (number).
    CSMAIL_PART_DEPTH = 1;
    /// The size of the encoded content in octets (number; 0 for a multipart).
    CSMAIL_PART_SIZE = 2;
    /// Lines of a text or message/rfc822 part (number; 0 for others).
    CSMAIL_PART_LINES = 3;
    /// How many parts the part has (number: a multipart's parts, 1 for message/rfc822).
    CSMAIL_PART_CHILD_COUNT = 4;
    /// The section that fetches the part with csmail_imap_fetch_cb: "1", "2.1", "3.TEXT";
    /// "TEXT" for the body of a multipart message (string).
    CSMAIL_PART_SECTION = 10;
    /// `type/subtype`, lower-case (string).
    CSMAIL_PART_MIME_TYPE = 11;
    /// The charset parameter as sent, "" when none (string).
    CSMAIL_PART_CHARSET = 12;
    /// The Content-Transfer-Encoding, lower-case: "base64", "quoted-printable" ... (string).
    CSMAIL_PART_ENCODING = 13;
    /// The disposition, lower-case: "attachment", "inline" or "" (string).
    CSMAIL_PART_DISPOSITION = 14;
    /// The disposition's filename, else the content type's name, else "" (string).
    CSMAIL_PART_FILE_NAME = 15;
    /// The Content-ID, as sent (string).
    CSMAIL_PART_CONTENT_ID = 16;
    /// The Content-Description (string).
    CSMAIL_PART_DESCRIPTION = 17;
    /// The Content-Language tags, space-separated (string).
    CSMAIL_PART_LANGUAGE = 18;
}

constants! { IMAP_SEARCH_KEYS, "IMAP search keys (csmail_search_add, _add_str, _add_number, _add_date)";
    /// Every message (csmail_search_add).
    CSMAIL_SEARCH_ALL = 1;
    /// \Seen set (csmail_search_add).
    CSMAIL_SEARCH_SEEN = 2;
    /// \Seen not set (csmail_search_add).
    CSMAIL_SEARCH_UNSEEN = 3;
    /// \Flagged set (csmail_search_add).
    CSMAIL_SEARCH_FLAGGED = 4;
    /// \Flagged not set (csmail_search_add).
    CSMAIL_SEARCH_UNFLAGGED = 5;
    /// \Answered set (csmail_search_add).
    CSMAIL_SEARCH_ANSWERED = 6;
    /// \Answered not set (csmail_search_add).
    CSMAIL_SEARCH_UNANSWERED = 7;
    /// \Deleted set (csmail_search_add).
    CSMAIL_SEARCH_DELETED = 8;
    /// \Deleted not set (csmail_search_add).
    CSMAIL_SEARCH_UNDELETED = 9;
    /// \Draft set (csmail_search_add).
    CSMAIL_SEARCH_DRAFT = 10;
    /// \Draft not set (csmail_search_add).
    CSMAIL_SEARCH_UNDRAFT = 11;
    /// Recent and unseen (IMAP4rev1; csmail_search_add).
    CSMAIL_SEARCH_NEW = 12;
    /// From contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_FROM = 20;
    /// To contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_TO = 21;
    /// Cc contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_CC = 22;
    /// Bcc contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_BCC = 23;
    /// Subject contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_SUBJECT = 24;
    /// The body contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_BODY = 25;
    /// The header or the body contains the string (csmail_search_add_str).
    CSMAIL_SEARCH_TEXT = 26;
    /// The keyword flag is set (csmail_search_add_str).
    CSMAIL_SEARCH_KEYWORD = 27;
    /// The keyword flag is not set (csmail_search_add_str).
    CSMAIL_SEARCH_UNKEYWORD = 28;
    /// Larger than the number of octets (csmail_search_add_number).
    CSMAIL_SEARCH_LARGER = 40;
    /// Smaller than the number of octets (csmail_search_add_number).
    CSMAIL_SEARCH_SMALLER = 41;
    /// Received on or after the day (csmail_search_add_date).
    CSMAIL_SEARCH_SINCE = 50;
    /// Received before the day (csmail_search_add_date).
    CSMAIL_SEARCH_BEFORE = 51;
    /// Received on the day (csmail_search_add_date).
    CSMAIL_SEARCH_ON = 52;
}
