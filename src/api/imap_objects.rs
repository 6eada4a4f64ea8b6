//! The IMAP objects a C user holds beside the client: search criteria built key by key
//! (`SearchBuilder`, behind a `csmail_search` handle) and the attributes of fetched messages
//! (`FetchList`, behind a `csmail_fetchlist` handle), both read and written through the numbered
//! keys and fields of src/tables/imap_values.rs.

use super::imap_client::{BodyPart, FetchItems, FetchedMessage, Search};
use crate::error::{self, Error, Result};
use parking_lot::Mutex;

// CSMAIL_FETCH_ITEM_*, CSMAIL_FETCHED_*, CSMAIL_PART_* and CSMAIL_SEARCH_*: declared once there.
use crate::tables::constants;
include!("../tables/imap_values.rs");

/// The FetchItems of a CSMAIL_FETCH_ITEM_* bit set (the UID is always fetched).
pub fn fetch_items(bits: i32) -> Result<FetchItems> {
    if bits & !CSMAIL_FETCH_ITEM_ALL != 0 {
        return Err(Error::invalid_arg(format!(
            "fetch items {bits:#x}: only the CSMAIL_FETCH_ITEM_* bits (0x01 to 0x10) are known"
        )));
    }
    Ok(FetchItems {
        flags: bits & CSMAIL_FETCH_ITEM_FLAGS != 0,
        size: bits & CSMAIL_FETCH_ITEM_SIZE != 0,
        internal_date: bits & CSMAIL_FETCH_ITEM_INTERNAL_DATE != 0,
        envelope: bits & CSMAIL_FETCH_ITEM_ENVELOPE != 0,
        body_structure: bits & CSMAIL_FETCH_ITEM_BODYSTRUCTURE != 0,
    })
}

fn unknown_key(key: i32, kind: &str, function: &str) -> Error {
    Error::new(
        error::CSMAIL_E_INVALID_ARGUMENT,
        error::eexUnknownOption,
        format!("search key {key} is not a key {kind} (the CSMAIL_SEARCH_* keys of {function})"),
    )
}

/// Search criteria built one key at a time; every key is checked as it is added, so a bad
/// string or date is refused at once and the criteria stay sendable.
#[derive(Default)]
pub struct SearchBuilder {
    search: Mutex<Search>,
}

impl SearchBuilder {
    pub fn new() -> SearchBuilder {
        SearchBuilder::default()
    }

    /// The criteria as they stand.
    pub fn criteria(&self) -> Search {
        self.search.lock().clone()
    }

    /// Adds `key` to a copy of the criteria and keeps it only when it checks out.
    fn add(&self, f: impl FnOnce(Search) -> Search) -> Result<()> {
        let mut s = self.search.lock();
        let next = f(s.clone());
        next.check()?;
        *s = next;
        Ok(())
    }

    /// A key without argument (CSMAIL_SEARCH_ALL ... CSMAIL_SEARCH_NEW).
    pub fn add_flag(&self, key: i32) -> Result<()> {
        let f: fn(Search) -> Search = match key {
            CSMAIL_SEARCH_ALL => Search::all,
            CSMAIL_SEARCH_SEEN => Search::seen,
            CSMAIL_SEARCH_UNSEEN => Search::unseen,
            CSMAIL_SEARCH_FLAGGED => Search::flagged,
            CSMAIL_SEARCH_UNFLAGGED => Search::unflagged,
            CSMAIL_SEARCH_ANSWERED => Search::answered,
            CSMAIL_SEARCH_UNANSWERED => Search::unanswered,
            CSMAIL_SEARCH_DELETED => Search::deleted,
            CSMAIL_SEARCH_UNDELETED => Search::undeleted,
            CSMAIL_SEARCH_DRAFT => Search::draft,
            CSMAIL_SEARCH_UNDRAFT => Search::undraft,
            CSMAIL_SEARCH_NEW => Search::new_messages,
            _ => return Err(unknown_key(key, "without argument", "csmail_search_add")),
        };
        self.add(f)
    }

