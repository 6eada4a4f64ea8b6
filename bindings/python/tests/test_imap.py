"""IMAPClient against the bundled server in both TLS modes: mailboxes, append, search, fetch
into a Message, a callable and a file byte for byte, flags, move, expunge, IDLE, and the
exceptions of a wrong password and a refused command."""

import uuid

import pytest
from conftest import UTF8_PASSWORD, UTF8_USER, ssl_info

import csmail

MSG = b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: py imap\r\n\r\nHello from Python.\r\n"
IMAP_MODES = [
    pytest.param(csmail.MODE_STARTTLS, "imap", id="starttls"),
    pytest.param(csmail.MODE_CHANNEL, "imaps", id="implicit"),
]


@pytest.mark.parametrize("mode,port", IMAP_MODES)
def test_mailbox_append_search_fetch_flags_move(server, mode, port, tmp_path):
    box, other = f"Py-{uuid.uuid4().hex[:8]}-Entwürfe", f"Py-{uuid.uuid4().hex[:8]}-Archiv"
    with csmail.IMAPClient("localhost", getattr(server, port), UTF8_USER, UTF8_PASSWORD, ssl=ssl_info(server, mode)) as imap:
        assert imap.Connected == 1 and imap.TlsActive == 1
        assert "IDLE" in imap.Capabilities.split("\n")
        imap.Create(box)
        imap.Create(other)
        assert box in imap.List() and other in imap.List("", "Py-*")
        uid = imap.Append(box, MSG, flags=["\\Flagged"])
        assert uid > 0
        info = imap.Select(box)
        assert info["exists"] == 1 and info["uid_next"] == uid + 1
        assert imap.Search("UNSEEN", uid=True) == [uid]
        assert imap.Search("FLAGGED SUBJECT \"py imap\"", uid=True) == [uid]
        message = imap.Fetch(uid, uid=True)
        assert message.subject == "py imap"
        chunks = []
        imap.Fetch(uid, uid=True, sink=chunks.append)
        assert b"".join(chunks) == MSG
        path = tmp_path / "m.eml"
        imap.Fetch(uid, uid=True, sink=path)
        assert path.read_bytes() == MSG
        text = imap.Fetch(uid, uid=True, section="TEXT")
        assert text.data == b"Hello from Python.\r\n"
        assert imap.Search("UNSEEN", uid=True) == [uid], "BODY.PEEK keeps it unseen"
        imap.StoreFlags(uid, ["\\Seen"], uid=True)
        assert imap.Search("SEEN", uid=True) == [uid]
        imap.Move(uid, other, uid=True)
        assert imap.Search("ALL") == []
        assert imap.Status(other)["messages"] == 1
        changed, exists = imap.Idle(100)
        assert (changed, exists) == (False, 0)
        imap.CloseMailbox()
        imap.Delete(box)
        imap.Delete(other)
        assert box not in imap.List()


def test_errors_carry_the_servers_response(server):
    imap = csmail.IMAPClient("localhost", server.imaps, "bob", "wrong", ssl=ssl_info(server, csmail.MODE_CHANNEL))
    with pytest.raises(csmail.AuthError) as e:
        imap.Connect()
    assert e.value.number == csmail.eexImapNo
    assert "[AUTHENTICATIONFAILED]" in e.value.text
    imap.Password = "bobpass"
    imap.Connect()
    with pytest.raises(csmail.ServerError) as e:
        imap.Copy("1:*", "Nowhere-" + uuid.uuid4().hex)
    assert e.value.number in (csmail.eexImapNo, csmail.eexImapBad)
    with pytest.raises(csmail.InvalidArgumentError):
        imap.Create("a\r\nA9 LOGOUT")
    imap.Disconnect()
    imap.close()
