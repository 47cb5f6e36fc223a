from collections.abc import Callable
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import require
from core.editing import confirm_delete_view, delete_view, save_form_view
from core.http import AuthenticatedHttpRequest
from learning.forms import AttendanceForm, CatalogueFilterForm, FeedbackForm, LearningUnitForm, SessionForm
from learning.ical import session_filename, session_ics
from learning.models import LearningUnit, Registration, Session
from learning.permissions import (
    access_session,
    access_unit,
    can_give_feedback,
    can_manage_learning,
    can_register,
    can_use_learning,
    visible_units,
)
from learning.services import (
    LearningError,
    attendance_record,
    feedback_give,
    registration_cancel,
    registration_create,
    session_save,
    unit_save,
)
from learning.stats import by_topic, by_unit, totals
from maturity.services import dimension_choices
from projects.models import Project

PAGE_SIZE = 20


def _internal(request: HttpRequest) -> None:
    if not can_use_learning(request.user):
        raise Http404


@login_required
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _internal(request)
    units = visible_units(request.user)
    topics = list(units.order_by("topic").values_list("topic", flat=True).distinct())
    projects = (
        Project.objects.visible_to(request.user).filter(learning_units__isnull=False).distinct().order_by("title")
    )
    form = CatalogueFilterForm(request.GET or None, topics=topics, projects=projects)
    if form.is_valid():  # a value the form does not know filters nothing
        data = form.cleaned_data
        units = units.filter_by(
            q=data["q"],
            topic=data["topic"],
            format=data["format"],
            dimension_key=data["dimension"],
            project=data["project"],
        )
    now = timezone.now()
    units = units.annotate(
        next_session=Min("sessions__starts_at", filter=Q(sessions__starts_at__gt=now)),
        upcoming=Count("sessions", filter=Q(sessions__starts_at__gt=now)),
    )
    sort = request.GET.get("sort", "next")
    page = Paginator(units.sorted_by(sort), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sorts": [
            ("next", _("next date")),
            ("title", _("title")),
            ("duration", _("duration")),
            ("newest", _("newest")),
        ],
        "can_manage": can_manage_learning(request.user),
        "dimensions": dict(dimension_choices()),
        "mine": Registration.objects.filter(user=request.user, session__starts_at__gt=now)
        .select_related("session__unit")
        .order_by("session__starts_at"),
    }
    return render(request, "learning/catalogue.html", context)


@login_required
def unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _internal(request)
    unit = access_unit(request.user, pk)
    now = timezone.now()
    sessions = list(
        unit.sessions.annotate(booked=Count("registrations"))
        .annotate(free=F("capacity") - F("booked"))
        .order_by("starts_at")
    )
    mine = dict(
        Registration.objects.filter(session__unit=unit, user=request.user).values_list("session_id", "attended")
    )
    context = {
        "unit": unit,
        "upcoming": [s for s in sessions if s.starts_at > now],
        "past": [s for s in sessions if s.starts_at <= now][::-1][:10],
        "mine": mine,
        "projects": unit.projects.visible_to(request.user).order_by("title"),
        "dimension": dict(dimension_choices()).get(unit.dimension_key, ""),
        "can_manage": can_manage_learning(request.user),
    }
    return render(request, "learning/unit_detail.html", context)


@login_required
def unit_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_learning(request.user))
    unit = access_unit(request.user, pk) if pk else LearningUnit()
    form = LearningUnitForm(request.POST or None, request.FILES or None, instance=unit)
    return save_form_view(
        request,
        form=form,
        title=_("Edit learning unit") if pk else _("New learning unit"),
        cancel_url=unit.get_absolute_url() if pk else reverse("learning:catalogue"),
        save=lambda: unit_save(unit=form.instance, by=request.user, form_save=form.save),
    )


unit_delete = delete_view(
    access_unit,
    allowed=can_manage_learning,
    list_url="learning:catalogue",
    consequences=gettext_lazy(
        "Its sessions, registrations and feedback are deleted with it. To keep the statistics, take it out of "
        "the catalogue instead."
    ),
)


