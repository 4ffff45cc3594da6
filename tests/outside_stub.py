"""An HTTPS server on loopback standing in for outside hosts (oEmbed endpoints, thumbnail
hosts), with a certificate authority of its own that only the tests trust.

`server.routes[path] = handler(request)` answers a path; `server.requests` lists the
paths (with their queries) it was asked for. Nothing here reaches outside the machine.
"""

import datetime
import json
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NAMES = ("localhost", "oembed.test", "private.test", "other.test")


def make_certificates(directory):
    """A CA and a server certificate for NAMES signed by it; returns (ca, cert, key) paths."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(name) for name in NAMES]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.OID_SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    directory = Path(directory)
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return directory / "ca.pem", directory / "cert.pem", directory / "key.pem"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.reply(404, b"not found")
        else:
            route(self)

    def reply(self, status, body=b"", content_type="text/plain", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A client that hangs up (refused a certificate, reached its size cap) is expected."""


class StubServer:
    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="outside-stub-")
        self.ca, cert, key = make_certificates(self.directory)
        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.routes = self.routes = {}
        self.httpd.requests = self.requests = []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path, host="localhost"):
        return f"https://{host}:{self.port}{path}"

    def client_context(self):
        """What a client needs to trust this server, and only it."""
        return ssl.create_default_context(cafile=str(self.ca))

    def reset(self):
        self.routes.clear()
        self.requests.clear()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def json_reply(body):
    data = json.dumps(body).encode()
    return lambda request: request.reply(200, data, "application/json")


def bytes_reply(body, content_type="application/octet-stream"):
    return lambda request: request.reply(200, body, content_type)


def redirect(location, status=302):
    return lambda request: request.reply(status, headers={"Location": location})


def status_reply(status):
    return lambda request: request.reply(status, b"error")


def slow_reply(seconds):
    def answer(request):
        time.sleep(seconds)
        request.reply(200, b"late")

    return answer


def drip_reply(chunks, every):
    """A body one byte at a time: each read quick, the whole slow."""

    def answer(request):
        request.send_response(200)
        request.send_header("Content-Length", str(chunks))
        request.end_headers()
        for _ in range(chunks):
            request.wfile.write(b"x")
            request.wfile.flush()
            time.sleep(every)

    return answer


def unsized_reply(size):
    """A body with no Content-Length, ended by closing the connection."""

    def answer(request):
        request.send_response(200)
        request.send_header("Connection", "close")
        request.end_headers()
        request.wfile.write(b"x" * size)
        request.close_connection = True

    return answer


def drip_headers_reply(every):
    """The status line and then headers one byte at a time, for ever slower than the cap."""

    def answer(request):
        request.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(200):
            request.wfile.write(b"X")
            request.wfile.flush()
            time.sleep(every)

    return answer
