"""What the personal start page lists for a person, and how many of each.

One function per list, newest (or most urgent) first. `SECTIONS` says who sees which list and
which lists wait for the person (they count towards the badge in the navigation). `counts` asks
for the sizes of many lists in one query, a scalar subquery each, so the page and the badge cost
the same number of queries however many rows there are.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AnyUser, User
from exchange.models import Follow as ExchangeFollow
from ideas.models import Comment, Idea, Moderation, Report
from ideas.permissions import can_moderate
from learning.models import Registration
from learning.permissions import can_use_learning
from lessons.models import Lesson
from lessons.permissions import can_review_lessons, can_write_lessons
from prioritisation.models import Candidate, PriorityRound, RoundCriterion, Score
from prioritisation.permissions import can_see_rounds
from projects.models import Milestone, Project
from projects.permissions import can_see_internal_projects
from workspace.permissions import sees_participation

# How far ahead "next stage goals" look.
DUE_SOON_DAYS = 30
# How many rows each section of the start page shows; its full list is one link away.
SHOWN = 5

# The columns an idea row needs: the idea's embedding and stems are large and not shown.
IDEA_COLUMNS = ("pk", "title", "status", "moderation", "submitted_at", "support_count")


def ideas_to_moderate(user: User) -> QuerySet[Idea]:
    return Idea.objects.awaiting_moderation().only(*IDEA_COLUMNS).order_by("-submitted_at", "-pk")


def comments_to_moderate(user: User) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(moderation=Moderation.PENDING)
        .select_related("idea")
        .only("pk", "text", "created_at", "idea__title")
        .order_by("-created_at", "-pk")
    )


def reports_to_review(user: User) -> QuerySet[Report]:
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("idea", "comment__idea")
        .only("pk", "reason", "created_at", "idea__title", "comment__text", "comment__idea__title")
        .order_by("-created_at", "-pk")
    )


def lessons_to_review(user: User) -> QuerySet[Lesson]:
    return Lesson.objects.filter(state=Lesson.State.IN_REVIEW).order_by("-updated_at", "-pk")


def rounds_to_score(user: User) -> QuerySet[PriorityRound]:
    """Rounds in scoring that the person assesses and has not scored completely: fewer of their
    scores than candidates times scored criteria (a score is unique per candidate, criterion and
    assessor). Annotated with `expected` and `done`."""
    candidates = _count(Candidate.objects.filter(priority_round=OuterRef("pk")))
    criteria = _count(RoundCriterion.objects.filter(priority_round=OuterRef("pk"), derived=False))
    done = _count(
        Score.objects.filter(candidate__priority_round=OuterRef("pk"), assessor=user, round_criterion__derived=False)
    )
    return (
        PriorityRound.objects.filter(state=PriorityRound.State.SCORING, assessors=user)
        .annotate(expected=candidates * criteria, done=done)
        .filter(done__lt=F("expected"))
        .order_by(F("due_on").asc(nulls_last=True), "-pk")
    )


def _my_projects(user: User) -> QuerySet[Project]:
    """Projects the person leads or works on as a member, while they are planned or running."""
    return Project.objects.filter(Q(lead=user) | Q(members=user)).filter(
        status__in=[Project.Status.PLANNED, *Project.RUNNING]
    )


def _open_milestones(user: User) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(project__in=_my_projects(user).values("pk"), done_on__isnull=True)
        .select_related("project")
        .only("pk", "title", "due_on", "done_on", "project__title")
        .order_by("due_on", "pk")
    )


def milestones_due_soon(user: User) -> QuerySet[Milestone]:
    today = timezone.localdate()
    return _open_milestones(user).filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))


def milestones_overdue(user: User) -> QuerySet[Milestone]:
    return _open_milestones(user).filter(due_on__lt=timezone.localdate())


def draft_lessons(user: User) -> QuerySet[Lesson]:
    written = Lesson.objects.filter(Q(created_by=user) | Q(authors=user)).values("pk")
    return Lesson.objects.filter(state=Lesson.State.DRAFT, pk__in=written).order_by("-updated_at", "-pk")


def upcoming_registrations(user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user, session__starts_at__gte=timezone.now())
        .select_related("session__unit")
        .order_by("session__starts_at", "pk")
    )


def own_ideas(user: User) -> QuerySet[Idea]:
    return Idea.objects.filter(author=user).only(*IDEA_COLUMNS).order_by("-submitted_at", "-pk")


def supported_ideas(user: User) -> QuerySet[Idea]:
    return (
        Idea.objects.visible_to(user)
        .filter(supports__user=user)
        .only(*IDEA_COLUMNS)
        .order_by("-supports__created_at", "-pk")
    )


def followed_ideas(user: User) -> QuerySet[Idea]:
    """Ideas one follows (by commenting on them) other than one's own, which have a list of their own."""
    return (
        Idea.objects.visible_to(user)
        .filter(follows__user=user)
        .exclude(author=user)
        .only(*IDEA_COLUMNS)
        .order_by("-follows__created_at", "-pk")
    )


def followed_elsewhere(user: User) -> QuerySet[ExchangeFollow]:
    """Other municipalities and topics one follows in the exchange."""
    return ExchangeFollow.objects.filter(user=user).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class Section:
    key: str
    rows: Callable[[User], QuerySet]
    shown_to: Callable[[AnyUser], bool]
    # Something in it waits for the person to act: it counts towards the badge in the navigation.
    waits: bool = False


SECTIONS = [
    Section("ideas_to_moderate", ideas_to_moderate, can_moderate, waits=True),
    Section("comments_to_moderate", comments_to_moderate, can_moderate, waits=True),
    Section("reports_to_review", reports_to_review, can_moderate, waits=True),
    Section("lessons_to_review", lessons_to_review, can_review_lessons, waits=True),
    # Any member of the administration may be an assessor, not only the strategy team.
    Section("rounds_to_score", rounds_to_score, can_see_rounds, waits=True),
    Section("milestones_overdue", milestones_overdue, can_see_internal_projects, waits=True),
    Section("milestones_due_soon", milestones_due_soon, can_see_internal_projects),
    Section("draft_lessons", draft_lessons, can_write_lessons),
    Section("upcoming_registrations", upcoming_registrations, can_use_learning),
    Section("own_ideas", own_ideas, sees_participation),
    Section("supported_ideas", supported_ideas, sees_participation),
    Section("followed_ideas", followed_ideas, sees_participation),
    Section("followed_elsewhere", followed_elsewhere, sees_participation),
]


def sections_for(user: AnyUser) -> list[Section]:
    return [section for section in SECTIONS if section.shown_to(user)]


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of `queryset` as a scalar subquery (0 when there are none)."""
    number = Func(F("pk"), function="COUNT", template="%(function)s(DISTINCT %(expressions)s)")
    rows = queryset.order_by().annotate(number=number).values("number")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def counts(user: User, sections: Iterable[Section]) -> dict[str, int]:
    """How many rows each section holds for the person, in one query."""
    # Anchored on the person's own row; prefixed, as some keys are also names of the user's relations.
    sizes = {f"size_{section.key}": _count(section.rows(user)) for section in sections}
    if not sizes:
        return {}
    row = cast("dict[str, int]", User.objects.filter(pk=user.pk).values(**sizes).get())
    return {name.removeprefix("size_"): number for name, number in row.items()}


def waiting(user: AnyUser) -> int:
    """What waits for the person (the badge in the navigation): at most one query, none for citizens."""
    if not user.is_authenticated:
        return 0
    return sum(counts(user, [section for section in sections_for(user) if section.waits]).values())
