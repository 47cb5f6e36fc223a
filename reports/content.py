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
from projects.models import Kpi, Measurement, Milestone, Project, project_track
from projects.models import LogEntry as ProgressEntry
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
    visibility_label: str = ""
    actual_start: date | None = None
    actual_end: date | None = None
    status_reason: str = ""
    # Where a running project stands against its plan (Project.Track), "" unless running.
    track: str = ""
    track_label: str = ""
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
    when: date
    project: str
    after: str  # the new status, as a label
    status: str = ""  # the new status, as a value
    reason: str = ""


@dataclass
class KpiRow:
    project: str
    name: str
    unit: str
    baseline: Decimal
    target: Decimal
    latest: Decimal | None = None
    latest_on: date | None = None


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
    kpis: list[KpiRow]
    lessons: list[tuple[str, str, str, str]]
    budget_planned: Decimal
    budget_spent: Decimal
    status_counts: dict[str, int]
    # Milestones due in the period, reached or missed or done before it was due.
    milestones_due: int = 0
    # The figures "now" (the day the report is built), by the definitions of projects.models.
    as_of: date = field(default_factory=timezone.localdate)
    running: int = 0
    on_track: int = 0

    @property
    def is_empty(self) -> bool:
        """No milestone due or reached, no status change and no lesson in the period: it says so."""
        return not (self.reached or self.missed or self.milestones_due or self.status_changes or self.lessons)

    @property
    def on_track_share(self) -> int | None:
        return round(100 * self.on_track / self.running) if self.running else None


def gather(*, title: str, start: date, end: date, include_internal: bool, municipality: str = "") -> ReportContent:
    projects_qs = Project.objects.all() if include_internal else Project.objects.public()
    status_labels = dict(Project.Status.choices)
    visibility_labels = dict(Project.Visibility.choices)
    track_labels = dict(Project.Track.choices)
    rows: dict[int, ProjectRow] = {}
    for p in (
        projects_qs.with_track()
        .order_by("title", "pk")
        .values(
            "pk",
            "title",
            "status",
            "unit__name",
            "progress",
            "budget_planned",
            "budget_spent",
            "planned_end",
            "actual_start",
            "actual_end",
            "visibility",
            "status_reason",
            "last_traffic_light",
            "has_overdue_milestone",
        )
    ):
        track = project_track(status=p["status"], light=p["last_traffic_light"], overdue=p["has_overdue_milestone"])
        rows[p["pk"]] = ProjectRow(
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
            visibility_label=str(visibility_labels.get(p["visibility"], p["visibility"])),
            actual_start=p["actual_start"],
            actual_end=p["actual_end"],
            status_reason=p["status_reason"],
            track=track or "",
            track_label=str(track_labels[track]) if track else "",
        )
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
    reached, missed, due = [], [], 0
    for project_id, project_title, title_, due_on, done_on in milestones:
        row = MilestoneRow(project_title, title_, due_on, done_on)
        due += start <= due_on <= end
        if done_on and start <= done_on <= end:
            reached.append(row)
            for field_id in project_fields.get(project_id, []):
                fields[field_id].reached += 1
        elif due_on <= end and (done_on is None or done_on > end):
            missed.append(row)
            for field_id in project_fields.get(project_id, []):
                fields[field_id].missed += 1

    kpis = []
    latest: dict[int, tuple[Decimal, date]] = {}
    for kpi_id, value, measured_on in (
        Measurement.objects.filter(kpi__project__in=projects_qs, measured_on__lte=end)
        .order_by("kpi_id", "measured_on", "pk")
        .values_list("kpi_id", "value", "measured_on")
    ):
        latest[kpi_id] = (value, measured_on)
    for kpi_id, project_title, name, unit, baseline, target in (
        Kpi.objects.filter(project__in=projects_qs)
        .order_by("project__title", "name", "pk")
        .values_list("pk", "project__title", "name", "unit", "baseline", "target")
    ):
        latest_value, latest_on = latest.get(kpi_id, (None, None))
        kpis.append(KpiRow(project_title, name, unit, baseline, target, latest_value, latest_on))

    # The same lessons the lessons pages show: published, and for a public report only public ones.
    lessons_qs = Lesson.objects.published() if include_internal else Lesson.objects.public()
    lessons_qs = lessons_qs.filter(published_at__date__range=(start, end))
    lessons_qs = lessons_qs.filter(Q(project__isnull=True) | Q(project__in=projects_qs))
    outcome_labels = dict(Lesson.Outcome.choices)
    lessons = [
        (lesson_title, str(outcome_labels[outcome]), project_title or "", outcome)
        for lesson_title, outcome, project_title in lessons_qs.order_by("published_at", "pk").values_list(
            "title", "outcome", "project__title"
        )
    ]

    # Every status in the workflow's order, those without a project too (as on the start page).
    status_counts = {str(label): 0 for label in status_labels.values()}
    for project_row in rows.values():
        status_counts[project_row.status_label] += 1
    running = [row for row in rows.values() if row.status in Project.RUNNING]
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
        status_changes=_status_changes(rows, projects_qs, start, end, status_labels),
        kpis=kpis,
        lessons=lessons,
        budget_planned=sum((r.budget_planned or Decimal(0) for r in rows.values()), Decimal(0)),
        budget_spent=sum((r.budget_spent or Decimal(0) for r in rows.values()), Decimal(0)),
        status_counts=status_counts,
        milestones_due=due,
        running=len(running),
        on_track=sum(row.track == Project.Track.ON_TRACK for row in running),
    )


