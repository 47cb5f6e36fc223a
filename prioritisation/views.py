from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.access import require
from core.editing import confirm_delete_view, save_form_view
from core.exports import csv_response, dated_filename, xlsx_response
from core.http import AuthenticatedHttpRequest, HtmxHttpRequest
from ideas.models import Idea
from ideas.workflow import path_to
from prioritisation import exports
from prioritisation.display import display_rows
from prioritisation.forms import (
    CandidatePickForm,
    CloseRoundForm,
    CriterionForm,
    RoundForm,
    ScoreForm,
    WeightsForm,
    comment_field_name,
    round_columns,
    score_field_name,
)
from prioritisation.matrix import effort_impact
from prioritisation.models import Candidate, Criterion, PriorityRound, Score
from prioritisation.permissions import (
    access_candidate_for_scoring,
    access_round,
    can_manage_prioritisation,
    can_score,
    can_see_criteria,
    can_see_ranking,
    can_see_rounds,
    visible_rounds,
)
from prioritisation.ranking import Ranking, RankingError, ScoreMatrix, demand_by_candidate, load_matrix, rank
from prioritisation.services import (
    PrioritisationError,
    candidate_remove,
    criteria_load_defaults,
    criterion_next_position,
    default_top,
    ensure_draft,
    pool_ideas,
    round_add_candidates,
    round_close,
    round_delete,
    round_save,
    round_set_weights,
    round_start_scoring,
    scores_save,
)

PICK_LIMIT = 100  # ideas shown at once when picking candidates; the search narrows them down


def _tabs(request: HttpRequest, priority_round: PriorityRound) -> dict:
    return {
        "can_manage": can_manage_prioritisation(request.user),
        "show_ranking": can_see_ranking(request.user, priority_round) and not priority_round.is_draft,
    }


# --- criteria catalogue -----------------------------------------------------------------------


@login_required
def criteria(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_criteria(request.user))
    context = {"criteria": Criterion.objects.all(), "can_manage": can_manage_prioritisation(request.user)}
    return render(request, "prioritisation/criteria.html", context)


@login_required
def criterion_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_prioritisation(request.user))
    criterion = get_object_or_404(Criterion, pk=pk) if pk else None
    form = CriterionForm(request.POST or None, instance=criterion)
    if criterion is None:
        form.initial.setdefault("position", criterion_next_position())
    title = _("Edit criterion") if criterion else _("New criterion")
    catalogue = reverse("prioritisation:criteria")
    return save_form_view(request, form=form, title=title, cancel_url=catalogue, success_url=catalogue)


@login_required
def criterion_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_prioritisation(request.user))
    criterion = get_object_or_404(Criterion, pk=pk)
    catalogue = reverse("prioritisation:criteria")
    return confirm_delete_view(
        request,
        obj=criterion,
        cancel_url=catalogue,
        success_url=catalogue,
        consequences=_("Rounds that use it keep their own copy. To stop offering it, you can also deactivate it."),
    )


