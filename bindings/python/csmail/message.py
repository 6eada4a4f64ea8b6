"""Message and Section: the library's MIME objects (compose, parse, attachments), as POP3Client
returns them and SMTPClient sends them."""

import ctypes
import email
import email.message
import email.policy
import os
from typing import Any, Callable, List, Optional, Tuple, Union

from . import _constants as C
from ._errors import check, read_string
from ._ffi import csmail_message_callback
from ._handle import Handle, StrLike, callback_failed, path_bytes, utf8
from ._library import LIB

Bytes = Union[bytes, bytearray, memoryview]
_SECTION_STRINGS = {
    "ContentType": "CSMAIL_SECTION_CONTENT_TYPE",
    "Charset": "CSMAIL_SECTION_CHARSET",
    "TransferEncoding": "CSMAIL_SECTION_TRANSFER_ENCODING",
    "FileName": "CSMAIL_SECTION_FILE_NAME",
    "ContentID": "CSMAIL_SECTION_CONTENT_ID",
    "Disposition": "CSMAIL_SECTION_DISPOSITION",
}


def _opt(value: Optional[StrLike]) -> Optional[bytes]:
    return None if value is None else utf8(value)


def _count(fn: Any, *args: Any) -> int:
    n = ctypes.c_size_t(0)
    check(fn(*args, ctypes.byref(n)))
    return n.value


class Section(Handle):
    """Section: one MIME part — ``ContentType``, ``Charset``, ``TransferEncoding``, ``FileName``,
    ``ContentID``, ``Disposition``, ``Size``, ``IsAttachment``, ``content()`` (decoded bytes),
    ``text()``, ``save_to_file(folder)``, ``children``."""

    _prefix = "section"

    def __init__(self, content_type: StrLike = "application/octet-stream", *, _handle: Optional[int] = None):
        if _handle is None:
            out = ctypes.c_void_p(None)
            check(LIB.csmail_section_new(utf8(content_type), ctypes.byref(out)))
            _handle = out.value
        super().__init__(_handle)

    def get(self, name: str) -> str:
        """A string property by its name (``"FileName"``)."""
        prop = getattr(C, _SECTION_STRINGS[name])
        return read_string(lambda b, n, need: LIB.csmail_section_get_str(self.handle, prop, b, n, need))

    def set(self, name: str, value: Optional[StrLike]) -> None:
        check(LIB.csmail_section_set_str(self.handle, getattr(C, _SECTION_STRINGS[name]), _opt(value)))

    ContentType = property(lambda self: self.get("ContentType"), lambda self, v: self.set("ContentType", v))
    Charset = property(lambda self: self.get("Charset"), lambda self, v: self.set("Charset", v))
    TransferEncoding = property(lambda self: self.get("TransferEncoding"))
    FileName = property(lambda self: self.get("FileName"), lambda self, v: self.set("FileName", v))
    ContentID = property(lambda self: self.get("ContentID"), lambda self, v: self.set("ContentID", v))
    Disposition = property(lambda self: self.get("Disposition"), lambda self, v: self.set("Disposition", v))
    content_type, charset, transfer_encoding = ContentType, Charset, TransferEncoding
    file_name, content_id, disposition = FileName, ContentID, Disposition

    def header(self, name: str) -> str:
        return read_string(lambda b, n, need: LIB.csmail_section_get_header(self.handle, utf8(name), b, n, need))

    def param(self, name: str) -> str:
        return read_string(lambda b, n, need: LIB.csmail_section_get_param(self.handle, utf8(name), b, n, need))

    @property
    def Size(self) -> int:
        size = ctypes.c_uint64(0)
        check(LIB.csmail_section_size(self.handle, ctypes.byref(size)))
        return size.value

    @property
    def IsAttachment(self) -> bool:
        flag = ctypes.c_int32(0)
        check(LIB.csmail_section_is_attachment(self.handle, ctypes.byref(flag)))
        return bool(flag.value)

    size, is_attachment = Size, IsAttachment

    def content(self) -> bytes:
        """The decoded content (base64 and quoted-printable undone)."""
        needed = ctypes.c_size_t(0)
        LIB.csmail_section_content(self.handle, None, 0, ctypes.byref(needed))
        buf = ctypes.create_string_buffer(max(needed.value, 1))
        check(LIB.csmail_section_content(self.handle, buf, needed.value, ctypes.byref(needed)))
        return buf.raw[: needed.value]

    def text(self) -> str:
        """The content as text, decoded from its charset."""
        return read_string(lambda b, n, need: LIB.csmail_section_text(self.handle, b, n, need))

    def set_content(self, data: Union[Bytes, str]) -> None:
        if isinstance(data, str):
            check(LIB.csmail_section_set_text(self.handle, utf8(data)))
        else:
            raw = bytes(data)
            check(LIB.csmail_section_set_content_mem(self.handle, raw, len(raw)))

    def save_to_file(self, folder: "os.PathLike[Any] | str", file_name: Optional[StrLike] = None) -> None:
        """Writes the decoded content into ``folder`` (under FileName unless ``file_name``)."""
        check(LIB.csmail_section_save_to_file(self.handle, path_bytes(folder), _opt(file_name)))

    @property
    def children(self) -> List["Section"]:
        result = []
        for i in range(_count(LIB.csmail_section_child_count, self.handle)):
            out = ctypes.c_void_p(None)
            check(LIB.csmail_section_child(self.handle, i, ctypes.byref(out)))
            result.append(Section(_handle=out.value))
        return result

    def add_child(self, child: "Section") -> None:
        check(LIB.csmail_section_add_child(self.handle, child.handle))

    SaveToFile = save_to_file

    def __repr__(self) -> str:
        return f"Section({self.ContentType!r}, FileName={self.FileName!r}, {self.Size} bytes)"


