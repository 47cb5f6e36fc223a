from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.access import require
from core.editing import delete_view, save_form_view
from core.http import AuthenticatedHttpRequest
from maturity.forms import AnswerForm, DimensionForm, ItemForm, RoundEditForm, RoundForm, SettingsForm, TargetForm
from maturity.models import Dimension, Item, PeerMaturity, Questionnaire, Response, Round, Settings, Target
from maturity.permissions import access_round, can_answer_round, can_manage_maturity, can_see_maturity
from maturity.radar import radar
from maturity.results import round_results
from maturity.services import (
    MaturityError,
    dimension_delete,
    dimension_save,
    gap_to_idea,
    item_delete,
    item_save,
    questionnaire_ensure,
    questionnaire_latest,
    response_save,
    round_create,
    targets_save,
)
from maturity.sharing import MIN_MUNICIPALITIES, MIN_RESPONDENTS, compare_with_network, shareable

PAGE_SIZE = 20
SORTS = {"newest": ["-opens_on", "-pk"], "oldest": ["opens_on", "pk"], "title": ["title", "pk"]}


def _series_labels(municipalities: int = 0) -> dict[str, str]:
    return {
        "now": _("this round"),
        "previous": _("previous round"),
        "target": _("target"),
        "network": _("other municipalities: median of %(count)s") % {"count": municipalities},
    }


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_see_maturity(request.user):
        raise Http404
    rounds = Round.objects.select_related("questionnaire").annotate(
        submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False))
    )
    state = request.GET.get("state", "")
    if state in Round.State.values:
        rounds = rounds.filter(state=state)
    sort = request.GET.get("sort", "newest")
    page = Paginator(rounds.order_by(*SORTS.get(sort, SORTS["newest"])), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = set(
        Response.objects.filter(user=request.user, submitted_at__isnull=False).values_list("round_id", flat=True)
    )
    context = {
        "page": page,
        "sort": sort,
        "state": state,
        "states": Round.State.choices,
        "sorts": [("newest", _("newest")), ("oldest", _("oldest")), ("title", _("title"))],
        "mine": mine,
        "can_manage": can_manage_maturity(request.user),
        "latest": questionnaire_latest(),
    }
    return render(request, "maturity/index.html", context)


@login_required
def round_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_maturity(request.user))
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = round_create(round=form.instance, by=request.user)
        except MaturityError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The round is open. Invite colleagues from the units to answer."))
            return redirect(round)
    questionnaire = questionnaire_latest()
    context = {"form": form, "title": _("New assessment round"), "questionnaire": questionnaire}
    return render(request, "maturity/round_form.html", context)


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = access_round(request.user, pk)
    responses = round.responses.filter(submitted_at__isnull=False)
    by_unit = (
        responses.values("unit__name", "unit__short_name")
        .annotate(n=Count("pk"))
        .order_by("unit__short_name", "unit__name")
    )
    mine = Response.objects.filter(round=round, user=request.user).first()
    context = {
        "round": round,
        "submitted": responses.count(),
        "drafts": round.responses.filter(submitted_at__isnull=True).count(),
        "by_unit": by_unit,
        "mine": mine,
        "can_answer": can_answer_round(request.user, round),
        "can_manage": can_manage_maturity(request.user),
    }
    return render(request, "maturity/round_detail.html", context)


@login_required
def round_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_maturity(request.user))
    round = access_round(request.user, pk)
    form = RoundEditForm(request.POST or None, instance=round)
    return save_form_view(request, form=form, title=_("Edit assessment round"), cancel_url=round.get_absolute_url())


round_delete = delete_view(
    access_round,
    allowed=can_manage_maturity,
    list_url="maturity:index",
    consequences=gettext_lazy("All answers of this round are deleted with it. Ideas created from its gaps stay."),
)


