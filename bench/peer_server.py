"""A loopback server that plays N installations for the exchange benchmark (a process of its own).

`python -m bench.peer_server PORT PEERS ITEMS` pre-signs ITEMS items for each of PEERS fictional
installations and serves them at /p/<n>/api/v1/exchange/feed, answering 304 to a matching
If-None-Match, as a real Etappe installation does.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def build_pages(peers: int, items: int) -> list[bytes]:
    from exchange.samples import FakeInstallation, lesson_data, project_data

    pages = []
    for number in range(peers):
        town = FakeInstallation(name=f"Beispielgemeinde {number}", ars=f"{number:012d}")
        entries = [
            town.item("lesson", i, lesson_data(f"Erfahrung {i} aus Gemeinde {number}"))
            if i % 3 == 0
            else town.item("project", i, project_data(f"Projekt {i} der Gemeinde {number}"))
            for i in range(items)
        ]
        pages.append(json.dumps(town.page(entries, cursor=f"c{number}")).encode())
    return pages


def main() -> None:
    port, peers, items = (int(value) for value in sys.argv[1:4])
    pages = build_pages(peers, items)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = self.path.split("/")
            number = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1
            if not 0 <= number < len(pages):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"peer-{number}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = pages[number]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
