"""Test helper: a tiny HTTP server that answers what a test tells it (sample documents: exchange/samples.py)."""

import datetime
import json
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class Responder:
    """What the fake server answers next: status, headers, body, optional delay.

    `routes` answers particular paths (with their query, e.g. "/api/v1/exchange/feed?p2=1")
    differently from the default; `drip` sends the body one byte at a time with that many seconds
    in between, as a peer that wants to keep a sync hanging would.
    """

    def __init__(self) -> None:
        self.status, self.headers, self.body, self.delay = 200, {"Content-Type": "application/json"}, b"{}", 0.0
        self.drip = 0.0
        self.honour_etag = False  # answer 304 to an If-None-Match that names the current ETag
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[dict[str, str]] = []

    def json(self, value: Any, status: int = 200, **headers: str) -> None:
        self.status, self.body = status, json.dumps(value).encode()
        self.headers = {"Content-Type": "application/json", **headers}

    def route(self, path: str, value: Any, status: int = 200, **headers: str) -> None:
        self.routes[path] = (status, {"Content-Type": "application/json", **headers}, json.dumps(value).encode())


def tls_contexts(hostname: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for `hostname` from a fresh test CA, and a client context trusting that CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject: str, key, issuer: str, issuer_key, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Etappe Test CA", ca_key, "Etappe Test CA", ca_key, ca=True)
    leaf = certificate(hostname, key, "Etappe Test CA", ca_key, ca=False)
    directory = Path(tempfile.mkdtemp(prefix="etappe-tls-"))
    (directory / "cert.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


def serve(responder: Responder, tls: ssl.SSLContext | None = None) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            responder.requests.append({"path": self.path, **dict(self.headers)})
            if responder.delay:
                time.sleep(responder.delay)
            status, headers, body = responder.routes.get(
                self.path, (responder.status, responder.headers, responder.body)
            )
            if responder.honour_etag and headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                status, body = 304, b""
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status == 304:
                return
            try:
                if responder.drip:
                    for byte in body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(responder.drip)
                else:
                    self.wfile.write(body)
            except OSError:  # the reader gave up
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.block_on_close = False
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