    /// A key with a string (CSMAIL_SEARCH_FROM ... CSMAIL_SEARCH_UNKEYWORD); it goes out quoted
    /// or as a literal, UTF-8 with CHARSET UTF-8 when it is not ASCII.
    pub fn add_str(&self, key: i32, value: &str) -> Result<()> {
        let f: fn(Search, &str) -> Search = match key {
            CSMAIL_SEARCH_FROM => Search::from,
            CSMAIL_SEARCH_TO => Search::to,
            CSMAIL_SEARCH_CC => Search::cc,
            CSMAIL_SEARCH_BCC => Search::bcc,
            CSMAIL_SEARCH_SUBJECT => Search::subject,
            CSMAIL_SEARCH_BODY => Search::body,
            CSMAIL_SEARCH_TEXT => Search::text,
            CSMAIL_SEARCH_KEYWORD => Search::keyword,
            CSMAIL_SEARCH_UNKEYWORD => Search::unkeyword,
            _ => return Err(unknown_key(key, "with a string", "csmail_search_add_str")),
        };
        self.add(|s| f(s, value))
    }

    /// A key with a number of octets (CSMAIL_SEARCH_LARGER, _SMALLER).
    pub fn add_number(&self, key: i32, n: u64) -> Result<()> {
        match key {
            CSMAIL_SEARCH_LARGER => self.add(|s| s.larger(n)),
            CSMAIL_SEARCH_SMALLER => self.add(|s| s.smaller(n)),
            _ => Err(unknown_key(key, "with a number", "csmail_search_add_number")),
        }
    }

    /// A key with a day (CSMAIL_SEARCH_SINCE, _BEFORE, _ON); a day the calendar does not have
    /// is refused.
    pub fn add_date(&self, key: i32, year: i32, month: i32, day: i32) -> Result<()> {
        let f: fn(Search, u16, u8, u8) -> Search = match key {
            CSMAIL_SEARCH_SINCE => Search::since,
            CSMAIL_SEARCH_BEFORE => Search::before,
            CSMAIL_SEARCH_ON => Search::on,
            _ => return Err(unknown_key(key, "with a date", "csmail_search_add_date")),
        };
        let (Ok(y), Ok(m), Ok(d)) = (u16::try_from(year), u8::try_from(month), u8::try_from(day)) else {
            return Err(Error::invalid_arg(format!(
                "{year}-{month}-{day} is not a date (year 1-9999, month 1-12, a day the month has)"
            )));
        };
        self.add(|s| f(s, y, m, d))
    }

    /// HEADER name value.
    pub fn add_header(&self, name: &str, value: &str) -> Result<()> {
        self.add(|s| s.header(name, value))
    }

    /// UID set ("1:5,7").
    pub fn add_uids(&self, set: &str) -> Result<()> {
        self.add(|s| s.uids(set))
    }

    /// NOT (the keys of `inner`, ANDed).
    pub fn add_not(&self, inner: &SearchBuilder) -> Result<()> {
        let inner = inner.criteria();
        if inner.is_empty() {
            return Err(Error::invalid_arg("NOT of criteria without keys (add a key to them first)"));
        }
        self.add(|s| s.not(inner))
    }

    /// OR (keys of `a`) (keys of `b`).
    pub fn add_or(&self, a: &SearchBuilder, b: &SearchBuilder) -> Result<()> {
        let (a, b) = (a.criteria(), b.criteria());
        if a.is_empty() || b.is_empty() {
            return Err(Error::invalid_arg("OR of criteria without keys (add a key to both first)"));
        }
        self.add(|s| s.or(a, b))
    }

    /// Search keys in IMAP syntax, ASCII, without literals.
    pub fn add_raw(&self, keys: &str) -> Result<()> {
        self.add(|s| s.raw(keys))
    }
}

/// The messages a FETCH returned, in the order the server sent them.
pub struct FetchList {
    pub messages: Vec<FetchedMessage>,
}

fn unknown_field(field: i32, what: &str) -> Error {
    Error::new(error::CSMAIL_E_INVALID_ARGUMENT, error::eexUnknownOption, format!("{field} is not {what}"))
}

