"""Fixtures: the bundled csmail-server (the repository's server/ crate) on free loopback ports,
and its scripted mode for misbehaving servers.

The server binary is ``CSMAIL_SERVER`` or ``target/debug/csmail-server`` of the repository
(``cargo build -p csmail-server``). Servers are started with ``--stdin-lifetime``: they end
when the test process closes their standard input, whatever happens to the tests.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest

import csmail

REPO = Path(__file__).resolve().parents[3]

#: A user whose name and password are not ASCII (the server's accounts are UTF-8).
UTF8_USER = "jörg.müller"
UTF8_PASSWORD = "pässwörd-✓-пароль"


def server_binary() -> str:
    path = os.environ.get("CSMAIL_SERVER") or str(REPO / "target" / "debug" / "csmail-server")
    if not Path(path).is_file():
        pytest.exit(f"no csmail-server at {path}: run `cargo build -p csmail-server` or set CSMAIL_SERVER", 2)
    return path


def read_ports(process: "subprocess.Popen[bytes]", keys: List[str]) -> Dict[str, int]:
    """Reads ``key=PORT`` lines from the server's standard output until every key is seen."""
    ports: Dict[str, int] = {}
    assert process.stdout is not None
    while not all(k in ports for k in keys):
        line = process.stdout.readline().decode("utf-8", "replace").strip()
        if not line:
            if process.poll() is not None:
                raise RuntimeError(f"csmail-server exited with {process.returncode} before it was ready")
            continue
        key, _, value = line.partition("=")
        if key in keys and value.isdigit():
            ports[key] = int(value)
    return ports


@dataclass
class Server:
    dir: Path
    ca: str
    smtp: int
    smtps: int
    pop3: int
    pop3s: int
    imap: int
    imaps: int

    def mailbox(self, user: str) -> Path:
        return self.dir / "mail" / user


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One bundled server for the session: users alice, bob and a UTF-8 one."""
    directory = tmp_path_factory.mktemp("server-ä")
    process = subprocess.Popen(
        [
            server_binary(),
            "--dir",
            str(directory),
            "--smtp-port", "0", "--smtps-port", "0", "--pop3-port", "0", "--pop3s-port", "0",
            "--imap-port", "0", "--imaps-port", "0",
            "--user", "alice:alicepass",
            "--user", "bob:bobpass",
            "--user", f"{UTF8_USER}:{UTF8_PASSWORD}",
            "--stdin-lifetime",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        ports = read_ports(process, ["smtp", "smtps", "pop3", "pop3s", "imap", "imaps"])
        yield Server(directory, str(directory / "ca.pem"), **ports)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


@dataclass
class Scripted:
    port: int
    process: "subprocess.Popen[bytes]"
    ca: str

    def finish(self) -> str:
        """Waits for the script to end; returns its output (mismatches are listed there)."""
        out, _ = self.process.communicate(timeout=60)
        return out.decode("utf-8", "replace")


@pytest.fixture
def scripted(tmp_path: Path) -> Iterator[Callable[..., Scripted]]:
    """``scripted(text, implicit_tls=False)`` starts a one-connection scripted server."""
    started: List[Scripted] = []

    def start(text: str, implicit_tls: bool = False) -> Scripted:
        script = tmp_path / f"script{len(started)}.txt"
        script.write_text(text, encoding="utf-8")
        command = [server_binary(), "--script", str(script), "--port", "0", "--dir", str(tmp_path)]
        if implicit_tls:
            command.append("--implicit-tls")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        port = read_ports(process, ["script"])["script"]
        s = Scripted(port, process, str(tmp_path / "ca.pem"))
        started.append(s)
        return s

    yield start
    for s in started:
        if s.process.poll() is None:
            s.process.kill()
        s.process.communicate()


def ssl_info(server: Server, mode: int) -> csmail.SSLInfo:
    """An SSLInfo that trusts the server's test CA."""
    return csmail.SSLInfo(mode, SSLCAFile=server.ca)


# The TLS modes and the ports they use: (mode, smtp port attribute, pop3 port attribute).
TLS_MODES = [
    pytest.param(csmail.MODE_STARTTLS, "smtp", "pop3", id="starttls"),
    pytest.param(csmail.MODE_CHANNEL, "smtps", "pop3s", id="implicit"),
]

sys.dont_write_bytecode = True
