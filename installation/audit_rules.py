"""The audit trail's rules for each app's objects, which core's audit trail reads through its registries.

Which objects have a history page and who may open it, which objects a reader of the trail may
open (by the rule of each object's own page), and names for keys that refer to other objects.
They use the apps' permission helpers, so they live on the top floor and are registered in
`core.audit` when the apps are ready (`InstallationConfig.ready`).
"""

from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from core import audit
from core.audit import HistoryKind
from exchange.permissions import can_see_peers
from ideas.models import Idea, Moderation
from ideas.permissions import access_idea, can_moderate
from learning.permissions import visible_units
from lessons.models import Lesson
from lessons.permissions import access_lesson, can_edit_lesson, visible_lessons
from maturity.models import Dimension
from maturity.permissions import can_see_maturity
from participation.permissions import can_see_participation
from prioritisation.permissions import visible_rounds
from projects.permissions import access_project, can_see_internal_projects
from reports.permissions import can_read_reports
from service_inventory.permissions import can_see_inventory
from surveys.models import Survey
from surveys.permissions import can_see_survey

# Access rules of the objects with a history page. Each answers exactly like the object's own page:
# the object, or Http404 (PermissionDenied where the page answers 403).


def _public(label: str) -> Callable[[AnyUser, int], models.Model]:
    """Strategy, glossary, fields of action and goals: public pages, anyone may read them."""

    def access(user: AnyUser, pk: int) -> models.Model:
        return get_object_or_404(apps.get_model(label), pk=pk)

    return access


def _participation(label: str) -> Callable[[AnyUser, int], models.Model]:
    def access(user: AnyUser, pk: int) -> models.Model:
        if not can_see_participation(user):
            raise PermissionDenied
        return get_object_or_404(apps.get_model(label), pk=pk)

    return access


def _access_survey(user: AnyUser, pk: int) -> models.Model:
    survey = get_object_or_404(Survey, pk=pk)
    if not can_see_survey(user, survey):
        raise Http404
    return survey


def _idea_hidden(user: AnyUser, idea: models.Model) -> set[str]:
    """The reason for hiding is shown on the idea only while it is hidden, to those who moderate."""
    return set() if can_moderate(user) else {"hidden_reason"}


def _lesson_hidden(user: AnyUser, lesson: models.Model) -> set[str]:
    """The review note is shown on the lesson only to those who may change it."""
    assert isinstance(lesson, Lesson)
    return set() if can_edit_lesson(user, lesson) else {"review_note"}


# The objects that have a history page: URL name → model and its access rule. Add new kinds here,
# with the same rule as the object's own page (core/tests/test_roles.py checks every kind in every state).
HISTORY_KINDS: dict[str, HistoryKind] = {
    "strategy": HistoryKind("strategy.Strategy", _public("strategy.Strategy")),
    "term": HistoryKind("strategy.GlossaryEntry", _public("strategy.GlossaryEntry")),
    "field": HistoryKind("strategy.FieldOfAction", _public("strategy.FieldOfAction")),
    "goal": HistoryKind("strategy.Goal", _public("strategy.Goal")),
    "idea": HistoryKind("ideas.Idea", access_idea, _idea_hidden),
    "stakeholder": HistoryKind("participation.Stakeholder", _participation("participation.Stakeholder")),
    "workshop": HistoryKind("participation.Workshop", _participation("participation.Workshop")),
    "project": HistoryKind("projects.Project", access_project),
    "survey": HistoryKind("surveys.Survey", _access_survey),
    "lesson": HistoryKind("lessons.Lesson", access_lesson, _lesson_hidden),
}


def _can_open_all(check: Callable[[AnyUser], bool]) -> Callable[[AnyUser, dict], set]:
    return lambda user, objects: set(objects) if check(user) else set()


def _open_ideas(user: AnyUser, objects: dict) -> set:
    return set(Idea.objects.visible_to(user).filter(pk__in=objects).values_list("pk", flat=True))


def _open_comments(user: AnyUser, objects: dict) -> set:
    ideas = set(
        Idea.objects.visible_to(user).filter(pk__in={c.idea_id for c in objects.values()}).values_list("pk", flat=True)
    )
    moderator = can_moderate(user)
    return {
        pk
        for pk, comment in objects.items()
        if comment.idea_id in ideas
        and (moderator or comment.moderation == Moderation.PUBLISHED or comment.author_id == user.pk)
    }


