"""Exceptions, one class per result code, and the ErrorInfo object.

Every failure raises a subclass of :class:`CSMailError` chosen by the C result code
(``CSMAIL_E_CONNECT`` -> :class:`ConnectError`, ...). The exception carries the ErrorInfo's
detail: ``number`` (the eex value, e.g. ``eexSSLCertName``), ``text`` and ``os_error``, and
``result`` (the C result code). When a Python callback raised, the exception that ended the
operation has it as ``__cause__`` and as ``callback_exception``.
"""

import builtins
import ctypes
from typing import Callable, Dict, Optional, Type

from . import _constants as C
from ._library import LIB


class _ErrorDetail:
    """The ErrorInfo names an exception and an ErrorInfo share: Number, Text, OSError, name."""

    number: int
    text: str
    os_error: int

    @property
    def Number(self) -> int:
        return self.number

    @property
    def Text(self) -> str:
        return self.text

    @property
    def OSError(self) -> int:
        return self.os_error

    @property
    def name(self) -> str:
        """The eex constant's name (``eexSSLCertName``), "" for 0."""
        return EEX_NAMES.get(self.number, str(self.number)) if self.number else ""


class CSMailError(_ErrorDetail, Exception):
    """A csmail operation failed.

    Attributes: ``result`` (CSMAIL_E_*), ``number`` (ErrorInfo.Number, an eex value), ``text``
    (ErrorInfo.Text), ``os_error`` (ErrorInfo.OSError: errno, or the WSA code on Windows) and
    ``callback_exception`` (the exception a Python callback raised, else None).
    """

    result: int = -1

    def __init__(self, text: str, number: int = 0, os_error: int = 0, result: Optional[int] = None):
        super().__init__(text)
        if result is not None:
            self.result = result
        self.number = number
        self.text = text
        self.os_error = os_error
        self.callback_exception: Optional[BaseException] = None

    def __str__(self) -> str:
        parts = [self.text or strerror(self.result)]
        if self.number:
            parts.append(f"[{self.name} {self.number}]")
        if self.os_error:
            parts.append(f"(OS error {self.os_error})")
        return " ".join(parts)


class InvalidHandleError(CSMailError):
    result = C.CSMAIL_E_INVALID_HANDLE


class InvalidArgumentError(CSMailError, ValueError):
    result = C.CSMAIL_E_INVALID_ARGUMENT


class BufferTooSmallError(CSMailError):
    result = C.CSMAIL_E_BUFFER_TOO_SMALL


class NotSupportedError(CSMailError):
    result = C.CSMAIL_E_NOT_SUPPORTED


class ReentrantError(CSMailError):
    result = C.CSMAIL_E_REENTRANT


class BusyError(CSMailError):
    result = C.CSMAIL_E_BUSY


class PanicError(CSMailError):
    result = C.CSMAIL_E_PANIC


class NotConnectedError(CSMailError):
    result = C.CSMAIL_E_NOT_CONNECTED


class ConnectError(CSMailError):
    result = C.CSMAIL_E_CONNECT


class AuthError(CSMailError):
    result = C.CSMAIL_E_AUTH


class ServerError(CSMailError):
    result = C.CSMAIL_E_SERVER


class NetworkError(CSMailError):
    result = C.CSMAIL_E_NETWORK


class TimeoutError(CSMailError, builtins.TimeoutError):  # noqa: A001 - csmail.TimeoutError is also a TimeoutError
    result = C.CSMAIL_E_TIMEOUT

    def __init__(self, text: str, number: int = 0, os_error: int = 0, result: Optional[int] = None):
        CSMailError.__init__(self, text, number, os_error, result)

    def __str__(self) -> str:
        return CSMailError.__str__(self)


class AbortedError(CSMailError):
    result = C.CSMAIL_E_ABORTED


class DeliveryUnknownError(CSMailError):
    result = C.CSMAIL_E_DELIVERY_UNKNOWN


class ProtocolError(CSMailError):
    result = C.CSMAIL_E_PROTOCOL


class MessageIOError(CSMailError):
    result = C.CSMAIL_E_IO


