"""A loopback server that plays N installations for the exchange benchmark (a process of its own).

`python -m exchange.peer_server PORT PEERS ITEMS` pre-signs ITEMS items for each of PEERS fictional
installations and serves them at /p/<n>/api/v1/exchange/feed in pages, as a real Etappe
installation does: `limit` items per page (default 100, at most 500), `since=<cursor>` for the
items after a cursor, a `next` link with its own query string while items remain, and 304 to a
matching If-None-Match. So a peer with more items than the reader's page size is read through its
`next` links, the way issue 14 (finding 3) needs it exercised.
"""

import json
import sys
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

MAX_PAGE = 500


def build_items(peers: int, items: int) -> list[tuple[dict, list[dict]]]:
    """Per peer: an empty page (publisher and format) and its signed items, oldest first."""
    from exchange.samples import FakeInstallation, lesson_data, project_data

    feeds = []
    for number in range(peers):
        town = FakeInstallation(name=f"Beispielgemeinde {number}", ars=f"{number:012d}")
        entries = [
            town.item("lesson", i, lesson_data(f"Erfahrung {i} aus Gemeinde {number}"))
            if i % 3 == 0
            else town.item("project", i, project_data(f"Projekt {i} der Gemeinde {number}"))
            for i in range(items)
        ]
        feeds.append((town.page([]), entries))
    return feeds


def main() -> None:
    port, peers, items = (int(value) for value in sys.argv[1:4])
    feeds = build_items(peers, items)

    @cache
    def page(number: int, start: int, limit: int) -> bytes:
        empty, entries = feeds[number]
        chunk = entries[start : start + limit]
        end = start + len(chunk)
        more = end < len(entries)
        query = urlencode({"since": f"i{end}", "limit": limit})
        document = {
            **empty,
            "cursor": f"i{end}",
            "next": f"/p/{number}/api/v1/exchange/feed?{query}" if more else None,
            "items": chunk,
        }
        return json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            parts = url.path.split("/")
            number = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1
            if not 0 <= number < len(feeds):
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
            query = parse_qs(url.query)
            since = query.get("since", ["i0"])[0]
            start = int(since[1:]) if since[:1] == "i" and since[1:].isdigit() else 0
            asked = query.get("limit", ["100"])[0]
            limit = min(max(int(asked), 1), MAX_PAGE) if asked.isdigit() else 100
            body = page(number, start, limit)
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