class Message(Handle):
    """Message: compose (headers, addresses, text and HTML bodies, attachments) or parse (the
    bytes a POP3Client retrieved, ``Message(data)``, ``Message.load(path)``).

    ``data`` gives the RFC 5322 bytes; ``Subject``, ``From``, ``To`` and ``header(name)`` the
    decoded headers; ``TextBody``/``HTMLBody``; ``attachments``; ``number`` is its POP3 number
    when it came from a mailbox. ``as_email()`` parses ``data`` with Python's ``email``.
    """

    _prefix = "message"

    def __init__(
        self,
        data: Optional[Union[Bytes, str]] = None,
        number: Optional[int] = None,
        *,
        _handle: Optional[int] = None,
    ):
        super().__init__(_handle if _handle is not None else LIB.csmail_message_new())
        self.number = number
        if data is not None:
            raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            check(LIB.csmail_message_load_mem(self.handle, raw, len(raw)))

    @classmethod
    def load(cls, path: "os.PathLike[Any] | str") -> "Message":
        """LoadFromFile: a message file (RFC 5322, e.g. .eml)."""
        message = cls()
        check(LIB.csmail_message_load_from_file(message.handle, path_bytes(path)))
        return message

    def save(self, path: "os.PathLike[Any] | str") -> None:
        """SaveToFile: the message's bytes into a file."""
        check(LIB.csmail_message_save_to_file(self.handle, path_bytes(path)))

    LoadFromFile = load
    SaveToFile = save

    @property
    def data(self) -> bytes:
        """The RFC 5322 bytes (composed now when the message was changed)."""
        pointer, length = ctypes.c_void_p(None), ctypes.c_size_t(0)
        check(LIB.csmail_message_data(self.handle, ctypes.byref(pointer), ctypes.byref(length)))
        return ctypes.string_at(pointer.value, length.value) if pointer.value and length.value else b""

    def __bytes__(self) -> bytes:
        return self.data

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other.data == self.data

    __hash__ = Handle.__hash__

    # ---- headers and addresses ----

    def header(self, name: str) -> str:
        """A header's decoded value (RFC 2047 undone); "" when absent."""
        return read_string(lambda b, n, need: LIB.csmail_message_get_header(self.handle, utf8(name), b, n, need))

    def set_header(self, name: str, value: Optional[StrLike]) -> None:
        check(LIB.csmail_message_set_header(self.handle, utf8(name), _opt(value)))

    def add_header(self, name: str, value: StrLike) -> None:
        check(LIB.csmail_message_add_header(self.handle, utf8(name), utf8(value)))

    def add_address(self, header: str, address: StrLike, name: Optional[StrLike] = None) -> None:
        """Adds one mailbox to From, Sender, Reply-To, To, Cc or Bcc (the name is encoded)."""
        check(LIB.csmail_message_add_address(self.handle, utf8(header), _opt(name), utf8(address)))

    def addresses(self, header: str) -> List[Tuple[str, str]]:
        """The mailboxes of an address header: [(display name, address)]."""
        result = []
        for i in range(_count(LIB.csmail_message_address_count, self.handle, utf8(header))):
            size_n, size_a = ctypes.c_size_t(0), ctypes.c_size_t(0)
            LIB.csmail_message_address_at(self.handle, utf8(header), i, None, 0, ctypes.byref(size_n), None, 0, ctypes.byref(size_a))
            name = ctypes.create_string_buffer(max(size_n.value, 1))
            addr = ctypes.create_string_buffer(max(size_a.value, 1))
            check(
                LIB.csmail_message_address_at(
                    self.handle, utf8(header), i, name, size_n.value, ctypes.byref(size_n), addr, size_a.value, ctypes.byref(size_a)
                )
            )
            result.append((name.value.decode("utf-8"), addr.value.decode("utf-8")))
        return result

    Subject = property(lambda self: self.header("Subject"), lambda self, v: self.set_header("Subject", v))
    From = property(lambda self: self.header("From"))
    To = property(lambda self: self.header("To"))
    subject, sender, to = Subject, From, To

    @property
    def TextBody(self) -> str:
        return read_string(lambda b, n, need: LIB.csmail_message_get_text_body(self.handle, b, n, need))

    @TextBody.setter
    def TextBody(self, text: StrLike) -> None:
        check(LIB.csmail_message_set_text_body(self.handle, utf8(text)))

    @property
    def HTMLBody(self) -> str:
        return read_string(lambda b, n, need: LIB.csmail_message_get_html_body(self.handle, b, n, need))

    @HTMLBody.setter
    def HTMLBody(self, html: StrLike) -> None:
        check(LIB.csmail_message_set_html_body(self.handle, utf8(html)))

    @property
    def Priority(self) -> int:
        """1 (highest) .. 5 (lowest), X-Priority; 3 when absent."""
        value = ctypes.c_int32(0)
        check(LIB.csmail_message_get_priority(self.handle, ctypes.byref(value)))
        return value.value

    @Priority.setter
    def Priority(self, value: int) -> None:
        check(LIB.csmail_message_set_priority(self.handle, int(value)))

    text_body, html_body, priority = TextBody, HTMLBody, Priority

    def body(self) -> str:
        """The text body ("" when there is none)."""
        return self.TextBody

    # ---- attachments and sections ----

    def add_attachment(
        self,
        source: Union[Bytes, "os.PathLike[Any]", str],
        file_name: Optional[StrLike] = None,
        content_type: Optional[StrLike] = None,
    ) -> Section:
        """AddAttachment: a file (a path; streamed when sent) or bytes (then ``file_name`` is
        needed). ``content_type`` None guesses it from the name."""
        out = ctypes.c_void_p(None)
        if isinstance(source, (bytes, bytearray, memoryview)):
            if file_name is None:
                raise TypeError("an attachment from bytes needs a file_name")
            raw = bytes(source)
            check(LIB.csmail_message_add_attachment_mem(self.handle, utf8(file_name), raw, len(raw), _opt(content_type), ctypes.byref(out)))
        else:
            check(
                LIB.csmail_message_add_attachment_file(
                    self.handle, path_bytes(source), _opt(content_type), _opt(file_name), ctypes.byref(out)
                )
            )
        return Section(_handle=out.value)

    def _sections(self, count_fn: Any, item_fn: Any) -> List[Section]:
        result = []
        for i in range(_count(count_fn, self.handle)):
            out = ctypes.c_void_p(None)
            check(item_fn(self.handle, i, ctypes.byref(out)))
            result.append(Section(_handle=out.value))
        return result

    @property
    def attachments(self) -> List[Section]:
        return self._sections(LIB.csmail_message_attachment_count, LIB.csmail_message_attachment)

    @property
    def sections(self) -> List[Section]:
        return self._sections(LIB.csmail_message_section_count, LIB.csmail_message_section)

    Attachments, Sections = attachments, sections
    AddAttachment = add_attachment

    def as_email(self) -> email.message.EmailMessage:
        """``data`` parsed by Python's ``email`` (policy ``email.policy.default``)."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed

    def __repr__(self) -> str:
        return f"Message(number={self.number}, Subject={self.Subject!r})"


def batch_receiver(callback: Optional[Callable[["Message"], Any]]) -> Tuple[Any, List["Message"]]:
    """The message callback of a batch retrieval (POP3 RetrieveMany, IMAP FetchMany): each
    message becomes a Message (its number the message number or UID) handed to ``callback``,
    or, without one, added to the list returned beside the C callback. A raised exception ends
    the batch."""
    got: List[Message] = []

    def trampoline(_userdata: Any, number: int, data: int, length: int) -> int:
        try:
            message = Message(ctypes.string_at(data, length), number)
            if callback is None:
                got.append(message)
            else:
                callback(message)
            return 0
        except BaseException as e:  # noqa: B902 - the batch ends with it
            return callback_failed(e, "the message callback")

    return csmail_message_callback(trampoline), got
