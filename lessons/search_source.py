"""Lessons in the search: published public/network lessons for everyone, internal ones for the
administration, everything else (draft, in review, withdrawn) for the strategy team."""

from typing import TYPE_CHECKING, cast

from lessons.models import Lesson
from search.models import Audience
from search.registry import Entry, Source, register

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def lesson_entry(lesson: Lesson) -> Entry:
    if lesson.state != Lesson.State.PUBLISHED:
        audience = Audience.TEAM  # draft, in review, withdrawn: the strategy team reviews them
    elif lesson.visibility == Lesson.Visibility.INTERNAL:
        audience = Audience.INTERNAL
    else:
        audience = Audience.PUBLIC  # public and network
    return Entry(
        title=lesson.title,
        body="\n".join([text for _label, text in lesson.sections()] + [tag.name for tag in lesson.tags.all()]),
        url=lesson.get_absolute_url(),
        audience=audience,
        status=lesson.outcome,
        field_ids=[field.pk for field in lesson.fields_of_action.all()],
        date=lesson.published_at or lesson.created_at,
    )


def register_search_source() -> None:
    # Django fills in both names of every model (Meta or defaults); the stubs allow None.
    label = cast("StrOrPromise", Lesson._meta.verbose_name)
    plural = cast("StrOrPromise", Lesson._meta.verbose_name_plural)
    register(
        Source(
            kind="lesson",
            label=label,
            plural=plural,
            model=Lesson,
            queryset=lambda: Lesson.objects.prefetch_related("tags", "fields_of_action"),
            entry=lesson_entry,
            statuses=lambda: dict(Lesson.Outcome.choices),
            m2m=("fields_of_action", "tags"),
        )
    )