@login_required
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = access_round(request.user, pk)
    if not can_answer_round(request.user, round):
        messages.error(request, _("This round is closed; answers can no longer be changed."))
        return redirect(round)
    items = list(Item.objects.filter(dimension__questionnaire=round.questionnaire).select_related("dimension"))
    items.sort(key=lambda item: (item.dimension.position, item.dimension.pk, item.position, item.pk))
    response = Response.objects.filter(round=round, user=request.user).first()
    initial: dict[str, int | str | None] = {
        "unit": request.user.units.order_by("pk").values_list("pk", flat=True).first()
    }
    if response is not None:
        initial["unit"] = response.unit_id
        for stored in response.answers.all():
            initial[f"score_{stored.item_id}"] = stored.score
            initial[f"evidence_{stored.item_id}"] = stored.evidence
    form = AnswerForm(request.POST or None, items=items, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            response_save(
                round=round, user=request.user, unit=form.cleaned_data["unit"], answers=form.answers(), submit=submit
            )
        except MaturityError as error:
            form.add_error(None, str(error))
        else:
            if submit:
                messages.success(request, _("Thank you. Your answers count in the results."))
            else:
                messages.success(request, _("Your answers were saved as a draft. They count once you submit them."))
            return redirect(round)
    groups: list[tuple[Dimension, list]] = []
    for item, score, evidence in form.groups():
        if not groups or groups[-1][0].pk != item.dimension_id:
            groups.append((item.dimension, []))
        groups[-1][1].append((item, score, evidence))
    context = {"round": round, "form": form, "groups": groups, "response": response}
    return render(request, "maturity/answer.html", context)


@login_required
def results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round = access_round(request.user, pk)
    data = round_results(round)
    comparison = compare_with_network(data)
    context = {
        "round": round,
        "results": data,
        "comparison": comparison,
        "radar": radar(data, labels=_series_labels(comparison.municipalities)),
        "can_manage": can_manage_maturity(request.user),
    }
    return render(request, "maturity/results.html", context)


@login_required
@require_POST
def gap_idea(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    require(can_manage_maturity(request.user))
    round = access_round(request.user, pk)
    try:
        idea = gap_to_idea(round=round, dimension_key=key, by=request.user)
    except MaturityError as error:
        messages.error(request, str(error))
        return redirect("maturity:results", pk=round.pk)
    messages.success(request, _("The gap is now an idea in the idea pool: “%(title)s”.") % {"title": idea.title})
    return redirect(idea)


@login_required
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_maturity(request.user))
    questionnaire = questionnaire_ensure(by=request.user)
    current = {target.dimension_key: target for target in Target.objects.all()}
    forms = [
        TargetForm(request.POST or None, dimension=dimension, target=current.get(dimension.key))
        for dimension in questionnaire.dimensions.all()
    ]
    if request.method == "POST" and all(form.is_valid() for form in forms):
        rows = [
            (form.dimension.key, form.cleaned_data["level"], form.cleaned_data["horizon"], form.cleaned_data["note"])
            for form in forms
        ]
        try:
            targets_save(rows=rows, by=request.user)
        except MaturityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The targets were saved."))
            return redirect("maturity:index")
    return render(request, "maturity/targets.html", {"forms": forms, "has_errors": any(f.errors for f in forms)})


@login_required
def questionnaire(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_see_maturity(request.user):
        raise Http404
    counted = Questionnaire.objects.annotate(round_count=Count("rounds")).order_by("-version")
    versions = list(counted)
    if not versions:  # the shipped default becomes version 1, without rounds
        questionnaire_ensure()
        versions = list(counted.all())
    requested = request.GET.get("version", "")
    shown = next((v for v in versions if str(v.version) == requested), versions[0])
    dimensions = shown.dimensions.prefetch_related("items")
    context = {
        "shown": shown,
        "versions": versions,
        "dimensions": dimensions,
        "is_latest": shown.pk == versions[0].pk,
        "can_manage": can_manage_maturity(request.user),
    }
    return render(request, "maturity/questionnaire.html", context)


def _latest_or_404() -> Questionnaire:
    questionnaire = questionnaire_latest()
    if questionnaire is None:
        raise Http404
    return questionnaire


def _saved(request: HttpRequest, questionnaire: Questionnaire, before: Questionnaire) -> HttpResponse:
    if questionnaire.pk != before.pk:
        messages.success(
            request,
            _("Saved as version %(new)s of the questionnaire. Rounds that used version %(old)s keep it unchanged.")
            % {"new": questionnaire.version, "old": before.version},
        )
    else:
        messages.success(request, _("The questionnaire was saved."))
    return redirect(reverse("maturity:questionnaire") + f"?version={questionnaire.version}")


@login_required
def dimension_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_maturity(request.user))
    if pk:
        dimension = get_object_or_404(Dimension.objects.select_related("questionnaire"), pk=pk)
    else:
        dimension = Dimension(questionnaire=questionnaire_ensure(by=request.user))
    before = dimension.questionnaire
    form = DimensionForm(request.POST or None, instance=dimension)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in DimensionForm.Meta.fields}
        try:
            saved = dimension_save(
                dimension=Dimension.objects.get(pk=pk) if pk else dimension, values=values, by=request.user
            )
        except MaturityError as error:
            form.add_error(None, str(error))
        else:
            return _saved(request, saved.questionnaire, before)
    context = {
        "form": form,
        "title": _("Edit dimension") if pk else _("New dimension"),
        "questionnaire": before,
        "cancel_url": reverse("maturity:questionnaire"),
    }
    return render(request, "maturity/questionnaire_form.html", context)


