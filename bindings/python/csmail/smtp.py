"""SMTPClient: sends messages over SMTP, in the clear, over implicit TLS or with STARTTLS."""

import ctypes
import email.message
import email.utils
from typing import Any, Iterable, List, Optional, Union

from ._client import Client
from ._handle import StrLike, path_bytes, utf8
from ._properties_model import add_properties
from ._streams import Source, reader, source_kind
from .message import Message

Recipients = Union[StrLike, Iterable[StrLike]]


def _recipients(to: Recipients) -> Any:
    items: List[bytes] = [utf8(to)] if isinstance(to, (str, bytes)) else [utf8(r) for r in to]
    return (ctypes.c_char_p * max(len(items), 1))(*items), len(items)


class SMTPClient(Client):
    """SMTPClient.

    ``SMTPClient(host, port, user, password, ssl=SSLInfo(...), log=LogHandler(...))``; the
    properties of the table (Host, Port, User, Password, EhloName, TimeoutMs, AuthMechanism,
    Connected, ReplyCode, ReplyText, ReplyEnhancedCode, Capabilities, TlsActive) and their
    snake_case names. ``with SMTPClient(...) as smtp:`` connects and disconnects.
    """

    _prefix = "smtp"

    def Send(self, sender: StrLike, recipients: Recipients, message: Source) -> None:
        """Sends ``message`` from ``sender`` to ``recipients`` (one address or several).

        ``message``: bytes, str (sent as UTF-8), a path (streamed from the file), a binary or
        text file object (streamed), an ``email.message.Message`` or a csmail ``Message``.
        Raises ServerError when a recipient is refused (nobody gets the message), and
        DeliveryUnknownError when the final reply never came.
        """
        rcpt, count = _recipients(recipients)
        kind, value = source_kind(message)
        if kind == "mem":
            self._run("send_mem", utf8(sender), rcpt, count, value, len(value))
        elif kind == "message":
            self._run("send_message_to", value.handle, utf8(sender), rcpt, count)
        elif kind == "file":
            self._run("send_file", utf8(sender), rcpt, count, path_bytes(value))
        else:
            callback = reader(value)
            self._run("send_cb", utf8(sender), rcpt, count, callback, None)

    def send_message(
        self,
        msg: "email.message.Message | Message",
        from_addr: Optional[str] = None,
        to_addrs: Optional[Recipients] = None,
    ) -> None:
        """Like ``smtplib.SMTP.send_message``: the envelope from the headers (Sender or From;
        To, Cc and Bcc) unless given; Bcc is not sent. A csmail ``Message`` is sent by the
        library (Send(Message): attachment files streamed)."""
        if isinstance(msg, Message):
            if from_addr is None and to_addrs is None:
                self._run("send_message", msg.handle)
            else:
                self.Send(from_addr or msg.addresses("From")[0][1], to_addrs or [], msg)
            return
        if from_addr is None:
            from_addr = email.utils.parseaddr(str(msg.get("Sender") or msg.get("From") or ""))[1]
        if to_addrs is None:
            fields = [str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])]
            to_addrs = [a for _, a in email.utils.getaddresses(fields) if a]
        if msg.get("Bcc") is not None:
            msg = _copy_without_bcc(msg)
        self.Send(from_addr, to_addrs, msg)

    def Reset(self) -> None:
        """RSET."""
        self._run("reset")

    def Disconnect(self) -> None:
        """QUIT and close (also fine when not connected)."""
        self._run("disconnect")

    send = Send
    sendmail = Send
    SendMessage = send_message
    reset = Reset
    disconnect = Disconnect
    quit = Disconnect


def _copy_without_bcc(msg: email.message.Message) -> email.message.Message:
    import copy

    clone = copy.copy(msg)
    del clone["Bcc"]
    return clone


add_properties(SMTPClient, "smtp", "smtp")