START = "start"


def _status_changes(
    rows: dict[int, ProjectRow], projects_qs, start: date, end: date, labels: dict
) -> list[StatusChange]:
    """The status changes of the period, from the records the project pages show.

    First the progress log: since status changes are recorded there (with the public reason
    for stopping or suspending), each change has its entry. Older changes have none; for them
    the project's actual start (shown as "Actual" on its page) is the day it went into
    implementation, and the actual end of a completed or stopped project the day it ended.
    Anything else (suspended, finalising, resumed …) comes from the audit trail, which records
    every save. A change one record already tells is not counted again from another, whichever
    period that record falls in.
    """
    changes: list[StatusChange] = []
    # What is already told, by (project, new status); (project, "start") for going into implementation.
    told: set[tuple[int, str]] = set()
    logged: set[int] = set()  # projects with a change in the progress log
    for project_id, status, day, reason in (
        ProgressEntry.objects.filter(project__in=projects_qs)
        .exclude(status="")
        .order_by("entry_date", "pk")
        .values_list("project_id", "status", "entry_date", "happened")
    ):
        if project_id not in rows or status not in labels:
            continue
        if project_id not in logged and status in Project.RUNNING:
            told.add((project_id, START))  # the project's first recorded change is its start
        logged.add(project_id)
        told.add((project_id, status))
        if start <= day <= end:
            changes.append(_change(rows[project_id], day, status, labels, reason=reason))

    for row in rows.values():
        if row.actual_start and row.status != Project.Status.PLANNED and (row.pk, START) not in told:
            told.add((row.pk, START))
            if start <= row.actual_start <= end:
                changes.append(_change(row, row.actual_start, Project.Status.IN_IMPLEMENTATION, labels))
        ended = row.status in (Project.Status.COMPLETED, Project.Status.STOPPED)
        if row.actual_end and ended and (row.pk, row.status) not in told:
            told.add((row.pk, row.status))
            if start <= row.actual_end <= end:
                changes.append(_change(row, row.actual_end, row.status, labels))

    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end, time.max, tzinfo=zone)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Project),
        timestamp__range=(since, until),
        action=LogEntry.Action.UPDATE,
    ).order_by("timestamp", "pk")
    for object_pk, timestamp, diff in entries.values_list("object_pk", "timestamp", "changes").iterator():
        if isinstance(diff, str):
            diff = json.loads(diff or "{}")
        if not isinstance(diff, dict) or "status" not in diff or not str(object_pk).isdigit():
            continue
        project = rows.get(int(object_pk))
        pair = diff["status"] if isinstance(diff["status"], list) else []
        if project is None or len(pair) != 2 or pair[1] not in labels:
            continue
        key = (project.pk, START if pair[0] == Project.Status.PLANNED else pair[1])
        if key not in told:
            changes.append(_change(project, timezone.localtime(timestamp, zone).date(), pair[1], labels))
    changes.sort(key=lambda change: (change.when, change.project))
    return changes


def _change(row: ProjectRow, when: date, status: str, labels: dict, reason: str | None = None) -> StatusChange:
    """A change; without a reason of its own, a stop or suspension still in force has the project's reason."""
    if reason is None:
        reason = row.status_reason if status == row.status and status in Project.NEEDS_REASON else ""
    return StatusChange(when=when, project=row.title, after=str(labels[status]), status=status, reason=reason.strip())
