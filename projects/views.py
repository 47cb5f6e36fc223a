import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import require
from core.editing import confirm_delete_view, delete_view, save_form_view
from core.http import AuthenticatedHttpRequest
from ideas.models import Idea
from lessons.permissions import can_write_lessons, visible_lessons
from projects import roadmap
from projects.forms import (
    ColumnMappingForm,
    DecideForm,
    DecisionForm,
    KpiForm,
    LogEntryForm,
    MeasurementForm,
    MeasuresUploadForm,
    MilestoneForm,
    ProjectFilterForm,
    ProjectForm,
)
from projects.importing import import_measures, parse_measures
from projects.models import Kpi, LogEntry, Measurement, Milestone, Project, ProjectQuerySet
from projects.permissions import (
    access_project,
    can_edit_project,
    can_manage_projects,
    can_see_internal_projects,
    can_work_on_project,
)
from projects.services import (
    ProjectError,
    decide,
    log_add,
    milestone_delete,
    milestone_save,
    project_save,
)
from strategy.models import Strategy


def _filtered(request: HttpRequest) -> tuple[ProjectFilterForm, ProjectQuerySet[Project]]:
    form = ProjectFilterForm(request.GET or None)
    projects = Project.objects.visible_to(request.user).select_related("unit")
    if form.is_valid():  # a value the form does not know filters nothing
        data = form.cleaned_data
        projects = projects.filter_by(
            q=data["q"], status=data["status"], track=data["track"], unit=data["unit"], field_of_action=data["field"]
        )
    return form, projects


def project_list(request: HttpRequest) -> HttpResponse:
    form, projects = _filtered(request)
    sort = request.GET.get("sort", "title")
    projects = projects.with_track().sorted_by(sort)
    page = Paginator(projects, 25).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "sorts": [
            ("title", _("title")),
            ("start", _("start")),
            ("progress", _("progress")),
            ("updated", _("last change")),
        ],
        "can_manage": can_manage_projects(request.user),
    }
    return render(request, "projects/project_list.html", context)


@login_required
def my_projects(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_internal_projects(request.user))
    user = request.user
    projects = (
        Project.objects.filter(Q(lead=user) | Q(members=user) | Q(unit__in=user.units.all()))
        .distinct()
        .select_related("unit", "lead")
        .with_track()
        .order_by("title")
    )
    page = Paginator(projects, 25).get_page(request.GET.get("page"))
    return render(request, "projects/my_projects.html", {"page": page})


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    # Each key figure with its chart (None without a measurement).
    kpis = [
        (kpi, roadmap.kpi_chart(kpi, list(kpi.measurements.all())))
        for kpi in project.kpis.prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on"))
        )
    ]
    log = Paginator(project.log_entries.select_related("author"), 10).get_page(request.GET.get("page"))
    internal = can_see_internal_projects(request.user)
    # The lessons this reader may read (drafts only to their authors and the strategy team), published first.
    lessons = list(
        visible_lessons(request.user)
        .filter(project=project)
        .order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")
    )
    context = {
        "project": project,
        "lessons": lessons,
        "can_write_lesson": can_write_lessons(request.user),
        # Since when the project has its status: the progress log entry that recorded the change.
        "status_since": project.log_entries.filter(status=project.status).values_list("entry_date", flat=True).first()
        if project.needs_reason or project.status_reason
        else None,
        "ended": project.status in (Project.Status.COMPLETED, Project.Status.STOPPED),
        "milestones": project.milestones.all(),
        "kpis": kpis,
        "log": log,
        "page": log,
        "decisions": project.decisions.prefetch_related("ideas"),
        "ideas": project.ideas.only("pk", "title", "status", "moderation").filter(moderation="published"),
        "fields": project.fields_of_action.all(),
        "goals": project.goals.select_related("field"),
        "depends_on": project.depends_on.visible_to(request.user) if internal else project.depends_on.public(),
        "dependents": project.dependents.visible_to(request.user) if internal else project.dependents.public(),
        "can_edit": can_edit_project(request.user, project),
        "can_work": can_work_on_project(request.user, project),
        "can_manage": can_manage_projects(request.user),
        "internal": internal,
        "today": timezone.localdate(),
    }
    return render(request, "projects/project_detail.html", context)


