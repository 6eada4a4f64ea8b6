"""aiosmtpd as a submission server for csmail's interoperability tests.

Started by scripts/aiosmtpd-pop3d.sh inside its virtual environment:

    python aiosmtpd_server.py STATE_DIR PORT_STARTTLS PORT_IMPLICIT PORT_TLS_REQUIRED SIZE_LIMIT

Three listeners on 127.0.0.1, all requiring AUTH (PLAIN, LOGIN) before MAIL:
  PORT_STARTTLS      STARTTLS offered, AUTH only after it
  PORT_IMPLICIT      implicit TLS
  PORT_TLS_REQUIRED  STARTTLS required before anything else

Users alice/alicepass and bob/bobpass. Mail to alice@example.com and bob@example.com is stored
in the Maildir STATE_DIR/incoming/<user>@example.com (its new/ is GNU pop3d's); other @example.com addresses
are refused; other domains are accepted and dropped. Each stored message is the data exactly as
received (after dot-unstuffing), behind Return-Path, Delivered-To, a Received header that says
how the client connected (ESMTP, S for TLS, A for authenticated, as RFC 3848 spells it) and an
X-UIDL header with a unique id that pop3d reports as the UIDL.

Writes STATE_DIR/aiosmtpd/ready when every listener is up; stops on SIGTERM.
"""

import email.utils
import mailbox
import os
import signal
import ssl
import sys
import threading
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERS = {b"alice": b"alicepass", b"bob": b"bobpass"}
MAILBOXES = ("alice@example.com", "bob@example.com")
HOSTNAME = "smtp.example.test"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and USERS.get(auth_data.login) == auth_data.password
    # handled=False: aiosmtpd answers a refusal with its 535 (by default it would stay silent).
    return AuthResult(success=ok, handled=False)


class Deliver:
    def __init__(self, state_dir):
        self.incoming = os.path.join(state_dir, "incoming")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith("@example.com") and address.lower() not in MAILBOXES:
            return "550 5.1.1 <%s>: no such mailbox here" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with_ = "ESMTP" + ("S" if session.ssl else "") + ("A" if session.authenticated else "")
        peer = session.peer[0]
        for rcpt in envelope.rcpt_tos:
            if rcpt.lower() not in MAILBOXES:
                continue
            # pop3d takes a message's UIDL from X-UIDL; without one it makes up its own and
            # writes it into the stored message after the first session, changing its size.
            trace = (
                "Return-Path: <%s>\r\nDelivered-To: %s\r\n"
                "Received: from %s ([%s]) by %s (aiosmtpd) with %s for <%s>; %s\r\n"
                "X-UIDL: %s\r\n"
                % (envelope.mail_from, rcpt, session.host_name, peer, HOSTNAME, with_, rcpt,
                   email.utils.formatdate(), uuid.uuid4().hex)
            ).encode("ascii")
            box = mailbox.Maildir(os.path.join(self.incoming, rcpt.lower()), create=False)
            # A Maildir file holds the message with LF line ends; pop3d gives it back with CRLF.
            box.add(mailbox.MaildirMessage((trace + envelope.original_content).replace(b"\r\n", b"\n")))
        return "250 2.0.0 OK: queued"


def main():
    state_dir, port_starttls, port_implicit, port_required, size_limit = sys.argv[1:6]
    pki = os.path.join(state_dir, "pki")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(pki, "server-chain.pem"), os.path.join(pki, "server.key"))
    handler = Deliver(state_dir)
    common = dict(
        hostname="127.0.0.1",
        server_hostname=HOSTNAME,
        authenticator=authenticate,
        auth_required=True,
        data_size_limit=int(size_limit),
        enable_SMTPUTF8=True,
    )
    controllers = [
        Controller(handler, port=int(port_starttls), tls_context=context, auth_require_tls=True, **common),
        Controller(handler, port=int(port_required), tls_context=context, require_starttls=True,
                   auth_require_tls=True, **common),
        # aiosmtpd 1.4.6 counts only STARTTLS as TLS for auth_require_tls: on an implicit-TLS
        # listener it would never offer AUTH, so the check is off there (the channel is TLS).
        Controller(handler, port=int(port_implicit), ssl_context=context, auth_require_tls=False, **common),
    ]
    for c in controllers:
        c.start()
    with open(os.path.join(state_dir, "aiosmtpd", "ready"), "w") as f:
        f.write("%d\n" % os.getpid())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for c in controllers:
        c.stop()


if __name__ == "__main__":
    main()
