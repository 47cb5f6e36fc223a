"""One log line per request with method, path, status, duration and role, in the text and the JSON format."""

import json
import logging
import re

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.module_loading import import_string

from installation.testing import BaseTestCase

LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d) ms role=(?P<role>[a-z_]+)$")


class RequestLogTests(BaseTestCase):
    def get_logged(self, url: str, **extra) -> logging.LogRecord:
        with self.assertLogs("etappe.request", level="INFO") as logs:
            self.client.get(url, **extra)
        self.assertEqual(len(logs.records), 1)
        return logs.records[0]

    def test_it_writes_method_path_status_duration_and_role_into_the_message(self):
        self.login(self.staff)
        record = self.get_logged(reverse("strategy:detail") + "?q=geheim")
        match = LINE.match(record.getMessage())
        self.assertIsNotNone(match, record.getMessage())
        self.assertEqual(
            (match["method"], match["path"], match["status"], match["role"]),
            ("GET", reverse("strategy:detail"), "200", "staff"),
        )
        self.assertEqual((record.method, record.status, record.role), ("GET", 200, "staff"))

    def test_it_logs_no_query_string_and_no_person(self):
        self.login(self.team)
        record = self.get_logged(reverse("strategy:detail") + "?email=team@example.org")
        logged = json.dumps({k: str(v) for k, v in vars(record).items()})
        self.assertNotIn("team@example.org", logged)
        self.assertNotIn("email=", logged)
        # Nothing beyond the five named fields is added to the record, so no user id or name is logged.
        standard = vars(logging.makeLogRecord({})).keys() | {"message", "asctime", "taskName"}
        self.assertEqual(set(vars(record)) - standard, {"method", "path", "status", "duration_ms", "role"})
        self.assertIn("role=strategy_team", record.getMessage())

    def test_anonymous_and_not_found(self):
        record = self.get_logged("/gibt-es-nicht/")
        self.assertRegex(record.getMessage(), r"^GET /gibt-es-nicht/ 404 \d+\.\d ms role=anonymous$")

    def test_secrets_in_the_path_are_hidden(self):
        token = signing.dumps({"idea": 1, "email": "x@example.org"}, salt="etappe.ideas.confirm")
        record = self.get_logged(reverse("ideas:confirm", args=[token]))
        self.assertNotIn(token, record.getMessage())
        self.assertIn("/ideas/confirm/[hidden]/", record.getMessage())
        record = self.get_logged(reverse("surveys:invited", args=["abcdefghijklmnop"]))
        self.assertNotIn("abcdefghijklmnop", record.getMessage())

    def test_a_line_break_in_the_path_cannot_forge_a_line(self):
        record = self.get_logged("/nichts%0aINFO%20etappe.request%20GET%20/%20200/")
        message = record.getMessage()
        self.assertNotIn("\n", message)
        self.assertRegex(message, LINE)
        self.assertIn("%0AINFO%20etappe.request", message)

    def test_both_configured_formats_print_the_fields(self):
        self.login(self.council)
        record = self.get_logged(reverse("strategy:detail"))
        text = _formatter("text").format(record)
        self.assertRegex(text, r" INFO etappe\.request GET /strategy/ 200 \d+\.\d ms role=council$")
        data = json.loads(_formatter("json").format(record))
        self.assertEqual(
            {k: data[k] for k in ("level", "logger", "method", "path", "status", "role")},
            {
                "level": "INFO",
                "logger": "etappe.request",
                "method": "GET",
                "path": "/strategy/",
                "status": 200,
                "role": "council",
            },
        )
        self.assertIsInstance(data["duration_ms"], float)


def _formatter(name: str) -> logging.Formatter:
    """The formatter LOGGING configures under `name`, built as logging.config builds it."""
    config = dict(settings.LOGGING["formatters"][name])
    factory = import_string(config.pop("()")) if "()" in config else logging.Formatter
    if "format" in config:
        config["fmt"] = config.pop("format")
    return factory(**config)


class DemoServerLogTests(BaseTestCase):
    def test_runserver_writes_no_access_line_of_its_own(self):
        # Its line for a 4xx or 5xx answer holds the raw request line: query string and the token
        # of a confirmation link. The demo runs on runserver; etappe.request's line is the only one.
        self.assertFalse(logging.getLogger("django.server").isEnabledFor(logging.ERROR))
        self.assertEqual(settings.LOGGING["loggers"]["django.server"]["level"], "CRITICAL")
