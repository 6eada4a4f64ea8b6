"""Send and fetch against the bundled server, in both TLS modes, with every kind of source and
sink, and non-ASCII subjects, names, passwords and paths."""

import email.message
import hashlib
import io
import uuid
from pathlib import Path

import pytest
from conftest import TLS_MODES, UTF8_PASSWORD, UTF8_USER, ssl_info

import csmail


def compose(subject: str, body: str, sender: str = "Jörg Müller <joerg@example.com>") -> email.message.EmailMessage:
    msg = email.message.EmailMessage()
    msg["From"] = sender
    msg["To"] = "Алиса <alice@example.com>"
    msg["Subject"] = subject
    msg.set_content(body)
    return msg


def fetch_all(server, mode, pop3_port, user="alice", password="alicepass", delete=True):
    with csmail.POP3Client("localhost", getattr(server, pop3_port), user, password, ssl=ssl_info(server, mode)) as pop3:
        messages = list(pop3.messages(delete=delete))
    return messages


@pytest.mark.parametrize("mode,smtp_port,pop3_port", TLS_MODES)
def test_send_then_fetch_with_non_ascii_everywhere(server, mode, smtp_port, pop3_port):
    subject = f"Grüße — {uuid.uuid4()} — 你好 🌍"
    body = "Käse, Straße, Ωμέγα.\n.a line that starts with a dot\n"
    ssl = ssl_info(server, mode)
    smtp = csmail.SMTPClient("localhost", getattr(server, smtp_port), "alice", "alicepass")
    smtp.SetAdvancedHandler(ssl)
    smtp.Connect()
    assert smtp.Connected == 1 and smtp.TlsActive == 1
    # The seed's output options after the handshake.
    assert ssl.Option[csmail.SSLConnectionProtocolOut] in (csmail.SSL_TLS12, csmail.SSL_TLS13)
    assert ssl.Option[csmail.SSLCertificateStatus] == csmail.CERTIFICATE_VALID
    assert ssl.Option[csmail.SSLCertificatePolicyErrors] == 0
    smtp.send_message(compose(subject, body))
    assert smtp.ReplyCode == 250
    smtp.Disconnect()
    assert smtp.Connected == 0
    smtp.close()

    messages = [m for m in fetch_all(server, mode, pop3_port) if m.subject == subject]
    assert len(messages) == 1
    got = messages[0]
    assert got.sender == "Jörg Müller <joerg@example.com>"
    assert got.to == "Алиса <alice@example.com>"
    # On the wire (and so in the mailbox) every line ends in CRLF.
    assert got.body() == body.replace("\n", "\r\n")


@pytest.mark.parametrize("mode,smtp_port,pop3_port", TLS_MODES)
def test_utf8_user_and_password_log_in_to_smtp_and_pop3(server, mode, smtp_port, pop3_port):
    raw = f"Subject: utf8 user {uuid.uuid4()}\r\n\r\nhello\r\n".encode()
    with csmail.SMTPClient("localhost", getattr(server, smtp_port), UTF8_USER, UTF8_PASSWORD, ssl=ssl_info(server, mode)) as smtp:
        smtp.send("x@example.com", f"{UTF8_USER}@example.com", raw)
    got = fetch_all(server, mode, pop3_port, UTF8_USER, UTF8_PASSWORD)
    assert [m.data.endswith(raw) for m in got].count(True) == 1


