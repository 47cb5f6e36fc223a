from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import require
from core.audit import render_history
from core.editing import save_form_view
from core.exports import dated_filename, table_response
from core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from ideas.models import Idea
from municipality.models import Municipality
from projects.models import Project
from service_inventory import charts, exports
from service_inventory.applicability import state_names, type_label
from service_inventory.forms import SORTS, BacklogForm, LocalServiceForm, PublicFilterForm, ServiceFilterForm
from service_inventory.models import ONLINE_LEVEL, Level, LocalService, Service
from service_inventory.permissions import (
    access_service,
    can_edit_service,
    can_manage_services,
    can_see_inventory,
    local_of,
)
from service_inventory.search import search_services
from service_inventory.services import backlog_link, backlog_unlink, last_level_change, local_service_save

PAGE_SIZE = 25


def filtered_services(request: HttpRequest) -> tuple[ServiceFilterForm, QuerySet[Service]]:
    """The inventory's filters, search and sort, shared by the page, its htmx partial and the exports.

    By default only the services that apply to the municipality (its state, its level, and every
    one it provides); "all services of the catalogue" on request.
    """
    form = ServiceFilterForm(request.GET or None)
    services = Service.objects.select_related("ozg", "local", "local__unit")
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("catalogue") != "all":
        services = services.applicable(Municipality.objects.current())
    services = services.filter_by(
        scope=data.get("scope", ""),
        themenfeld=data.get("themenfeld", ""),
        lebenslage=data.get("lebenslage", ""),
        provided={"yes": True, "no": False}.get(data.get("provided", "")),
        level=data.get("level"),
        unit=data.get("unit"),
    )
    services, searched = search_services(services, data.get("q", ""))
    sort = data.get("sort") or ("relevance" if searched else "name")
    return form, services.order_by(*SORTS[sort])


@login_required
def service_list(request: HtmxHttpRequest) -> HttpResponse:
    require(can_see_inventory(request.user))
    form, services = filtered_services(request)
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query_string": request.GET.urlencode()}
    if request.htmx:
        return render(request, "services/service_list.html#results", context)
    return render(request, "services/service_list.html", context)


@login_required
def service_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    require(can_see_inventory(request.user))
    _form, services = filtered_services(request)
    return table_response(fmt, exports.services_table(services), filename=dated_filename("leistungen", fmt))


@login_required
def service_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_inventory(request.user))
    provided = LocalService.objects.filter(provided=True)
    totals = provided.aggregate(
        provided=Count("pk"),
        online=Count("pk", filter=Q(level__gte=ONLINE_LEVEL)),
        below_target=Count("pk", filter=Q(target_level__isnull=False, level__lt=F("target_level"))),
        overdue=Count(
            "pk",
            filter=Q(target_level__isnull=False, level__lt=F("target_level"), target_date__lt=timezone.localdate()),
        ),
    )
    by_level = dict(provided.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    topics = charts.share_by_topic(no_topic=_("without topic"))
    quarters = charts.progress_by_quarter()
    context = {
        "totals": totals,
        "share": round(100 * totals["online"] / totals["provided"], 1) if totals["provided"] else None,
        "levels": [(value, label, by_level.get(value, 0)) for value, label in Level.choices],
        "applicable_size": Service.objects.applicable(Municipality.objects.current()).count(),
        "catalogue_size": Service.objects.count(),
        "topics": topics,
        "topics_height": max(len(topics) * 32, 32),
        "quarters": quarters,
        "polyline": charts.progress_polyline(quarters),
        "grid": charts.progress_grid(),
        "label_every": max(1, len(quarters) // 8),
    }
    return render(request, "services/overview.html", context)


@login_required
def service_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = access_service(request.user, pk)
    local = local_of(service)
    municipality = Municipality.objects.current()
    context = {
        "service": service,
        "local": local,
        "municipality": municipality,
        "applies": Service.objects.applicable(municipality).filter(pk=service.pk).exists(),
        "type_label": type_label(service.leistungstyp),
        "state_names": state_names(service.states),
        "siblings": (
            service.ozg.services.exclude(pk=service.pk).select_related("local").order_by("name")[:50]
            if service.ozg is not None
            else []
        ),
        "history": local.level_changes.select_related("recorded_by") if local else [],
        "ideas": local.ideas.only("pk", "title", "status") if local else [],
        "projects": local.projects.only("pk", "title", "status") if local else [],
        "can_edit": can_edit_service(request.user, local),
    }
    return render(request, "services/service_detail.html", context)


@login_required
def service_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = access_service(request.user, pk)
    local = local_of(service) or LocalService(service=service)
    require(can_edit_service(request.user, local if local.pk else None))
    form = LocalServiceForm(request.POST or None, instance=local, can_assign_unit=can_manage_services(request.user))

    def save() -> Service:
        local_service_save(local=form.save(commit=False), level_since=form.cleaned_data["level_since"], by=request.user)
        return service  # the message names the service, and its page comes next

    return save_form_view(
        request,
        form=form,
        title=_("Edit our data"),
        cancel_url=service.get_absolute_url(),
        template="services/service_edit.html",
        context={"service": service, "last_change": last_level_change(local)},
        save=save,
    )


@login_required
def backlog_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = access_service(request.user, pk)
    local = local_of(service)
    require(can_edit_service(request.user, local))
    if local is None:  # no data of ours yet, so no backlog (its page offers none)
        raise Http404
    form = BacklogForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        idea, project = form.cleaned_data["idea"], form.cleaned_data["project"]
        backlog_link(local=local, ideas=[idea] if idea else [], projects=[project] if project else [])
        messages.success(request, _("The backlog of “%(object)s” was updated.") % {"object": service})
        return redirect(service.get_absolute_url() + "#backlog")
    return render(request, "services/backlog_form.html", {"form": form, "service": service})


@login_required
@require_POST
def backlog_remove(request: AuthenticatedHttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    service = access_service(request.user, pk)
    local = local_of(service)
    require(can_edit_service(request.user, local))
    if local is None:  # no data of ours yet, so nothing on a backlog
        raise Http404
    if kind == "idea":
        backlog_unlink(local=local, idea=get_object_or_404(Idea, pk=item))
    elif kind == "project":
        backlog_unlink(local=local, project=get_object_or_404(Project, pk=item))
    else:
        raise Http404
    messages.success(request, _("The link was removed from the backlog."))
    return redirect(service.get_absolute_url() + "#backlog")


@login_required
def service_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    service = access_service(request.user, pk)
    local = local_of(service)
    if local is None:
        raise Http404
    return render_history(request, obj=local, back_url=service.get_absolute_url())


def online_services(request: HttpRequest) -> HttpResponse:
    """The public page: the services the municipality provides and has online, with the links."""
    form = PublicFilterForm(request.GET or None)
    services = Service.objects.online().select_related("ozg", "local")
    searched = False
    if form.is_valid():
        services, searched = search_services(services, form.cleaned_data["q"])
        if form.cleaned_data["themenfeld"]:
            services = services.filter(ozg__themenfeld=form.cleaned_data["themenfeld"])
    services = services.order_by(*SORTS["relevance" if searched else "name"])
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_see_inventory": can_see_inventory(request.user)}
    return render(request, "services/online.html", context)
