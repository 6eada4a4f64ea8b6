"""Message and Section (the library's MIME objects): compose with non-ASCII names and
attachments, Send(Message) with the envelope from its headers, fetch and read it back."""

import uuid

import pytest
from conftest import ssl_info

import csmail


def test_compose_send_fetch_and_read_attachments(server, tmp_path):
    subject = f"Anhang für Jörg {uuid.uuid4()}"
    report = tmp_path / "Bericht-ü.txt"
    report.write_text("Zeile 1: äöü\n", encoding="utf-8")
    msg = csmail.Message()
    msg.add_address("From", "alice@example.com", "Алиса")
    msg.add_address("To", "bob@example.com", "Bob Müller")
    msg.add_address("Bcc", "alice@example.com")
    msg.Subject = subject
    msg.TextBody = "Grüße — see the attachments.\r\n"
    msg.Priority = 1
    image = bytes(range(256)) * 40
    added = msg.add_attachment(image, "bild-ß.bin", "application/octet-stream")
    assert added.FileName == "bild-ß.bin" and added.Size == len(image)
    msg.add_attachment(report)  # a file: streamed when sent
    assert [a.FileName for a in msg.attachments] == ["bild-ß.bin", "Bericht-ü.txt"]

    with csmail.SMTPClient("localhost", server.smtp, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
        smtp.send_message(msg)  # Send(Message): the envelope from From, To and Bcc

    for user, password in (("bob", "bobpass"), ("alice", "alicepass")):
        with csmail.POP3Client("localhost", server.pop3s, user, password, ssl=ssl_info(server, csmail.MODE_CHANNEL)) as pop3:
            got = [m for m in pop3.messages(delete=True) if m.Subject == subject]
        assert len(got) == 1, user
        message = got[0]
        assert message.addresses("From") == [("Алиса", "alice@example.com")]
        assert message.addresses("To") == [("Bob Müller", "bob@example.com")]
        assert message.header("Bcc") == ""  # never sent
        assert message.TextBody.startswith("Grüße — see the attachments.")
        assert message.Priority == 1
        files = {a.FileName: a for a in message.attachments}
        assert set(files) == {"bild-ß.bin", "Bericht-ü.txt"}
        assert files["bild-ß.bin"].content() == image
        assert files["Bericht-ü.txt"].text().replace("\r\n", "\n") == "Zeile 1: äöü\n"
        out = tmp_path / user
        out.mkdir()
        files["bild-ß.bin"].save_to_file(out)
        assert (out / "bild-ß.bin").read_bytes() == image


def test_message_from_bytes_and_files(tmp_path):
    raw = "From: =?utf-8?q?J=C3=B6rg?= <j@example.com>\r\nSubject: =?utf-8?b?w5xiZXI=?=\r\n\r\nKörper\r\n".encode()
    msg = csmail.Message(raw)
    assert (msg.Subject, msg.From, msg.data) == ("Über", "Jörg <j@example.com>", raw)
    path = tmp_path / "nachricht-ä.eml"
    msg.save(path)
    assert csmail.Message.load(path).Subject == "Über"
    with pytest.raises(csmail.InvalidArgumentError) as e:
        csmail.Message().add_address("To", "not an address")
    assert e.value.number == csmail.eexInvalidAddress
