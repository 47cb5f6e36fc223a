from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy

from core.access import require
from core.editing import edit_views
from core.http import AuthenticatedHttpRequest
from ideas.services import SubmissionRepeated, earlier_submission
from participation.forms import OutcomeIdeaForm, StakeholderForm, WorkshopForm
from participation.grid import MARGIN, SIZE, grid_dots
from participation.models import Stakeholder, Workshop
from participation.permissions import can_edit_participation, can_see_participation
from participation.services import workshop_outcome_to_idea


@login_required
def stakeholder_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_participation(request.user))
    stakeholders = Stakeholder.objects.all()
    category = request.GET.get("category", "")
    if category in Stakeholder.Category.values:
        stakeholders = stakeholders.filter(category=category)
    listed = list(stakeholders[:500])
    context = {
        "stakeholders": listed,
        "dots": grid_dots(listed),
        "categories": Stakeholder.Category.choices,
        "category": category,
        "can_edit": can_edit_participation(request.user),
        "grid": {
            "size": SIZE,
            "margin": MARGIN,
            "inner": SIZE - MARGIN,
            "middle_x": MARGIN + (SIZE - MARGIN) / 2,
            "middle_y": (SIZE - MARGIN) / 2,
        },
    }
    return render(request, "participation/stakeholder_list.html", context)


@login_required
def stakeholder_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_see_participation(request.user))
    stakeholder = get_object_or_404(Stakeholder, pk=pk)
    context = {
        "stakeholder": stakeholder,
        "ideas": stakeholder.ideas.only("pk", "title", "status"),
        "workshops": stakeholder.workshops.only("pk", "title", "held_on"),
        "surveys": stakeholder.surveys.only("pk", "title", "opens_at", "closes_at", "is_published"),
        "can_edit": can_edit_participation(request.user),
    }
    return render(request, "participation/stakeholder_detail.html", context)


stakeholder_edit, stakeholder_delete = edit_views(
    Stakeholder,
    StakeholderForm,
    allowed=can_edit_participation,
    new_title=gettext_lazy("New stakeholder"),
    edit_title=gettext_lazy("Edit stakeholder"),
    list_url="participation:stakeholders",
)


@login_required
def workshop_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_participation(request.user))
    page = Paginator(Workshop.objects.prefetch_related("stakeholders"), 20).get_page(request.GET.get("page"))
    return render(
        request, "participation/workshop_list.html", {"page": page, "can_edit": can_edit_participation(request.user)}
    )


@login_required
def workshop_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(can_see_participation(request.user))
    workshop = get_object_or_404(Workshop, pk=pk)
    context = {
        "workshop": workshop,
        "stakeholders": workshop.stakeholders.all(),
        "ideas": workshop.ideas.only("pk", "title", "status"),
        "can_edit": can_edit_participation(request.user),
    }
    return render(request, "participation/workshop_detail.html", context)


workshop_edit, workshop_delete = edit_views(
    Workshop,
    WorkshopForm,
    allowed=can_edit_participation,
    new_title=gettext_lazy("New workshop"),
    edit_title=gettext_lazy("Edit workshop"),
    list_url="participation:workshops",
)


@login_required
def workshop_idea(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Turn an outcome of the workshop into an idea that keeps its origin."""
    require(can_edit_participation(request.user))
    workshop = get_object_or_404(Workshop, pk=pk)
    form = OutcomeIdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same form sent twice (a double click) writes one idea, as on the idea form.
        token = form.cleaned_data["submission"]
        idea = earlier_submission(token)
        if idea is None:
            new = form.save(commit=False)
            new.submission_token = token
            try:
                idea = workshop_outcome_to_idea(workshop=workshop, idea=new, by=request.user)
            except SubmissionRepeated as repeated:
                idea = repeated.idea
        return redirect(idea)
    return render(request, "participation/workshop_idea.html", {"form": form, "workshop": workshop})
