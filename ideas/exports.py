"""The filtered idea list as CSV or XLSX. Only what the list shows; never e-mail addresses."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Table
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


def ideas_table(ideas: QuerySet[Idea]) -> Table:
    return Table(_header(), _rows(ideas), title=_("Ideas"))
