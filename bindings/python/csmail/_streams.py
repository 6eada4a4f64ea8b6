"""Message sources and sinks: bytes, str, paths, file-like objects and callables, turned into
the C API's memory, file or callback forms."""

import ctypes
import email.message
import email.policy
import os
from typing import IO, Any, Callable, Optional, Tuple, Union

from ._ffi import csmail_read_callback, csmail_write_callback
from ._handle import callback_failed
from .message import Message

Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[Any]", IO[bytes], IO[str], email.message.Message, Message]
Sink = Union["os.PathLike[Any]", IO[bytes], Callable[[bytes], Any]]


def source_kind(source: Any) -> Tuple[str, Any]:
    """("mem", bytes) | ("file", path) | ("cb", readable) | ("message", Message)."""
    if isinstance(source, Message):
        return "message", source
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "mem", bytes(source)
    if isinstance(source, str):
        return "mem", source.encode("utf-8")
    if isinstance(source, email.message.Message):
        return "mem", source.as_bytes(policy=email.policy.SMTPUTF8)
    if isinstance(source, os.PathLike):
        return "file", source
    if hasattr(source, "read"):
        return "cb", source
    raise TypeError(f"cannot send a {type(source).__name__}: give bytes, str, a path, a file or a Message")


def reader(stream: Any) -> Any:
    """A csmail_read_callback reading ``stream`` (binary or text: text goes out as UTF-8)."""
    pending = bytearray()

    def trampoline(_userdata: Any, buf: int, capacity: int, n_out: Any) -> int:
        try:
            while len(pending) < capacity:
                chunk = stream.read(capacity)
                if not chunk:
                    break
                pending.extend(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            n = min(len(pending), capacity)
            ctypes.memmove(buf, bytes(pending[:n]), n)
            del pending[:n]
            n_out[0] = n
            return 0
        except BaseException as e:  # noqa: B902 - the send ends with it
            return callback_failed(e, "the message source")

    return csmail_read_callback(trampoline)


def writer(sink: Any) -> Any:
    """A csmail_write_callback writing to a file-like object or calling ``sink(bytes)``."""
    write = sink.write if hasattr(sink, "write") else sink

    def trampoline(_userdata: Any, data: int, length: int) -> int:
        try:
            write(ctypes.string_at(data, length))
            return 0
        except BaseException as e:  # noqa: B902 - the retrieval ends with it
            return callback_failed(e, "the message sink")

    return csmail_write_callback(trampoline)


def is_path(sink: Optional[Any]) -> bool:
    return isinstance(sink, (str, bytes, os.PathLike))
