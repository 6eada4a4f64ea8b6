"""The IMAP objects beside IMAPClient: SearchCriteria (the search builder, a ``csmail_search``)
and FetchedMessage / BodyPart (what ``IMAPClient.FetchInfo`` returns, read from a
``csmail_fetchlist``)."""

from __future__ import annotations

import ctypes
import datetime
from dataclasses import dataclass, field
from typing import Any, List, Optional, Union

from . import _constants as C
from ._errors import check, read_string
from ._handle import Handle, StrLike, utf8
from ._library import LIB

DateLike = Union[datetime.date, datetime.datetime]


class SearchCriteria(Handle):
    """IMAP search criteria, built key by key; the keys are ANDed, none means ALL.

    Every method returns the criteria, so calls chain::

        SearchCriteria().unseen().from_("alice").since(datetime.date(2024, 2, 1))

    Strings go out quoted or as literals (UTF-8 with CHARSET UTF-8 when not ASCII), so no value
    can inject a command. A bad key (CR or LF in a string, a date the calendar lacks, a bad UID
    set) raises InvalidArgumentError when added, and the criteria stay as they were.
    """

    _prefix = "search"

    def __init__(self) -> None:
        super().__init__(LIB.csmail_search_new())

    def Add(self, key: int) -> "SearchCriteria":
        """A key without argument (SEARCH_ALL, SEARCH_SEEN, SEARCH_UNSEEN, ...)."""
        check(LIB.csmail_search_add(self.handle, key))
        return self

    def AddStr(self, key: int, value: StrLike) -> "SearchCriteria":
        """A key with a string (SEARCH_FROM, SEARCH_SUBJECT, SEARCH_BODY, ...)."""
        check(LIB.csmail_search_add_str(self.handle, key, utf8(value)))
        return self

    def AddNumber(self, key: int, octets: int) -> "SearchCriteria":
        """SEARCH_LARGER or SEARCH_SMALLER than a size in octets."""
        check(LIB.csmail_search_add_number(self.handle, key, octets))
        return self

    def AddDate(self, key: int, day: DateLike) -> "SearchCriteria":
        """SEARCH_SINCE, SEARCH_BEFORE or SEARCH_ON a day (the server's internal date)."""
        check(LIB.csmail_search_add_date(self.handle, key, day.year, day.month, day.day))
        return self

    def header(self, name: StrLike, value: StrLike) -> "SearchCriteria":
        """HEADER name value: the header field contains the value."""
        check(LIB.csmail_search_add_header(self.handle, utf8(name), utf8(value)))
        return self

    def uids(self, uid_set: Union[str, int]) -> "SearchCriteria":
        """UID set ("1:5,7")."""
        check(LIB.csmail_search_add_uids(self.handle, utf8(str(uid_set))))
        return self

    def not_(self, inner: "SearchCriteria") -> "SearchCriteria":
        """NOT (the keys of ``inner``, copied now)."""
        check(LIB.csmail_search_add_not(self.handle, inner.handle))
        return self

    def or_(self, a: "SearchCriteria", b: "SearchCriteria") -> "SearchCriteria":
        """OR (keys of ``a``) (keys of ``b``), copied now."""
        check(LIB.csmail_search_add_or(self.handle, a.handle, b.handle))
        return self

    def raw(self, keys: StrLike) -> "SearchCriteria":
        """Search keys in IMAP syntax (ASCII, no literals)."""
        check(LIB.csmail_search_add_raw(self.handle, utf8(keys)))
        return self

    # One method per key, for chaining.
    def all(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_ALL)

    def seen(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_SEEN)

    def unseen(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_UNSEEN)

    def flagged(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_FLAGGED)

    def unflagged(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_UNFLAGGED)

    def answered(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_ANSWERED)

    def unanswered(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_UNANSWERED)

    def deleted(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_DELETED)

    def undeleted(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_UNDELETED)

    def draft(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_DRAFT)

    def new(self) -> "SearchCriteria":
        return self.Add(C.CSMAIL_SEARCH_NEW)

    def from_(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_FROM, value)

    def to(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_TO, value)

    def cc(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_CC, value)

    def bcc(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_BCC, value)

    def subject(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_SUBJECT, value)

    def body(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_BODY, value)

    def text(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_TEXT, value)

    def keyword(self, value: StrLike) -> "SearchCriteria":
        return self.AddStr(C.CSMAIL_SEARCH_KEYWORD, value)

    def larger(self, octets: int) -> "SearchCriteria":
        return self.AddNumber(C.CSMAIL_SEARCH_LARGER, octets)

    def smaller(self, octets: int) -> "SearchCriteria":
        return self.AddNumber(C.CSMAIL_SEARCH_SMALLER, octets)

    def since(self, day: DateLike) -> "SearchCriteria":
        return self.AddDate(C.CSMAIL_SEARCH_SINCE, day)

    def before(self, day: DateLike) -> "SearchCriteria":
        return self.AddDate(C.CSMAIL_SEARCH_BEFORE, day)

    def on(self, day: DateLike) -> "SearchCriteria":
        return self.AddDate(C.CSMAIL_SEARCH_ON, day)


