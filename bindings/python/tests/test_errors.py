"""Every result code arrives as its exception class with the exact eex number."""

import ctypes
import errno
import socket

import pytest
from conftest import ssl_info

import csmail
from csmail._errors import check
from csmail._library import LIB

GREETING = "S: 220 test.example ESMTP\nC: EHLO *\nS: 250-test.example\nS: 250 8BITMIME\n"
ENVELOPE = "C: MAIL FROM:<a@example.com>*\nS: 250 ok\nC: RCPT TO:<b@example.com>*\nS: 250 ok\n"


def smtp_to(port: int, **kw) -> csmail.SMTPClient:
    return csmail.SMTPClient("127.0.0.1", port, **kw)


def test_invalid_handle_closed_and_wrong_type():
    smtp = csmail.SMTPClient()
    smtp.close()
    with pytest.raises(csmail.InvalidHandleError) as e:
        smtp.Connect()
    assert e.value.number == csmail.eexInvalidHandle
    ssl = csmail.SSLInfo()
    with pytest.raises(csmail.InvalidHandleError) as e:
        check(LIB.csmail_smtp_connect(ssl.handle))  # an SSLInfo where an SMTPClient belongs
    assert e.value.number == csmail.eexInvalidHandle and e.value.result == csmail.CSMAIL_E_INVALID_HANDLE


def test_invalid_argument_injection_and_bad_utf8(server):
    with csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
        with pytest.raises(csmail.InvalidArgumentError) as e:
            smtp.send("a@example.com>\r\nRCPT TO:<evil@example.com", "b@example.com", b"Subject: x\r\n\r\n")
        assert e.value.number == csmail.eexForbiddenCharacter
    with pytest.raises(csmail.InvalidArgumentError) as e:
        csmail.SMTPClient().Host = b"bad \xff utf-8"
    assert e.value.number == csmail.eexInvalidUtf8
    with pytest.raises(ValueError):  # InvalidArgumentError is a ValueError too
        csmail.SSLInfo().Mode = 7


def test_buffer_too_small_reports_the_size_needed():
    smtp = csmail.SMTPClient("mäil.example")
    needed = ctypes.c_size_t(0)
    buf = ctypes.create_string_buffer(4)
    assert LIB.csmail_smtp_get_str(smtp.handle, csmail.CSMAIL_PROP_HOST, buf, 4, ctypes.byref(needed)) == csmail.CSMAIL_E_BUFFER_TOO_SMALL
    assert needed.value == len("mäil.example".encode()) + 1
    assert smtp.Host == "mäil.example"  # the package asks the size and reads it whole


def test_not_supported():
    smtp = csmail.SMTPClient(password="geheim")
    with pytest.raises(csmail.NotSupportedError) as e:
        smtp.Password
    assert e.value.number == csmail.eexNotSupported
    with pytest.raises(csmail.NotSupportedError):
        smtp.SetAdvancedHandler(csmail.POP3ProxyInfo("proxy.example"))


def test_not_connected():
    with pytest.raises(csmail.NotConnectedError) as e:
        csmail.SMTPClient().send("a@example.com", "b@example.com", b"x")
    assert e.value.number == csmail.eexNotConnected


def test_connect_refused_carries_the_os_error():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(csmail.ConnectError) as e:
        smtp_to(port).Connect()
    assert e.value.number == csmail.eexTCPConnect
    assert e.value.os_error == errno.ECONNREFUSED == e.value.OSError


def test_auth_refused(server):
    smtp = csmail.SMTPClient("localhost", server.smtp, "alice", "wrong", ssl=ssl_info(server, csmail.MODE_STARTTLS))
    with pytest.raises(csmail.AuthError) as e:
        smtp.Connect()
    assert e.value.number == csmail.eexSmtpServer and smtp.ReplyCode == 535
    pop3 = csmail.POP3Client("localhost", server.pop3s, "alice", "wrong", ssl=ssl_info(server, csmail.MODE_CHANNEL))
    with pytest.raises(csmail.AuthError) as e:
        pop3.Connect()
    assert e.value.number == csmail.eexPopServer


