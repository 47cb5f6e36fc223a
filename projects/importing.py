"""Importing an existing measures list (Maßnahmenliste) with its milestones: all rows or none.

One row per milestone; rows with the same project title belong to one project, whose own
columns are taken from its first row (a later row that says something different is an error).
Which column means what is guessed from the header and can be changed before importing.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit, User
from core.tables import TableError, match_choice, parse_day, read_import
from projects.models import STATUS_REASON_MAX, Milestone, Project
from projects.services import recompute_progress
from strategy.models import FieldOfAction

MAX_ROWS = 5_000
TARGETS = {
    "title": (gettext_lazy("Project title"), {"maßnahme", "massnahme", "titel", "projekt", "title", "project", "measure"}),
    "summary": (gettext_lazy("Summary"), {"kurzbeschreibung", "zusammenfassung", "summary"}),
    "description": (gettext_lazy("Description"), {"beschreibung", "description", "erläuterung"}),
    "status": (gettext_lazy("Status"), {"status", "stand"}),
    "status_reason": (gettext_lazy("Reason for the status"), {"begründung", "grund", "statusbegründung", "reason", "status reason", "status_reason"}),
    "unit": (gettext_lazy("Responsible unit"), {"verantwortlich", "zuständig", "fachbereich", "organisationseinheit", "unit", "responsible"}),
    "field_of_action": (gettext_lazy("Field of action"), {"handlungsfeld", "field of action", "field_of_action"}),
    "planned_start": (gettext_lazy("Planned start"), {"beginn", "start", "geplanter beginn", "planned start", "planned_start"}),
    "planned_end": (gettext_lazy("Planned end"), {"ende", "end", "geplantes ende", "planned end", "planned_end"}),
    "budget_planned": (gettext_lazy("Planned budget (€)"), {"budget", "kosten", "geplantes budget", "budget_planned", "planned budget"}),
    "milestone": (gettext_lazy("Milestone"), {"etappenziel", "meilenstein", "milestone"}),
    "milestone_definition": (gettext_lazy("Milestone: definition of done"), {"erreicht wenn", "definition of done", "abnahmekriterium"}),
    "milestone_due": (gettext_lazy("Milestone: due on"), {"fällig", "fällig am", "termin", "due", "due on", "milestone due"}),
    "milestone_done": (gettext_lazy("Milestone: done on"), {"erreicht am", "erledigt am", "done", "done on", "milestone done"}),
}  # fmt: skip
# German words in measures lists that are not the platform's own labels.
STATUS_WORDS = {
    "geplant": Project.Status.PLANNED, "in planung": Project.Status.PLANNED, "offen": Project.Status.PLANNED,
    "in umsetzung": Project.Status.IN_IMPLEMENTATION, "laufend": Project.Status.IN_IMPLEMENTATION,
    "in arbeit": Project.Status.IN_IMPLEMENTATION, "im abschluss": Project.Status.FINALISING,
    "abgeschlossen": Project.Status.COMPLETED, "erledigt": Project.Status.COMPLETED, "umgesetzt": Project.Status.COMPLETED,
    "gestoppt": Project.Status.STOPPED, "abgebrochen": Project.Status.STOPPED,
    "pausiert": Project.Status.SUSPENDED, "zurückgestellt": Project.Status.SUSPENDED,
}  # fmt: skip
PROJECT_FIELDS = [
    "summary",
    "description",
    "status",
    "status_reason",
    "unit",
    "field_of_action",
    "planned_start",
    "planned_end",
    "budget_planned",
]


@dataclass
class PlannedProject:
    line: int
    title: str
    values: dict = field(default_factory=dict)
    milestones: list[dict] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """The status as people read it (planned when the file does not say)."""
        return str(Project.Status(self.values.get("status") or Project.Status.PLANNED).label)


@dataclass
class MeasuresImport:
    header: list[str] = field(default_factory=list)
    mapping: dict[str, int] = field(default_factory=dict)
    projects: list[PlannedProject] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.projects)

    @property
    def milestone_count(self) -> int:
        return sum(len(p.milestones) for p in self.projects)


def guess_mapping(header: list[str]) -> dict[str, int]:
    mapping = {}
    for index, name in enumerate(header):
        key = name.strip().casefold()
        for target, (_label, names) in TARGETS.items():
            if key in names and target not in mapping:
                mapping[target] = index
    return mapping


def _money(value: object) -> Decimal:
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace("€", "").replace(" ", "")
    if "," in text:  # German: 1.234,56
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount") % {"value": value}) from None
    if amount < 0:
        raise ValueError(_("an amount cannot be negative"))
    return amount


def parse_measures(data: bytes, mapping: dict[str, int] | None = None) -> MeasuresImport:
    result = MeasuresImport()
    try:
        table = read_import(data, max_rows=MAX_ROWS)
    except TableError as error:
        result.errors.append((error.line, str(error)))
        return result
    result.header = [str(cell or "").strip() for cell in table[0]]
    result.mapping = guess_mapping(result.header) if mapping is None else mapping
    if "title" not in result.mapping:
        result.errors.append((1, _("Choose which column holds the project title.")))
        return result
    units = {}
    for unit in OrgUnit.objects.all():
        units[unit.name.casefold()] = unit
        if unit.short_name:
            units[unit.short_name.casefold()] = unit
    fields = {f.title.casefold(): f for f in FieldOfAction.objects.all()}
    by_title: dict[str, PlannedProject] = {}
    for line, cells in enumerate(table[1:], start=2):
        raw = {
            target: cells[index]
            for target, index in result.mapping.items()
            if index < len(cells) and cells[index] not in (None, "")
        }
        if not raw:
            continue
        title = str(raw.get("title", "")).strip()
        if not title:
            result.errors.append((line, _("the project title is empty")))
            continue
        if len(title) > 200:
            result.errors.append((line, _("the project title is longer than 200 characters")))
            continue
        values, problems = _project_values(raw, units, fields)
        project = by_title.get(title.casefold())
        if project is None:
            project = by_title[title.casefold()] = PlannedProject(line, title, values)
            result.projects.append(project)
        else:
            for name, value in values.items():
                if project.values.get(name, value) != value:
                    problems.append(
                        _("“%(column)s” differs from line %(line)d of the same project")
                        % {"column": TARGETS[name][0], "line": project.line}
                    )
            project.values = {**values, **project.values}
        milestone = _milestone(raw, problems)
        if milestone:
            milestone["line"] = line
            project.milestones.append(milestone)
        result.errors.extend((line, problem) for problem in problems)
    for project in result.projects:
        start, end = project.values.get("planned_start"), project.values.get("planned_end")
        if start and end and end < start:
            result.errors.append((project.line, _("the planned end is before the planned start")))
        status = project.values.get("status")
        if status in Project.NEEDS_REASON and not project.values.get("status_reason"):
            result.errors.append(
                (
                    project.line,
                    _("a project that is “%(status)s” needs a reason (column “%(column)s”)")
                    % {"status": Project.Status(status).label, "column": TARGETS["status_reason"][0]},
                )
            )
        for milestone in project.milestones:
            if start and milestone.get("done_on") and milestone["done_on"] < start:
                result.errors.append((milestone["line"], _("the milestone is done before the project starts")))
    if not result.projects and not result.errors:
        result.errors.append((2, _("The file has a header but no projects.")))
    result.errors.sort()
    return result


def _project_values(raw: dict, units: dict, fields: dict) -> tuple[dict, list[str]]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in ("summary", "description"):
        if name in raw:
            values[name] = str(raw[name]).strip()[: 300 if name == "summary" else 10000]
    if "status" in raw:
        word = str(raw["status"]).strip().casefold()
        value, problem = (
            (STATUS_WORDS[word], None) if word in STATUS_WORDS else match_choice(word, Project.Status, _("status"))
        )
        values["status"] = value
        if problem:
            problems.append(problem)
    if "status_reason" in raw:
        values["status_reason"] = str(raw["status_reason"]).strip()
        if len(values["status_reason"]) > STATUS_REASON_MAX:
            problems.append(
                _("the reason for the status is longer than %(max)d characters") % {"max": STATUS_REASON_MAX}
            )
    if "unit" in raw:
        unit = units.get(str(raw["unit"]).strip().casefold())
        values["unit"] = unit
        if unit is None:
            problems.append(_("no unit is called “%(value)s”") % {"value": raw["unit"]})
    if "field_of_action" in raw:
        found = fields.get(str(raw["field_of_action"]).strip().casefold())
        values["field_of_action"] = found
        if found is None:
            problems.append(_("no field of action is called “%(value)s”") % {"value": raw["field_of_action"]})
    for name in ("planned_start", "planned_end"):
        if name in raw:
            try:
                values[name] = parse_day(raw[name])
            except ValueError as error:
                problems.append(str(error))
    if "budget_planned" in raw:
        try:
            values["budget_planned"] = _money(raw["budget_planned"])
        except ValueError as error:
            problems.append(str(error))
    return values, problems


def _milestone(raw: dict, problems: list[str]) -> dict | None:
    if "milestone" not in raw:
        if "milestone_due" in raw or "milestone_done" in raw:
            problems.append(_("a milestone date without a milestone title"))
        return None
    milestone: dict[str, Any] = {
        "title": str(raw["milestone"]).strip()[:200],
        "definition_of_done": str(raw.get("milestone_definition", "")).strip(),
    }
    if "milestone_due" not in raw:
        problems.append(_("the milestone “%(title)s” has no due date") % {"title": milestone["title"]})
        return None
    for key, name in (("due_on", "milestone_due"), ("done_on", "milestone_done")):
        if name in raw:
            try:
                milestone[key] = parse_day(raw[name])
            except ValueError as error:
                problems.append(str(error))
                return None
    return milestone


def import_measures(result: MeasuresImport, *, by: User | None = None) -> list[Project]:
    """Write a clean result in one transaction."""
    if not result.ok:
        raise ValueError("Only an import without errors can be written.")
    created = []
    with transaction.atomic():
        for planned in result.projects:
            values = {k: v for k, v in planned.values.items() if k != "field_of_action" and v is not None}
            project = Project.objects.create(title=planned.title, **values)
            if planned.values.get("field_of_action"):
                project.fields_of_action.add(planned.values["field_of_action"])
            Milestone.objects.bulk_create(
                [
                    Milestone(
                        project=project,
                        title=m["title"],
                        definition_of_done=m["definition_of_done"] or _("Imported without a definition of done."),
                        due_on=m["due_on"],
                        done_on=m.get("done_on"),
                    )
                    for m in planned.milestones
                ]
            )
            recompute_progress(project)
            created.append(project)
    return created
