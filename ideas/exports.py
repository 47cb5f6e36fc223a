"""The filtered idea list as CSV or XLSX. Only what the list shows; never e-mail addresses."""

import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ideas.models import Idea


def _header() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Description"),
        _("Field of action"),
        _("Status"),
        _("Source"),
        _("Supports"),
        _("Comments"),
        _("Submitted"),
    ]


def _rows(ideas: QuerySet[Idea]) -> Iterator[list]:
    for idea in ideas.iterator(chunk_size=2000):
        yield [
            idea.pk,
            idea.title,
            idea.description,
            idea.field_of_action.title if idea.field_of_action else "",
            idea.get_status_display(),
            idea.get_source_display(),
            idea.support_count,
            idea.comment_count,
            timezone.localtime(idea.submitted_at).strftime("%Y-%m-%d %H:%M"),
        ]


def safe_cell(value: object) -> object:
    # Spreadsheet programs run cells starting with = + - @ as formulas; prefix them so they stay text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def ideas_csv(ideas: QuerySet[Idea], writer) -> None:
    writer.writerow(_header())
    for row in _rows(ideas):
        writer.writerow([safe_cell(v) for v in row])


def ideas_xlsx(ideas: QuerySet[Idea]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ideas"))
    sheet.append(_header())
    for row in _rows(ideas):
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
