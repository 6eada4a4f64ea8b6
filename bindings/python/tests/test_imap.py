"""IMAPClient against the bundled server in both TLS modes: mailboxes, append, search (raw
keys and the SearchCriteria builder), fetch into a Message, a callable and a file byte for
byte, FetchInfo with BODYSTRUCTURE parts, FetchMany, flags, move, expunge, IDLE, and the
exceptions of a wrong password, a refused command and refused search keys."""

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


MULTIPART = (
    b"From: alice@example.com\r\nTo: bob@example.com\r\nSubject: py parts\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="o"\r\n\r\n'
    b"--o\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHallo\r\n"
    b'--o\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n'
    b'Content-Disposition: attachment; filename="r.pdf"\r\n\r\nJVBERi0xLjQK\r\n--o--\r\n'
)


def _fresh_box(imap, name):
    box = f"{name}-{uuid.uuid4().hex[:8]}"
    imap.Create(box)
    return box


def test_fetch_info_bodystructure_fetch_many_and_fetch_message(server):
    with csmail.IMAPClient("localhost", server.imaps, "bob", "bobpass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as imap:
        box = _fresh_box(imap, "PyParts")
        uid = imap.Append(box, MULTIPART)
        uid2 = imap.Append(box, MSG, flags=["\\Seen"])
        imap.Select(box)
        infos = imap.FetchInfo("1:*")
        assert [(i.number, i.uid) for i in infos] == [(1, uid), (2, uid2)]
        first = infos[0]
        assert (first.subject, first.sender, first.size) == ("py parts", "alice@example.com", len(MULTIPART))
        assert "\\Seen" not in first.flags and "\\Seen" in infos[1].flags
        parts = [(p.depth, p.section, p.mime_type, p.size) for p in first.parts]
        assert parts == [(0, "TEXT", "multipart/mixed", 0), (1, "1", "text/plain", 5), (1, "2", "application/pdf", 12)]
        pdf = first.parts[2]
        assert (pdf.encoding, pdf.disposition, pdf.file_name, pdf.charset) == ("base64", "attachment", "r.pdf", "")
        assert first.parts[1].charset == "utf-8" and first.parts[1].lines == 1
        assert imap.Fetch(uid, uid=True, section=pdf.section).data == b"JVBERi0xLjQK"
        # Only the flags: nothing else is filled in.
        only = imap.FetchInfo(uid, items=csmail.CSMAIL_FETCH_ITEM_FLAGS, uid=True)
        assert (only[0].uid, only[0].size, only[0].subject, only[0].parts) == (uid, 0, "", [])
        # Into a Message.
        message = imap.FetchMessage(uid, uid=True)
        assert message.subject == "py parts" and bytes(message) == MULTIPART
        assert [a.FileName for a in message.attachments] == ["r.pdf"]
        # Batch: up to 8 in flight; a UID that is gone is skipped.
        got = imap.FetchMany([uid, 999, uid2])
        assert [(m.number, bytes(m)) for m in got] == [(uid, MULTIPART), (uid2, MSG)]
        seen = []
        assert imap.FetchMany([uid2], callback=lambda m: seen.append(m.number)) == []
        assert seen == [uid2]
        with pytest.raises(csmail.InvalidArgumentError):
            imap.FetchInfo("1 FLAGS")
        with pytest.raises(csmail.InvalidArgumentError):
            imap.FetchInfo("1", items=0x40)
        imap.CloseMailbox()
        imap.Delete(box)


def test_search_criteria_builder(server):
    import datetime

    with csmail.IMAPClient("localhost", server.imaps, "bob", "bobpass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as imap:
        box = _fresh_box(imap, "PySearch")
        one = imap.Append(box, "From: alice@example.com\r\nSubject: Grüße\r\n\r\nhello\r\n".encode(), flags=["\\Flagged"])
        two = imap.Append(box, b"From: dave@example.com\r\nSubject: report\r\n\r\n" + b"z" * 6000 + b"\r\n")
        imap.Select(box)
        S = csmail.SearchCriteria
        assert imap.Search(S(), uid=True) == [one, two]
        assert imap.Search(S().from_("alice"), uid=True) == [one]
        assert imap.Search(S().subject("Grüße"), uid=True) == [one]
        assert imap.Search(S().larger(5000).unflagged(), uid=True) == [two]
        assert imap.Search(S().or_(S().flagged(), S().larger(5000)), uid=True) == [one, two]
        assert imap.Search(S().not_(S().flagged()), uid=True) == [two]
        assert imap.Search(S().since(datetime.date(2000, 1, 1)).uids(f"{two}:*"), uid=True) == [two]
        assert imap.Search(S().before(datetime.date(2000, 1, 1)), uid=True) == []
        assert imap.Search(S().subject('x" OR ALL "'), uid=True) == []
        assert imap.Search(S().raw("FLAGGED"), uid=True) == [one]
        criteria = S().unseen()
        with pytest.raises(csmail.InvalidArgumentError) as e:
            criteria.subject("a\r\nA9 LOGOUT")
        assert e.value.number == csmail.eexForbiddenCharacter
        with pytest.raises(csmail.InvalidArgumentError):
            criteria.Add(csmail.CSMAIL_SEARCH_FROM)
        with pytest.raises(csmail.InvalidArgumentError):
            criteria.uids("1 2")
        assert imap.Search(criteria, uid=True) == [one, two], "the refused keys were not kept"
        assert imap.Search(criteria.on(datetime.date(2024, 2, 29)), uid=True) == []
        imap.CloseMailbox()
        imap.Delete(box)


def test_enable_and_id(server):
    with csmail.IMAPClient("localhost", server.imaps, "bob", "bobpass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as imap:
        assert imap.Enable(["UTF8=ACCEPT", "CONDSTORE"]) == ["UTF8=ACCEPT"]
        assert imap.ID({"name": "csmail-python", "version": "1"}) == {"name": "csmail-server"}
        assert imap.ID() == {"name": "csmail-server"}
        with pytest.raises(csmail.InvalidArgumentError):
            imap.Enable("UTF8=ACCEPT (x")
        with pytest.raises(csmail.InvalidArgumentError):
            imap.ID({"name": "x\r\nA9 LOGOUT"})
        imap.Noop()


def test_list_attributes_names_the_special_use_folders(server):
    with csmail.IMAPClient("localhost", server.imaps, "bob", "bobpass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as imap:
        trash = "Trash"
        if trash not in imap.List():
            imap.Create(trash)
        attrs = imap.ListAttributes()
        assert "\\Trash" in attrs[trash]
        assert "\\Trash" not in attrs["INBOX"]
        assert imap.ListAttributes("", "Nothing-" + uuid.uuid4().hex) == {}
