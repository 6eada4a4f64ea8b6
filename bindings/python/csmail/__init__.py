"""csmail for Python: the CSMail object model — SMTPClient, POP3Client, IMAPClient, SSLInfo, LogHandler,
ErrorInfo, the proxy handlers — over the csmail library (rustls TLS), through ctypes.

::

    import csmail
    from csmail import MODE_STARTTLS, SSLNoServerNameCheck

    ssl = csmail.SSLInfo()
    ssl.Mode = MODE_STARTTLS
    with csmail.SMTPClient("mail.example.com", 587, "alice", "secret", ssl=ssl) as smtp:
        smtp.send("alice@example.com", ["bob@example.com"], b"Subject: hi\\r\\n\\r\\nHello\\r\\n")

Every constant of csmail.h is here under its legacy name (``MODE_STARTTLS``,
``SSLNoServerNameCheck``, ``eexSSLCertName``, ``LOG_S_INFORMATION``) and its ``CSMAIL_`` name.
Failures raise a :class:`CSMailError` subclass per result code (``ConnectError``, ``AuthError``,
``ServerError``, ``TimeoutError``, ...) with ``number`` (eex), ``text`` and ``os_error``.
Network operations release the GIL: other threads run meanwhile, and ``client.abort()`` from
another thread ends the operation.
"""

from ._constants import *  # noqa: F401,F403 - the generated constants, every one of csmail.h
from ._ffi import HEADER_CONSTANTS as _HEADER_CONSTANTS
from ._errors import (
    ERRORS,
    AbortedError,
    AuthError,
    BufferTooSmallError,
    BusyError,
    CallbackError,
    ConnectError,
    CSMailError,
    DeliveryUnknownError,
    ErrorInfo,
    InvalidArgumentError,
    InvalidHandleError,
    MessageIOError,
    NetworkError,
    NotConnectedError,
    NotSupportedError,
    PanicError,
    ProtocolError,
    ReentrantError,
    ServerError,
    TimeoutError,
    TLSConfigError,
    RefusedLocallyError,
    strerror,
)
from ._library import PATH as library_path
from ._library import VERSION as library_version
from .loghandler import LogHandler
from .message import Message, Section
from .imap import FLAGS_ADD, FLAGS_REMOVE, FLAGS_REPLACE, IMAPClient
from .imap_types import BodyPart, FetchedMessage, SearchCriteria
from .pop3 import POP3Client
from .proxy import (
    HTTPProxyInfo,
    POP3ProxyInfo,
    ProxyInfo,
    SMTPProxyInfo,
    SOCK4AProxyInfo,
    SOCK4ProxyInfo,
    SOCK5ProxyInfo,
    SOCKS4AProxyInfo,
    SOCKS4ProxyInfo,
    SOCKS5ProxyInfo,
)
from .smtp import SMTPClient
from .sslinfo import CertificateInfo, SSLInfo, option_name

# The header's constants declared outside the tables (e.g. CSMAIL_SECTION_*), from _ffi.py.
globals().update(_HEADER_CONSTANTS)

__version__ = CSMAIL_VERSION  # noqa: F405

__all__ = [
    "SMTPClient",
    "POP3Client",
    "IMAPClient",
    "FLAGS_ADD",
    "FLAGS_REMOVE",
    "FLAGS_REPLACE",
    "SearchCriteria",
    "FetchedMessage",
    "BodyPart",
    "SSLInfo",
    "LogHandler",
    "ErrorInfo",
    "Message",
    "Section",
    "CertificateInfo",
    "ProxyInfo",
    "SOCK4ProxyInfo",
    "SOCK4AProxyInfo",
    "SOCK5ProxyInfo",
    "SOCKS4ProxyInfo",
    "SOCKS4AProxyInfo",
    "SOCKS5ProxyInfo",
    "HTTPProxyInfo",
    "POP3ProxyInfo",
    "SMTPProxyInfo",
    "CSMailError",
    "CallbackError",
    "InvalidHandleError",
    "InvalidArgumentError",
    "BufferTooSmallError",
    "NotSupportedError",
    "ReentrantError",
    "BusyError",
    "PanicError",
    "NotConnectedError",
    "ConnectError",
    "AuthError",
    "ServerError",
    "NetworkError",
    "TimeoutError",
    "AbortedError",
    "DeliveryUnknownError",
    "ProtocolError",
    "MessageIOError",
    "TLSConfigError",
    "RefusedLocallyError",
    "ERRORS",
    "strerror",
    "option_name",
    "library_path",
    "library_version",
]
