"""SSLInfo: how a client uses TLS (Mode, the input options) and what it negotiated (the output
options, the server's certificate)."""

import ctypes
import weakref
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Union

from . import _constants as C
from ._errors import check, last_error, read_string
from ._ffi import csmail_validation_callback
from ._handle import Handle, callback_failed, utf8
from ._library import LIB

OptionValue = Union[bool, int, str, List[int]]


def option_index(option: Union[int, str]) -> int:
    """An option's index from its index or its name (``"SSLNoServerNameCheck"``)."""
    if isinstance(option, str):
        value = getattr(C, "CSMAIL_" + option, None)
        if not isinstance(value, int) or LIB.csmail_sslinfo_option_type(value) == C.CSMAIL_OPTION_UNKNOWN:
            raise KeyError(f"no SSLInfo option named {option!r}")
        return value
    return int(option)


def option_name(index: int) -> str:
    """An option's name (``csmail_sslinfo_option_name``), "" for an unknown index."""
    name = LIB.csmail_sslinfo_option_name(index)
    return name.decode("ascii") if name else ""


@dataclass(frozen=True)
class CertificateInfo:
    """What a validation callback sees: CertificateStatus (``CERTIFICATE_*``), the
    ``CERT_POLICY_*`` flags, the certificate's properties and its DER."""

    status: int
    policy_errors: int
    subject: str
    issuer: str
    issued: str
    expires: str
    fingerprint: str
    der: bytes


class _Options:
    """``ssl.Option[index]``: the seed's ``Option(index)`` property array (index or name)."""

    def __init__(self, ssl: "SSLInfo"):
        self._ssl = ssl

    def __getitem__(self, option: Union[int, str]) -> OptionValue:
        return self._ssl.get_option(option)

    def __setitem__(self, option: Union[int, str], value: OptionValue) -> None:
        self._ssl.set_option(option, value)


