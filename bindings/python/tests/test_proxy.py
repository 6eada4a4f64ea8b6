"""The proxy objects, end to end: SMTP and POP3 through a SOCKS5 proxy (a small RFC 1928/1929
proxy written here, since the bundled server has none), and their failures."""

import socket
import struct
import threading

import pytest
from conftest import ssl_info

import csmail


class Socks5Proxy:
    """A one-purpose SOCKS5 proxy: user/password authentication, CONNECT, relay."""

    def __init__(self, user: bytes, password: bytes):
        self.user, self.password = user, password
        self.requests = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _read(sock, n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def _serve(self, client):
        with client:
            version, count = self._read(client, 2)
            methods = self._read(client, count)
            if 2 not in methods:
                client.sendall(b"\x05\xff")
                return
            client.sendall(b"\x05\x02")
            _, ulen = self._read(client, 2)
            user = self._read(client, ulen)
            (plen,) = self._read(client, 1)
            password = self._read(client, plen)
            if (user, password) != (self.user, self.password):
                client.sendall(b"\x01\x01")
                return
            client.sendall(b"\x01\x00")
            _, command, _, kind = self._read(client, 4)
            if kind == 3:
                (n,) = self._read(client, 1)
                host = self._read(client, n).decode()
            else:
                host = socket.inet_ntoa(self._read(client, 4))
            (port,) = struct.unpack("!H", self._read(client, 2))
            self.requests.append((command, host, port))
            upstream = socket.create_connection(("127.0.0.1" if host == "localhost" else host, port))
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + struct.pack("!H", 0))
            relay = threading.Thread(target=self._pipe, args=(upstream, client), daemon=True)
            relay.start()
            self._pipe(client, upstream)
            relay.join()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self):
        self.listener.close()


@pytest.fixture
def proxy():
    p = Socks5Proxy(b"proxy-us\xc3\xa9r", b"proxy-p\xc3\xa4ss")
    yield p
    p.close()


def test_smtp_and_pop3_through_socks5(server, proxy):
    socks = csmail.SOCK5ProxyInfo("127.0.0.1", proxy.port, "proxy-usér", "proxy-päss")
    assert (socks.Host, socks.Port, socks.User, socks.RemoteDns) == ("127.0.0.1", proxy.port, "proxy-usér", 1)
    ssl = ssl_info(server, csmail.MODE_STARTTLS)
    with csmail.SMTPClient("localhost", server.smtp, ssl=ssl, proxy=socks) as smtp:
        assert smtp.TlsActive == 1  # TLS with the target, through the tunnel
        smtp.send("a@example.com", "bob@example.com", b"Subject: via socks\r\n\r\nx\r\n")
    assert ssl.certificate_status == csmail.CERTIFICATE_VALID
    with csmail.POP3Client("localhost", server.pop3s, "bob", "bobpass", ssl=ssl_info(server, csmail.MODE_CHANNEL)) as pop3:
        pop3.SetAdvancedHandler(socks)  # attached after connecting: used by the next connect
        assert any(m.subject == "via socks" for m in pop3.messages(delete=True))
    # The proxy resolved the name (RemoteDns = 1): it was asked for "localhost".
    assert proxy.requests[0] == (1, "localhost", server.smtp)


def test_proxy_refuses_the_credentials(server, proxy):
    socks = csmail.SOCKS5ProxyInfo("127.0.0.1", proxy.port, "proxy-usér", "wrong")
    with pytest.raises(csmail.ConnectError) as e:
        csmail.SMTPClient("localhost", server.smtp, proxy=socks).Connect()
    assert e.value.number == csmail.eexProxyAuthfailed


def test_proxy_not_listening():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(csmail.ConnectError) as e:
        csmail.SMTPClient("localhost", 25, proxy=csmail.HTTPProxyInfo("127.0.0.1", port)).Connect()
    assert e.value.number == csmail.eexProxyNoconn
