"""Search timings: the engine (query → ranked, faceted first page) and the search page.

`benchmark_results` is the hook of `manage.py benchmark` (on whatever data is loaded);
`manage.py search_benchmark --documents 100000` first fills the index with synthetic German
documents and then runs the same measurements.
"""

import random
import statistics
from collections.abc import Iterator
from functools import partial

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from core.benchmarking import Result, measure_page, percentile, time_calls
from core.sample_text import ACTIONS, PLACES, REASONS, SUBJECTS, idea_text
from ideas.models import Idea
from projects.models import Project
from search.engine import CANDIDATES, run_search, suggest
from search.models import Audience, Document
from search.registry import Entry as IndexEntry
from search.registry import document_fields, source
from strategy.models import FieldOfAction

SEARCH_TARGET_MS = 20
PAGE_TARGET_MS = 100
# What people search for: a topic word, two words, a phrase, OR, an exclusion, a long compound,
# and words that match nothing. In the synthetic corpus each of these matches 0.5–5 % of documents.
QUERIES = [
    "Sperrmüll",
    "Kita-Platz online",
    "Parkleitsystem Innenstadt",
    '"Leichter Sprache"',
    "Bibliothek OR Schwimmbad",
    "Terminvergabe -Chatbot",
    "digitale Unterschrift",
    "Reisekostenabrechnung",
    "Bürger",
    "Quantencomputer Blockchain",
]
# The worst case: words in 10–25 % of all documents (the generator's pools repeat a few sentences).
FREQUENT_QUERIES = ["online", "Zeit", "Wartezeiten Ferien", "Stadt"]
SUGGEST_QUERIES = ["Sper", "Kita-Pl", "Anwohnerparken onl", "Bürg"]
SYNTHETIC_FROM = 10**12  # object ids of synthetic documents start here, far beyond real ones


def engine_result(name: str, *, user: User | None, runs: int, queries: list[str] = QUERIES) -> Result:
    """Every query in turn, `runs` times: parse, rank, facet, and the first page with snippets."""

    def one(text: str) -> None:
        found = run_search(text=text, user=user)
        found.results(found.hits[:20])

    timings = []
    for text in queries:
        timings += time_calls(partial(one, text), max(2, runs // len(queries)), warmup=1)
    with CaptureQueriesContext(connection) as captured:
        one(queries[0])
    return Result(
        name,
        round(statistics.median(timings), 1),
        round(percentile(timings, 0.95), 1),
        len(captured),
        SEARCH_TARGET_MS,
        len(timings),
        note=f"{len(queries)} queries; best {CANDIDATES} candidates, facets, first page of 20 with snippets",
    )


def suggest_result(*, runs: int) -> Result:
    timings = []
    for text in SUGGEST_QUERIES:
        timings += time_calls(partial(suggest, text=text, user=None), max(1, runs // 4) + 1, warmup=1)
    return Result(
        "search-as-you-type (titles)",
        round(statistics.median(timings), 1),
        round(percentile(timings, 0.95), 1),
        None,
        SEARCH_TARGET_MS,
        len(timings),
    )


def benchmark_results(*, runs: int) -> list[Result]:
    documents = Document.objects.count()
    anonymous, team = Client(), Client()
    team_user = User.objects.filter(email="cdo@lindenfeld.example").first()
    if team_user is not None:
        team.force_login(team_user, backend="django.contrib.auth.backends.ModelBackend")
    results = [
        engine_result(f"search engine, anonymous ({documents:,} docs)", user=None, runs=runs),
        engine_result(f"search engine, strategy team ({documents:,} docs)", user=team_user, runs=runs),
        engine_result(
            f"search engine, very frequent words ({documents:,} docs)", user=None, runs=runs, queries=FREQUENT_QUERIES
        ),
        suggest_result(runs=runs),
    ]
    pages = [
        ("search page: one word", "/search/?q=online", anonymous),
        ("search page: two words, filtered", "/search/?q=digitale%20Unterschrift&type=idea", anonymous),
        ("search page: sorted by date, page 3", "/search/?q=Sperrm%C3%BCll&sort=date&page=3", anonymous),
        ("search page (strategy team)", "/search/?q=Kita-Platz%20online", team),
        ("search title suggestions (htmx)", "/search/suggestions/?q=Sperr", anonymous),
        ("API search", "/api/v1/search?q=online&limit=20", anonymous),
    ]
    for name, url, client in pages:
        target = SEARCH_TARGET_MS * 2 if "suggestions" in url else PAGE_TARGET_MS
        results.append(measure_page(client, name, url, runs=runs, target=target))
    return results


# --- synthetic documents for search_benchmark ---------------------------------------------------
def synthetic_documents(count: int, *, seed: int = 20240314) -> Iterator[Document]:
    """Realistic German documents from the generator's text pools, spread over types and audiences."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    field_ids = list(FieldOfAction.objects.values_list("pk", flat=True)) or [1, 2, 3, 4, 5, 6]
    idea_statuses, project_statuses = Idea.Status.values, Project.Status.values
    for i in range(count):
        title, description = idea_text(rng)
        roll = rng.random()
        if roll < 0.75:
            kind, status, url = "idea", rng.choice(idea_statuses), "/ideas/"
            body = description
        elif roll < 0.95:
            kind, status, url = "project", rng.choice(project_statuses), "/projects/"
            title = f"Projekt {title}"
            body = f"{description} Etappe 1: {rng.choice(ACTIONS)}. " + " ".join(rng.sample(REASONS, k=2))
        else:
            subject, keyword = rng.choice(SUBJECTS)
            kind, status, url = "goal", "", "/strategy/"
            title = f"{keyword} {rng.choice(PLACES)} {rng.choice(ACTIONS)}"
            body = f"Bis 2030 wollen wir {subject} {rng.choice(ACTIONS)}."
        audience = rng.choices([Audience.PUBLIC, Audience.INTERNAL, Audience.TEAM], [85, 12, 3])[0]
        entry = IndexEntry(
            title=title,
            body=body,
            url=url,
            audience=audience,
            status=status,
            field_ids=rng.sample(field_ids, k=min(len(field_ids), rng.choice([1, 1, 2]))),
            date=None,
        )
        src = source(kind)
        if src is None:  # never: SearchConfig.ready() registers the built-in sources
            raise LookupError(f"search source {kind!r} is not registered")
        yield Document(kind=kind, object_id=SYNTHETIC_FROM + i, **document_fields(src, entry))


def fill(count: int, *, batch: int = 5000) -> int:
    """Add `count` synthetic documents (after removing earlier synthetic ones)."""
    remove_synthetic()
    batch_rows = []
    with transaction.atomic():
        for document in synthetic_documents(count):
            batch_rows.append(document)
            if len(batch_rows) >= batch:
                Document.objects.bulk_create(batch_rows)
                batch_rows = []
        Document.objects.bulk_create(batch_rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_document")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    return count


def remove_synthetic() -> int:
    deleted, _ = Document.objects.filter(object_id__gte=SYNTHETIC_FROM).delete()
    return deleted