@login_required
def project_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if pk:
        project = access_project(request.user, pk)
        require(can_edit_project(request.user, project))
    else:
        require(can_manage_projects(request.user))
        project = Project()
    form = ProjectForm(request.POST or None, instance=project)
    return save_form_view(
        request,
        form=form,
        title=_("Edit project") if pk else _("New project"),
        cancel_url=project.get_absolute_url() if pk else reverse("projects:list"),
        save=lambda: project_save(
            project=form.instance,
            expected_version=form.cleaned_data.get("version"),
            depends_on=list(form.cleaned_data["depends_on"]),
            form_save=form.save,
            by=request.user,
        ),
        refused=ProjectError,
    )


project_delete = delete_view(
    lambda user, pk: get_object_or_404(Project, pk=pk),
    allowed=can_manage_projects,
    list_url="projects:list",
    consequences=gettext_lazy("Its milestones, key figures and progress log are deleted with it; its ideas stay."),
)


@login_required
def project_decide(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One or several ideas become a project, with the decision record."""
    require(can_manage_projects(request.user))
    chosen = [value for value in request.GET.getlist("idea") if value.isdigit()]
    form = DecideForm(request.POST or None, initial={"ideas": chosen})
    decision_form = DecisionForm(request.POST or None, prefix="decision", initial={"decided_on": timezone.localdate()})
    if chosen and not request.POST:
        first = Idea.objects.filter(pk__in=chosen).order_by("pk").first()
        if first:
            form.initial["title"] = first.title
    if request.method == "POST" and form.is_valid() and decision_form.is_valid():
        data = form.cleaned_data
        project = Project(
            title=data["title"], summary=data["summary"], unit=data["unit"], visibility=data["visibility"]
        )
        first_field = next((i.field_of_action for i in data["ideas"] if i.field_of_action_id), None)
        try:
            project = decide(
                project=project, decision=decision_form.save(commit=False), ideas=list(data["ideas"]), by=request.user
            )
        except ProjectError as error:
            form.add_error(None, str(error))
        else:
            if first_field:
                project.fields_of_action.add(first_field)
            messages.success(request, _("The project was created; its ideas now show it."))
            return redirect(project)
    return render(request, "projects/decide.html", {"form": form, "decision_form": decision_form})


@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    require(can_manage_projects(request.user))
    form = DecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        decision = form.save(commit=False)
        decision.project, decision.recorded_by = project, request.user
        decision.save()
        messages.success(request, _("The decision was recorded."))
        return redirect(project)
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": _("Record a decision"), "cancel_url": project.get_absolute_url()},
    )


@login_required
def milestone_edit(request: HttpRequest, project_pk: int | None = None, pk: int | None = None) -> HttpResponse:
    if pk:
        milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
        project = access_project(request.user, milestone.project_id)
    elif project_pk is not None:
        project = access_project(request.user, project_pk)
        milestone = Milestone(project=project)
    else:  # milestones/0/edit/: there is no such milestone
        raise Http404
    require(can_work_on_project(request.user, project))
    form = MilestoneForm(request.POST or None, instance=milestone)
    return save_form_view(
        request,
        form=form,
        title=_("Edit milestone") if pk else _("New milestone"),
        cancel_url=project.get_absolute_url(),
        save=lambda: milestone_save(milestone=form.instance, expected_version=form.cleaned_data.get("version")),
        refused=ProjectError,
    )


@login_required
def milestone_remove(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("project"), pk=pk)
    project = access_project(request.user, milestone.project_id)
    require(can_work_on_project(request.user, project))
    url = project.get_absolute_url()
    return confirm_delete_view(
        request, obj=milestone, cancel_url=url, success_url=url, delete=lambda: milestone_delete(milestone=milestone)
    )


@login_required
def kpi_edit(request: HttpRequest, project_pk: int | None = None, pk: int | None = None) -> HttpResponse:
    if pk:
        kpi = get_object_or_404(Kpi, pk=pk)
        project = access_project(request.user, kpi.project_id)
    elif project_pk is not None:
        project = access_project(request.user, project_pk)
        kpi = Kpi(project=project)
    else:  # kpis/0/edit/: there is no such key figure
        raise Http404
    require(can_work_on_project(request.user, project))
    form = KpiForm(request.POST or None, instance=kpi)
    title = _("Edit key figure") if pk else _("New key figure")
    return save_form_view(request, form=form, title=title, cancel_url=project.get_absolute_url())


@login_required
def measurement_create(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = get_object_or_404(Kpi, pk=pk)
    project = access_project(request.user, kpi.project_id)
    require(can_work_on_project(request.user, project))
    form = MeasurementForm(
        request.POST or None, instance=Measurement(kpi=kpi), initial={"measured_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The value was recorded."))
        return redirect(kpi)
    title = _("New value for “%(kpi)s”") % {"kpi": kpi.name}
    return render(request, "core/form_page.html", {"form": form, "title": title, "cancel_url": kpi.get_absolute_url()})


@login_required
def log_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = access_project(request.user, pk)
    require(can_work_on_project(request.user, project))
    form = LogEntryForm(request.POST or None, instance=LogEntry(project=project))
    if request.method == "POST" and form.is_valid():
        entry = log_add(entry=form.instance, by=request.user)
        messages.success(request, _("The log entry was saved."))
        return redirect(entry)
    title = _("Progress log: new entry")
    return render(
        request, "core/form_page.html", {"form": form, "title": title, "cancel_url": project.get_absolute_url()}
    )


def project_roadmap(request: HttpRequest) -> HttpResponse:
    form, projects = _filtered(request)
    figure = roadmap.build_roadmap(projects.order_by("planned_start", "title"))
    context = {"form": form, "figure": figure, "query_string": request.GET.urlencode()}
    return render(request, "projects/roadmap.html", context)


def since_adoption(request: HttpRequest) -> HttpResponse:
    strategy = Strategy.objects.current()
    projects = Project.objects.visible_to(request.user)
    since = strategy.adopted_on if strategy and strategy.adopted_on else None
    bars = roadmap.milestones_per_quarter(projects, since) if since else []
    on_track, active, share = roadmap.on_track_share(projects)
    context = {
        "strategy": strategy,
        "since": since,
        "bars": bars,
        "bar_width": round(600 / max(len(bars), 1) - 6, 1),
        "reached": sum(b.count for b in bars),
        "on_track": on_track,
        "active": active,
        "share": share,
        # Completed since the adoption; a project without an actual end cannot be placed before it.
        "completed": projects.filter(status=Project.Status.COMPLETED)
        .filter(Q(actual_end__isnull=True) | Q(actual_end__gte=since))
        .count()
        if since
        else 0,
    }
    return render(request, "projects/since.html", context)


def _import_path(token: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"measures-{token}.bin"


@login_required
def measures_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → map the columns → preview with every error by line → import all rows or none."""
    require(can_manage_projects(request.user))
    token = request.session.get("measures_import", "")
    path = _import_path(token) if token.isalnum() else None
    action = request.POST.get("action", "")
    upload = MeasuresUploadForm(request.POST if action == "upload" else None, request.FILES or None)
    result, mapping_form = None, None
    if action == "upload" and upload.is_valid():
        data = upload.cleaned_data["file"].read()
        token = secrets.token_hex(16)
        path = _import_path(token)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        request.session["measures_import"] = token
        result = parse_measures(data)
        initial = {f"map_{target}": str(index) for target, index in result.mapping.items()}
        mapping_form = ColumnMappingForm(header=result.header, initial=initial)
    elif action in ("preview", "import"):
        if path is None or not path.exists():
            messages.error(request, _("The uploaded file is no longer available. Please upload it again."))
            return redirect("projects:import")
        data = path.read_bytes()
        header = parse_measures(data, mapping={}).header
        mapping_form = ColumnMappingForm(request.POST, header=header)
        if mapping_form.is_valid():
            result = parse_measures(data, mapping=mapping_form.mapping())
            if action == "import" and result.ok:
                projects = import_measures(result, by=request.user)
                path.unlink(missing_ok=True)
                del request.session["measures_import"]
                messages.success(
                    request,
                    _("%(projects)d projects with %(milestones)d milestones were imported.")
                    % {"projects": len(projects), "milestones": result.milestone_count},
                )
                return redirect("projects:list")
    context = {"upload": upload, "mapping_form": mapping_form, "result": result}
    return render(request, "projects/import.html", context)
