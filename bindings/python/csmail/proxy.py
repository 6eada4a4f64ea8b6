"""The proxy handlers: SOCKS4/4a/5, HTTP CONNECT, and the POP3 and SMTP application proxies."""

from typing import Optional

from . import _constants as C
from ._handle import Handle, StrLike, set_given
from ._library import LIB
from ._properties_model import add_properties


class ProxyInfo(Handle):
    """A proxy handler of one kind (``CSMAIL_PROXY_*``), attached with SetAdvancedHandler.

    Properties: Host, Port, User, Password (write-only), RemoteDns (SOCKS5).
    """

    _prefix = "proxyinfo"
    KIND = 0

    def __init__(
        self,
        host: Optional[StrLike] = None,
        port: Optional[int] = None,
        user: Optional[StrLike] = None,
        password: Optional[StrLike] = None,
        kind: Optional[int] = None,
    ):
        super().__init__(LIB.csmail_proxyinfo_new(kind if kind is not None else self.KIND))
        set_given(self, Host=host, Port=port, User=user, Password=password)


add_properties(ProxyInfo, "proxyinfo", "proxy")


class SOCK4ProxyInfo(ProxyInfo):
    """SOCKS4: the target's IPv4 address is resolved here; User is the SOCKS user id."""

    KIND = C.CSMAIL_PROXY_SOCKS4


class SOCK4AProxyInfo(ProxyInfo):
    """SOCKS4a: the proxy resolves the target's name."""

    KIND = C.CSMAIL_PROXY_SOCKS4A


class SOCK5ProxyInfo(ProxyInfo):
    """SOCKS5, with user/password authentication when User is set."""

    KIND = C.CSMAIL_PROXY_SOCKS5


class HTTPProxyInfo(ProxyInfo):
    """HTTP CONNECT, with Basic authentication when User is set."""

    KIND = C.CSMAIL_PROXY_HTTP


class POP3ProxyInfo(ProxyInfo):
    """A POP3 application proxy (``USER name@target``)."""

    KIND = C.CSMAIL_PROXY_POP3


class SMTPProxyInfo(ProxyInfo):
    """An SMTP relay the client talks to instead of the target."""

    KIND = C.CSMAIL_PROXY_SMTP


# The legacy names of seed 002 (SOCK4/SOCK5 as the supplement spells them) and the usual ones.
SOCKS4ProxyInfo = SOCK4ProxyInfo
SOCKS4AProxyInfo = SOCK4AProxyInfo
SOCKS5ProxyInfo = SOCK5ProxyInfo
