"""Maturity aggregates between municipalities: what this installation shares, and the comparison with others.

Sharing is opt-in (`Settings.share_aggregates`, decided by the strategy team). What leaves is one
small signed document (format `etappe-maturity-aggregate`, version 1, schema in
`exchange/schema/maturity-aggregate-v1.schema.json`) served at `GET /api/v1/exchange/maturity`:
per dimension key the mean and median of the latest closed round, the month it closed and the
number of respondents as a bucket – never single answers, units, names or evidence notes. A round
with fewer than MIN_RESPONDENTS respondents is not shared at all, and neither is a dimension fewer
of them scored: with two people, the median is the average of two colleagues' answers.

Results are only comparable when they were answered on the same questions, and version numbers
are local to each installation (version 2 here is not version 2 elsewhere). So a questionnaire
version is identified by a fingerprint of its content: dimension keys, statements and level
descriptions. Two municipalities using the unchanged default share the fingerprint.

The comparison shows the median of the other municipalities' means, and only when at least
MIN_MUNICIPALITIES of them shared the same questionnaire (k-anonymity: with fewer, a "median"
would come close to one identifiable municipality's result).
"""

import hashlib
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils import timezone

from exchange import documents
from exchange.signing import canonical, installation_key, sign
from maturity.models import SCORE_MAX, SCORE_MIN, Dimension, PeerMaturity, Round, Settings
from maturity.results import RoundResults, round_summary

FORMAT = "etappe-maturity-aggregate"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "exchange" / "schema" / "maturity-aggregate-v1.schema.json"
MIN_RESPONDENTS = 3
MIN_MUNICIPALITIES = 5
# Lower bound → label; the exact number of respondents would say more about a small town than needed.
BUCKETS = ((50, "50+"), (25, "25-49"), (10, "10-24"), (MIN_RESPONDENTS, f"{MIN_RESPONDENTS}-9"))


@cache
def aggregate_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def fingerprint(dimensions: Iterable[Dimension]) -> str:
    """SHA-256 over what respondents saw: dimension keys, statements and level descriptions (German).

    Dimensions are sorted by key, so moving one does not change the fingerprint; items keep their
    order. Expects the dimensions' items prefetched when called for a page (no extra queries).
    """
    content = sorted(
        (dimension.key, [[item.text_de, list(item.levels_de)] for item in dimension.items.all()])
        for dimension in dimensions
    )
    return hashlib.sha256(canonical(content)).hexdigest()


def respondents_bucket(count: int) -> str | None:
    return next((label for low, label in BUCKETS if count >= low), None)


@dataclass
class Shareable:
    """What sharing would send now, and why not when nothing (for the settings page)."""

    round: Round | None
    respondents: int
    content: dict[str, Any] | None


def shareable() -> Shareable:
    """The aggregate of the latest closed round, whatever the setting (the settings page previews it)."""
    latest = Round.objects.closed().select_related("questionnaire").first()
    if latest is None:
        return Shareable(round=None, respondents=0, content=None)
    respondents, means = round_summary(latest)
    bucket = respondents_bucket(respondents)
    dimensions = {
        key: {"mean": value.mean, "median": value.median}
        for key, value in sorted(means.items())
        if value is not None and value.n >= MIN_RESPONDENTS
    }
    if bucket is None or not dimensions:
        return Shareable(round=latest, respondents=respondents, content=None)
    content = {
        "questionnaire": fingerprint(latest.questionnaire.dimensions.prefetch_related("items")),
        "assessed_on": (latest.closes_on or latest.opens_on).strftime("%Y-%m"),
        "scale": {"min": SCORE_MIN, "max": SCORE_MAX},
        "respondents": bucket,
        "dimensions": dimensions,
    }
    return Shareable(round=latest, respondents=respondents, content=content)


def signed_document() -> dict[str, Any] | None:
    """The document served to other installations; None unless the municipality opted in and has something."""
    if not Settings.load().share_aggregates:
        return None
    content = shareable().content
    if content is None:
        return None
    key = installation_key()
    document = {
        "format": FORMAT,
        "version": VERSION,
        "publisher": documents.publisher(),
        "generated_at": timezone.now().isoformat(),
        **content,
    }
    return {**document, "signature": sign(document, key)}


def signed_part(document: dict[str, Any]) -> dict[str, Any]:
    """What the signature covers: the whole document except the signature itself."""
    return {key: value for key, value in document.items() if key != "signature"}


@dataclass
class NetworkComparison:
    municipalities: int  # others that shared an aggregate of the same questionnaire
    minimum: int = MIN_MUNICIPALITIES

    @property
    def shown(self) -> bool:
        return self.municipalities >= self.minimum


def compare_with_network(results: RoundResults) -> NetworkComparison:
    """Set each dimension's `network` to the median of the other municipalities' means (one query).

    Only peers whose aggregate has this round's questionnaire fingerprint count, and a dimension
    gets a value only when at least MIN_MUNICIPALITIES of them shared it.
    """
    code = fingerprint(result.dimension for result in results.dimensions)
    shared = list(PeerMaturity.objects.shared().filter(questionnaire=code).values_list("dimensions", flat=True))
    comparison = NetworkComparison(municipalities=len(shared))
    if not comparison.shown:
        return comparison
    for result in results.dimensions:
        key = result.dimension.key
        values = [float(dimensions[key]["mean"]) for dimensions in shared if key in dimensions]
        if len(values) >= MIN_MUNICIPALITIES:
            result.network = round(statistics.median(values), 1)
    return comparison
