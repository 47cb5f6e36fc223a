"""What a council report says, gathered once from the database as plain rows.

The PDF, the workbook and the CSV are all drawn from one `ReportContent`, so the three never
disagree. Everything is read with a fixed number of queries, whatever the number of projects.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from lessons.models import Lesson
from projects.models import Kpi, Measurement, Milestone, Project
from strategy.models import FieldOfAction, Strategy


@dataclass
class ProjectRow:
    pk: int
    title: str
    status: str
    status_label: str
    unit: str
    progress: int
    budget_planned: Decimal | None
    budget_spent: Decimal | None
    planned_end: date | None
    visibility: str
    fields: list[str] = field(default_factory=list)


@dataclass
class MilestoneRow:
    project: str
    title: str
    due_on: date
    done_on: date | None

    @property
    def late(self) -> bool:
        return self.done_on is None or self.done_on > self.due_on


@dataclass
class FieldSummary:
    title: str
    projects: int = 0
    progress_sum: int = 0
    reached: int = 0
    missed: int = 0

    @property
    def progress(self) -> int:
        return round(self.progress_sum / self.projects) if self.projects else 0


@dataclass
class StatusChange:
    when: datetime
    project: str
    before: str
    after: str


@dataclass
class ReportContent:
    title: str
    municipality: str
    strategy: str
    start: date
    end: date
    projects: list[ProjectRow]
    reached: list[MilestoneRow]
    missed: list[MilestoneRow]
    fields: list[FieldSummary]
    status_changes: list[StatusChange]
    kpis: list[tuple[str, str, str, Decimal, Decimal, Decimal | None]]
    lessons: list[tuple[str, str, str, str]]
    budget_planned: Decimal
    budget_spent: Decimal
    status_counts: dict[str, int]

    @property
    def is_empty(self) -> bool:
        """No milestone, status change or lesson in the period: the report says so honestly."""
        return not (self.reached or self.missed or self.status_changes or self.lessons)


def gather(*, title: str, start: date, end: date, include_internal: bool, municipality: str = "") -> ReportContent:
    projects_qs = Project.objects.all() if include_internal else Project.objects.public()
    status_labels = dict(Project.Status.choices)
    rows = {
        p["pk"]: ProjectRow(
            pk=p["pk"],
            title=p["title"],
            status=p["status"],
            status_label=str(status_labels.get(p["status"], p["status"])),
            unit=p["unit__name"] or "",
            progress=p["progress"],
            budget_planned=p["budget_planned"],
            budget_spent=p["budget_spent"],
            planned_end=p["planned_end"],
            visibility=p["visibility"],
        )
        for p in projects_qs.order_by("title", "pk").values(
            "pk",
            "title",
            "status",
            "unit__name",
            "progress",
            "budget_planned",
            "budget_spent",
            "planned_end",
            "visibility",
        )
    }
    fields = {f.pk: FieldSummary(f.title) for f in FieldOfAction.objects.order_by("position", "title")}
    project_fields: dict[int, list[int]] = defaultdict(list)
    for project_id, field_id in Project.fields_of_action.through.objects.filter(project_id__in=projects_qs).values_list(
        "project_id", "fieldofaction_id"
    ):
        if project_id in rows and field_id in fields:
            project_fields[project_id].append(field_id)
            rows[project_id].fields.append(fields[field_id].title)
            fields[field_id].projects += 1
            fields[field_id].progress_sum += rows[project_id].progress

    milestones = (
        Milestone.objects.filter(project__in=projects_qs)
        .filter(Q(done_on__range=(start, end)) | Q(due_on__range=(start, end)))
        .order_by("due_on", "pk")
        .values_list("project_id", "project__title", "title", "due_on", "done_on")
    )
    reached, missed = [], []
    for project_id, project_title, title_, due_on, done_on in milestones:
        row = MilestoneRow(project_title, title_, due_on, done_on)
        if done_on and start <= done_on <= end:
            reached.append(row)
            for field_id in project_fields.get(project_id, []):
                fields[field_id].reached += 1
        elif due_on <= end and (done_on is None or done_on > end):
            missed.append(row)
            for field_id in project_fields.get(project_id, []):
                fields[field_id].missed += 1

    kpis = []
    latest: dict[int, Decimal] = {}
    for kpi_id, value in (
        Measurement.objects.filter(kpi__project__in=projects_qs, measured_on__lte=end)
        .order_by("kpi_id", "measured_on", "pk")
        .values_list("kpi_id", "value")
    ):
        latest[kpi_id] = value
    for kpi_id, project_title, name, unit, baseline, target in (
        Kpi.objects.filter(project__in=projects_qs)
        .order_by("project__title", "name", "pk")
        .values_list("pk", "project__title", "name", "unit", "baseline", "target")
    ):
        kpis.append((project_title, name, unit, baseline, target, latest.get(kpi_id)))

    lessons_qs = Lesson.objects.published().filter(published_at__date__range=(start, end))
    lessons_qs = lessons_qs.filter(Q(project__isnull=True) | Q(project__in=projects_qs))
    if not include_internal:
        lessons_qs = lessons_qs.exclude(visibility=Lesson.Visibility.INTERNAL)
    outcome_labels = dict(Lesson.Outcome.choices)
    lessons = [
        (lesson_title, str(outcome_labels[outcome]), project_title or "", outcome)
        for lesson_title, outcome, project_title in lessons_qs.order_by("published_at", "pk").values_list(
            "title", "outcome", "project__title"
        )
    ]

    status_counts: dict[str, int] = defaultdict(int)
    for row in rows.values():
        status_counts[row.status_label] += 1
    strategy = Strategy.objects.current()
    return ReportContent(
        title=title,
        municipality=municipality,
        strategy=strategy.title if strategy else "",
        start=start,
        end=end,
        projects=list(rows.values()),
        reached=reached,
        missed=missed,
        fields=list(fields.values()),
        status_changes=_status_changes(rows, start, end, status_labels),
        kpis=kpis,
        lessons=lessons,
        budget_planned=sum((r.budget_planned or Decimal(0) for r in rows.values()), Decimal(0)),
        budget_spent=sum((r.budget_spent or Decimal(0) for r in rows.values()), Decimal(0)),
        status_counts=dict(status_counts),
    )


def _status_changes(rows: dict[int, ProjectRow], start: date, end: date, labels: dict) -> list[StatusChange]:
    """Status changes of the period, read from the audit trail, which records every change."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end, time.max, tzinfo=zone)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Project),
        timestamp__range=(since, until),
        action=LogEntry.Action.UPDATE,
    ).order_by("timestamp", "pk")
    changes = []
    for object_pk, timestamp, diff in entries.values_list("object_pk", "timestamp", "changes").iterator():
        if isinstance(diff, str):
            diff = json.loads(diff or "{}")
        if not isinstance(diff, dict) or "status" not in diff or not str(object_pk).isdigit():
            continue
        project = rows.get(int(object_pk))
        if project is None:
            continue
        before, after = (diff["status"] + [None, None])[:2] if isinstance(diff["status"], list) else (None, None)
        changes.append(
            StatusChange(timestamp, project.title, str(labels.get(before, before)), str(labels.get(after, after)))
        )
    return changes
