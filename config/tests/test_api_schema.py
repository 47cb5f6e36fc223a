"""Robustness: schemathesis generates requests from /api/v1/openapi.json and checks every answer.

No server error, and every response conforms to the schema (status code, content type, body).
The number of examples per operation comes from SCHEMATHESIS_EXAMPLES (10 in the normal run;
the long run in the README uses 100). How many requests were really sent is written to
var/benchmarks/schemathesis.json at the end.
"""

import json
import os
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
SENT = {"requests": 0, "operations": set()}

# Its findings do not depend on the database (conftest.py: run in the SQLite pass only).
pytestmark = pytest.mark.once

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _database(db):
    """Every generated request runs against the test database, rolled back after each operation.

    The WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction that would close the PostgreSQL connection, so it is switched off here, as
    Django's own test client does.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True, scope="module")
def _report():
    yield
    path = Path(__file__).resolve().parents[2] / "var" / "benchmarks" / "schemathesis.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {"examples_per_operation": EXAMPLES, "requests": SENT["requests"], "operations": len(SENT["operations"])}
    path.write_text(json.dumps(report, indent=2))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_within_its_schema(case) -> None:
    SENT["requests"] += 1
    SENT["operations"].add(f"{case.method} {case.path}")
    case.call_and_validate()
