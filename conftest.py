"""Test-run rules: the default language, and which tests run in both database passes.

Every test starts in the default language (German). Django's LocaleMiddleware activates the
language of each test-client request and leaves it active in the thread afterwards, so a test that
asked for English would otherwise change what the next test's code renders outside a request.

Two passes, one rule. `./etappe test` runs every test on SQLite and, beside it, on PostgreSQL with
Redis only what touches the database's behaviour (`-m "not once"`). A test runs on both databases
when
  1. it is a TransactionTestCase other than a browser suite: commits, row locks, threads and other
     processes (concurrency, `on_commit`, the task queue's worker, the export/import round trip);
  2. it counts SQL queries (`assertNumQueries`, `CaptureQueriesContext` in its own source): the SQL
     differs per backend, and on PostgreSQL the sessions live in Redis;
  3. its module, class or test is listed in BOTH_DATABASES below: code with a branch per database
     or a feature of one (search backends, the support statement's SQL, StringAgg, NULLS LAST,
     `select_for_update`, constraints, atomic imports, `xmin`, the health check's SQL, the Redis
     cache and sessions), and the authorisation matrix's sweep, which opens every page once on
     PostgreSQL (its GROUP BY and type rules are stricter than SQLite's); or
  4. it is marked `both`.
Everything else is marked `once` and runs on SQLite only: pages, forms, permissions, mails,
exports, translations, parsers and fuzzing, the browser suites (installation.testing_browser) and the
schemathesis run. A test that must stay on SQLite although rule 1 or 2 applies is marked `once`.
A BOTH_DATABASES entry that no longer names a collected module fails the run, so a moved module
cannot drop out of the PostgreSQL pass unnoticed.
"""

import inspect
import unittest
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

# Module paths, or node-id prefixes (`path::Class`, `path::Class::test`), that run on both databases.
BOTH_DATABASES = [
    # search backends (SQLite FTS5 / PostgreSQL tsvector) and the searches built on them
    "search/tests/test_search.py",
    "exchange/tests/test_similar.py",
    "exchange/tests/test_pages.py",
    "exchange/tests/test_sync.py",
    "ideas/tests/test_merge_search.py",
    # the support statement (raw SQL per database), supports and their counts
    "ideas/tests/test_workflow.py",
    "ideas/tests/test_list.py",
    # StringAgg (roadmap, ranking), NULLS LAST orderings, row locks in the services
    "projects/tests/test_projects.py",
    "prioritisation/tests/test_rounds.py",
    "prioritisation/tests/test_closing.py",
    "service_inventory/tests/test_services.py",
    "maturity/tests/test_maturity.py",
    "learning/tests/test_learning.py",
    # atomic imports: a broken file writes nothing
    "ideas/tests/test_import.py",
    "projects/tests/test_import.py",
    # anonymity: PostgreSQL's xmin transaction stamp
    "surveys/tests/test_anonymity.py",
    # the health check's SQL; the Redis cache and sessions of the PostgreSQL pass
    "core/tests/test_platform.py",
    "config/tests/test_redis_down.py",
    "accounts/tests/test_sessions.py",
    # every page once on PostgreSQL
    "core/tests/test_roles.py::AuthorisationMatrixTests::test_each_role_gets_exactly_what_it_may_see",
]
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
QUERY_COUNTS = (
    "assertNumQueries",
    "CaptureQueriesContext",
    "django_assert_num_queries",
    "django_assert_max_num_queries",
)


@pytest.fixture(autouse=True)
def _two_factors_not_required_by_role(settings):
    """The personas have no second factor; twofactor's own tests switch the requirement on."""
    settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE = False


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "once: the result does not depend on the database; run in one pass only")
    config.addinivalue_line("markers", "both: run on both databases (conftest.py)")


def _uses_database(item: pytest.Item) -> bool:
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, unittest.TestCase):
        return issubclass(cls, TransactionTestCase)
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))) or bool(
        item.get_closest_marker("django_db")
    )


def _in_browser(item: pytest.Item) -> bool:
    from installation.testing_browser import BrowserTestCase

    cls = getattr(item, "cls", None)
    return cls is not None and issubclass(cls, BrowserTestCase)


def _counts_queries(item: pytest.Item) -> bool:
    try:
        source = inspect.getsource(getattr(item, "obj", None))
    except (OSError, TypeError):
        return False
    return any(name in source for name in QUERY_COUNTS)


def _on_both(item: pytest.Item) -> bool:
    """Rules 1 to 4 of the module docstring."""
    from django.test import TestCase, TransactionTestCase

    if item.get_closest_marker("once") or not _uses_database(item):
        return False
    cls = getattr(item, "cls", None)
    return (
        bool(item.get_closest_marker("both"))
        or (cls is not None and issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase))
        or _counts_queries(item)
        or any(item.nodeid == entry or item.nodeid.startswith(entry + "::") for entry in BOTH_DATABASES)
    )


def _check_both_databases(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every BOTH_DATABASES entry names a collected test, when the whole tree is collected."""
    if config.args and any(Path(arg).resolve() != config.rootpath for arg in config.args):
        return
    missing = [entry for entry in BOTH_DATABASES if not any(item.nodeid.startswith(entry) for item in items)]
    if missing:
        raise pytest.UsageError(f"conftest.py BOTH_DATABASES names tests that do not exist: {', '.join(missing)}")


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]):
    # Before every other plugin (so `-m "not once"` sees the marks) ...
    _check_both_databases(config, items)
    for item in items:
        if not _on_both(item):
            item.add_marker(pytest.mark.once)
    result = yield
    # ... and after them (pytest-django sorts TestCase before TransactionTestCase): the browser suites
    # share one Chromium (installation.testing_browser) and run one after the other; the sort is
    # stable, so a class stays together.
    items.sort(key=_in_browser)
    return result


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    # Playwright's event loop stays set in this thread while Chromium runs (async_to_sync refuses to
    # work beside it), so the browser is closed when the last browser suite in a row is done: under
    # pytest-xdist (`-n 2 --dist loadscope`, a class stays on one worker) other tests may follow.
    if _in_browser(item) and (nextitem is None or not _in_browser(nextitem)):
        from installation.testing_browser import close_shared_browser

        close_shared_browser()


def pytest_sessionfinish(session: pytest.Session) -> None:
    import sys

    browser = sys.modules.get("installation.testing_browser")
    if browser is not None:
        browser.close_shared_browser()
