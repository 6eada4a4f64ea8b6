"""Callbacks: the log (with redaction), progress, certificate validation, message sources and
sinks — and what happens when one raises: the operation ends with an exception whose
``__cause__`` is the callback's, and the process goes on."""

import base64
import io

import pytest
from conftest import UTF8_PASSWORD, UTF8_USER, ssl_info

import csmail


class Boom(Exception):
    pass


def test_log_messages_with_passwords_redacted(server):
    lines = []
    log = csmail.LogHandler(lambda severity, facility, message: lines.append((severity, facility, message)))
    assert (log.Level, log.Facility) == (csmail.LOG_S_INFORMATION, csmail.LOG_F_ALL)
    with csmail.POP3Client("localhost", server.pop3, UTF8_USER, UTF8_PASSWORD, ssl=ssl_info(server, csmail.MODE_STARTTLS), log=log):
        pass
    text = "\n".join(m for _, _, m in lines)
    # A UTF-8 login goes by SASL PLAIN (USER/PASS cannot carry it); its payload is a secret.
    secret = base64.b64encode(f"\0{UTF8_USER}\0{UTF8_PASSWORD}".encode()).decode()
    assert "C: STLS" in text and "C: AUTH PLAIN <redacted>" in text
    assert UTF8_PASSWORD not in text and secret not in text
    assert {f for _, f, _ in lines} <= {csmail.LOG_F_PROTOCOL, csmail.LOG_F_SSL, csmail.LOG_F_PROXY, csmail.LOG_F_USER}
    assert csmail.LOG_F_SSL in {f for _, f, _ in lines}

    # The application may ask for secrets (test servers only); and filter by facility.
    lines.clear()
    log.LogSecrets = True
    log.Facility = csmail.LOG_F_PROTOCOL
    with csmail.POP3Client("localhost", server.pop3, UTF8_USER, UTF8_PASSWORD, ssl=ssl_info(server, csmail.MODE_STARTTLS), log=log):
        pass
    assert f"C: AUTH PLAIN {secret}" in "\n".join(m for _, _, m in lines)
    assert {f for _, f, _ in lines} == {csmail.LOG_F_PROTOCOL}


def test_smtp_auth_is_redacted(server):
    lines = []
    log = csmail.LogHandler(lambda s, f, m: lines.append(m), facility=csmail.LOG_F_PROTOCOL)
    with csmail.SMTPClient("localhost", server.smtps, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_CHANNEL), log=log):
        pass
    text = "\n".join(lines)
    assert "AUTH" in text and "<redacted>" in text
    assert "alicepass" not in text and "AGFsaWNlAGFsaWNlcGFzcw==" not in text  # base64 of \0alice\0alicepass


def test_log_callback_that_raises_ends_the_operation(server):
    def explode(severity, facility, message):
        if "EHLO" in message:
            raise Boom("log callback failed")

    smtp = csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS), log=csmail.LogHandler(explode))
    with pytest.raises(csmail.AbortedError) as e:
        smtp.Connect()
    assert isinstance(e.value.__cause__, Boom) and e.value.callback_exception is e.value.__cause__
    assert e.value.number == csmail.eexAborted and "OnLogMessage raised Boom" in str(e.value)
    # The client is usable again.
    smtp.SetAdvancedHandler(csmail.LogHandler(None))
    smtp.Connect()
    assert smtp.Connected == 1
    smtp.Disconnect()


def test_progress_callback_that_raises_ends_the_send(server):
    smtp = csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS))
    smtp.Connect()

    def stop(done, total):
        raise Boom(f"stop at {done}")

    smtp.Progress = stop
    with pytest.raises(csmail.AbortedError) as e:
        smtp.send("a@example.com", "bob@example.com", b"Subject: x\r\n\r\n" + b"y" * 100_000)
    assert isinstance(e.value.__cause__, Boom)
    smtp.close()


