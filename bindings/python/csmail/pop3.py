"""POP3Client: lists, retrieves and deletes messages over POP3, in the clear, over implicit TLS
(POP3S) or with STLS."""

import ctypes
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple

from ._client import Client
from ._handle import path_bytes
from ._properties_model import add_properties
from ._streams import Sink, is_path, writer
from .message import Message, batch_receiver


class POP3Client(Client):
    """POP3Client.

    ``POP3Client(host, port, user, password, ssl=SSLInfo(...))``; properties Host, Port, User,
    Password, TimeoutMs, AuthMechanism, Connected, ReplyText, Capabilities, TlsActive (and
    snake_case). ``len(pop3)`` is the message count, ``for msg in pop3`` retrieves each message,
    ``pop3[n]`` retrieves message n. Deletions are committed by Disconnect.
    """

    _prefix = "pop3"

    def Stat(self) -> Tuple[int, int]:
        """STAT: (number of messages, mailbox size in bytes)."""
        count, size = ctypes.c_uint32(0), ctypes.c_uint64(0)
        self._run("stat", ctypes.byref(count), ctypes.byref(size))
        return count.value, size.value

    @property
    def Count(self) -> int:
        """The number of messages (STAT)."""
        return self.Stat()[0]

    @property
    def Size(self) -> int:
        """The mailbox size in bytes (STAT)."""
        return self.Stat()[1]

    def MessageSize(self, number: int) -> int:
        """LIST n: message n's size in bytes."""
        size = ctypes.c_uint64(0)
        self._run("message_size", number, ctypes.byref(size))
        return size.value

    def UID(self, number: int) -> str:
        """UIDL n: message n's unique id."""
        needed = ctypes.c_size_t(0)
        buf = ctypes.create_string_buffer(512)
        self._run("uid", number, buf, 512, ctypes.byref(needed))
        return buf.value.decode("utf-8")

    def GetMessage(self, number: int, sink: Optional[Sink] = None) -> Optional[Message]:
        """RETR n. Without ``sink``: returns the Message. With a path: writes the file (a partial
        file is removed on failure); with a binary file object or a callable(bytes): streams
        into it, and returns None."""
        return self._retrieve("retrieve", number, (), sink)

    def Top(self, number: int, lines: int, sink: Optional[Sink] = None) -> Optional[Message]:
        """TOP n lines: the headers and the first ``lines`` lines of the body."""
        return self._retrieve("top", number, (lines,), sink)

    def _retrieve(self, op: str, number: int, extra: Tuple[int, ...], sink: Optional[Sink]) -> Optional[Message]:
        if sink is None:
            handle = ctypes.c_void_p(None)
            self._run(op, number, *extra, ctypes.byref(handle))
            return Message(number=number, _handle=handle.value)
        if is_path(sink):
            self._run(f"{op}_file", number, *extra, path_bytes(sink))  # type: ignore[arg-type]
        else:
            callback = writer(sink)
            self._run(f"{op}_cb", number, *extra, callback, None)
        return None

    def RetrieveMany(
        self,
        numbers: Iterable[int],
        delete: bool = False,
        callback: Optional[Callable[[Message], Any]] = None,
    ) -> List[Message]:
        """RETR (and with ``delete`` DELE) each of ``numbers``, pipelined when the server allows.
        With ``callback`` each Message goes to it as it arrives (and the list stays empty)."""
        items = [int(n) for n in numbers]
        array = (ctypes.c_uint32 * max(len(items), 1))(*items)
        receive, got = batch_receiver(callback)
        self._run("retrieve_many", array, len(items), 1 if delete else 0, receive, None)
        return got

    def messages(self, delete: bool = False) -> Iterator[Message]:
        """Every message of the mailbox, one at a time (with ``delete``, each is marked deleted
        once retrieved; Disconnect commits)."""
        for number in range(1, self.Count + 1):
            message = self.GetMessage(number)
            assert message is not None
            yield message
            if delete:
                self.Delete(number)

    def __iter__(self) -> Iterator[Message]:
        return self.messages()

    def __len__(self) -> int:
        return self.Count

    def __getitem__(self, number: int) -> Message:
        message = self.GetMessage(number)
        assert message is not None
        return message

    def Delete(self, number: int) -> None:
        """DELE n: marks message n; Disconnect's QUIT commits it."""
        self._run("delete", number)

    def Reset(self) -> None:
        """RSET: unmarks every deletion."""
        self._run("reset")

    def Noop(self) -> None:
        """NOOP."""
        self._run("noop")

    def Disconnect(self) -> bool:
        """QUIT and close; True when the server confirmed QUIT (the deletions are committed)."""
        committed = ctypes.c_int32(0)
        self._run("disconnect", ctypes.byref(committed))
        return bool(committed.value)

    stat = Stat
    message_size = MessageSize
    uid = UID
    retrieve = GetMessage
    get_message = GetMessage
    top = Top
    retrieve_many = RetrieveMany
    delete = Delete
    dele = Delete
    reset = Reset
    noop = Noop
    disconnect = Disconnect
    quit = Disconnect

    @property
    def count(self) -> int:
        return self.Count

    @property
    def size(self) -> int:
        return self.Size


add_properties(POP3Client, "pop3", "pop3")
