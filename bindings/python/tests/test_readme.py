"""The README's Python example runs against the bundled server: its host, ports and passwords
are swapped for the server's, and its SSLInfo objects are given the server's test CA."""

import contextlib
import io
import re
import uuid
from pathlib import Path

import csmail

README = Path(__file__).resolve().parents[3] / "README.md"


def example() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- BEGIN PYTHON EXAMPLE.*?```python\n(.*?)```\n<!-- END PYTHON EXAMPLE -->", text, re.S)
    assert block, "the README has its Python example"
    return block.group(1)


def test_the_readme_example_sends_and_fetches(server):
    subject = f"Grüße {uuid.uuid4()}"
    code = (
        example()
        .replace('"mail.example.com", 587, "alice", "secret"', f'"localhost", {server.smtp}, "alice", "alicepass"')
        .replace('"mail.example.com", 995, "bob", "secret"', f'"localhost", {server.pop3s}, "bob", "bobpass"')
        .replace('"Grüße"', repr(subject))
        .replace("csmail.SSLInfo()", f"csmail.SSLInfo(SSLCAFile={server.ca!r})")
        .replace("csmail.SSLInfo(MODE_CHANNEL)", f"csmail.SSLInfo(MODE_CHANNEL, SSLCAFile={server.ca!r})")
    )
    assert "mail.example.com" not in code and code.count("SSLCAFile") == 2
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the project's own README
    printed = out.getvalue()
    assert "Error" not in printed, printed
    assert "C: STARTTLS" in printed and "C: AUTH PLAIN <redacted>" in printed
    assert "CN=" in printed and "True" in printed
    assert re.search(rf"^\d+ {re.escape(subject)} \d+$", printed, re.M), printed
    assert csmail.CSMAIL_VERSION