def test_server_errors(server, scripted):
    with csmail.POP3Client("localhost", server.pop3s, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as pop3:
        with pytest.raises(csmail.ServerError) as e:
            pop3.GetMessage(99999)
        assert e.value.number == csmail.eexPopServer
        assert pop3.ReplyText.startswith("-ERR")
    s = scripted(GREETING + "C: MAIL FROM:*\nS: 250 ok\nC: RCPT TO:*\nS: 550 5.1.1 no such user\nC: *\nS: 221 bye\n")
    smtp = smtp_to(s.port)
    smtp.Connect()
    with pytest.raises(csmail.ServerError) as e:
        smtp.send("a@example.com", "nobody@example.com", b"Subject: x\r\n\r\ny\r\n")
    assert e.value.number == csmail.eexSmtpServer
    assert (smtp.ReplyCode, smtp.ReplyEnhancedCode) == (550, "5.1.1")
    smtp.close()


def test_network_error_when_the_server_closes_mid_reply(scripted):
    s = scripted(GREETING + "C: RSET\nS: 250-ok\nCLOSE\n")
    smtp = smtp_to(s.port)
    smtp.Connect()
    with pytest.raises(csmail.NetworkError) as e:
        smtp.Reset()
    assert e.value.number == csmail.eexConnectionClosed
    # During the greeting the same is a connect failure (errConnect), as Appendix A has it.
    s = scripted("S: 220-test.example ESMTP\nCLOSE\n")
    with pytest.raises(csmail.ConnectError) as e:
        smtp_to(s.port).Connect()
    assert e.value.number == csmail.eexConnectionClosed


def test_timeout(scripted):
    s = scripted("S: 220 test.example ESMTP\nC: EHLO *\nHANG\n")
    with pytest.raises(csmail.TimeoutError) as e:
        smtp_to(s.port, timeout_ms=300).Connect()
    assert e.value.number == csmail.eexTimeout
    assert isinstance(e.value, TimeoutError)


def test_delivery_unknown(scripted):
    s = scripted(GREETING + ENVELOPE + "C: DATA\nS: 354 go ahead\nDATA\nCLOSE\n")
    smtp = smtp_to(s.port)
    smtp.Connect()
    with pytest.raises(csmail.DeliveryUnknownError) as e:
        smtp.send("a@example.com", "b@example.com", b"Subject: x\r\n\r\ny\r\n")
    assert e.value.number == csmail.eexDeliveryUnknown


def test_protocol_error(scripted):
    s = scripted(GREETING + "C: RSET\nS: 2x0 what\nEXPECT-EOF\n")
    smtp = smtp_to(s.port)
    smtp.Connect()
    with pytest.raises(csmail.ProtocolError) as e:
        smtp.Reset()
    assert e.value.number == csmail.eexMalformedReply
    smtp.close()


def test_message_source_failure(server, tmp_path):
    with csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
        with pytest.raises(csmail.MessageIOError) as e:
            smtp.send("a@example.com", "b@example.com", tmp_path / "fehlt-ü.eml")
        assert e.value.number == csmail.eexMessageSource
        assert "fehlt-ü.eml" in e.value.text


def test_tls_config(server, tmp_path):
    ssl = csmail.SSLInfo(csmail.MODE_CHANNEL, SSLCAFile=str(tmp_path / "keine-ä.pem"))
    with pytest.raises(csmail.TLSConfigError) as e:
        csmail.SMTPClient("localhost", server.smtps, ssl=ssl).Connect()
    assert e.value.result == csmail.CSMAIL_E_TLS_CONFIG and e.value.number != 0
    assert "keine-ä.pem" in e.value.text


def test_extended_error_after_success_is_zero(server):
    with csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
        info = smtp.ExtendedError
        assert (info.Number, info.OSError, info.name) == (0, 0, "")
