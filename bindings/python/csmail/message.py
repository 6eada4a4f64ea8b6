"""Message: the bytes of one RFC 5322 message, as POP3Client returns it and SMTPClient sends it.

The library's Message object currently carries the raw bytes; ``as_email()`` parses them with
Python's ``email`` package for the headers and parts.
"""

import email
import email.message
import email.policy
from typing import Optional, Union


class Message:
    """A message: ``data`` (bytes), ``number`` (its POP3 number, when it came from a mailbox).

    ``Subject``/``From``/``To`` (and snake_case) read the headers, decoded (RFC 2047);
    ``as_email()`` gives an ``email.message.EmailMessage``.
    """

    def __init__(self, data: Union[bytes, bytearray, memoryview, str], number: Optional[int] = None):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.data = bytes(data)
        self.number = number
        self._parsed: Optional[email.message.EmailMessage] = None

    def __bytes__(self) -> bytes:
        return self.data

    def __len__(self) -> int:
        return len(self.data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and other.data == self.data

    def __repr__(self) -> str:
        return f"Message(number={self.number}, {len(self.data)} bytes, Subject={self.subject!r})"

    def as_email(self) -> email.message.EmailMessage:
        """The message parsed by ``email`` (policy ``email.policy.default``)."""
        if self._parsed is None:
            parsed = email.message_from_bytes(self.data, policy=email.policy.default)
            assert isinstance(parsed, email.message.EmailMessage)
            self._parsed = parsed
        return self._parsed

    def header(self, name: str) -> str:
        """A header's decoded value ("" when absent)."""
        value = self.as_email().get(name)
        return str(value) if value is not None else ""

    @property
    def subject(self) -> str:
        return self.header("Subject")

    @property
    def sender(self) -> str:
        return self.header("From")

    @property
    def to(self) -> str:
        return self.header("To")

    Subject = subject
    From = sender
    To = to

    def body(self) -> str:
        """The text body (the text/plain part, decoded), "" when there is none."""
        part = self.as_email().get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""