class TLSConfigError(CSMailError):
    result = C.CSMAIL_E_TLS_CONFIG


class RefusedLocallyError(CSMailError):
    result = C.CSMAIL_E_REFUSED_LOCALLY


class CallbackError(CSMailError):
    """A Python callback raised while the operation still succeeded (result 0); the callback's
    exception is ``__cause__``. When the operation failed, its own class is raised instead."""

    result = C.CSMAIL_OK


#: Result code -> exception class.
ERRORS: Dict[int, Type[CSMailError]] = {
    cls.result: cls
    for cls in (
        InvalidHandleError,
        InvalidArgumentError,
        BufferTooSmallError,
        NotSupportedError,
        ReentrantError,
        BusyError,
        PanicError,
        NotConnectedError,
        ConnectError,
        AuthError,
        ServerError,
        NetworkError,
        TimeoutError,
        AbortedError,
        DeliveryUnknownError,
        ProtocolError,
        MessageIOError,
        TLSConfigError,
        RefusedLocallyError,
    )
}

#: eex number -> its legacy name.
EEX_NAMES: Dict[int, str] = {
    value: name[len("CSMAIL_") :]
    for name, value in vars(C).items()
    if name.startswith("CSMAIL_eex") and isinstance(value, int)
}


def strerror(result: int) -> str:
    """csmail_strerror: the short description of a result code."""
    return LIB.csmail_strerror(result).decode("utf-8")


def make_error(result: int, number: int, text: str, os_error: int = 0) -> CSMailError:
    """The exception for a result code."""
    cls = ERRORS.get(result, CSMailError)
    return cls(text or strerror(result), number, os_error, result)


def read_string(call: Callable[..., int]) -> str:
    """Reads a string out of a ``(buf, len, needed_out)`` C function: asks the size, then fills."""
    needed = ctypes.c_size_t(0)
    size = 256
    for _ in range(4):
        buf = ctypes.create_string_buffer(size)
        rc = call(buf, size, ctypes.byref(needed))
        if rc == C.CSMAIL_OK:
            return buf.value.decode("utf-8")
        if rc != C.CSMAIL_E_BUFFER_TOO_SMALL:
            raise last_error(rc)
        size = max(needed.value, size * 2)
    raise last_error(C.CSMAIL_E_BUFFER_TOO_SMALL)  # pragma: no cover - the size kept growing


def last_error(result: int) -> CSMailError:
    """The exception for a failed call, from this thread's last error (no client at hand)."""
    number = LIB.csmail_last_eex()
    needed = ctypes.c_size_t(0)
    buf = ctypes.create_string_buffer(1024)
    text = ""
    if LIB.csmail_last_error_text(buf, 1024, ctypes.byref(needed)) == C.CSMAIL_OK:
        text = buf.value.decode("utf-8", "replace")
    return make_error(result, number, text)


def check(result: int) -> None:
    """Raises the exception of a failed call that has no client (thread's last error)."""
    if result != C.CSMAIL_OK:
        raise last_error(result)


class ErrorInfo(_ErrorDetail):
    """ErrorInfo: the detail of a client's last operation (``ExtendedError``).

    ``Number`` (eex, 0 after a success), ``Text`` and ``OSError``; snake_case: ``number``,
    ``text``, ``os_error``. A snapshot: it does not change when the client goes on.
    """

    def __init__(self, handle: int):
        self._handle = handle
        try:
            number, os_error = ctypes.c_int32(0), ctypes.c_int32(0)
            check(LIB.csmail_errorinfo_number(handle, ctypes.byref(number)))
            check(LIB.csmail_errorinfo_os_error(handle, ctypes.byref(os_error)))
            self.number: int = number.value
            self.os_error: int = os_error.value
            self.text: str = read_string(lambda b, n, need: LIB.csmail_errorinfo_text(handle, b, n, need))
        finally:
            LIB.csmail_errorinfo_release(handle)
            self._handle = 0

    def __repr__(self) -> str:
        return f"ErrorInfo(Number={self.number} {self.name}, Text={self.text!r}, OSError={self.os_error})"