@login_required
def material(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    _internal(request)
    unit = access_unit(request.user, pk)
    name = unit.material_file.name
    if not name:  # no file
        raise Http404
    return FileResponse(unit.material_file.open("rb"), as_attachment=True, filename=Path(name).name)


@login_required
def session_edit(request: AuthenticatedHttpRequest, pk: int | None = None, unit: int | None = None) -> HttpResponse:
    require(can_manage_learning(request.user))
    if pk:
        session = access_session(request.user, pk)
    elif unit:
        session = Session(unit=access_unit(request.user, unit))
    else:  # the URLs name one of them; there is no session or unit 0
        raise Http404
    form = SessionForm(request.POST or None, instance=session)
    return save_form_view(
        request,
        form=form,
        title=_("Edit session") if pk else _("New session of “%(unit)s”") % {"unit": session.unit},
        cancel_url=session.get_absolute_url() if pk else session.unit.get_absolute_url(),
        save=lambda: session_save(session=form.instance, form_save=form.save),
        refused=LearningError,
        refused_field="capacity",
    )


@login_required
def session_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_learning(request.user))
    session = access_session(request.user, pk)
    return confirm_delete_view(
        request,
        obj=session,
        success_url=session.unit.get_absolute_url(),
        consequences=_("Its registrations and feedback are deleted with it. Tell the registered people yourself."),
    )


@login_required
def session_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _internal(request)
    session = access_session(request.user, pk)
    registrations = list(session.registrations.select_related("user", "org_unit"))
    mine = next((r for r in registrations if r.user_id == request.user.pk), None)
    context = {
        "session": session,
        "unit": session.unit,
        "booked": len(registrations),
        "free": max(0, session.capacity - len(registrations)),
        "mine": mine,
        "can_register": can_register(request.user, session),
        "can_give_feedback": can_give_feedback(request.user, mine),
        "can_manage": can_manage_learning(request.user),
        "registrations": registrations if can_manage_learning(request.user) else [],
        "ratings": [r for r in registrations if r.rating] if can_manage_learning(request.user) else [],
    }
    return render(request, "learning/session_detail.html", context)


@login_required
def calendar_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The session as an iCalendar file to add to one's calendar (the online link as on the page)."""
    _internal(request)
    session = access_session(request.user, pk)
    registered = Registration.objects.filter(session=session, user=request.user).exists()
    content = session_ics(session, with_online_link=registered or can_manage_learning(request.user))
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=session_filename(session))
    return response


def _change_registration(
    request: AuthenticatedHttpRequest, pk: int, change: Callable[..., object], done: str
) -> HttpResponse:
    """Register for or cancel a session as the person logged in; the outcome as a message."""
    _internal(request)
    session = access_session(request.user, pk)
    try:
        change(session=session, user=request.user)
    except LearningError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(session)


@login_required
@require_POST
def register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _change_registration(
        request,
        pk,
        registration_create,
        _(
            "You are registered. A confirmation with a calendar file is on its way to your e-mail address; the "
            "session is also in your list on the catalogue page."
        ),
    )


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _change_registration(
        request,
        pk,
        registration_cancel,
        _(
            "Your registration was cancelled; the seat is free for someone else. A confirmation is on its way to "
            "your e-mail address."
        ),
    )


@login_required
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_learning(request.user))
    session = access_session(request.user, pk)
    registrations = list(session.registrations.select_related("user", "org_unit"))
    form = AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        try:
            count = attendance_record(session=session, present=set(form.cleaned_data["present"]), by=request.user)
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Attendance saved: %(count)s present.") % {"count": count})
            return redirect(session)
    return render(
        request, "learning/attendance.html", {"form": form, "session": session, "started": session.has_started}
    )


@login_required
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _internal(request)
    session = access_session(request.user, pk)
    registration = Registration.objects.filter(session=session, user=request.user).first()
    if registration is None or not can_give_feedback(request.user, registration):
        context = {"session": session, "refusal": _("Only people who attended this session can give feedback on it.")}
        return render(request, "learning/feedback.html", context, status=403)
    initial = {"rating": registration.rating, "text": registration.feedback} if registration.rating else None
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_give(
                session=session, user=request.user, rating=form.cleaned_data["rating"], text=form.cleaned_data["text"]
            )
        except LearningError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(session)
    return render(request, "learning/feedback.html", {"session": session, "form": form})


@login_required
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_learning(request.user))
    context = {"units": by_unit(), "topics": by_topic(), "totals": totals()}
    return render(request, "learning/statistics.html", context)
