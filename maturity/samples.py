"""Signed maturity aggregates as another installation would publish them (see maturity/sharing.py).

Used by the demo (fictional neighbours) and by the tests; signed with the fake installation's own key.
"""

import base64
from typing import Any

from exchange.samples import FakeInstallation
from exchange.signing import canonical
from maturity.sharing import FORMAT, VERSION


def aggregate_document(
    town: FakeInstallation,
    *,
    questionnaire: str,
    means: dict[str, float],
    assessed_on: str = "2025-11",
    respondents: str = "10-24",
    signer: FakeInstallation | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A signed aggregate; `signer` signs with another key (a forgery), `extra` adds or overrides fields."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "publisher": {"ars": town.ars, "name": town.name, "state": town.state, "public_key": town.public_key},
        "generated_at": "2026-05-01T10:00:00+00:00",
        "questionnaire": questionnaire,
        "assessed_on": assessed_on,
        "scale": {"min": 0, "max": 4},
        "respondents": respondents,
        "dimensions": {key: {"mean": value, "median": value} for key, value in means.items()},
        **extra,
    }
    key = (signer or town).private
    return {**document, "signature": base64.b64encode(key.sign(canonical(document))).decode()}
