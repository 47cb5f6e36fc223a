"""The exchange format, version 1: the documents an installation publishes.

The shape is fixed by `exchange/schema/exchange-v1.schema.json` (served at
`/api/v1/exchange/schema`); docs/exchange.md explains it with examples and the rules for
compatible changes. Project status codes also carry the IATI activity status
(1 pipeline … 6 suspended) so the documents can be mapped onto that standard.
"""

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch

from core.links import absolute_url
from lessons.models import Lesson
from municipality.models import Municipality
from projects.models import Decision, Kpi, Measurement, Milestone, Project
from service_inventory.models import LocalService

# The schema's pattern for a LeiKa key; a service the LeiKa does not list has none.
LEIKA_KEY = re.compile(r"[0-9]{14}")
FORMAT = "etappe-exchange"
VERSION = 1
IATI_STATUS = {
    "planned": 1,
    "in_implementation": 2,
    "finalising": 3,
    "completed": 4,
    "stopped": 5,
    "suspended": 6,
}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def publisher() -> dict[str, Any]:
    from exchange.signing import installation_key

    municipality = Municipality.objects.current()
    return {
        "ars": municipality.ars if municipality else "",
        "ags": municipality.ags if municipality else "",
        "name": municipality.name if municipality else "",
        "state": municipality.state if municipality else "",
        "url": settings.ETAPPE_BASE_URL,
        "public_key": installation_key().public_key,
    }


def uid(kind: str, local_id: int, key_prefix: str | None = None) -> str:
    """Stable across renames: the installation's public key identifies the publisher."""
    if key_prefix is None:
        from exchange.signing import installation_key

        key_prefix = installation_key().public_key[:16]
    return f"urn:etappe:{key_prefix}:{kind}:{local_id}"


def projects_data(projects: list[Project]) -> dict[int, dict[str, Any]]:
    """Documents of several projects with a fixed number of queries."""
    ids = [p.pk for p in projects]
    projects = list(
        Project.objects.filter(pk__in=ids).prefetch_related(
            "fields_of_action",
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk")),
            Prefetch("decisions", queryset=Decision.objects.order_by("decided_on", "pk")),
            Prefetch(
                "kpis",
                queryset=Kpi.objects.order_by("name", "pk").prefetch_related(
                    Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "pk"))
                ),
            ),
        )
    )
    services = _service_keys(ids)
    documents = {}
    for project in projects:
        ozg_ids, leika_keys = services.get(project.pk, ([], []))
        documents[project.pk] = {
            "title": project.title,
            "summary": project.summary,
            "description": project.description,
            "status": project.status,
            "status_reason": project.status_reason,
            "iati_status": IATI_STATUS.get(project.status),
            "progress": project.progress,
            "planned_start": _date(project.planned_start),
            "planned_end": _date(project.planned_end),
            "actual_start": _date(project.actual_start),
            "actual_end": _date(project.actual_end),
            "fields_of_action": [field.title for field in project.fields_of_action.all()],
            "ozg_ids": ozg_ids,
            "leika_keys": leika_keys,
            "partners": project.partner_list(),
            "funding": project.funding,
            "budget_planned": _number(project.budget_planned),
            "budget_spent": _number(project.budget_spent),
            "decisions": [
                {"date": _date(d.decided_on), "body": d.body, "reference": d.reference} for d in project.decisions.all()
            ],
            "milestones": [
                {
                    "title": m.title,
                    "definition_of_done": m.definition_of_done,
                    "due_on": _date(m.due_on),
                    "done_on": _date(m.done_on),
                }
                for m in project.milestones.all()
            ],
            "kpis": [
                {
                    "name": k.name,
                    "unit": k.unit,
                    "baseline": _number(k.baseline),
                    "target": _number(k.target),
                    "measurements": [
                        {"date": _date(x.measured_on), "value": _number(x.value)} for x in k.measurements.all()
                    ],
                }
                for k in project.kpis.all()
            ],
            "url": absolute_url(project),
        }
    return documents


def _service_keys(project_ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """OZG ids and LeiKa keys of the services in whose backlog a project stands (the service inventory)."""
    links = LocalService.projects.through.objects.filter(project_id__in=project_ids).values_list(
        "project_id", "localservice__service__ozg__ozg_id", "localservice__service__leika_key"
    )
    ozg_ids: dict[int, set[int]] = defaultdict(set)
    leika_keys: dict[int, set[str]] = defaultdict(set)
    for project_id, ozg_id, leika_key in links:
        if ozg_id is not None:
            ozg_ids[project_id].add(ozg_id)
        if LEIKA_KEY.fullmatch(leika_key):
            leika_keys[project_id].add(leika_key)
    return {
        pk: ([str(ozg_id) for ozg_id in sorted(ozg_ids[pk])], sorted(leika_keys[pk]))
        for pk in ozg_ids.keys() | leika_keys.keys()
    }


def lessons_data(lessons: list[Lesson]) -> dict[int, dict[str, Any]]:
    from exchange.signing import installation_key

    prefix = installation_key().public_key[:16]
    ids = [lesson.pk for lesson in lessons]
    lessons = list(Lesson.objects.filter(pk__in=ids).prefetch_related("tags", "fields_of_action"))
    documents = {}
    for lesson in lessons:
        documents[lesson.pk] = {
            "title": lesson.title,
            "scope": lesson.scope,
            "project_uid": uid("project", lesson.project_id, prefix) if lesson.project_id else None,
            "outcome": lesson.outcome,
            "context": lesson.context,
            "what_worked": lesson.what_worked,
            "what_did_not": lesson.what_did_not,
            "resistance": lesson.resistance,
            "conflicts": lesson.conflicts,
            "do_differently": lesson.do_differently,
            "cost_and_effort": lesson.cost_and_effort,
            "cost_eur": _number(lesson.cost_eur),
            "effort_person_days": lesson.effort_person_days,
            "advice": lesson.advice,
            "contact_allowed": lesson.contact_allowed,
            "tags": [tag.name for tag in lesson.tags.all()],
            "fields_of_action": [field.title for field in lesson.fields_of_action.all()],
            "published_at": lesson.published_at.isoformat() if lesson.published_at else None,
            "url": absolute_url(lesson),
        }
    return documents


def shared_ids() -> dict[str, set[int]]:
    """What this installation shares: public projects, and published public or network lessons."""
    return {
        "project": set(Project.objects.public().values_list("pk", flat=True)),
        "lesson": set(Lesson.objects.public().values_list("pk", flat=True)),
    }


def build(kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    if kind == "project":
        return projects_data(list(Project.objects.filter(pk__in=ids)))
    if kind == "lesson":
        return lessons_data(list(Lesson.objects.filter(pk__in=ids)))
    return {}