def _open_projects(user: AnyUser, objects: dict) -> set:
    return {pk for pk, project in objects.items() if project.is_public or can_see_internal_projects(user)}


def _open_project_parts(user: AnyUser, objects: dict) -> set:
    """Milestones, key figures and log entries are shown on their project's page."""
    return {pk for pk, part in objects.items() if part.project.is_public or can_see_internal_projects(user)}


def _open_lessons(user: AnyUser, objects: dict) -> set:
    return set(visible_lessons(user).filter(pk__in=objects).values_list("pk", flat=True))


def _open_surveys(user: AnyUser, objects: dict) -> set:
    return {pk for pk, survey in objects.items() if can_see_survey(user, survey)}


def _open_learning_units(user: AnyUser, objects: dict) -> set:
    return set(visible_units(user).filter(pk__in=objects).values_list("pk", flat=True))


def _open_sessions(user: AnyUser, objects: dict) -> set:
    units = set(visible_units(user).filter(pk__in={s.unit_id for s in objects.values()}).values_list("pk", flat=True))
    return {pk for pk, session in objects.items() if session.unit_id in units}


def _open_priority_rounds(user: AnyUser, objects: dict) -> set:
    return set(visible_rounds(user).filter(pk__in=objects).values_list("pk", flat=True))


def _can_manage_accounts(user: AnyUser) -> bool:
    """People have no page of their own; administrators open their account in the Django admin."""
    return user.is_authenticated and user.is_staff and user.has_perm("accounts.change_user")


def _everyone(user: AnyUser) -> bool:
    return True


# Which objects a reader may open, by the rule of each object's own page (its app's permission
# helper), answered for all objects of one kind on a page at once. Objects of kinds not listed have
# no page of their own: they are named without a link.
OPEN_RULES: dict[str, Callable[[AnyUser, dict], set]] = {
    "strategy.strategy": _can_open_all(_everyone),
    "strategy.glossaryentry": _can_open_all(_everyone),
    "strategy.fieldofaction": _can_open_all(_everyone),
    "strategy.goal": _can_open_all(_everyone),
    "ideas.idea": _open_ideas,
    "ideas.comment": _open_comments,
    "projects.project": _open_projects,
    "projects.milestone": _open_project_parts,
    "projects.kpi": _open_project_parts,
    "projects.logentry": _open_project_parts,
    "lessons.lesson": _open_lessons,
    "surveys.survey": _open_surveys,
    "learning.learningunit": _open_learning_units,
    "learning.session": _open_sessions,
    "participation.stakeholder": _can_open_all(can_see_participation),
    "participation.workshop": _can_open_all(can_see_participation),
    "maturity.round": _can_open_all(can_see_maturity),
    "maturity.questionnaire": _can_open_all(can_see_maturity),
    "prioritisation.priorityround": _open_priority_rounds,
    "reports.councilreport": _can_open_all(can_read_reports),
    "services.service": _can_open_all(can_see_inventory),
    "services.localservice": _can_open_all(can_see_inventory),
    "services.levelchange": _can_open_all(can_see_inventory),
    "exchange.peer": _can_open_all(can_see_peers),
    "accounts.user": _can_open_all(_can_manage_accounts),
}


def _dimension_titles(keys: set[str]) -> dict[str, str]:
    """Maturity dimensions are referred to by their key; the newest questionnaire names them."""
    dimensions = Dimension.objects.filter(key__in=keys).order_by("questionnaire__version", "pk")
    return {dimension.key: dimension.title for dimension in dimensions}


# Fields that name another object by a key rather than a reference: key → name, for all keys at once.
KEYED_REFERENCES: dict[str, Callable[[set[str]], dict[str, str]]] = {
    "dimension_key": _dimension_titles,
}


def register() -> None:
    audit.HISTORY_KINDS.update(HISTORY_KINDS)
    audit.OPEN_RULES.update(OPEN_RULES)
    audit.KEYED_REFERENCES.update(KEYED_REFERENCES)
