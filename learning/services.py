"""Workflows of the learning offers. Each runs in one transaction; views and the API only validate and call."""

from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.links import absolute_url
from core.mail import send_after_commit
from learning.ical import session_filename, session_ics
from learning.models import RATING_MAX, RATING_MIN, LearningUnit, Registration, Session

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
# Allowed material files: extension → the bytes such a file starts with (None: plain text, no signature).
MATERIAL_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".mp4": (b"ftyp",),  # at offset 4
    ".txt": None,
}


class LearningError(ValueError):
    """A change that is not allowed; the message says why and is shown to the person."""


def validate_material(upload: UploadedFile) -> None:
    """Refuse files of other types, files whose content does not match their extension, and large files."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in MATERIAL_TYPES:
        raise ValidationError(
            _("Files of this type cannot be uploaded. Allowed: %(types)s.")
            % {"types": ", ".join(sorted(MATERIAL_TYPES))}
        )
    if upload.size is None or upload.size > MAX_MATERIAL_BYTES:  # (an upload always has a size)
        raise ValidationError(_("The file is larger than 20 MB. Link to large videos instead."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signatures = MATERIAL_TYPES[extension]
    if signatures is None:
        if b"\x00" in head:
            raise ValidationError(_("The file's content does not match its extension."))
        return
    sample = head[4:] if extension == ".mp4" else head
    if not any(sample.startswith(signature) for signature in signatures):
        raise ValidationError(_("The file's content does not match its extension."))


def unit_save(*, unit: LearningUnit, by: User, form_save: Callable[[], object]) -> LearningUnit:
    with transaction.atomic():
        if unit.pk is None:
            unit.created_by = by
        form_save()
    return unit


def session_save(*, session: Session, form_save: Callable[[], object]) -> Session:
    """Save a session from its form. A capacity below the registrations is refused while the session
    row is locked: the form counted before, and a registration arriving in between (it takes the
    same lock) would otherwise leave the session overbooked."""
    with transaction.atomic():
        if session.pk is not None:
            Session.objects.select_for_update().filter(pk=session.pk).exists()
            booked = Registration.objects.filter(session_id=session.pk).count()
            if session.capacity < booked:
                raise LearningError(
                    _("%(booked)s people are already registered; the session needs at least as many seats.")
                    % {"booked": booked}
                )
        form_save()
    return session


def registration_create(*, session: Session, user: User) -> Registration:
    """Book a seat. Refused for a session that began, when it is full, or when the person is already booked.

    The session row is locked first, so concurrent registrations are counted one after another; the
    unique constraint on (session, user) catches a double click that slips through.
    """
    try:
        with transaction.atomic():
            locked = Session.objects.select_for_update().get(pk=session.pk)
            if locked.starts_at <= timezone.now():
                raise LearningError(_("This session has already begun; registration is closed."))
            if Registration.objects.filter(session=locked, user=user).exists():
                raise LearningError(_("You are already registered for this session."))
            if Registration.objects.filter(session=locked).count() >= locked.capacity:
                raise LearningError(_("This session is fully booked. Please choose another date."))
            unit = user.units.order_by("pk").first()
            registration = Registration.objects.create(session=locked, user=user, org_unit=unit)
            _tell(
                user,
                locked,
                gettext_lazy("Registration confirmed: “%(title)s” on %(date)s at %(time)s"),
                "learning/email/registered.txt",
                with_calendar=True,
            )
            return registration
    except IntegrityError as error:
        raise LearningError(_("You are already registered for this session.")) from error


def registration_cancel(*, session: Session, user: User) -> None:
    with transaction.atomic():
        registration = Registration.objects.select_for_update().filter(session=session, user=user).first()
        if registration is None:
            raise LearningError(_("You are not registered for this session."))
        if session.has_started:
            raise LearningError(_("This session has already begun; the registration can no longer be cancelled."))
        registration.delete()
        _tell(
            user,
            session,
            gettext_lazy("Registration cancelled: “%(title)s” on %(date)s at %(time)s"),
            "learning/email/cancelled.txt",
            with_calendar=False,
        )


def _tell(user: User, session: Session, subject: Promise, template: str, *, with_calendar: bool) -> None:
    """Mail the person a confirmation once the change is committed (nothing when it is rolled back),
    with the session's link and, for a registration, its calendar file."""
    if not user.email:
        return
    when = timezone.localtime(session.starts_at)
    context = {"user": user, "session": session, "unit": session.unit, "session_url": absolute_url(session)}
    attachments = []
    if with_calendar:
        attachments.append((session_filename(session), session_ics(session, with_online_link=True), "text/calendar"))
    send_after_commit(
        str(subject)
        % {
            "title": session.unit.title,
            "date": date_format(when, "SHORT_DATE_FORMAT"),
            "time": date_format(when, "TIME_FORMAT"),
        },
        render_to_string(template, context),
        [user.email],
        attachments=attachments,
    )


def attendance_record(*, session: Session, present: set[int], by: User) -> int:
    """Mark who was there (registration ids in `present`) and who was not; returns how many attended."""
    if not session.has_started:
        raise LearningError(_("Attendance can be recorded once the session has begun."))
    with transaction.atomic():
        for registration in Registration.objects.select_for_update().filter(session=session):
            attended = registration.pk in present
            if registration.attended != attended:
                registration.attended = attended
                registration.save(update_fields=["attended"])
    return len(present)


def feedback_give(*, session: Session, user: User, rating: int | None, text: str) -> Registration:
    """Rate a session (1–5) with an optional text: only people recorded as present may."""
    if rating is None or not RATING_MIN <= rating <= RATING_MAX:
        raise LearningError(_("A rating runs from %(low)s to %(high)s.") % {"low": RATING_MIN, "high": RATING_MAX})
    if len(text) > 2000:
        raise LearningError(_("The feedback has at most 2,000 characters."))
    if "\x00" in text:
        raise LearningError(_("The feedback cannot contain null characters."))
    with transaction.atomic():
        registration = Registration.objects.select_for_update().filter(session=session, user=user).first()
        if registration is None or registration.attended is not True:
            raise LearningError(_("Only people who attended this session can give feedback on it."))
        registration.rating = rating
        registration.feedback = text.strip()
        registration.feedback_at = timezone.now()
        registration.save(update_fields=["rating", "feedback", "feedback_at"])
    return registration
