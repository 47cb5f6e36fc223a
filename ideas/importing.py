"""Reading an existing idea list from CSV or XLSX: all rows or none, every error with its line.

CSV may be UTF-8 (with or without BOM) or Windows-1252, separated by `;` or `,` — German Excel
writes `;` and Windows-1252. Headers are English or German; `title`/`Titel` and
`description`/`Beschreibung` are required.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tables import TableError, match_choice, read_import
from ideas.models import DESCRIPTION_MAX, TITLE_MAX, Idea, Moderation, StatusChange
from strategy.models import FieldOfAction

MAX_ROWS = 20_000
HEADERS = {
    "title": "title", "titel": "title",
    "description": "description", "beschreibung": "description",
    "field_of_action": "field_of_action", "handlungsfeld": "field_of_action",
    "status": "status",
    "submitted_at": "submitted_at", "eingereicht am": "submitted_at",
    "source": "source", "quelle": "source",
}  # fmt: skip
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _when(value: object) -> tuple[datetime | None, str | None]:
    if isinstance(value, datetime):
        return (value if timezone.is_aware(value) else timezone.make_aware(value)), None
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(12, 0))), None
    text = str(value).strip()
    for pattern in DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(text, pattern)), None  # noqa: DTZ007 - made aware right here
        except ValueError:
            continue
    return None, _("“%(value)s” is not a date (use 2024-03-14 or 14.03.2024)") % {"value": text}


def parse_ideas(data: bytes) -> ImportResult:
    """Check every row; the result holds either clean rows or line-numbered errors."""
    result = ImportResult()
    try:
        table = read_import(data, max_rows=MAX_ROWS)
    except TableError as error:
        result.errors.append((error.line, str(error)))
        return result
    header = [HEADERS.get(str(cell or "").strip().casefold()) for cell in table[0]]
    missing = [name for name in ("title", "description") if name not in header]
    if missing:
        result.errors.append(
            (
                1,
                _("Required columns are missing: %(columns)s (“Titel”/“title”, “Beschreibung”/“description”).")
                % {"columns": ", ".join(missing)},
            )
        )
        return result
    fields = {f.title.casefold(): f for f in FieldOfAction.objects.all()}
    for line, cells in enumerate(table[1:], start=2):
        values = {
            name: cells[i] for i, name in enumerate(header) if name and i < len(cells) and cells[i] not in (None, "")
        }
        if not values:
            continue  # blank line
        row, problems = _row(values, fields)
        result.errors.extend((line, problem) for problem in problems)
        if not problems:
            row["line"] = line
            result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append((2, _("The file has a header but no ideas.")))
    return result


def _row(values: dict, fields: dict) -> tuple[dict, list[str]]:
    problems = []
    title = str(values.get("title", "")).strip()
    description = str(values.get("description", "")).strip()
    if not title:
        problems.append(_("the title is empty"))
    elif len(title) > TITLE_MAX:
        problems.append(_("the title is longer than %(max)d characters") % {"max": TITLE_MAX})
    if not description:
        problems.append(_("the description is empty"))
    elif len(description) > DESCRIPTION_MAX:
        problems.append(_("the description is longer than %(max)d characters") % {"max": DESCRIPTION_MAX})
    row = {"title": title, "description": description, "field_of_action": None, "status": Idea.Status.IN_POOL,
           "source": Idea.Source.STAFF, "submitted_at": timezone.now()}  # fmt: skip
    if "field_of_action" in values:
        row["field_of_action"] = fields.get(str(values["field_of_action"]).strip().casefold())
        if row["field_of_action"] is None:
            problems.append(_("no field of action is called “%(value)s”") % {"value": values["field_of_action"]})
    for name, choices, label in (("status", Idea.Status, _("status")), ("source", Idea.Source, _("source"))):
        if name in values:
            value, problem = match_choice(str(values[name]), choices, label)
            row[name] = value
            if problem:
                problems.append(problem)
    if "submitted_at" in values:
        row["submitted_at"], problem = _when(values["submitted_at"])
        if problem:
            problems.append(problem)
    return row, problems


def ideas_import(*, result: ImportResult, by=None) -> list[Idea]:
    """Write every row of a clean result in one transaction, each with its first status entry."""
    if not result.ok:
        raise ValueError("Only an import without errors can be written.")
    reason = _("Imported from an existing idea list.")
    with transaction.atomic():
        ideas = []
        for row in result.rows:
            idea = Idea(
                title=row["title"],
                description=row["description"],
                field_of_action=row["field_of_action"],
                status=row["status"],
                source=row["source"],
                submitted_at=row["submitted_at"],
                last_activity_at=row["submitted_at"],
                moderation=Moderation.PUBLISHED,
                author_name=_("Import"),
            )
            idea.save()
            StatusChange.objects.create(
                idea=idea, to_status=idea.status, reason=reason, changed_by=by, changed_at=row["submitted_at"]
            )
            ideas.append(idea)
    return ideas
