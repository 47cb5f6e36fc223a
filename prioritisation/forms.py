from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import INTERNAL_ROLES, User
from ideas.models import Idea
from prioritisation.models import COMMENT_MAX, SCALE_LIMIT, WEIGHT_LIMIT, Criterion, PriorityRound, RoundCriterion
from prioritisation.ranking import PALETTE_SIZE, Column

# Scales with up to this many values are offered as radio buttons, longer ones as a number field.
MAX_RADIO_VALUES = 11
ZERO_WEIGHTS = _("The weights add up to zero. Give at least one criterion a weight above 0.")


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "name",
            "description",
            "scale_min",
            "scale_max",
            "direction",
            "default_weight",
            "matrix_axis",
            "derived",
            "is_active",
            "position",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "direction": forms.RadioSelect,
            "matrix_axis": forms.RadioSelect,
        }
        help_texts = {
            "scale_min": _("Whole numbers from 0 to %(max)d, e.g. 1 to 5.") % {"max": SCALE_LIMIT},
            "direction": _("Effort, cost and risk are “lower is better”."),
            "matrix_axis": _("Benefit criteria make up the impact, effort and cost criteria the effort."),
            "position": _("Criteria are listed by this number, smallest first."),
        }


class _CriterionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Criterion) -> str:
        return f"{obj.name} ({obj.get_direction_display()}, {_('weight')} {obj.default_weight})"


class RoundForm(forms.ModelForm):
    criteria = _CriterionChoiceField(
        label=_("Criteria"),
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Copied from the catalogue with their default weight; frozen once scoring starts."),
    )

    class Meta:
        model = PriorityRound
        fields = ["title", "description", "due_on", "assessors"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "assessors": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "assessors": _("Members of the administration who score independently of each other."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assessors"]).queryset = User.objects.filter(
            is_active=True, role__in=INTERNAL_ROLES
        ).order_by("full_name", "email")
        cast(forms.DateField, self.fields["due_on"]).input_formats = ["%Y-%m-%d", "%d.%m.%Y"]
        instance = self.instance
        in_round = [] if instance.pk is None else list(instance.criteria.values_list("criterion_id", flat=True))
        cast(forms.ModelChoiceField, self.fields["criteria"]).queryset = Criterion.objects.filter(
            Q(is_active=True) | Q(pk__in=[pk for pk in in_round if pk])
        ).order_by("position", "pk")
        if instance.pk is None:
            self.initial.setdefault(
                "criteria", list(Criterion.objects.filter(is_active=True).values_list("pk", flat=True))
            )
        else:
            self.initial.setdefault("criteria", in_round)
            if not instance.is_draft:
                self.fields["criteria"].disabled = True
                self.fields["criteria"].required = False
                self.fields["criteria"].help_text = _("Frozen: scoring has started.")


def weight_field_name(column_id: int) -> str:
    return f"w{column_id}"


class WeightsForm(forms.Form):
    """One weight (0–100 points) per criterion of a round; the total must be above zero.

    As the what-if panel (`required=False`) an empty field keeps the agreed weight.
    """

    def __init__(self, *args, columns: list[Column], required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for column in columns:
            self.fields[weight_field_name(column.id)] = forms.IntegerField(
                label=column.name,
                min_value=0,
                max_value=WEIGHT_LIMIT,
                required=required,
                initial=int(column.weight),
                widget=forms.NumberInput(attrs={"class": "weight-input", "inputmode": "numeric"}),
            )

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if not self.errors and self.columns and sum(self.weights().values()) <= 0:
            raise forms.ValidationError(ZERO_WEIGHTS)
        return cleaned

    def weights(self) -> dict[int, int]:
        """Column id → weight, empty fields replaced by the agreed weight."""
        result = {}
        for column in self.columns:
            value = self.cleaned_data.get(weight_field_name(column.id))
            result[column.id] = int(column.weight) if value is None else value
        return result


def round_columns(priority_round: PriorityRound) -> list[Column]:
    return [
        Column(
            id=c.pk,
            name=c.name,
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            lower_is_better=c.is_lower_better,
            derived=c.derived,
            axis=c.matrix_axis,
            slot=index % PALETTE_SIZE,
        )
        for index, c in enumerate(priority_round.criteria.order_by("position", "pk"))
    ]


class _IdeaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Idea) -> str:
        supports = ngettext("%(count)d support", "%(count)d supports", obj.support_count) % {"count": obj.support_count}
        return f"{obj.title} ({supports})"


class CandidatePickForm(forms.Form):
    ideas = _IdeaChoiceField(
        label=_("Ideas in the pool"),
        queryset=Idea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one idea.")},
    )

    def __init__(self, *args, queryset, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["ideas"]).queryset = queryset


class CloseRoundForm(forms.Form):
    """Closing a round: which ideas of the ranking become prioritised, and a note for the public."""

    prioritise = forms.TypedMultipleChoiceField(
        label=_("Ideas that become prioritised"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "In the order of the ranking. Preselected are the top places; change the choice if the team decided "
            "otherwise. Ideas that are not chosen stay in the pool and can be part of a later round."
        ),
    )
    note = forms.CharField(
        label=_("Note for the public"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Added to the reason on the page of every idea that becomes prioritised, e.g. who confirmed the "
            "choice and when."
        ),
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["prioritise"]).choices = choices


def score_field_name(criterion_id: int) -> str:
    return f"c{criterion_id}"


def comment_field_name(criterion_id: int) -> str:
    return f"n{criterion_id}"


def _hint(criterion: RoundCriterion) -> str:
    direction = (
        _("%(min)d = best, %(max)d = worst") if criterion.is_lower_better else _("%(min)d = worst, %(max)d = best")
    ) % {"min": criterion.scale_min, "max": criterion.scale_max}
    return f"{criterion.description} ({direction})" if criterion.description else direction


class ScoreForm(forms.Form):
    """An assessor's values for one candidate: one field per scored criterion and an optional reason."""

    def __init__(self, *args, criteria: list[RoundCriterion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if not c.derived]
        for criterion in self.criteria:
            values = list(criterion.scale_values())
            common: dict[str, Any] = {"label": criterion.name, "required": False, "help_text": _hint(criterion)}
            if len(values) <= MAX_RADIO_VALUES:
                field: forms.Field = forms.TypedChoiceField(
                    choices=[(v, str(v)) for v in values] + [("", _("no score"))],
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect(attrs={"class": "score-choice"}),
                    **common,
                )
            else:
                field = forms.IntegerField(min_value=criterion.scale_min, max_value=criterion.scale_max, **common)
            self.fields[score_field_name(criterion.pk)] = field
            self.fields[comment_field_name(criterion.pk)] = forms.CharField(
                label=_("Reason for “%(criterion)s”") % {"criterion": criterion.name},
                max_length=COMMENT_MAX,
                required=False,
            )

    def pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[score_field_name(c.pk)], self[comment_field_name(c.pk)]) for c in self.criteria]

    def entries(self) -> list:
        from prioritisation.services import ScoreEntry

        return [
            ScoreEntry(
                round_criterion_id=c.pk,
                value=self.cleaned_data.get(score_field_name(c.pk)),
                comment=self.cleaned_data.get(comment_field_name(c.pk), ""),
            )
            for c in self.criteria
        ]