impl FetchList {
    /// Message `index` (0-based).
    pub fn message(&self, index: usize) -> Result<&FetchedMessage> {
        let n = self.messages.len();
        self.messages.get(index).ok_or_else(|| Error::invalid_arg(format!("message {index} of {n}")))
    }

    /// Part `part` (0-based, depth first) of message `index`.
    pub fn part(&self, index: usize, part: usize) -> Result<(usize, &BodyPart)> {
        let m = self.message(index)?;
        let parts = m.body_structure.as_ref().map(BodyPart::flatten).unwrap_or_default();
        let n = parts.len();
        parts.into_iter().nth(part).ok_or_else(|| Error::invalid_arg(format!("part {part} of {n}")))
    }

    /// A number field (CSMAIL_FETCHED_NUMBER, _UID, _SIZE, _PART_COUNT) of message `index`.
    pub fn get_int(&self, index: usize, field: i32) -> Result<u32> {
        let m = self.message(index)?;
        Ok(match field {
            CSMAIL_FETCHED_NUMBER => m.number,
            CSMAIL_FETCHED_UID => m.uid,
            CSMAIL_FETCHED_SIZE => m.size,
            CSMAIL_FETCHED_PART_COUNT => {
                m.body_structure.as_ref().map_or(0, |b| b.flatten().len()).try_into().unwrap_or(u32::MAX)
            }
            _ => return Err(unknown_field(field, "a number field of a fetched message (CSMAIL_FETCHED_UID ...)")),
        })
    }

    /// A string field (CSMAIL_FETCHED_FLAGS ... _MESSAGE_ID) of message `index`.
    pub fn get_str(&self, index: usize, field: i32) -> Result<String> {
        let m = self.message(index)?;
        Ok(match field {
            CSMAIL_FETCHED_FLAGS => m.flags.join(" "),
            CSMAIL_FETCHED_INTERNAL_DATE => m.internal_date.clone(),
            CSMAIL_FETCHED_SUBJECT => m.subject.clone(),
            CSMAIL_FETCHED_FROM => m.from.clone(),
            CSMAIL_FETCHED_DATE => m.date.clone(),
            CSMAIL_FETCHED_MESSAGE_ID => m.message_id.clone(),
            _ => return Err(unknown_field(field, "a string field of a fetched message (CSMAIL_FETCHED_SUBJECT ...)")),
        })
    }

    /// A number field (CSMAIL_PART_DEPTH, _SIZE, _LINES, _CHILD_COUNT) of a part.
    pub fn part_int(&self, index: usize, part: usize, field: i32) -> Result<u32> {
        let (depth, p) = self.part(index, part)?;
        Ok(match field {
            CSMAIL_PART_DEPTH => depth as u32,
            CSMAIL_PART_SIZE => p.size,
            CSMAIL_PART_LINES => p.lines,
            CSMAIL_PART_CHILD_COUNT => p.children.len() as u32,
            _ => return Err(unknown_field(field, "a number field of a part (CSMAIL_PART_SIZE ...)")),
        })
    }

    /// A string field (CSMAIL_PART_SECTION ... _LANGUAGE) of a part.
    pub fn part_str(&self, index: usize, part: usize, field: i32) -> Result<String> {
        let (_, p) = self.part(index, part)?;
        Ok(match field {
            CSMAIL_PART_SECTION => p.section.clone(),
            CSMAIL_PART_MIME_TYPE => p.mime_type(),
            CSMAIL_PART_CHARSET => p.charset().to_owned(),
            CSMAIL_PART_ENCODING => p.encoding.clone(),
            CSMAIL_PART_DISPOSITION => p.disposition.clone(),
            CSMAIL_PART_FILE_NAME => p.file_name().to_owned(),
            CSMAIL_PART_CONTENT_ID => p.id.clone(),
            CSMAIL_PART_DESCRIPTION => p.description.clone(),
            CSMAIL_PART_LANGUAGE => p.language.join(" "),
            _ => return Err(unknown_field(field, "a string field of a part (CSMAIL_PART_MIME_TYPE ...)")),
        })
    }
}
