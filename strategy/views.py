from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.audit import can_see_history
from core.editing import confirm_delete_view, edit_views, save_form_view
from municipality.models import Municipality
from strategy.forms import FieldOfActionForm, GlossaryEntryForm, GoalForm, StrategyForm
from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy
from strategy.permissions import can_edit_strategy, require_strategy_editor


def _current_strategy() -> Strategy:
    strategy = Strategy.objects.current()
    if strategy is None:
        raise Http404(_("No strategy has been written yet."))
    return strategy


def strategy_detail(request: HttpRequest) -> HttpResponse:
    strategy = Strategy.objects.current()
    fields: QuerySet[FieldOfAction] | list[FieldOfAction] = []
    if strategy is not None:
        fields = strategy.fields_of_action.prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("position", "title"))
        )
    context = {
        "strategy": strategy,
        "municipality": Municipality.objects.current(),
        "fields": fields,
        "glossary": strategy.glossary_entries.all() if strategy else [],
        "can_edit": can_edit_strategy(request.user),
        "can_see_history": can_see_history(request.user),
    }
    return render(request, "strategy/strategy_detail.html", context)


def field_detail(request: HttpRequest, pk: int) -> HttpResponse:
    field = get_object_or_404(FieldOfAction.objects.select_related("strategy"), pk=pk)
    context = {
        "field": field,
        "goals": field.goals.all(),
        "can_edit": can_edit_strategy(request.user),
        "can_see_history": can_see_history(request.user),
    }
    return render(request, "strategy/field_detail.html", context)


@login_required
def strategy_edit(request: HttpRequest) -> HttpResponse:
    require_strategy_editor(request.user)
    strategy = Strategy.objects.current()
    form = StrategyForm(request.POST or None, instance=strategy)
    title = _("Edit the strategy") if strategy else _("Write the strategy")
    return save_form_view(request, form=form, title=title, cancel_url=reverse("strategy:detail"))


def _in_strategy(obj: GlossaryEntry | FieldOfAction | None) -> dict[str, Strategy]:
    """A glossary entry or field of action is written for its strategy; a new one for the current one."""
    return {"strategy": obj.strategy if obj else _current_strategy()}


def _goals_deleted(field: FieldOfAction) -> str:
    goals = field.goals.count()
    if not goals:
        return ""
    return ngettext("Its goal will be deleted with it.", "Its %(count)d goals will be deleted with it.", goals) % {
        "count": goals
    }


# An entry's deletion goes back to the strategy page, not to the entry on it (below).
glossary_edit = edit_views(
    GlossaryEntry,
    GlossaryEntryForm,
    allowed=can_edit_strategy,
    new_title=gettext_lazy("New glossary entry"),
    edit_title=gettext_lazy("Edit glossary entry"),
    list_url="strategy:detail",
    form_kwargs=_in_strategy,
)[0]


@login_required
def glossary_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_strategy_editor(request.user)
    entry = get_object_or_404(GlossaryEntry, pk=pk)
    url = reverse("strategy:detail")
    return confirm_delete_view(request, obj=entry, cancel_url=url, success_url=url)


field_edit, field_delete = edit_views(
    FieldOfAction,
    FieldOfActionForm,
    allowed=can_edit_strategy,
    new_title=gettext_lazy("New field of action"),
    edit_title=gettext_lazy("Edit field of action"),
    list_url="strategy:detail",
    form_kwargs=_in_strategy,
    consequences=_goals_deleted,
)


@login_required
def goal_create(request: HttpRequest, field_pk: int) -> HttpResponse:
    require_strategy_editor(request.user)
    field = get_object_or_404(FieldOfAction, pk=field_pk)
    form = GoalForm(request.POST or None, strategy=field.strategy, initial={"field": field})
    return save_form_view(request, form=form, title=_("New goal"), cancel_url=field.get_absolute_url())


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_strategy_editor(request.user)
    goal = get_object_or_404(Goal.objects.select_related("field__strategy"), pk=pk)
    form = GoalForm(request.POST or None, instance=goal, strategy=goal.field.strategy)
    return save_form_view(request, form=form, title=_("Edit goal"), cancel_url=goal.get_absolute_url())


@login_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_strategy_editor(request.user)
    goal = get_object_or_404(Goal, pk=pk)
    url = reverse("strategy:field_detail", args=[goal.field_id])
    return confirm_delete_view(request, obj=goal, cancel_url=url, success_url=url)
