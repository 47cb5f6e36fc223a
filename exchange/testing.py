"""Test helper: a tiny HTTP server that answers what a test tells it (sample documents: exchange/samples.py)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Responder:
    """What the fake server answers next: status, headers, body, optional delay."""

    def __init__(self) -> None:
        self.status, self.headers, self.body, self.delay = 200, {"Content-Type": "application/json"}, b"{}", 0.0
        self.requests: list[dict[str, str]] = []

    def json(self, value: Any, status: int = 200, **headers: str) -> None:
        self.status, self.body = status, json.dumps(value).encode()
        self.headers = {"Content-Type": "application/json", **headers}


def serve(responder: Responder) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            responder.requests.append({"path": self.path, **dict(self.headers)})
            if responder.delay:
                time.sleep(responder.delay)
            self.send_response(responder.status)
            for name, value in responder.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(responder.body)))
            self.end_headers()
            if responder.status != 304:
                self.wfile.write(responder.body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
