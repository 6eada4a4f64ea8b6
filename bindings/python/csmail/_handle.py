"""The shared machinery of the objects: handle ownership, strings in, and the operation context
that lets a Python callback's exception end the operation it runs in."""

import os
import threading
from typing import Any, List, Optional, Union

from . import _constants as C
from ._errors import CSMailError, InvalidHandleError, check, last_error
from ._library import LIB

StrLike = Union[str, bytes]


def utf8(value: StrLike) -> bytes:
    """A string argument as the C API takes it: UTF-8 bytes (bytes pass unchanged; the library
    refuses invalid UTF-8 with InvalidArgumentError)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"expected str or bytes, not {type(value).__name__}")


def path_bytes(path: "os.PathLike[Any] | str | bytes") -> bytes:
    """A file name as the C API takes it (UTF-8; on POSIX the bytes of the name)."""
    return os.fsencode(path)


class Handle:
    """Owns one reference to a C object; released by ``close()``, by ``with`` or when collected."""

    _prefix = ""  # "smtp", "pop3", "sslinfo", ...

    def __init__(self, handle: Optional[int]):
        if not handle:
            raise last_error(C.CSMAIL_E_INVALID_ARGUMENT)
        self._h: int = handle

    def _before_release(self) -> None:
        """Clears the C callbacks that point into this object (subclasses)."""

    def close(self) -> None:
        """Releases this object's reference to the C object (idempotent)."""
        h = getattr(self, "_h", 0)
        if not h:
            return
        try:
            self._before_release()
        finally:
            self._h = 0
            getattr(LIB, f"csmail_{self._prefix}_release")(h)

    release = close
    Release = close

    def __enter__(self) -> "Handle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    @property
    def handle(self) -> int:
        """The C handle (for use with the C API through ctypes); raises after close()."""
        if not self._h:
            raise InvalidHandleError(f"this {type(self).__name__} was closed", C.CSMAIL_eexInvalidHandle)
        return self._h

    @property
    def closed(self) -> bool:
        return not self._h

    def _check(self, result: int) -> None:
        check(result)


class Operation:
    """One running client operation: the callbacks it runs record their exception here."""

    def __init__(self, client: Any):
        self.client = client
        self.exception: Optional[BaseException] = None
        self.source = ""

    def fail(self, exc: BaseException, source: str, abort: bool = False) -> None:
        if self.exception is None:
            self.exception = exc
            self.source = source
        if abort:
            self.client.abort()


_local = threading.local()


def operations() -> List[Operation]:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def current() -> Optional[Operation]:
    """The operation running on this thread (callbacks run on the thread of their operation)."""
    stack = operations()
    return stack[-1] if stack else None


def with_callback_cause(error: CSMailError, op: Operation) -> CSMailError:
    """Chains a callback's exception to the error that ended its operation."""
    if op.exception is not None:
        error.callback_exception = op.exception
        error.__cause__ = op.exception
        error.text = f"{error.text} ({op.source} raised {type(op.exception).__name__}: {op.exception})"
        error.args = (error.text,)
    return error


def callback_failed(exc: BaseException, source: str, abort: bool = False) -> int:
    """Records a callback's exception on the running operation (``abort``: and ends it, for
    callbacks that cannot return a failure); returns 1, the callbacks' "failed" answer."""
    op = current()
    if op is not None:
        op.fail(exc, source, abort)
    return 1


def set_given(obj: Any, **values: Any) -> None:
    """Sets the properties whose value is not None (constructor keyword arguments)."""
    for name, value in values.items():
        if value is not None:
            setattr(obj, name, value)
