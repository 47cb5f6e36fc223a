from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.access import require
from core.http import AuthenticatedHttpRequest
from workspace.context_processors import remember_waiting
from workspace.permissions import can_use_workspace
from workspace.queries import DUE_SOON_DAYS, SHOWN, counts, sections_for

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 20


@dataclass(frozen=True)
class Card:
    """How the start page shows one section: heading, empty state, row template and full list."""

    title: "StrOrPromise"
    empty: "StrOrPromise"
    row: str  # workspace/_<row>_row.html
    url: str  # the full list: a URL name …
    url_arg: str = ""  # … with one argument,
    fragment: str = ""  # … or a query or fragment after it
    hint: "StrOrPromise" = ""  # may name %(days)s, the look-ahead of "next stage goals"

    def full_list_url(self) -> str:
        return reverse(self.url, args=[self.url_arg] if self.url_arg else []) + self.fragment


CARDS = {
    "ideas_to_moderate": Card(
        _("Ideas waiting for moderation"),
        _("Nothing to moderate."),
        "idea",
        "ideas:moderation",
        fragment="#pending-ideas",
    ),
    "comments_to_moderate": Card(
        _("Comments waiting for moderation"),
        _("No comments are waiting."),
        "comment",
        "ideas:moderation",
        fragment="#pending-comments",
    ),
    "reports_to_review": Card(
        _("Reports to review"), _("No open reports."), "report", "ideas:moderation", fragment="#open-reports"
    ),
    "lessons_to_review": Card(
        _("Lessons waiting for review"),
        _("No lesson is waiting for review."),
        "lesson",
        "lessons:list",
        fragment="?state=in_review",
    ),
    "rounds_to_score": Card(
        _("Open scorings"),
        _("No priority round is waiting for your scores."),
        "round",
        "prioritisation:rounds",
        hint=_("Rounds in which you have not yet scored every idea of the round."),
    ),
    "milestones_overdue": Card(
        _("Overdue stage goals"), _("No stage goal of your projects is overdue."), "milestone", "projects:mine"
    ),
    "milestones_due_soon": Card(
        _("Next stage goals"),
        _("No stage goal of your projects is due in the coming weeks."),
        "milestone",
        "projects:mine",
        hint=_("Due in the next %(days)s days, in projects you lead or work on."),
    ),
    "draft_lessons": Card(
        _("My lessons in draft"), _("You have no lesson in draft."), "lesson", "lessons:list", fragment="?state=draft"
    ),
    "upcoming_registrations": Card(
        _("My learning sessions"),
        _("You are not registered for any upcoming session."),
        "registration",
        "workspace:full_list",
        url_arg="sessions",
    ),
    "own_ideas": Card(
        _("My ideas"), _("You have not submitted an idea yet."), "idea", "workspace:full_list", url_arg="ideas"
    ),
    "supported_ideas": Card(
        _("Ideas I support"), _("You do not support any idea yet."), "idea", "workspace:full_list", url_arg="supported"
    ),
    "followed_ideas": Card(
        _("Ideas I follow"),
        _("You do not follow any other idea yet."),
        "idea",
        "workspace:full_list",
        url_arg="followed",
        hint=_("You follow an idea with the “Follow” button on its page, and once you comment on it."),
    ),
    "followed_elsewhere": Card(
        _("Municipalities and topics I follow"),
        _("You do not follow any other municipality or topic yet."),
        "follow",
        "exchange:activity",
    ),
}

# The start page's groups of sections, each under a heading of its own, in this order.
GROUPS = [
    (
        _("To moderate and review"),
        ["ideas_to_moderate", "comments_to_moderate", "reports_to_review", "lessons_to_review"],
    ),
    (
        _("My work"),
        ["rounds_to_score", "milestones_overdue", "milestones_due_soon", "draft_lessons", "upcoming_registrations"],
    ),
    (_("My participation"), ["own_ideas", "supported_ideas", "followed_ideas", "followed_elsewhere"]),
]

# The lists that have no page of their own in their app: URL argument → section.
FULL_LISTS = {card.url_arg: key for key, card in CARDS.items() if card.url == "workspace:full_list"}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The personal start page after login: what waits for the person and what they work on, by role."""
    require(can_use_workspace(request.user))
    sections = sections_for(request.user)
    sizes = counts(request.user, sections)
    remember_waiting(request, sum(sizes[section.key] for section in sections if section.waits))
    groups = []
    for heading, keys in GROUPS:
        cards = [
            {
                "key": key,
                "card": CARDS[key],
                "hint": str(CARDS[key].hint) % {"days": DUE_SOON_DAYS} if CARDS[key].hint else "",
                "count": sizes[key],
                # The newest few; an empty list needs no query of its own.
                "rows": list(section.rows(request.user)[:SHOWN]) if sizes[key] else [],
                "row_template": f"workspace/_{CARDS[key].row}_row.html",
                "full_list_url": CARDS[key].full_list_url(),
            }
            for key in keys
            for section in sections
            if section.key == key
        ]
        if cards:
            groups.append({"heading": heading, "cards": cards})
    return render(request, "workspace/home.html", {"groups": groups})


@login_required
def full_list(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    """All rows of one section of the start page, for the lists no app has a page for."""
    require(can_use_workspace(request.user))
    section = next((s for s in sections_for(request.user) if s.key == FULL_LISTS.get(name)), None)
    if section is None:
        raise Http404
    card = CARDS[section.key]
    page = Paginator(section.rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"card": card, "page": page, "row_template": f"workspace/_{card.row}_row.html"}
    return render(request, "workspace/full_list.html", context)
