"""LogHandler: the library's log, filtered by Level and Facility, to any Python callable."""

import ctypes
import weakref
from typing import Any, Callable, Optional

from . import _constants as C
from ._errors import check
from ._ffi import csmail_log_callback
from ._handle import Handle, callback_failed, current
from ._library import LIB

LogCallback = Callable[[int, int, str], Any]


class LogHandler(Handle):
    """LogHandler: ``Level`` (LOG_S_*), ``Facility`` (LOG_F_* flags) and ``OnLogMessage``, any
    callable ``(severity, facility, message)``. Credentials never reach it unless ``LogSecrets``
    is set. If the callable raises, the operation is aborted and its exception carries the
    callable's (``__cause__``).

    ``LogHandler(print)`` logs everything; ``LogHandler(fn, level=LOG_S_WARNING)`` less.
    """

    _prefix = "loghandler"

    def __init__(
        self,
        on_log_message: Optional[LogCallback] = None,
        level: Optional[int] = None,
        facility: Optional[int] = None,
    ):
        super().__init__(LIB.csmail_loghandler_new())
        self._callback: Any = None
        self._fn: Optional[LogCallback] = None
        self._secrets = False
        #: The exception a callable raised outside any csmail operation run from Python.
        self.last_exception: Optional[BaseException] = None
        if level is not None:
            self.Level = level
        if facility is not None:
            self.Facility = facility
        if on_log_message is not None:
            self.OnLogMessage = on_log_message

    def _before_release(self) -> None:
        if self._callback is not None:
            LIB.csmail_loghandler_set_callback(self._h, csmail_log_callback(), None)

    @property
    def Level(self) -> int:
        """The most detailed severity delivered: LOG_S_FATAL, LOG_S_WARNING, LOG_S_INFORMATION."""
        value = ctypes.c_int32(0)
        check(LIB.csmail_loghandler_get_level(self.handle, ctypes.byref(value)))
        return value.value

    @Level.setter
    def Level(self, level: int) -> None:
        check(LIB.csmail_loghandler_set_level(self.handle, int(level)))

    @property
    def Facility(self) -> int:
        """The facilities delivered: LOG_F_PROTOCOL | LOG_F_SSL | LOG_F_PROXY | LOG_F_USER."""
        value = ctypes.c_int32(0)
        check(LIB.csmail_loghandler_get_facility(self.handle, ctypes.byref(value)))
        return value.value

    @Facility.setter
    def Facility(self, flags: int) -> None:
        check(LIB.csmail_loghandler_set_facility(self.handle, int(flags)))

    @property
    def LogSecrets(self) -> bool:
        """Show credentials in the log (off by default; for test servers only)."""
        return self._secrets

    @LogSecrets.setter
    def LogSecrets(self, on: bool) -> None:
        check(LIB.csmail_loghandler_set_log_secrets(self.handle, 1 if on else 0))
        self._secrets = bool(on)

    @property
    def OnLogMessage(self) -> Optional[LogCallback]:
        """The callable that receives ``(severity, facility, message)``, or None."""
        return self._fn

    @OnLogMessage.setter
    def OnLogMessage(self, fn: Optional[LogCallback]) -> None:
        if fn is None:
            check(LIB.csmail_loghandler_set_callback(self.handle, csmail_log_callback(), None))
            self._callback, self._fn = None, None
            return
        me = weakref.ref(self)

        def trampoline(_userdata: Any, severity: int, facility: int, message: Optional[bytes]) -> None:
            handler = me()
            if handler is None or handler._fn is None:
                return
            try:
                handler._fn(severity, facility, (message or b"").decode("utf-8", "replace"))
            except BaseException as e:  # noqa: B902 - the operation ends with it
                if current() is None:
                    handler.last_exception = e
                callback_failed(e, "OnLogMessage", abort=True)

        callback = csmail_log_callback(trampoline)
        check(LIB.csmail_loghandler_set_callback(self.handle, callback, None))
        self._callback, self._fn = callback, fn

    # snake_case
    level = Level
    facility = Facility
    log_secrets = LogSecrets
    on_log_message = OnLogMessage


__all__ = ["LogHandler", "LogCallback", "C"]
