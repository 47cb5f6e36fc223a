from datetime import datetime

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.api import StaffTokenAuth, TokenRequest
from config.pagination import Pagination
from core.ratelimit import allow
from ideas.models import Comment, CommentQuerySet, Idea, IdeaQuerySet
from ideas.permissions import supportable_ideas
from ideas.services import idea_support_in
from ideas.similarity import QUERY_CHARS, SIMILAR_LIMIT, similar_ideas

router = Router(tags=["ideas"])


class IdeaOut(Schema):
    id: int
    title: str
    description: str
    status: str
    source: str
    field_of_action_id: int | None
    benefits_citizens: bool
    benefits_staff: bool
    benefits_businesses: bool
    support_count: int
    comment_count: int
    submitted_at: datetime
    merged_into_id: int | None


class IdeaFilters(Schema):
    status: Idea.Status | None = None
    source: Idea.Source | None = None
    field_of_action: int | None = None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    changed_at: datetime


class IdeaDetailOut(IdeaOut):
    status_changes: list[StatusChangeOut]

    @staticmethod
    def resolve_status_changes(obj: Idea) -> list:
        return list(obj.status_changes.all())


class SimilarQuery(Schema):
    text: str = Field(..., max_length=QUERY_CHARS)
    limit: int = Field(5, ge=1, le=50)


class SimilarOut(Schema):
    id: int
    title: str
    score: float
    status: str


class CommentOut(Schema):
    id: int
    parent_id: int | None
    text: str
    created_at: datetime


class SupportOut(Schema):
    idea_id: int
    support_count: int
    created: bool


@router.get("/ideas", response=list[IdeaOut], summary="Published ideas, newest first")
@paginate(Pagination)
def idea_list(request: HttpRequest, filters: Query[IdeaFilters]) -> IdeaQuerySet:
    ideas = Idea.objects.public().filter_by(
        status=filters.status or "", source=filters.source or "", field_of_action=filters.field_of_action
    )
    return ideas.sorted_by("newest")


@router.get(
    "/ideas/similar",
    response=list[SimilarOut],
    summary="Published ideas similar to a text, best first",
    description=f"At most {SIMILAR_LIMIT[0]} calls per client address and minute; more are answered with 429.",
    openapi_extra={"responses": {"429": {"description": "Too many calls from this address; wait a minute."}}},
)
def idea_similar(request: HttpRequest, query: Query[SimilarQuery]) -> list:
    # Every call embeds the text (up to about 140 ms of CPU), and no token is needed.
    if not allow(request, scope="similar", limit=SIMILAR_LIMIT[0], window_seconds=SIMILAR_LIMIT[1]):
        raise HttpError(429, "Too many calls from this address. Please wait a minute.")
    return [match.__dict__ for match in similar_ideas(query.text, limit=query.limit)]


@router.get("/ideas/{idea_id}", response=IdeaDetailOut, summary="One published idea with its public status history")
def idea_detail(request: HttpRequest, idea_id: int) -> Idea:
    return get_object_or_404(Idea.objects.public(), pk=idea_id)


@router.get("/ideas/{idea_id}/comments", response=list[CommentOut], summary="Published comments of an idea")
@paginate(Pagination)
def idea_comments(request: HttpRequest, idea_id: int) -> CommentQuerySet:
    idea = get_object_or_404(Idea.objects.public(), pk=idea_id)
    return Comment.objects.public().filter(idea=idea).order_by("created_at", "pk")


@router.post(
    "/ideas/{idea_id}/support",
    response=SupportOut,
    auth=StaffTokenAuth(),
    summary="Support an idea as the token's user (idempotent)",
)
def idea_support_api(request: TokenRequest, idea_id: int) -> dict:
    outcome = idea_support_in(supportable_ideas(), pk=idea_id, user=request.auth)
    if not outcome.found:
        raise Http404
    return {"idea_id": idea_id, "support_count": outcome.count, "created": outcome.added}
