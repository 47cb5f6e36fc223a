"""Accessibility test base: axe-core's WCAG 2.1 A/AA rules in Debian's headless Chromium.

Also asserts that no page breaks its Content-Security-Policy and that no page requests
anything from another host. Needs /usr/bin/chromium (apt install chromium); without it the
suites are skipped with a notice, except under CI, where they fail. Subclass `AxeTestCase`
in `<app>/tests/test_accessibility.py` and call `self.audit(user, paths)`.

Speed: one Chromium serves every browser test of a test run (`shared_browser()`; the suites run
one after the other, and conftest.py closes it after the last of a row; each pytest-xdist worker
starts its own), and the demo is loaded once per run: on SQLite its database
is copied aside after the first load and copied back before each later test (SQLite's backup API,
milliseconds instead of a full `load_demo()`). Browser tests run in the SQLite pass only
(the `once` marker, see conftest.py): what they check does not depend on the database.
"""

import os
import shutil
import sqlite3
import unittest
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connection

from accounts.models import User
from installation.demo import load_demo

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page loads are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ETAPPE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(settings.BASE_DIR) / "var" / "test-vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


_browser: dict = {}
_demo_snapshot: dict = {}


def shared_browser():
    """The run's one headless Chromium, started on first use."""
    if "browser" not in _browser:
        from playwright.sync_api import sync_playwright

        _browser["playwright"] = sync_playwright().start()
        _browser["browser"] = _browser["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    return _browser["browser"]


def close_shared_browser() -> None:
    if "browser" in _browser:
        _browser.pop("browser").close()
        _browser.pop("playwright").stop()


def load_demo_once() -> None:
    """The demo town in the test database: loaded the first time, restored from a copy after that."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]  # SQLite's
        load_demo()
        return
    connection.ensure_connection()
    if "copy" in _demo_snapshot:
        _demo_snapshot["copy"].backup(connection.connection)
        return
    load_demo()
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    connection.connection.backup(copy)
    _demo_snapshot["copy"] = copy


@pytest.mark.once
class BrowserTestCase(StaticLiveServerTestCase):
    """Base for browser suites: the shared Chromium as `cls.browser`, the demo loaded before each test."""

    skip_message = "Browser suite SKIPPED: no Chromium found (apt install chromium)."
    browser: Any  # playwright's Browser

    @classmethod
    def browser_missing(cls) -> bool:
        return not CHROMIUM

    @classmethod
    def setUpClass(cls) -> None:
        if cls.browser_missing():
            if os.environ.get("CI"):
                raise RuntimeError(cls.skip_message)
            raise unittest.SkipTest(cls.skip_message)
        super().setUpClass()
        cls.browser = shared_browser()

    def setUp(self) -> None:
        load_demo_once()


class AxeTestCase(BrowserTestCase):
    """Base for accessibility suites: `audit(user, paths)` with axe-core in the shared Chromium."""

    skip_message = "Accessibility suite SKIPPED: no Chromium found (apt install chromium) or axe-core missing."
    axe_source: str

    @classmethod
    def browser_missing(cls) -> bool:
        return not CHROMIUM or not AXE.exists()

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.axe_source = AXE.read_text()

    def open_context(self, user: User | None, language: str):
        context = self.browser.new_context(locale=language, extra_http_headers={"Accept-Language": language})
        cookies = [{"name": "django_language", "value": language, "url": self.live_server_url}]
        if user is not None:
            self.client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": self.client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            )
        context.add_cookies(cookies)
        return context

    def audit(self, user: User | None, paths: list[str]) -> None:
        for language in ("de", "en"):
            self.audit_in(user, language, paths)

    def audit_in(self, user: User | None, language: str, paths: list[str]) -> None:
        context = self.open_context(user, language)
        page = context.new_page()
        requests: list = []
        messages: list = []
        page.on("request", lambda request: requests.append(request))
        page.on("console", lambda message: messages.append(message))
        for path in paths:
            label = f"{user or 'anonymous'} [{language}] {path}"
            response = page.goto(self.live_server_url + path)
            self.assertEqual(response.status, 200, label)
            page.evaluate(self.axe_source)
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
            violations = [
                f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
                for v in result["violations"]
            ]
            self.assertEqual(violations, [], label)
            self.assertEqual(page.locator("html").get_attribute("lang"), language, label)
        foreign = [r.url for r in requests if not r.url.startswith((self.live_server_url, "data:"))]
        csp_errors = [m.text for m in messages if "Content Security Policy" in m.text]
        self.assertEqual(foreign, [], f"requests to other hosts as {user} [{language}]")
        self.assertEqual(csp_errors, [], f"CSP violations as {user} [{language}]")
        context.close()
