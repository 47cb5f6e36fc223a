"""Test helper: a tiny HTTP server that answers what a test tells it (sample documents: exchange/samples.py)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


def serve(responder: Responder) -> tuple[ThreadingHTTPServer, str]:
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
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
