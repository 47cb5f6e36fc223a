"""Writing and reviewing lessons: draft → in review → published (or back to draft), published → withdrawn."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.links import absolute_url
from core.mail import send_after_commit
from lessons.models import Lesson, Tag


class LessonError(Exception):
    """A change that is not allowed; the message says why and is shown to the person."""


class ConflictError(LessonError):
    pass


def tags_from_text(text: str) -> list[Tag]:
    """Comma-separated names → tags, created when new (names compared case-insensitively)."""
    tags = []
    for name in dict.fromkeys(part.strip()[:60] for part in text.split(",") if part.strip()):
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        tags.append(tag)
    return tags


def lesson_save(
    *,
    lesson: Lesson,
    by: User,
    form_save: Callable[[], object],
    expected_version: int | None,
    tags: list[Tag],
) -> Lesson:
    """Create or change a lesson; refuse if someone else saved it since `expected_version` was read."""
    with transaction.atomic():
        if lesson.pk:
            # Without a version to compare (none was sent), nothing matches: it counts as a conflict.
            updated = (
                Lesson.objects.filter(pk=lesson.pk, version=expected_version).update(version=F("version") + 1)
                if expected_version is not None
                else 0
            )
            if not updated:
                raise ConflictError(
                    _(
                        "Someone else saved this lesson while you were editing it. Nothing of yours was saved: "
                        "reload the page to see their changes, then make yours again."
                    )
                )
            lesson.version = (expected_version or 0) + 1
        else:
            lesson.created_by = by
        form_save()
        lesson.tags.set(tags)
        if not lesson.authors.exists():
            lesson.authors.add(by)
    return lesson


def lesson_submit(*, lesson: Lesson, by: User) -> None:
    if lesson.state != Lesson.State.DRAFT:
        raise LessonError(_("Only a draft can be sent to review."))
    _set_state(lesson, Lesson.State.IN_REVIEW, was=Lesson.State.DRAFT, refusal=_("Only a draft can be sent to review."))


def lesson_publish(*, lesson: Lesson, by: User, note: str = "") -> None:
    if lesson.state != Lesson.State.IN_REVIEW:
        raise LessonError(_("Only a lesson in review can be published."))
    lesson.reviewed_by = by
    lesson.review_note = note
    lesson.published_at = timezone.now()
    with transaction.atomic():
        _set_state(
            lesson,
            Lesson.State.PUBLISHED,
            "reviewed_by",
            "review_note",
            "published_at",
            was=Lesson.State.IN_REVIEW,
            refusal=_("Only a lesson in review can be published."),
        )
        _notify_authors(lesson, gettext_lazy("Your lesson “%(title)s” was published."))


def lesson_return(*, lesson: Lesson, by: User, note: str) -> None:
    if lesson.state != Lesson.State.IN_REVIEW:
        raise LessonError(_("Only a lesson in review can be sent back."))
    if not note.strip():
        raise LessonError(_("Say what should change, so the authors know what to do."))
    lesson.reviewed_by = by
    lesson.review_note = note
    with transaction.atomic():
        _set_state(
            lesson,
            Lesson.State.DRAFT,
            "reviewed_by",
            "review_note",
            was=Lesson.State.IN_REVIEW,
            refusal=_("Only a lesson in review can be sent back."),
        )
        _notify_authors(lesson, gettext_lazy("Your lesson “%(title)s” was sent back with a note from the review."))


def lesson_withdraw(*, lesson: Lesson, by: User, note: str) -> None:
    """Take a published lesson back; the exchange announces it as withdrawn to the other municipalities."""
    if lesson.state != Lesson.State.PUBLISHED:
        raise LessonError(_("Only a published lesson can be withdrawn."))
    if not note.strip():
        raise LessonError(_("Give the reason for withdrawing it."))
    lesson.reviewed_by = by
    lesson.review_note = note
    _set_state(
        lesson,
        Lesson.State.WITHDRAWN,
        "reviewed_by",
        "review_note",
        was=Lesson.State.PUBLISHED,
        refusal=_("Only a published lesson can be withdrawn."),
    )


def _set_state(lesson: Lesson, state: str, *fields: str, was: str, refusal: str) -> None:
    """Move from `was` to `state`, checked on the locked row: of two reviewers deciding at once, the
    second is refused and changes nothing (and no second mail goes out)."""
    with transaction.atomic():
        current = Lesson.objects.select_for_update().only("state").get(pk=lesson.pk)
        if current.state != was:
            raise LessonError(refusal)
        lesson.state = state
        lesson.version += 1
        lesson.save(update_fields=["state", "version", "updated_at", *fields])


def _notify_authors(lesson: Lesson, subject: Promise) -> None:
    """Tell the authors, once the change is committed (the title may hold anything; the subject is made safe)."""
    recipients = [author.email for author in lesson.authors.all() if author.email]
    if not recipients:
        return
    # In the platform's language: the authors read it, not the reviewer who acted.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("lessons/email/review.txt", {"lesson": lesson, "lesson_url": absolute_url(lesson)})
        line = str(subject) % {"title": lesson.title}
    send_after_commit(line, body, recipients)
