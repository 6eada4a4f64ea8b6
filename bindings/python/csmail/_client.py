"""What SMTPClient and POP3Client share: properties, advanced handlers, ExtendedError, abort,
progress, and running an operation so that a callback's exception ends it."""

import ctypes
import weakref
from typing import Any, Callable, Dict, Optional

from . import _constants as C
from ._errors import CallbackError, CSMailError, ErrorInfo, check, last_error, make_error
from ._ffi import csmail_progress_callback
from ._handle import Handle, Operation, StrLike, callback_failed, operations, set_given, with_callback_cause
from ._library import LIB
from .loghandler import LogHandler
from .proxy import ProxyInfo
from .sslinfo import SSLInfo

ProgressCallback = Callable[[int, int], Any]


class Client(Handle):
    """The shared part of SMTPClient and POP3Client."""

    def __init__(
        self,
        host: Optional[StrLike] = None,
        port: Optional[int] = None,
        user: Optional[StrLike] = None,
        password: Optional[StrLike] = None,
        *,
        ssl: Optional[SSLInfo] = None,
        log: Optional[LogHandler] = None,
        proxy: Optional[ProxyInfo] = None,
        timeout_ms: Optional[int] = None,
        progress: Optional[ProgressCallback] = None,
    ):
        super().__init__(getattr(LIB, f"csmail_{self._prefix}_new")())
        #: The Python handler objects attached, kept alive while the client holds them.
        self._handlers: Dict[str, Handle] = {}
        self._progress: Any = None
        self._progress_fn: Optional[ProgressCallback] = None
        set_given(self, Host=host, Port=port, User=user, Password=password, TimeoutMs=timeout_ms)
        for handler in (ssl, log, proxy):
            if handler is not None:
                self.SetAdvancedHandler(handler)
        if progress is not None:
            self.Progress = progress

    def _fn(self, name: str) -> Any:
        return getattr(LIB, f"csmail_{self._prefix}_{name}")

    def _before_release(self) -> None:
        if self._progress is not None:
            self._fn("set_progress_callback")(self._h, csmail_progress_callback(), None)

    # ---- Advanced handlers and ExtendedError (seed 002) ----

    def SetAdvancedHandler(self, handler: Handle) -> None:
        """Attaches an SSLInfo, a LogHandler or a proxy (replacing one of the same kind)."""
        if not isinstance(handler, (SSLInfo, LogHandler, ProxyInfo)):
            raise TypeError(f"not an advanced handler: {type(handler).__name__}")
        check(self._fn("set_advanced_handler")(self.handle, handler.handle))
        self._handlers[handler._prefix] = handler

    def RemoveAdvancedHandler(self, handler: Handle) -> None:
        """Detaches a handler attached with SetAdvancedHandler."""
        check(self._fn("remove_advanced_handler")(self.handle, handler.handle))
        if self._handlers.get(handler._prefix) is handler:
            del self._handlers[handler._prefix]

    @property
    def ExtendedError(self) -> ErrorInfo:
        """The ErrorInfo of the last operation: Number (eex), Text, OSError."""
        info = ctypes.c_void_p(None)
        check(self._fn("extended_error")(self.handle, ctypes.byref(info)))
        return ErrorInfo(info.value)  # type: ignore[arg-type]

    set_advanced_handler = SetAdvancedHandler
    remove_advanced_handler = RemoveAdvancedHandler
    extended_error = ExtendedError

    # ---- Progress and abort ----

    @property
    def Progress(self) -> Optional[ProgressCallback]:
        """A callable ``(done, total)`` called as bytes move (total -1 when unknown). If it
        raises, the operation ends (AbortedError, its ``__cause__`` the callable's exception)."""
        return self._progress_fn

    @Progress.setter
    def Progress(self, fn: Optional[ProgressCallback]) -> None:
        if fn is None:
            check(self._fn("set_progress_callback")(self.handle, csmail_progress_callback(), None))
            self._progress, self._progress_fn = None, None
            return
        me = weakref.ref(self)

        def trampoline(_userdata: Any, done: int, total: int) -> int:
            client = me()
            try:
                if client is not None and client._progress_fn is not None:
                    client._progress_fn(done, total)
                return 0
            except BaseException as e:  # noqa: B902 - the operation ends with it
                return callback_failed(e, "the progress callback")

        callback = csmail_progress_callback(trampoline)
        check(self._fn("set_progress_callback")(self.handle, callback, None))
        self._progress, self._progress_fn = callback, fn

    progress = Progress

    def Abort(self) -> None:
        """Ends the operation running on this client, from any thread (it raises AbortedError)."""
        check(self._fn("abort")(self.handle))

    abort = Abort

    # ---- Running operations ----

    def _run(self, name: str, *args: Any) -> None:
        """Runs ``csmail_<prefix>_<name>``; the GIL is released while it runs (ctypes)."""
        op = Operation(self)
        stack = operations()
        stack.append(op)
        try:
            result = self._fn(name)(self.handle, *args)
        finally:
            stack.pop()
        if result != C.CSMAIL_OK:
            raise with_callback_cause(self._error(result), op)
        if op.exception is not None:
            error = CallbackError("the operation succeeded but a callback raised", 0, 0, C.CSMAIL_OK)
            raise with_callback_cause(error, op)

    def _error(self, result: int) -> CSMailError:
        """The exception for a failed operation, with this client's ExtendedError."""
        # This thread's last error first: the ExtendedError call below succeeds and clears it.
        fallback = last_error(result)
        if result == C.CSMAIL_E_INVALID_HANDLE:
            return fallback
        try:
            info = self.ExtendedError
        except CSMailError:
            return fallback
        if info.number == 0:
            # A call refused without becoming the client's operation (re-entrant, busy): the
            # detail is in this thread's last error.
            return fallback
        return make_error(result, info.number, info.text, info.os_error)

    def __enter__(self) -> "Client":
        """Connects (when not connected yet); ``__exit__`` disconnects and releases."""
        if not self.Connected:  # type: ignore[attr-defined]
            self.Connect()
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self._h and self.Connected:  # type: ignore[attr-defined]
                self.Disconnect()
        except CSMailError:
            if exc[0] is None:
                raise
        finally:
            self.close()

    def Connect(self) -> None:
        """Connects, with TLS as the attached SSLInfo says, and authenticates when User is set."""
        self._run("connect")

    connect = Connect

    def Disconnect(self) -> Any:
        raise NotImplementedError  # pragma: no cover

    def __repr__(self) -> str:
        if not self._h:
            return f"<{type(self).__name__} closed>"
        return f"<{type(self).__name__} {self.Host}:{self.Port} connected={bool(self.Connected)}>"  # type: ignore[attr-defined]
