#!/usr/bin/env python3
"""An independent MIME oracle for csmail's Message tests, on Python's `email` package
(policy `default`).

    mime_oracle.py describe FILE   print what Python reads in the message FILE
    mime_oracle.py compose FILE    write a message composed by Python to FILE

`describe` prints one line per fact, fields separated by tabs, text as hex of its UTF-8 and
content as hex of its bytes, so nothing needs quoting:
    S  <subject>
    I  <message id, without angle brackets>
    A  <header>  <display name>  <address>          (From, Sender, Reply-To, To, Cc, Bcc)
    P  <content type>  <file name>  <content id>  <disposition>  <charset>  <content>
A `P` line is written for every part that is not multipart, depth first; its content is the
part's payload with the transfer encoding undone and the charset unchanged.
"""

import sys
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

ADDRESS_HEADERS = ["From", "Sender", "Reply-To", "To", "Cc", "Bcc"]


def hx(value):
    if value is None:
        value = ""
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogateescape")
    return value.hex()


def describe(path):
    with open(path, "rb") as f:
        msg = BytesParser(policy=policy.default).parse(f)
    out = []
    if msg["Subject"] is not None:
        out.append(["S", hx(str(msg["Subject"]))])
    if msg["Message-ID"] is not None:
        out.append(["I", hx(str(msg["Message-ID"]).strip().strip("<>"))])
    for h in ADDRESS_HEADERS:
        for field in msg.get_all(h, []):
            for a in field.addresses:
                out.append(["A", h, hx(a.display_name), hx(a.addr_spec)])
    for part in msg.walk():
        if part.is_multipart():
            continue
        cid = part.get("Content-ID")
        cid = str(cid).strip().strip("<>") if cid is not None else ""
        payload = part.get_payload(decode=True) or b""
        out.append([
            "P",
            part.get_content_type(),
            hx(part.get_filename()),
            hx(cid),
            part.get_content_disposition() or "",
            (part.get_content_charset() or "").lower(),
            payload.hex(),
        ])
    for line in out:
        print("\t".join(line))


def compose(path):
    msg = EmailMessage(policy=policy.default)
    msg["From"] = "Zoë Ållen <zoe@example.org>"
    msg["To"] = "\"Smith, John\" <john@example.org>, plain@example.org"
    msg["Cc"] = "Ünïcödé Name <u@example.org>"
    msg["Subject"] = "Grüße aus Python — ünïcödé subject that is long enough to be folded over lines"
    msg.set_content("Plain text body\nwith a second line, ümlauts and € sign.\n")
    msg.add_alternative("<html><body><p>HTML body <img src=\"cid:img1@example.org\"></p></body></html>\n", subtype="html")
    html = msg.get_payload()[1]
    html.add_related(bytes(range(256)) * 3, maintype="image", subtype="png", cid="<img1@example.org>", filename="pic.png")
    msg.add_attachment(bytes((i * 7 + 3) % 256 for i in range(5000)), maintype="application", subtype="pdf",
                       filename="Übersicht über das lange Jahresergebnis mit vielen Wörtern im Namen.pdf")
    msg.add_attachment("Latin-1 text: café crème\n".encode("latin-1"), maintype="text", subtype="plain",
                       filename="latin1.txt", params={"charset": "iso-8859-1"}, disposition="attachment")
    with open(path, "wb") as f:
        f.write(msg.as_bytes(policy=policy.default.clone(linesep="\r\n")))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("describe", "compose"):
        sys.exit(__doc__)
    {"describe": describe, "compose": compose}[sys.argv[1]](sys.argv[2])