@login_required
def item_edit(request: AuthenticatedHttpRequest, pk: int | None = None, dimension: int | None = None) -> HttpResponse:
    require(can_manage_maturity(request.user))
    if pk:
        item = get_object_or_404(Item.objects.select_related("dimension__questionnaire"), pk=pk)
    else:
        item = Item(dimension=get_object_or_404(Dimension.objects.select_related("questionnaire"), pk=dimension))
    before = item.dimension.questionnaire
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            fresh = Item.objects.select_related("dimension__questionnaire").get(pk=pk) if pk else item
            saved = item_save(item=fresh, values=form.values(), by=request.user)
        except MaturityError as error:
            form.add_error(None, str(error))
        else:
            return _saved(request, saved.dimension.questionnaire, before)
    context = {
        "form": form,
        "title": _("Edit item") if pk else _("New item in “%(dimension)s”") % {"dimension": item.dimension.title},
        "questionnaire": before,
        "cancel_url": reverse("maturity:questionnaire"),
    }
    return render(request, "maturity/questionnaire_form.html", context)


def _delete(request: HttpRequest, obj: Dimension | Item, questionnaire: Questionnaire, remove) -> HttpResponse:
    cancel = reverse("maturity:questionnaire")
    if request.method == "POST":
        try:
            changed = remove()
        except MaturityError as error:
            messages.error(request, str(error))
            return redirect(cancel)
        return _saved(request, changed, questionnaire)
    consequences = (
        _("Version %(version)s is used by a round: it stays as it is, and the removal creates a new version.")
        % {"version": questionnaire.version}
        if questionnaire.is_frozen
        else ""
    )
    return render(
        request, "core/confirm_delete.html", {"object": obj, "cancel_url": cancel, "consequences": consequences}
    )


@login_required
def dimension_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_maturity(request.user))
    dimension = get_object_or_404(Dimension.objects.select_related("questionnaire"), pk=pk)
    return _delete(
        request, dimension, dimension.questionnaire, lambda: dimension_delete(dimension=dimension, by=request.user)
    )


@login_required
def item_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_maturity(request.user))
    item = get_object_or_404(Item.objects.select_related("dimension__questionnaire"), pk=pk)
    return _delete(request, item, item.dimension.questionnaire, lambda: item_delete(item=item, by=request.user))


@login_required
def settings_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_maturity(request.user))
    form = SettingsForm(request.POST or None, instance=Settings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings were saved."))
        return redirect("maturity:settings")
    preview = shareable()
    shared_rows = []
    if preview.content and preview.round:  # the keys travel; the page names each dimension as the questionnaire does
        titles = {d.key: d.title for d in preview.round.questionnaire.dimensions.all()}
        shared_rows = [(titles.get(key, key), key, values) for key, values in preview.content["dimensions"].items()]
    context = {
        "form": form,
        "preview": preview,
        "shared_rows": shared_rows,
        "sharing": form.instance.share_aggregates,
        "min_respondents": MIN_RESPONDENTS,
        "min_municipalities": MIN_MUNICIPALITIES,
        "received": PeerMaturity.objects.shared().count(),
        "refused": PeerMaturity.objects.exclude(last_error="").select_related("peer").order_by("-last_error_at")[:20],
    }
    return render(request, "maturity/settings.html", context)
