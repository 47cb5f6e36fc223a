"""Rendering a PDF fetches nothing outside the installation: no http(s), no files outside the static folders."""

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase

from reports.content import ReportContent
from reports.rendering import pdf_document, static_fetcher


class RecordingHandler(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        body = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"
        self.send_response(200)
        self.send_header("Content-Type", "image/svg+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def empty_content() -> ReportContent:
    return ReportContent(
        title="Bericht",
        municipality="Teststadt",
        strategy="",
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        projects=[],
        reached=[],
        missed=[],
        fields=[],
        status_changes=[],
        kpis=[],
        lessons=[],
        budget_planned=0,
        budget_spent=0,
        status_counts={},
    )


class PdfFetchingTests(SimpleTestCase):
    def setUp(self) -> None:
        RecordingHandler.paths = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def test_a_report_that_points_to_the_network_or_to_local_files_makes_no_request(self) -> None:
        hostile = (
            "<html><head>"
            f'<link rel="stylesheet" href="{self.base}/style.css">'
            f"<style>@import url('{self.base}/import.css'); body {{ background: url('{self.base}/bg.png') }}</style>"
            "</head><body>"
            f'<img src="{self.base}/x.svg"><img src="http://127.0.0.1:1/x">'
            '<img src="file:///etc/passwd"><img src="file:///proc/self/environ">'
            f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{self.base}/in-svg.png" width="5" height="5"/></svg>'
            "</body></html>"
        )
        with mock.patch("reports.rendering.render_to_string", return_value=hostile):
            document = pdf_document(empty_content())
        self.assertEqual(RecordingHandler.paths, [])
        self.assertTrue(document.write_pdf().startswith(b"%PDF"))

    def test_user_text_with_urls_is_text_and_fetches_nothing(self) -> None:
        content = empty_content()
        content.title = f'<img src="{self.base}/title.png"> {self.base}/plain'
        content.municipality = f"url({self.base}/m.png)"
        pdf_document(content).write_pdf()
        self.assertEqual(RecordingHandler.paths, [])

    def test_the_fetcher_serves_static_files_and_refuses_everything_else(self) -> None:
        fetcher = static_fetcher()
        static = Path(settings.BASE_DIR) / "core" / "static"
        own = next(path for path in static.rglob("*") if path.is_file())
        response = fetcher(own.as_uri())
        self.assertEqual(response.read(), own.read_bytes())
        response.close()
        self.assertEqual(fetcher("data:text/plain,hallo").read(), b"hallo")
        refused = [
            f"{self.base}/x",
            "https://example.org/x.png",
            "http://127.0.0.1:1/x",
            "ftp://127.0.0.1/x",
            "file:///etc/passwd",
            (Path(settings.BASE_DIR) / "config" / "settings.py").as_uri(),
            own.as_uri().replace("/core/static/", "/core/static/../../config/") + "/../../../settings.py",
            f"file://{static}/../../config/settings.py",
            f"file://evil.example{own}",
            (static / "does-not-exist.css").as_uri(),
        ]
        for url in refused:
            with self.subTest(url=url), self.assertRaises(ValueError):
                fetcher(url)
        self.assertEqual(RecordingHandler.paths, [])