def test_every_source_kind_arrives_byte_for_byte(server, tmp_path):
    tag = uuid.uuid4().hex
    path = tmp_path / "nachrichten-ü" / "brief-ß.eml"
    path.parent.mkdir()
    bodies = {
        "bytes": b"Subject: bytes " + tag.encode() + b"\r\n\r\n\xc3\xa4 bytes\r\n",
        "str": f"Subject: str {tag}\r\n\r\nä str\r\n",
        "path": f"Subject: path {tag}\r\n\r\nä path\r\n".encode(),
        "binary file": f"Subject: binary file {tag}\r\n\r\n".encode() + b"x" * 200_000 + b"\r\n",
        "text file": f"Subject: text file {tag}\r\n\r\n" + "ü" * 70_000 + "\r\n",
        "Message": csmail.Message(f"Subject: Message {tag}\r\n\r\nm\r\n"),
    }
    path.write_bytes(bodies["path"])
    sources = {
        "bytes": bodies["bytes"],
        "str": bodies["str"],
        "path": path,
        "binary file": io.BytesIO(bodies["binary file"]),
        "text file": io.StringIO(bodies["text file"]),
        "Message": bodies["Message"],
    }
    progress = []
    with csmail.SMTPClient("localhost", server.smtps, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as smtp:
        smtp.progress = lambda done, total: progress.append((done, total))
        for source in sources.values():
            smtp.send("alice@example.com", ["bob@example.com"], source)
    # Progress reached the whole of each message; a path's total is known, a stream's is not.
    assert (len(bodies["path"]), len(bodies["path"])) in progress
    assert (len(bodies["binary file"]), -1) in progress
    assert progress[-1] == (len(bodies["Message"].data), len(bodies["Message"].data))

    want = {name: (b if isinstance(b, bytes) else bytes(b) if isinstance(b, csmail.Message) else b.encode()) for name, b in bodies.items()}
    got = [m.data for m in fetch_all(server, csmail.MODE_CHANNEL, "pop3s", "bob", "bobpass")]
    for name, data in want.items():
        assert sum(1 for g in got if g.endswith(data)) == 1, name


def test_every_sink_kind_and_the_mailbox_operations(server, tmp_path):
    tag = uuid.uuid4().hex
    data = [f"Subject: sink {i} {tag}\r\n\r\nbody {i} ä\r\n".encode() for i in range(3)]
    with csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
        for d in data:
            smtp.send("a@example.com", "bob@example.com", d)
    ssl = ssl_info(server, csmail.MODE_STARTTLS)
    with csmail.POP3Client("localhost", server.pop3, "bob", "bobpass", ssl=ssl) as pop3:
        count, size = pop3.stat()
        assert count == len(pop3) == pop3.Count >= 3 and size == pop3.Size > 0
        numbers = [n for n in range(1, count + 1) if tag.encode() in pop3.Top(n, 0).data]
        assert len(numbers) == 3
        first, second, third = numbers
        assert pop3.MessageSize(first) >= len(data[0]) and pop3.UID(first) != pop3.UID(second)
        path = tmp_path / "ausgabe-ö.eml"
        progress = []
        pop3.progress = lambda done, total: progress.append((done, total))
        assert pop3.GetMessage(first, path) is None
        pop3.progress = None
        # Retrieval progress: bytes so far, the total unknown (-1) to POP3.
        assert progress and progress[-1] == (path.stat().st_size, -1)
        assert path.read_bytes().endswith(data[0])
        buffer = io.BytesIO()
        pop3.retrieve(second, buffer)
        assert buffer.getvalue().endswith(data[1])
        chunks = []
        pop3.retrieve(third, chunks.append)
        assert b"".join(chunks).endswith(data[2])
        assert pop3[third].data.endswith(data[2])
        batch = pop3.RetrieveMany(numbers, delete=True)
        assert [m.number for m in batch] == numbers
        assert [m.data.endswith(d) for m, d in zip(batch, data)] == [True] * 3
        assert pop3.Disconnect() is True
    with csmail.POP3Client("localhost", server.pop3, "bob", "bobpass", ssl=ssl_info(server, csmail.MODE_STARTTLS)) as pop3:
        assert not [m for m in pop3 if tag.encode() in m.data]


def test_certificate_properties(server):
    ssl = ssl_info(server, csmail.MODE_CHANNEL)
    with csmail.POP3Client("localhost", server.pop3s, "alice", "alicepass", ssl=ssl):
        pass
    der = ssl.certificate_der(0)
    assert ssl.Option["SSLCertificateFingerprint"] == hashlib.sha256(der).hexdigest() == ssl.certificate_fingerprint
    assert ssl.Option[csmail.SSLCertificateCount] == len(ssl.certificates()) >= 1
    assert ssl.certificate_status == csmail.CERTIFICATE_VALID
    assert "CN=" in ssl.certificate_subject and "CN=" in ssl.certificate_issuer
    assert ssl.Option[csmail.SSLCertificateExpires].endswith("Z")
    assert ssl.Option[csmail.SSLCipherStrength] in (128, 256)
    assert ssl.Option[csmail.SSLExchange] == csmail.SSL_ECDHE
    assert Path(server.ca).read_text().startswith("-----BEGIN CERTIFICATE-----")


@pytest.mark.parametrize("mode,smtp_port,pop3_port", TLS_MODES)
def test_untrusted_and_mismatched_certificates_are_refused_with_their_status(server, mode, smtp_port, pop3_port):
    port = getattr(server, smtp_port)
    untrusted = csmail.SSLInfo(mode)  # no test CA: the chain does not validate
    with pytest.raises(csmail.ConnectError) as e:
        csmail.SMTPClient("localhost", port, ssl=untrusted).Connect()
    assert e.value.number == csmail.eexSSLCertificate and e.value.Number == 1407
    assert untrusted.certificate_status == csmail.CERTIFICATE_UNTRUSTED
    assert untrusted.Option[csmail.SSLCertificatePolicyErrors] & csmail.CERT_POLICY_CHAIN_ERRORS

    wrong_name = csmail.SSLInfo(mode, SSLCAFile=server.ca, SSLServerName="wrong.example")
    client = csmail.SMTPClient("localhost", port, ssl=wrong_name)
    with pytest.raises(csmail.ConnectError) as e:
        client.connect()
    assert e.value.number == csmail.eexSSLCertName
    assert client.ExtendedError.Number == csmail.eexSSLCertName
    assert wrong_name.certificate_status == csmail.CERTIFICATE_NO_MATCH

    # The seed's Example 1: Option(SSLNoServerNameCheck) = True lets the mismatch through.
    wrong_name.Option[csmail.SSLNoServerNameCheck] = True
    client.Connect()
    assert client.TlsActive == 1
    client.Disconnect()
