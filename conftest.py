"""Every test starts in the default language (German).

Django's LocaleMiddleware activates the language of each test-client request and leaves it active
in the thread afterwards, so a test that asked for English would otherwise change what the next
test's code renders outside a request.
"""

import unittest

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# Two passes, one rule: `./etappe test` runs every test on SQLite, then on PostgreSQL only what can
# behave differently there (`-m "not once"`). A test is `once` when it cannot touch the database
# (a SimpleTestCase, a plain test without the `db` fixture) or is marked so because its result does
# not depend on the database (browser suites via core.testing_browser.BrowserTestCase, the
# schemathesis run). Everything that queries, writes, searches or migrates runs on both.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "once: the result does not depend on the database; run in one pass only")


def _uses_database(item: pytest.Item) -> bool:
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, unittest.TestCase):
        return issubclass(cls, TransactionTestCase)
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker("django_db")


def _in_browser(item: pytest.Item) -> bool:
    from core.testing_browser import BrowserTestCase

    cls = getattr(item, "cls", None)
    return cls is not None and issubclass(cls, BrowserTestCase)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    # Before every other plugin (so `-m "not once"` sees the marks) ...
    for item in items:
        if not _uses_database(item):
            item.add_marker(pytest.mark.once)
    result = yield
    # ... and after them (pytest-django sorts TestCase before TransactionTestCase): the browser suites
    # share one Chromium (core.testing_browser), whose event loop stays set in this thread while it
    # runs, so they go last and no other test runs beside it. The sort is stable: a class stays together.
    items.sort(key=_in_browser)
    return result


def pytest_sessionfinish(session: pytest.Session) -> None:
    import sys

    browser = sys.modules.get("core.testing_browser")
    if browser is not None:
        browser.close_shared_browser()