@login_required
def criteria_defaults(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET asks, POST fills an empty catalogue with the nine default criteria."""
    require(can_manage_prioritisation(request.user))
    catalogue = reverse("prioritisation:criteria")
    if request.method == "POST":
        try:
            created = criteria_load_defaults()
        except PrioritisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(count)d default criteria were added.") % {"count": len(created)})
        return redirect(catalogue)
    context = {
        "title": _("Load the default criteria"),
        "question": _(
            "Add the nine default criteria (strategic fit, demand from participation, benefit for citizens, "
            "benefit for staff, effort, cost, risk, urgency or legal obligation, readiness) to the catalogue? "
            "You can change or remove each of them afterwards."
        ),
        "button": _("Add the default criteria"),
        "cancel_url": catalogue,
        "possible": not Criterion.objects.exists(),
        "impossible": _("The catalogue already has criteria; the default set is only offered when it is empty."),
    }
    return render(request, "prioritisation/confirm.html", context)


# --- rounds -----------------------------------------------------------------------------------


@login_required
def rounds(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_rounds(request.user))
    listed = (
        visible_rounds(request.user)
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            assessor_count=Count("assessors", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    assessing = set(request.user.priority_rounds.filter(state=PriorityRound.State.SCORING).values_list("pk", flat=True))
    context = {"rounds": listed, "assessing": assessing, "can_manage": can_manage_prioritisation(request.user)}
    return render(request, "prioritisation/rounds.html", context)


@login_required
def round_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    require(can_manage_prioritisation(request.user))
    priority_round = get_object_or_404(PriorityRound, pk=pk) if pk else None
    form = RoundForm(request.POST or None, instance=priority_round)

    def save() -> PriorityRound:
        criteria = None if form.fields["criteria"].disabled else form.cleaned_data["criteria"]
        return round_save(
            priority_round=form.save(commit=False),
            criteria=criteria,
            assessors=form.cleaned_data["assessors"],
            by=request.user,
        )

    return save_form_view(
        request,
        form=form,
        title=_("Edit round") if priority_round else _("New priority round"),
        cancel_url=priority_round.get_absolute_url() if priority_round else reverse("prioritisation:rounds"),
        save=save,
        refused=PrioritisationError,
        refusal_as_message=True,
    )


@login_required
def round_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_prioritisation(request.user))
    priority_round = get_object_or_404(PriorityRound, pk=pk)
    try:
        ensure_draft(priority_round)
    except PrioritisationError:
        messages.error(request, _("Only a round in preparation can be deleted; scored rounds stay on record."))
        return redirect(priority_round)
    return confirm_delete_view(
        request,
        obj=priority_round,
        success_url=reverse("prioritisation:rounds"),
        delete=lambda: round_delete(priority_round=priority_round),
    )


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_see_rounds(request.user))
    priority_round = access_round(request.user, pk)
    criteria_list = list(priority_round.criteria.order_by("position", "pk"))
    total_weight = sum(c.weight for c in criteria_list)
    scored = sum(1 for c in criteria_list if not c.derived)
    candidates = list(priority_round.candidates.select_related("idea").order_by("idea__title", "pk"))
    done = dict(
        Score.objects.filter(candidate__priority_round=priority_round)
        .values("assessor_id")
        .annotate(total=Count("pk"))
        .values_list("assessor_id", "total")
    )
    expected = scored * len(candidates)
    assessors = [
        {"user": user, "done": done.get(user.pk, 0), "expected": expected}
        for user in priority_round.assessors.order_by("full_name", "email")
    ]
    context = {
        "round": priority_round,
        "criteria": [(c, c.weight * 100 / total_weight if total_weight else 0) for c in criteria_list],
        "candidates": candidates,
        "prioritised_count": sum(1 for c in candidates if c.prioritised),
        "assessors": assessors,
        "may_score": can_score(request.user, priority_round),
        "active": "overview",
        **_tabs(request, priority_round),
    }
    return render(request, "prioritisation/round_detail.html", context)


def _frozen(request: HttpRequest, priority_round: PriorityRound) -> HttpResponse | None:
    """Outside preparation a round's criteria, weights and candidates stay as they are: say so on its page."""
    if priority_round.is_draft:
        return None
    messages.error(
        request, _("This round is no longer in preparation: its criteria, weights and candidates are frozen.")
    )
    return redirect(priority_round)


@login_required
def round_weights(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_prioritisation(request.user))
    priority_round = get_object_or_404(PriorityRound, pk=pk)
    if frozen := _frozen(request, priority_round):
        return frozen
    form = WeightsForm(request.POST or None, columns=round_columns(priority_round))
    if request.method == "POST" and form.is_valid():
        try:
            round_set_weights(priority_round=priority_round, weights=form.weights())
        except PrioritisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The weights were saved."))
            return redirect(priority_round)
    context = {
        "form": form,
        "title": _("Weights"),
        "cancel_url": priority_round.get_absolute_url(),
        "round": priority_round,
    }
    return render(request, "prioritisation/weights.html", context)


@login_required
def round_candidates(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Pick candidates from the idea pool (ideas in the pool that are not yet in the round)."""
    require(can_manage_prioritisation(request.user))
    priority_round = get_object_or_404(PriorityRound, pk=pk)
    if frozen := _frozen(request, priority_round):
        return frozen
    available = pool_ideas().exclude(priority_candidacies__priority_round=priority_round)
    if request.method == "POST":
        form = CandidatePickForm(request.POST, queryset=available)
        if form.is_valid():
            try:
                added = round_add_candidates(priority_round=priority_round, ideas=form.cleaned_data["ideas"])
            except PrioritisationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("%(count)d ideas were added to the round.") % {"count": added})
                return redirect(priority_round)
        else:
            messages.error(request, _("Choose at least one idea."))
        return redirect("prioritisation:round_candidates", priority_round.pk)
    query = request.GET.get("q", "").strip()[:100]
    shown = available.filter(title__icontains=query) if query else available
    total = shown.count()
    shown = shown.order_by("-support_count", "title").only("pk", "title", "support_count")[:PICK_LIMIT]
    context = {
        "round": priority_round,
        "form": CandidatePickForm(queryset=shown),
        "query": query,
        "total": total,
        "limit": PICK_LIMIT,
    }
    return render(request, "prioritisation/candidates.html", context)


@login_required
def candidate_remove_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_manage_prioritisation(request.user))
    candidate = get_object_or_404(Candidate.objects.select_related("priority_round", "idea"), pk=pk)
    priority_round = candidate.priority_round
    if request.method == "POST":
        try:
            candidate_remove(candidate=candidate)
        except PrioritisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("“%(object)s” was removed from the round.") % {"object": candidate.idea.title})
        return redirect(priority_round)
    context = {
        "title": _("Remove a candidate"),
        "question": _("Remove “%(title)s” from “%(round)s”? The idea stays in the pool.")
        % {"title": candidate.idea.title, "round": priority_round.title},
        "button": _("Remove"),
        "cancel_url": priority_round.get_absolute_url(),
        "possible": priority_round.is_draft,
        "impossible": _("This round is no longer in preparation: its criteria, weights and candidates are frozen."),
    }
    return render(request, "prioritisation/confirm.html", context)


@login_required
def round_state(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The next step of a round: start scoring (freezes it) or close it. GET asks, POST does it."""
    require(can_manage_prioritisation(request.user))
    priority_round = get_object_or_404(PriorityRound, pk=pk)
    if priority_round.is_closed:
        messages.info(request, _("This round is closed."))
        return redirect(priority_round)
    if priority_round.is_scoring:
        return _close_round(request, priority_round)
    if request.method == "POST":
        try:
            round_start_scoring(priority_round=priority_round)
        except PrioritisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Scoring has started; criteria, weights and candidates are now frozen."))
        return redirect(priority_round)
    context = {
        "title": _("Start scoring"),
        "question": _(
            "Start scoring “%(round)s”? From then on its criteria, weights and candidates cannot change, "
            "and the assessors can enter their scores."
        )
        % {"round": priority_round.title},
        "button": _("Start scoring"),
        "cancel_url": priority_round.get_absolute_url(),
        "possible": True,
    }
    return render(request, "prioritisation/confirm.html", context)


def _close_round(request: AuthenticatedHttpRequest, priority_round: PriorityRound) -> HttpResponse:
    """Closing: the team confirms which ideas of the ranking become prioritised (the top places preselected)."""
    ranked = rank(load_matrix(priority_round)).rows
    ideas = {c.pk: c.idea for c in priority_round.candidates.select_related("idea")}
    choices = []
    for row in ranked:
        idea = ideas[row.row.id]
        label = _("Place %(rank)d: %(title)s (%(points)s points)") % {
            "rank": row.rank,
            "title": idea.title,
            "points": number_format(round(row.total, 1), decimal_pos=1),
        }
        if not path_to(idea.status, Idea.Status.PRIORITISED):
            label += " – " + _("stays “%(status)s”") % {"status": idea.get_status_display()}
        choices.append((row.row.id, label))
    top = default_top(len(ranked))
    initial = {"prioritise": [row.row.id for row in ranked if row.rank <= top]}
    form = CloseRoundForm(request.POST if request.method == "POST" else None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = [c for c in priority_round.candidates.all() if c.pk in set(form.cleaned_data["prioritise"])]
        try:
            outcome = round_close(
                priority_round=priority_round, prioritise=chosen, note=form.cleaned_data["note"], by=request.user
            )
        except PrioritisationError as error:
            messages.error(request, str(error))
            return redirect(priority_round)
        messages.success(
            request,
            ngettext(
                "The round is closed. %(count)d idea is now prioritised; its page shows why.",
                "The round is closed. %(count)d ideas are now prioritised; their pages show why.",
                len(outcome.prioritised),
            )
            % {"count": len(outcome.prioritised)},
        )
        if outcome.unchanged:
            messages.info(
                request,
                _(
                    "These chosen ideas kept their status because they are already further along or were declined: %(titles)s"
                )
                % {"titles": ", ".join(f"“{idea.title}”" for idea in outcome.unchanged)},
            )
        return redirect(priority_round)
    context = {
        "round": priority_round,
        "form": form,
        "top": top,
        "count": len(ranked),
        "cancel_url": priority_round.get_absolute_url(),
    }
    return render(request, "prioritisation/close.html", context)


# --- scoring ----------------------------------------------------------------------------------


@login_required
def scoring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An assessor's overview: every candidate with how many of its criteria they have scored."""
    require(can_see_rounds(request.user))
    priority_round = access_round(request.user, pk)
    if not can_score(request.user, priority_round):
        raise Http404
    scored = priority_round.criteria.filter(derived=False).count()
    mine = dict(
        Score.objects.filter(candidate__priority_round=priority_round, assessor=request.user)
        .values("candidate_id")
        .annotate(total=Count("pk"))
        .values_list("candidate_id", "total")
    )
    candidates = [
        {"candidate": c, "done": mine.get(c.pk, 0)}
        for c in priority_round.candidates.select_related("idea").order_by("idea__title", "pk")
    ]
    context = {
        "round": priority_round,
        "candidates": candidates,
        "scored": scored,
        "done": sum(mine.values()),
        "expected": scored * len(candidates),
        "active": "scoring",
        "may_score": True,
        **_tabs(request, priority_round),
    }
    return render(request, "prioritisation/scoring.html", context)


def _next_candidate(priority_round: PriorityRound, user, after: Candidate, scored: int) -> Candidate | None:
    """The next candidate (by title) the assessor has not scored completely, wrapping around."""
    incomplete = list(
        priority_round.candidates.annotate(
            mine=Count("scores", filter=Q(scores__assessor=user, scores__round_criterion__derived=False))
        )
        .filter(mine__lt=scored)
        .exclude(pk=after.pk)
        .select_related("idea")
        .order_by("idea__title", "pk")
    )
    later = [c for c in incomplete if (c.idea.title, c.pk) > (after.idea.title, after.pk)]
    following = later or incomplete
    return following[0] if following else None


@login_required
def score_candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_see_rounds(request.user))
    candidate = access_candidate_for_scoring(request.user, pk)
    priority_round = candidate.priority_round
    criteria_list = list(priority_round.criteria.order_by("position", "pk"))
    existing = Score.objects.filter(candidate=candidate, assessor=request.user)
    initial: dict[str, int | str] = {}
    for score in existing:
        initial[score_field_name(score.round_criterion_id)] = score.value
        initial[comment_field_name(score.round_criterion_id)] = score.comment
    form = ScoreForm(request.POST or None, criteria=criteria_list, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scores_save(candidate=candidate, assessor=request.user, entries=form.entries())
        except PrioritisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your scores for “%(title)s” were saved.") % {"title": candidate.idea.title})
            scored = sum(1 for c in criteria_list if not c.derived)
            following = _next_candidate(priority_round, request.user, candidate, scored)
            if following is not None:
                return redirect("prioritisation:score_candidate", following.pk)
            return redirect("prioritisation:scoring", priority_round.pk)
    derived = [c for c in criteria_list if c.derived]
    demand = None
    if derived:
        inputs, share = demand_by_candidate(priority_round)[candidate.pk]
        demand = {
            "inputs": inputs,
            "values": [(c, c.scale_min + share * (c.scale_max - c.scale_min)) for c in derived],
        }
    context = {
        "round": priority_round,
        "candidate": candidate,
        "idea": candidate.idea,
        "form": form,
        "demand": demand,
        "active": "scoring",
        "may_score": True,
        **_tabs(request, priority_round),
    }
    return render(request, "prioritisation/score_form.html", context)


# --- ranking and matrix -----------------------------------------------------------------------


def _ranking_round(request: HttpRequest, pk: int) -> PriorityRound:
    require(can_see_rounds(request.user))
    priority_round = access_round(request.user, pk)
    if not can_see_ranking(request.user, priority_round):
        raise Http404
    return priority_round


def _not_yet(request: HttpRequest, priority_round: PriorityRound) -> HttpResponse:
    messages.info(request, _("There is no ranking before scoring starts."))
    return redirect(priority_round)


def _decide_url(request: HttpRequest, priority_round: PriorityRound) -> str:
    """The projects app's decision page, once it exists; only for the team and only for closed rounds."""
    if not (priority_round.is_closed and can_manage_prioritisation(request.user)):
        return ""
    try:
        return reverse("projects:decide")
    except NoReverseMatch:
        return ""


def _rank_with_request_weights(request: HttpRequest, matrix: ScoreMatrix) -> tuple[WeightsForm, Ranking]:
    """The what-if weights of the request (never saved), or the agreed ones when there are none or
    they cannot be used (the form then carries the message)."""
    what_if = "whatif" in request.GET
    form = WeightsForm(request.GET if what_if else None, columns=matrix.columns, required=False)
    weights = form.weights() if what_if and form.is_valid() else None
    try:
        return form, rank(matrix, weights)
    except RankingError as error:  # the form already refuses these; kept for safety
        form.add_error(None, str(error))
        return form, rank(matrix)


def _prioritised_ids(priority_round: PriorityRound) -> set[int] | None:
    """Candidates the team prioritised when closing; None while the round is open."""
    if not priority_round.is_closed:
        return None
    return set(priority_round.candidates.filter(prioritised=True).values_list("pk", flat=True))


def _reasons(priority_round: PriorityRound, result: Ranking) -> list[tuple]:
    """The assessors' reasons per idea, in the order of the ranking."""
    comments: dict[int, list[Score]] = {}
    for score in (
        Score.objects.filter(candidate__priority_round=priority_round)
        .exclude(comment="")
        .select_related("assessor", "round_criterion")
        .order_by("round_criterion__position", "round_criterion_id", "assessor__full_name", "pk")
    ):
        comments.setdefault(score.candidate_id, []).append(score)
    return [(r.row, comments[r.row.id]) for r in result.rows if r.row.id in comments]


@login_required
def ranking(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The ranking with each criterion's contribution and the spread; the what-if panel re-ranks
    with other weights (GET, never saved). htmx requests get only the re-ranked list."""
    priority_round = _ranking_round(request, pk)
    if priority_round.is_draft:
        return _not_yet(request, priority_round)
    matrix = load_matrix(priority_round)
    form, result = _rank_with_request_weights(request, matrix)
    reasons = [] if request.htmx else _reasons(priority_round, result)  # not part of the what-if partial
    context = {
        "round": priority_round,
        "matrix": matrix,
        "figure": effort_impact(matrix, result) if matrix.rows else None,
        "ranking": result,
        "rows": display_rows(result),
        "form": form,
        "reasons": reasons,
        "decide_url": _decide_url(request, priority_round),
        "prioritised_ids": _prioritised_ids(priority_round) or set(),
        "export_query": request.GET.urlencode(),
        "active": "ranking",
        "may_score": can_score(request.user, priority_round),
        **_tabs(request, priority_round),
    }
    if request.htmx:
        return render(request, "prioritisation/ranking.html#whatif", context)
    return render(request, "prioritisation/ranking.html", context)


@login_required
def ranking_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The ranking as CSV or XLSX, with the what-if weights of the link if it carries any."""
    priority_round = _ranking_round(request, pk)
    if priority_round.is_draft:
        return _not_yet(request, priority_round)
    _form, result = _rank_with_request_weights(request, load_matrix(priority_round))
    prioritised = _prioritised_ids(priority_round)
    name = _("ranking") if not result.is_what_if else _("ranking-what-if")
    filename = dated_filename(f"{slugify(name)}-{priority_round.pk}", fmt)
    if fmt == "xlsx":
        sheets = exports.ranking_sheets(result, title=priority_round.title, prioritised=prioritised)
        return xlsx_response(sheets, filename=filename)
    return csv_response(exports.ranking_table(result, prioritised=prioritised), filename=filename)


@login_required
def matrix(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    priority_round = _ranking_round(request, pk)
    if priority_round.is_draft:
        return _not_yet(request, priority_round)
    score_matrix = load_matrix(priority_round)
    figure = effort_impact(score_matrix, rank(score_matrix)) if score_matrix.rows else None
    context = {
        "round": priority_round,
        "figure": figure,
        "has_axes": any(c.axis == "impact" for c in score_matrix.columns)
        and any(c.axis == "effort" for c in score_matrix.columns),
        "active": "matrix",
        "may_score": can_score(request.user, priority_round),
        **_tabs(request, priority_round),
    }
    return render(request, "prioritisation/matrix.html", context)
