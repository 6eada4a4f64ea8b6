"""Objects release their C object when collected; a client keeps the handlers attached to it;
released handles are refused, never used."""

import ctypes
import gc
import weakref

import pytest
from conftest import ssl_info

import csmail
from csmail._library import LIB


def sslinfo_alive(handle: int) -> bool:
    mode = ctypes.c_int32(0)
    return LIB.csmail_sslinfo_get_mode(handle, ctypes.byref(mode)) == csmail.CSMAIL_OK


def test_collected_objects_release_their_c_object():
    ssl = csmail.SSLInfo()
    handle = ssl.handle
    assert sslinfo_alive(handle)
    ref = weakref.ref(ssl)
    del ssl
    assert ref() is None  # no reference cycle: freed at once, without gc
    assert not sslinfo_alive(handle)


def test_a_client_keeps_its_handlers_and_releases_them_with_itself(server):
    smtp = csmail.SMTPClient("localhost", server.smtp)
    ssl = ssl_info(server, csmail.MODE_STARTTLS)
    lines = []
    log = csmail.LogHandler(lambda s, f, m: lines.append(m))
    smtp.SetAdvancedHandler(ssl)
    smtp.SetAdvancedHandler(log)
    handle = ssl.handle
    log_ref = weakref.ref(log)
    del ssl, log
    gc.collect()
    assert sslinfo_alive(handle) and log_ref() is not None
    smtp.Connect()  # the handlers still work: TLS with the CA, and the log callback
    assert smtp.TlsActive == 1 and any(m.startswith("C: STARTTLS") for m in lines)
    smtp.Disconnect()
    client_ref = weakref.ref(smtp)
    del smtp
    gc.collect()
    assert client_ref() is None and log_ref() is None
    assert not sslinfo_alive(handle)


def test_context_manager_and_close(server):
    with csmail.POP3Client("localhost", server.pop3s, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as pop3:
        assert pop3.Connected == 1
    assert pop3.closed
    with pytest.raises(csmail.InvalidHandleError):
        pop3.Count
    pop3.close()  # idempotent
    with csmail.SSLInfo() as ssl:
        pass
    assert ssl.closed


def test_remove_advanced_handler(server):
    smtp = csmail.SMTPClient("localhost", server.smtp)
    ssl = csmail.SSLInfo(csmail.MODE_STARTTLS)  # untrusted: would fail
    smtp.SetAdvancedHandler(ssl)
    smtp.RemoveAdvancedHandler(ssl)
    smtp.Connect()  # plain SMTP now
    assert smtp.TlsActive == 0
    smtp.Disconnect()
