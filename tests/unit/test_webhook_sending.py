"""A POST over TLS to a checked address: the certificate must be trusted and be the URL's name's,
though the connection goes to the address the check pinned (a local TLS server, a certificate
made here)."""

from __future__ import annotations

import datetime
import http.server
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from jaryo_shared.webhook_urls import Target
from webhook_service import sending

LIMITS = sending.Limits(connect_seconds=1, total_seconds=3, answer_bytes=65536)


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_receiver(tmp_path):
    """A TLS receiver on 127.0.0.1 for `receiver.test`, and the Host headers it was sent."""
    cert, key = _certificate(tmp_path, "receiver.test")
    hosts: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], cert, hosts
    server.shutdown()
    server.server_close()


def _trusting(monkeypatch, cert: Path) -> None:
    """The sender's default trust store, plus this test's certificate."""
    default = ssl.create_default_context

    def context() -> ssl.SSLContext:
        made = default()
        made.load_verify_locations(cert)
        return made

    monkeypatch.setattr(sending.ssl, "create_default_context", context)


def test_a_trusted_certificate_of_the_urls_name_is_called_at_the_pinned_address(
    tls_receiver, monkeypatch
):
    port, cert, hosts = tls_receiver
    _trusting(monkeypatch, cert)
    target = Target("https", "receiver.test", port, "/hook", ("127.0.0.1",))

    answer = sending.post(target, b"{}", {}, LIMITS)

    assert answer == sending.Answer(204, None)
    assert hosts == [f"receiver.test:{port}"]


def test_an_untrusted_certificate_is_refused(tls_receiver):
    port, _, hosts = tls_receiver
    target = Target("https", "receiver.test", port, "/hook", ("127.0.0.1",))

    answer = sending.post(target, b"{}", {}, LIMITS)

    assert answer == sending.Answer(None, "TLS handshake failed")
    assert hosts == []


def test_a_certificate_of_another_name_is_refused(tls_receiver, monkeypatch):
    port, cert, hosts = tls_receiver
    _trusting(monkeypatch, cert)
    target = Target("https", "elsewhere.test", port, "/hook", ("127.0.0.1",))

    answer = sending.post(target, b"{}", {}, LIMITS)

    assert answer == sending.Answer(None, "TLS handshake failed")
    assert hosts == []


def test_the_next_address_is_tried_when_one_refuses_the_connection(tls_receiver, monkeypatch):
    port, cert, hosts = tls_receiver
    _trusting(monkeypatch, cert)
    closed = Target("https", "receiver.test", 1, "/hook", ("127.0.0.1",))
    assert sending.post(closed, b"{}", {}, LIMITS) == sending.Answer(None, "connection refused")
    # An address that refuses, then the one that listens (both loopback: ::1 has no listener).
    both = Target("https", "receiver.test", port, "/hook", ("::1", "127.0.0.1"))

    assert sending.post(both, b"{}", {}, LIMITS) == sending.Answer(204, None)
    assert hosts == [f"receiver.test:{port}"]


def _dribbler(tls: ssl.SSLContext | None, pause: float):
    """A server on 127.0.0.1 that (after a whole TLS handshake, with `tls`) answers each
    connection a byte at a time, a status line and then a header without end, one byte every
    `pause` seconds: each byte comes well within any read timeout."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            threading.Thread(target=dribble, args=(connection,), daemon=True).start()

    def dribble(connection: socket.socket) -> None:
        try:
            if tls is not None:
                connection = tls.wrap_socket(connection, server_side=True)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100_000:
                if stop.is_set():
                    return
                connection.sendall(bytes([byte]))
                time.sleep(pause)
        except OSError:
            return
        finally:
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    return server, stop


@pytest.mark.alone  # a time limit: not beside the other workers' load
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_receiver_dribbling_its_headers_cannot_outlast_the_attempts_limit(
    scheme, tmp_path, monkeypatch
):
    tls = None
    if scheme == "https":
        cert, key = _certificate(tmp_path, "receiver.test")
        _trusting(monkeypatch, cert)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
    server, stop = _dribbler(tls, pause=0.3)
    port = server.getsockname()[1]
    target = Target(scheme, "receiver.test", port, "/hook", ("127.0.0.1",))
    limits = sending.Limits(connect_seconds=1, total_seconds=2, answer_bytes=65536)
    started = time.monotonic()
    try:
        answer = sending.post(target, b"{}", {}, limits)
    finally:
        stop.set()
        server.close()
    took = time.monotonic() - started
    assert answer == sending.Answer(None, "timeout")
    assert took < limits.total_seconds + 1.0, f"the attempt took {took:.1f} s"
