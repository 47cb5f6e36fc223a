"""A search: the best candidates by the engine's rank, then facets, filters, order and pages.

The engine returns at most CANDIDATES documents, best first. Facet counts, the date order and
the pages work on that set, so their cost does not grow with the index. With filters the
engine is asked a second time with the filters applied, so a filter never hides documents just
because they were not among the best CANDIDATES of the unfiltered search.

Ranking itself is bounded too: the engine ranks at most the newest RANK_WINDOW matches. Most
searches have fewer matches and are ranked completely; a very frequent word (in 10 % of all
documents, say) gets the best CANDIDATES of its newest RANK_WINDOW matches, and the page says so.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AnyUser
from search import query as query_module
from search.backends import Filters, Hit, Shown, backend
from search.permissions import audiences_for
from search.registry import sources
from strategy.models import FieldOfAction

CANDIDATES = 1000
RANK_WINDOW = 2 * CANDIDATES  # matches ranked at most (the newest ones); see docs/search.md
SUGGESTIONS = 8
SORTS = ("relevance", "date")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Result:
    kind: str
    kind_label: str
    object_id: int
    url: str
    title_html: str
    snippet_html: str
    status: str
    status_label: str
    score: float
    date: datetime | None


@dataclass
class Search:
    query: query_module.Query
    hits: list[Hit] = field(default_factory=list)
    capped: bool = False
    windowed: bool = False  # more matches than the window: the hits are the best of the newest `window`
    window: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def results(self, hits: Iterable[Hit]) -> list[Result]:
        """Titles and snippets for some hits (one page), in their order."""
        hits = list(hits)  # read twice below
        shown = backend().shown(self.query, [h.id for h in hits])
        labels, statuses = kind_labels(), status_labels()
        results = []
        for hit in hits:
            row: Shown | None = shown.get(hit.id)
            if row is None:  # deleted between the two queries
                continue
            results.append(
                Result(
                    kind=hit.kind,
                    kind_label=labels.get(hit.kind, hit.kind),
                    object_id=row.object_id,
                    url=row.url,
                    title_html=row.title_html,
                    snippet_html=row.snippet_html,
                    status=hit.status,
                    status_label=statuses.get(hit.status, hit.status),
                    score=round(float(hit.score), 6),
                    date=hit.date,
                )
            )
        return results


def kind_labels() -> dict[str, str]:
    return {s.kind: str(s.label) for s in sources()}


def status_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for src in sources():
        for value, label in src.statuses().items():
            labels.setdefault(value, str(label))
    return labels


def clean_filters(*, kinds: Sequence[str] = (), statuses: Sequence[str] = (), field: int | None = None) -> Filters:
    """Keep only filter values that exist; anything else is ignored rather than passed on."""
    known_kinds, known_statuses = set(kind_labels()), set(status_labels())
    return Filters(
        kinds=tuple(dict.fromkeys(k for k in kinds if k in known_kinds)),
        statuses=tuple(dict.fromkeys(s for s in statuses if s in known_statuses)),
        field=field if field is not None and 0 < field < 2**62 else None,
    )


def run_search(*, text: str, user: AnyUser | None, filters: Filters = Filters(), sort: str = "relevance") -> Search:  # noqa: B008
    query = query_module.parse(text)
    found = Search(query=query)
    if query.truncated:
        found.notices.append(
            _("Your search was shortened to its first %(count)d characters.") % {"count": query_module.MAX_CHARS}
        )
    if query.words_dropped:
        found.notices.append(
            ngettext(
                "Only the first %(count)d word was searched for.",
                "Only the first %(count)d words were searched for.",
                query_module.MAX_WORDS,
            )
            % {"count": query_module.MAX_WORDS}
        )
    if query.is_empty:
        return found
    engine, audiences = backend(), audiences_for(user)
    unfiltered = engine.candidates(query, audiences=audiences, filters=Filters(), limit=CANDIDATES, window=RANK_WINDOW)
    if filters == Filters():
        filtered = unfiltered
    else:
        filtered = engine.candidates(query, audiences=audiences, filters=filters, limit=CANDIDATES, window=RANK_WINDOW)
    candidates, hits = unfiltered.hits, filtered.hits
    found.capped = len(candidates) >= CANDIDATES or len(hits) >= CANDIDATES
    found.windowed, found.window = filtered.windowed, RANK_WINDOW
    if sort == "date":
        # Newest first; documents without a date (fields of action, goals) after the dated ones.
        hits = sorted(hits, key=lambda h: (h.date is None, -(h.date.timestamp() if h.date else 0), -h.score, h.id))
    found.hits = hits
    found.facets = _facets(candidates, filters)
    return found


def _facets(candidates: list[Hit], filters: Filters) -> dict[str, list[FacetValue]]:
    """Counts per type, status and field of action; each counted with the *other* filters applied."""

    kinds: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    fields: Counter[int] = Counter()
    for hit in candidates:
        kind_ok = not filters.kinds or hit.kind in filters.kinds
        status_ok = not filters.statuses or hit.status in filters.statuses
        field_ok = filters.field is None or filters.field in hit.fields
        if status_ok and field_ok:
            kinds[hit.kind] += 1
        if kind_ok and field_ok and hit.status:
            statuses[hit.status] += 1
        if kind_ok and status_ok:
            fields.update(hit.fields)
    field_titles = dict(FieldOfAction.objects.filter(pk__in=list(fields)).values_list("pk", "title")) if fields else {}
    kind_names, status_names = kind_labels(), status_labels()
    return {
        "type": [
            FacetValue(k, kind_names.get(k, k), n, k in filters.kinds)
            for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "status": [
            FacetValue(s, status_names.get(s, s), n, s in filters.statuses)
            for s, n in sorted(statuses.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "field": [
            FacetValue(str(pk), field_titles[pk], n, pk == filters.field)
            for pk, n in sorted(fields.items(), key=lambda kv: (-kv[1], kv[0]))
            if pk in field_titles
        ],
    }


def suggest(*, text: str, user: AnyUser | None, limit: int = SUGGESTIONS) -> list[Result]:
    """Titles matching what is being typed (the last word as a prefix), best first."""
    typed = query_module.words_of(text)
    if not typed:
        return []
    labels = kind_labels()
    return [
        Result(row.kind, labels.get(row.kind, row.kind), row.object_id, row.url, row.title_html, "", "", "", 0.0, None)
        for row in backend().titles(typed, audiences=audiences_for(user), limit=limit)
    ]