class SSLInfo(Handle):
    """SSLInfo: attach it with ``client.SetAdvancedHandler(ssl)`` and TLS is required.

    ``Mode``: ``MODE_CHANNEL`` (implicit TLS, the default) or ``MODE_STARTTLS``.
    ``Option[index]``: the option table (``ssl.Option[SSLNoServerNameCheck] = True``; names work
    too: ``ssl.Option["SSLCertificateSubject"]``). Options may also be given as keyword
    arguments: ``SSLInfo(MODE_STARTTLS, SSLCAFile="ca.pem")``.
    """

    _prefix = "sslinfo"

    def __init__(self, mode: Optional[int] = None, **options: OptionValue):
        super().__init__(LIB.csmail_sslinfo_new())
        self._validator: Any = None
        self._validator_fn: Optional[Callable[[CertificateInfo], Any]] = None
        if mode is not None:
            self.Mode = mode
        for name, value in options.items():
            self.set_option(name, value)

    def _before_release(self) -> None:
        if self._validator is not None:
            LIB.csmail_sslinfo_set_validation_callback(self._h, csmail_validation_callback(), None)

    @property
    def Option(self) -> _Options:
        """The seed's ``Option(index)`` property array: ``ssl.Option[SSLNoServerNameCheck] = True``."""
        return _Options(self)

    option = Option

    @property
    def Mode(self) -> int:
        """MODE_CHANNEL (0) or MODE_STARTTLS (1)."""
        mode = ctypes.c_int32(0)
        check(LIB.csmail_sslinfo_get_mode(self.handle, ctypes.byref(mode)))
        return mode.value

    @Mode.setter
    def Mode(self, mode: int) -> None:
        check(LIB.csmail_sslinfo_set_mode(self.handle, int(mode)))

    mode = Mode

    def get_option(self, option: Union[int, str]) -> OptionValue:
        """Reads an option, typed by the option table: bool, int, list of int or str."""
        index = option_index(option)
        kind = LIB.csmail_sslinfo_option_type(index)
        h = self.handle
        if kind in (C.CSMAIL_OPTION_BOOL, C.CSMAIL_OPTION_INT):
            value = ctypes.c_int32(0)
            check(LIB.csmail_sslinfo_get_int(h, index, ctypes.byref(value)))
            return bool(value.value) if kind == C.CSMAIL_OPTION_BOOL else value.value
        if kind == C.CSMAIL_OPTION_INT_ARRAY:
            count = ctypes.c_size_t(0)
            check(LIB.csmail_sslinfo_get_int_array(h, index, None, 0, ctypes.byref(count)))
            values = (ctypes.c_int32 * max(count.value, 1))()
            check(LIB.csmail_sslinfo_get_int_array(h, index, values, count.value, ctypes.byref(count)))
            return list(values[: count.value])
        if kind == C.CSMAIL_OPTION_STRING:
            return read_string(lambda b, n, need: LIB.csmail_sslinfo_get_str(h, index, b, n, need))
        # Unknown index: the library's own error (eexUnknownOption).
        check(LIB.csmail_sslinfo_get_int(h, index, ctypes.byref(ctypes.c_int32(0))))
        raise last_error(C.CSMAIL_E_INVALID_ARGUMENT)  # pragma: no cover

    def set_option(self, option: Union[int, str], value: OptionValue) -> None:
        """Sets an option. Bools accept any truth value (VB's True, -1, too); arrays any
        iterable of ints; strings str or bytes."""
        index = option_index(option)
        kind = LIB.csmail_sslinfo_option_type(index)
        h = self.handle
        if kind == C.CSMAIL_OPTION_BOOL:
            check(LIB.csmail_sslinfo_set_int(h, index, 1 if value else 0))
        elif kind == C.CSMAIL_OPTION_INT_ARRAY:
            items = [int(v) for v in value]  # type: ignore[union-attr]
            array = (ctypes.c_int32 * max(len(items), 1))(*items)
            check(LIB.csmail_sslinfo_set_int_array(h, index, array, len(items)))
        elif kind == C.CSMAIL_OPTION_STRING:
            check(LIB.csmail_sslinfo_set_str(h, index, utf8(value)))  # type: ignore[arg-type]
        else:
            # Int, and unknown indices (the library reports eexUnknownOption).
            check(LIB.csmail_sslinfo_set_int(h, index, int(value)))  # type: ignore[arg-type]

    def certificate_der(self, index: int = 0) -> bytes:
        """The DER of the server's certificate ``index`` (0 = its own) of the last handshake."""
        h = self.handle
        needed = ctypes.c_size_t(0)
        LIB.csmail_sslinfo_get_certificate_der(h, index, None, 0, ctypes.byref(needed))
        buf = ctypes.create_string_buffer(max(needed.value, 1))
        check(LIB.csmail_sslinfo_get_certificate_der(h, index, buf, needed.value, ctypes.byref(needed)))
        return buf.raw[: needed.value]

    def certificates(self) -> List[bytes]:
        """Every certificate the server sent (DER), its own first."""
        count = self.get_option(C.CSMAIL_SSLCertificateCount)
        return [self.certificate_der(i) for i in range(int(count))]  # type: ignore[arg-type]

    # Outputs by their snake_case names.
    @property
    def certificate_status(self) -> int:
        return self.get_option(C.CSMAIL_SSLCertificateStatus)  # type: ignore[return-value]

    @property
    def certificate_subject(self) -> str:
        return self.get_option(C.CSMAIL_SSLCertificateSubject)  # type: ignore[return-value]

    @property
    def certificate_issuer(self) -> str:
        return self.get_option(C.CSMAIL_SSLCertificateIssuer)  # type: ignore[return-value]

    @property
    def certificate_fingerprint(self) -> str:
        return self.get_option(C.CSMAIL_SSLCertificateFingerprint)  # type: ignore[return-value]

    @property
    def protocol(self) -> int:
        return self.get_option(C.CSMAIL_SSLConnectionProtocolOut)  # type: ignore[return-value]

    @property
    def ValidationCallback(self) -> Optional[Callable[[CertificateInfo], Any]]:
        """A callable(CertificateInfo) -> truth value that decides whether the server's
        certificate is accepted (seed 001), instead of SSLNoServerNameCheck and
        SSLNoServerCertificateValidation. If it raises, the certificate is refused and the
        connect's exception carries the callback's."""
        return self._validator_fn

    @ValidationCallback.setter
    def ValidationCallback(self, fn: Optional[Callable[[CertificateInfo], Any]]) -> None:
        if fn is None:
            check(LIB.csmail_sslinfo_set_validation_callback(self.handle, csmail_validation_callback(), None))
            self._validator, self._validator_fn = None, None
            return
        me = weakref.ref(self)

        def trampoline(_userdata: Any, info_ptr: Any) -> int:
            try:
                ssl = me()
                if ssl is None or ssl._validator_fn is None:
                    return 0
                i = info_ptr.contents
                info = CertificateInfo(
                    status=i.status,
                    policy_errors=i.policy_errors,
                    subject=(i.subject or b"").decode("utf-8", "replace"),
                    issuer=(i.issuer or b"").decode("utf-8", "replace"),
                    issued=(i.issued or b"").decode("utf-8", "replace"),
                    expires=(i.expires or b"").decode("utf-8", "replace"),
                    fingerprint=(i.fingerprint or b"").decode("ascii", "replace"),
                    der=ctypes.string_at(i.der, i.der_len) if i.der else b"",
                )
                return 1 if ssl._validator_fn(info) else 0
            except BaseException as e:  # noqa: B902 - kept and raised by the connect
                callback_failed(e, "the validation callback")
                return 0  # refused

        callback = csmail_validation_callback(trampoline)
        check(LIB.csmail_sslinfo_set_validation_callback(self.handle, callback, None))
        self._validator, self._validator_fn = callback, fn

    validation_callback = ValidationCallback

    def set_validation_callback(self, fn: Optional[Callable[[CertificateInfo], Any]]) -> None:
        self.ValidationCallback = fn