def test_source_and_sink_that_raise(server):
    class BadFile(io.RawIOBase):
        def read(self, n=-1):
            raise Boom("disk gone")

    with csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
        with pytest.raises(csmail.MessageIOError) as e:
            smtp.send("a@example.com", "bob@example.com", BadFile())
        assert e.value.number == csmail.eexMessageSource and isinstance(e.value.__cause__, Boom)
        # The message was cut in the middle of DATA: the connection is gone, a new one works.
        assert smtp.Connected == 0
        smtp.Connect()
        smtp.send("a@example.com", "alice@example.com", b"Subject: for the sink\r\n\r\nx\r\n")

    def bad_sink(data):
        raise Boom("sink full")

    def pop3():
        return csmail.POP3Client("localhost", server.pop3, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_STARTTLS))

    # A failed sink leaves the rest of the message unread: the connection is closed.
    with pop3() as client:
        with pytest.raises(csmail.MessageIOError) as e:
            client.retrieve(1, bad_sink)
        assert e.value.number == csmail.eexMessageSink and isinstance(e.value.__cause__, Boom)
    with pop3() as client:
        with pytest.raises(csmail.MessageIOError) as e:
            client.RetrieveMany([1], callback=bad_sink)
        assert isinstance(e.value.__cause__, Boom)


def test_validation_callback_decides_and_sees_the_certificate(server):
    seen = []

    def accept_self_signed(info: csmail.CertificateInfo) -> bool:  # seed 001, in Python
        seen.append(info)
        return info.status in (csmail.CERTIFICATE_VALID, csmail.CERTIFICATE_UNTRUSTED)

    ssl = csmail.SSLInfo(csmail.MODE_CHANNEL)  # no CA: untrusted
    ssl.ValidationCallback = accept_self_signed
    with csmail.SMTPClient("localhost", server.smtps, ssl=ssl) as smtp:
        assert smtp.TlsActive == 1
    info = seen[0]
    assert info.status == csmail.CERTIFICATE_UNTRUSTED and info.policy_errors == csmail.CERT_POLICY_CHAIN_ERRORS
    assert info.der == ssl.certificate_der(0) and info.fingerprint == ssl.certificate_fingerprint
    assert info.subject == ssl.certificate_subject and info.expires.endswith("Z")

    ssl.validation_callback = lambda info: False
    with pytest.raises(csmail.ConnectError) as e:
        csmail.SMTPClient("localhost", server.smtps, ssl=ssl).Connect()
    assert e.value.number == csmail.eexSSLCertificate


def test_validation_callback_that_raises_refuses_the_certificate(server):
    def broken(info):
        raise Boom("validator bug")

    ssl = csmail.SSLInfo(csmail.MODE_CHANNEL, SSLCAFile=server.ca)
    ssl.ValidationCallback = broken
    with pytest.raises(csmail.ConnectError) as e:
        csmail.POP3Client("localhost", server.pop3s, "alice", "alicepass", ssl=ssl).Connect()
    assert isinstance(e.value.__cause__, Boom)
    assert e.value.number == csmail.eexSSLCertificate


def test_a_callback_that_reenters_its_client_gets_reentrant_error(server):
    errors = []
    smtp = csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS))

    def reenter(severity, facility, message):
        if "EHLO" in message and not errors:
            try:
                smtp.Reset()
            except csmail.ReentrantError as e:
                errors.append(e)
            errors.append(smtp.Host)  # property getters are allowed

    smtp.SetAdvancedHandler(csmail.LogHandler(reenter))
    smtp.Connect()
    assert isinstance(errors[0], csmail.ReentrantError) and errors[0].number == csmail.eexReentrant
    assert errors[1] == "localhost"
    smtp.Disconnect()


def test_a_callback_exception_is_never_lost(server):
    # A log callback that raises at QUIT: Disconnect may still complete (the connection closes
    # either way), yet the exception reaches the caller.
    def on_quit(severity, facility, message):
        if message.startswith("C: QUIT"):
            raise Boom("late")

    smtp = csmail.SMTPClient("localhost", server.smtp, ssl=ssl_info(server, csmail.MODE_STARTTLS), log=csmail.LogHandler(on_quit))
    smtp.Connect()
    with pytest.raises(csmail.CSMailError) as e:
        smtp.Disconnect()
    assert isinstance(e.value.__cause__, Boom)
    assert type(e.value) in (csmail.CallbackError, csmail.AbortedError)
    assert smtp.Connected == 0
