"""IMAPClient: mailboxes, search, fetch, flags, move, append and IDLE over IMAP, with implicit
TLS (IMAPS, port 993) or STARTTLS (port 143)."""

from __future__ import annotations

import ctypes
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from . import _constants as C
from ._client import Client
from ._handle import path_bytes, utf8
from ._properties_model import add_properties
from ._streams import Sink, Source, is_path, reader, source_kind, writer
from .imap_types import FetchedMessage, SearchCriteria, read_fetch_list
from .message import Message, batch_receiver

#: STORE operations of StoreFlags.
FLAGS_ADD, FLAGS_REPLACE, FLAGS_REMOVE = 1, 0, -1


def _flags(flags: Union[None, str, Iterable[str]]) -> Optional[bytes]:
    if flags is None:
        return None
    if isinstance(flags, str):
        return utf8(flags)
    return utf8(" ".join(flags))


class IMAPClient(Client):
    """IMAPClient.

    ``IMAPClient(host, port, user, password, ssl=SSLInfo(MODE_CHANNEL, ...))``; properties Host,
    Port, User, Password, TimeoutMs, AuthMechanism, Connected, ReplyText, Capabilities, TlsActive
    (and snake_case). Mailbox names are str (UTF-8); message sets are strings ("1:5,7") or ints;
    ``uid=True`` makes numbers UIDs.
    """

    _prefix = "imap"

    def Disconnect(self) -> None:
        """LOGOUT and close."""
        self._run("disconnect")

    def Noop(self) -> None:
        """NOOP: lets the server report changes."""
        self._run("noop")

    def Select(self, mailbox: str = "INBOX", read_only: bool = False) -> Dict[str, int]:
        """SELECT (or EXAMINE with ``read_only``): exists, recent, uid_validity, uid_next."""
        values = [ctypes.c_uint32(0) for _ in range(4)]
        self._run("select", utf8(mailbox), 1 if read_only else 0, *(ctypes.byref(v) for v in values))
        return dict(zip(("exists", "recent", "uid_validity", "uid_next"), (v.value for v in values)))

    def Examine(self, mailbox: str = "INBOX") -> Dict[str, int]:
        """EXAMINE: SELECT read-only."""
        return self.Select(mailbox, True)

    def Enable(self, capabilities: Union[str, Iterable[str]]) -> List[str]:
        """ENABLE (RFC 5161): the extensions the server enabled, of those asked for."""
        names = capabilities if isinstance(capabilities, str) else " ".join(capabilities)
        text = self._string("enable", utf8(names))
        return text.split(" ") if text else []

    def ID(self, fields: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        """ID (RFC 2971): sends `fields` (None sends NIL) and returns the server's."""
        lines = "\n".join(f"{k}={v}" for k, v in (fields or {}).items())
        text = self._string("id", utf8(lines) if lines else None)
        return dict(line.split("=", 1) for line in text.split("\n") if "=" in line)

    def List(self, reference: str = "", pattern: str = "*") -> List[str]:
        """LIST: the mailbox names."""
        text = self._string("list", utf8(reference), utf8(pattern))
        return text.split("\n") if text else []

    def ListAttributes(self, reference: str = "", pattern: str = "*") -> Dict[str, List[str]]:
        """LIST: each mailbox name with its attributes ("\\HasNoChildren", "\\Trash", ...)."""
        text = self._string("list_attributes", utf8(reference), utf8(pattern))
        pairs = (line.split("\t", 1) for line in text.split("\n") if line)
        return {name: attrs.split() for attrs, name in pairs}

    def Status(self, mailbox: str) -> Dict[str, Optional[int]]:
        """STATUS: messages, unseen, uid_next, uid_validity (None when the server did not say)."""
        values = [ctypes.c_uint32(0) for _ in range(4)]
        self._run("status", utf8(mailbox), *(ctypes.byref(v) for v in values))
        names = ("messages", "unseen", "uid_next", "uid_validity")
        return {n: (None if v.value == 0xFFFFFFFF else v.value) for n, v in zip(names, values)}

    def Create(self, mailbox: str) -> None:
        self._run("create", utf8(mailbox))

    def Delete(self, mailbox: str) -> None:
        self._run("delete", utf8(mailbox))

    def Rename(self, old: str, new: str) -> None:
        self._run("rename", utf8(old), utf8(new))

    def Subscribe(self, mailbox: str, subscribe: bool = True) -> None:
        self._run("subscribe", utf8(mailbox), 1 if subscribe else 0)

    def CloseMailbox(self, expunge: bool = False) -> None:
        """CLOSE (``expunge``: removes the messages marked \\Deleted) or UNSELECT."""
        self._run("close_mailbox", 1 if expunge else 0)

    def Search(self, criteria: Union[str, SearchCriteria] = "ALL", uid: bool = False) -> List[int]:
        """SEARCH: the numbers (UIDs with ``uid``). ``criteria`` is a SearchCriteria (strings
        quoted for you, UTF-8 allowed) or IMAP search keys ("UNSEEN", 'FROM "bob"'; ASCII)."""
        if isinstance(criteria, SearchCriteria):
            text = self._string("search_criteria", criteria.handle, 1 if uid else 0)
        else:
            text = self._string("search", utf8(criteria), 1 if uid else 0)
        return [int(n) for n in text.split()]

    def FetchInfo(self, ids: Union[str, int] = "1:*", items: int = C.CSMAIL_FETCH_ITEM_ALL, uid: bool = False) -> List[FetchedMessage]:
        """FETCH attributes (``items``: FETCH_ITEM_* bits ORed; the UID always comes) of a
        message set: FetchedMessage objects, with ``parts`` from BODYSTRUCTURE. Nothing is
        marked seen."""
        handle = ctypes.c_void_p(None)
        self._run("fetch_info", utf8(str(ids)), 1 if uid else 0, items, ctypes.byref(handle))
        return read_fetch_list(handle.value)

    def FetchMessage(self, id: int, uid: bool = False) -> Message:
        """The whole message (BODY.PEEK[]: it stays unseen) as a Message."""
        handle = ctypes.c_void_p(None)
        self._run("fetch", id, 1 if uid else 0, ctypes.byref(handle))
        return Message(number=id, _handle=handle.value)

    def FetchMany(self, uids: Iterable[int], callback: Optional[Callable[[Message], Any]] = None) -> List[Message]:
        """Whole messages by UID, with up to 8 UID FETCH in flight; a UID the mailbox no longer
        has is skipped. Each Message (its ``number`` the UID) goes to ``callback`` as it
        arrives, or into the list returned."""
        items = [int(n) for n in uids]
        array = (ctypes.c_uint32 * max(len(items), 1))(*items)
        receive, got = batch_receiver(callback)
        self._run("fetch_many", array, len(items), receive, None, None)
        return got

    def Fetch(self, id: int, uid: bool = False, sink: Optional[Sink] = None, section: str = "") -> Optional[Message]:
        """BODY.PEEK[section] of one message (the \\Seen flag stays). Without ``sink``: the whole
        message as a Message. With a path: writes the file; with a binary file or a
        callable(bytes): streams into it (``section`` "TEXT", "HEADER", "1.2" ...)."""
        if sink is None and not section:
            return self.FetchMessage(id, uid)
        if sink is None:
            chunks: List[bytes] = []
            self._run("fetch_cb", id, 1 if uid else 0, utf8(section), writer(chunks.append), None)
            return Message(b"".join(chunks), id)
        if is_path(sink) and not section:
            self._run("fetch_file", id, 1 if uid else 0, path_bytes(sink))  # type: ignore[arg-type]
        else:
            self._run("fetch_cb", id, 1 if uid else 0, utf8(section), writer(sink), None)
        return None

    def StoreFlags(self, ids: Union[str, int], flags: Union[str, Iterable[str]], op: int = FLAGS_ADD, uid: bool = False) -> None:
        """STORE: adds (FLAGS_ADD), removes (FLAGS_REMOVE) or replaces (FLAGS_REPLACE) flags."""
        self._run("store_flags", utf8(str(ids)), 1 if uid else 0, op, _flags(flags))

    def Copy(self, ids: Union[str, int], mailbox: str, uid: bool = False) -> None:
        self._run("copy", utf8(str(ids)), 1 if uid else 0, utf8(mailbox))

    def Move(self, ids: Union[str, int], mailbox: str, uid: bool = False) -> None:
        """MOVE (COPY, STORE \\Deleted, EXPUNGE where the server has no MOVE)."""
        self._run("move", utf8(str(ids)), 1 if uid else 0, utf8(mailbox))

    def Expunge(self, uids: Union[None, str, int] = None) -> None:
        """EXPUNGE, or UID EXPUNGE of ``uids`` only."""
        self._run("expunge", None if uids is None else utf8(str(uids)))

    def Append(self, mailbox: str, message: Source, flags: Union[None, str, Iterable[str]] = None) -> int:
        """APPEND bytes, str, a path, a binary file or a Message; the new UID (0 when unknown)."""
        uid = ctypes.c_uint32(0)
        kind, value = source_kind(message)
        if kind == "message":
            self._run("append_message", utf8(mailbox), _flags(flags), value.handle, ctypes.byref(uid))
        elif kind == "file":
            self._run("append_file", utf8(mailbox), _flags(flags), path_bytes(value), ctypes.byref(uid))
        else:
            import io

            stream = io.BytesIO(value) if kind == "mem" else value
            unknown = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1
            size = len(value) if kind == "mem" else unknown
            self._run("append_cb", utf8(mailbox), _flags(flags), size, reader(stream), None, ctypes.byref(uid))
        return uid.value

    def Idle(self, timeout_ms: int) -> Tuple[bool, int]:
        """IDLE until the server reports a change or ``timeout_ms`` pass: (changed, exists).
        Abort() from another thread ends it."""
        exists, changed = ctypes.c_uint32(0), ctypes.c_int32(0)
        self._run("idle", timeout_ms, ctypes.byref(exists), ctypes.byref(changed))
        return bool(changed.value), exists.value

    def _string(self, name: str, *args: Any) -> str:
        needed = ctypes.c_size_t(0)
        size = 1024
        for _ in range(4):
            buf = ctypes.create_string_buffer(size)
            try:
                self._run(name, *args, buf, size, ctypes.byref(needed))
                return buf.value.decode("utf-8")
            except Exception as e:  # noqa: B902 - only a small buffer is retried
                if getattr(e, "result", None) != C.CSMAIL_E_BUFFER_TOO_SMALL or needed.value <= size:
                    raise
                size = needed.value
        raise RuntimeError("the result kept growing")  # pragma: no cover

    disconnect = Disconnect
    logout = Disconnect
    noop = Noop
    select = Select
    examine = Examine
    list = List
    status = Status
    create = Create
    delete = Delete
    rename = Rename
    subscribe = Subscribe
    close_mailbox = CloseMailbox
    search = Search
    fetch = Fetch
    fetch_info = FetchInfo
    fetch_message = FetchMessage
    fetch_many = FetchMany
    store_flags = StoreFlags
    copy = Copy
    move = Move
    expunge = Expunge
    append = Append
    idle = Idle


add_properties(IMAPClient, "imap", "imap")