@dataclass
class BodyPart:
    """One MIME part of a fetched message's BODYSTRUCTURE, in depth-first order."""

    #: What ``IMAPClient.Fetch(uid, section=...)`` fetches it with: "1", "2.1", "TEXT" ...
    section: str
    #: "type/subtype", lower-case.
    mime_type: str
    #: 0 for the message's body, 1 for its parts ...
    depth: int
    size: int
    lines: int
    child_count: int
    charset: str
    encoding: str
    disposition: str
    file_name: str
    content_id: str
    description: str
    language: List[str]


@dataclass
class FetchedMessage:
    """What FETCH returned for one message (fields not asked for are empty or 0)."""

    number: int
    uid: int
    size: int
    flags: List[str]
    internal_date: str
    subject: str
    sender: str
    date: str
    message_id: str
    #: The BODYSTRUCTURE's parts, depth first (empty unless asked for).
    parts: List[BodyPart] = field(default_factory=list)


class _FetchList(Handle):
    """A ``csmail_fetchlist``, read whole into FetchedMessage objects and released."""

    _prefix = "fetchlist"

    def _int(self, i: int, fld: int) -> int:
        v = ctypes.c_uint32(0)
        check(LIB.csmail_fetchlist_get_int(self.handle, i, fld, ctypes.byref(v)))
        return v.value

    def _str(self, i: int, fld: int) -> str:
        return read_string(lambda b, n, need: LIB.csmail_fetchlist_get_str(self.handle, i, fld, b, n, need))

    def _part_int(self, i: int, p: int, fld: int) -> int:
        v = ctypes.c_uint32(0)
        check(LIB.csmail_fetchlist_part_get_int(self.handle, i, p, fld, ctypes.byref(v)))
        return v.value

    def _part_str(self, i: int, p: int, fld: int) -> str:
        return read_string(lambda b, n, need: LIB.csmail_fetchlist_part_get_str(self.handle, i, p, fld, b, n, need))

    def _part(self, i: int, p: int) -> BodyPart:
        s = lambda fld: self._part_str(i, p, fld)  # noqa: E731
        n = lambda fld: self._part_int(i, p, fld)  # noqa: E731
        return BodyPart(
            section=s(C.CSMAIL_PART_SECTION),
            mime_type=s(C.CSMAIL_PART_MIME_TYPE),
            depth=n(C.CSMAIL_PART_DEPTH),
            size=n(C.CSMAIL_PART_SIZE),
            lines=n(C.CSMAIL_PART_LINES),
            child_count=n(C.CSMAIL_PART_CHILD_COUNT),
            charset=s(C.CSMAIL_PART_CHARSET),
            encoding=s(C.CSMAIL_PART_ENCODING),
            disposition=s(C.CSMAIL_PART_DISPOSITION),
            file_name=s(C.CSMAIL_PART_FILE_NAME),
            content_id=s(C.CSMAIL_PART_CONTENT_ID),
            description=s(C.CSMAIL_PART_DESCRIPTION),
            language=s(C.CSMAIL_PART_LANGUAGE).split(),
        )

    def messages(self) -> List[FetchedMessage]:
        count = ctypes.c_size_t(0)
        check(LIB.csmail_fetchlist_count(self.handle, ctypes.byref(count)))
        out = []
        for i in range(count.value):
            out.append(
                FetchedMessage(
                    number=self._int(i, C.CSMAIL_FETCHED_NUMBER),
                    uid=self._int(i, C.CSMAIL_FETCHED_UID),
                    size=self._int(i, C.CSMAIL_FETCHED_SIZE),
                    flags=self._str(i, C.CSMAIL_FETCHED_FLAGS).split(),
                    internal_date=self._str(i, C.CSMAIL_FETCHED_INTERNAL_DATE),
                    subject=self._str(i, C.CSMAIL_FETCHED_SUBJECT),
                    sender=self._str(i, C.CSMAIL_FETCHED_FROM),
                    date=self._str(i, C.CSMAIL_FETCHED_DATE),
                    message_id=self._str(i, C.CSMAIL_FETCHED_MESSAGE_ID),
                    parts=[self._part(i, p) for p in range(self._int(i, C.CSMAIL_FETCHED_PART_COUNT))],
                )
            )
        return out


def read_fetch_list(handle: Optional[int]) -> List[FetchedMessage]:
    """The messages of a ``csmail_fetchlist`` handle, which is released."""
    with _FetchList(handle) as fl:
        return fl.messages()


__all__ = ["SearchCriteria", "BodyPart", "FetchedMessage"]
