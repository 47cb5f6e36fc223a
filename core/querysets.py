"""What every list's filters share: sorting by a named key, filtering by the values given, and a
search in a few text fields.

The filters of a list are a method of its model's QuerySet (`IdeaQuerySet.filter_by`,
`ProjectQuerySet.filter_by`, …), so the page, its exports and the API ask the same code; the page
reads the values from its filter form, the API from its query schema.
"""

from typing import ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q

_M = TypeVar("_M", bound=models.Model, covariant=True)


class ListQuerySet(models.QuerySet[_M]):
    # The orderings a list offers by name, and the one it has without a (known) name.
    SORTS: ClassVar[dict[str, tuple]] = {}
    DEFAULT_SORT: ClassVar[str] = ""

    def sorted_by(self, key: str | None) -> Self:
        """Ordered by `SORTS[key]`; an empty or unknown key (a hand-made address) gives the default."""
        return self.order_by(*self.SORTS.get(key or "", self.SORTS[self.DEFAULT_SORT]))

    def filter_given(self, **lookups) -> Self:
        """Filtered by each lookup whose value is given; an empty value ("", None, 0) filters nothing."""
        given = {lookup: value for lookup, value in lookups.items() if value}
        return self.filter(**given) if given else self

    def containing(self, text: str, *fields: str) -> Self:
        """The rows with `text` in one of `fields` (case-insensitive); all rows for an empty text."""
        if not text:
            return self
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": text})
        return self.filter(condition)
