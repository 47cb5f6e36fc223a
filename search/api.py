"""Search in the API: the same index and audiences as the search page; a staff token finds internal content."""

from collections.abc import Sequence
from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accounts.api import optional_token_user
from config.pagination import Pagination
from search.engine import Search, clean_filters, run_search

router = Router(tags=["search"])


class SearchFilters(Schema):
    q: str = Field("", description="What to search for: words, “a phrase”, -excluded, either OR other.")
    type: str = Field("", description="Only this type: idea, project, strategy, field, goal (and lesson).")
    status: str = Field("", description="Only this status, e.g. in_pool or in_implementation.")
    field: int | None = Field(None, ge=1, le=2**62, description="Only this field of action (its id).")
    sort: str = Field("relevance", description="relevance (default) or date (newest first).")


class SearchResultOut(Schema):
    type: str
    id: int
    title: str = Field(description="The title as HTML, matches in <mark>; everything else escaped.")
    snippet: str = Field(description="An excerpt of the text as HTML, matches in <mark>; everything else escaped.")
    score: float = Field(description="Relevance from the database's engine; higher is better.")
    url: str
    status: str
    date: datetime | None

    @staticmethod
    def resolve_type(obj) -> str:
        return obj.kind

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.object_id

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.title_html

    @staticmethod
    def resolve_snippet(obj) -> str:
        return obj.snippet_html


class _Results(Sequence):
    """The hits, turned into results only for the slice the pagination asks for."""

    def __init__(self, found: Search) -> None:
        self.found = found

    def __len__(self) -> int:
        return len(self.found.hits)

    def __getitem__(self, index):
        hits = self.found.hits[index]
        return self.found.results(hits if isinstance(index, slice) else [hits])


@router.get("/search", response=list[SearchResultOut], summary="Search ideas, projects, the strategy and lessons")
@paginate(Pagination)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> _Results:
    user = optional_token_user(request)
    found = run_search(
        text=filters.q.replace("\x00", " "),
        user=user,
        filters=clean_filters(kinds=[filters.type], statuses=[filters.status], field=filters.field),
        sort=filters.sort if filters.sort == "date" else "relevance",
    )
    return _Results(found)
