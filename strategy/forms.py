from typing import cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "summary", "vision", "adopted_on", "adopted_by", "decision_url"]
        widgets = {
            "adopted_on": DATE_WIDGET,
            "vision": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class _StrategyPartForm(forms.ModelForm):
    """A form for something that belongs to the strategy and has a name unique within it."""

    unique_field = ""
    duplicate_message: str | Promise = ""

    def __init__(self, *args, strategy: Strategy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.strategy = strategy

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        value = cleaned.get(self.unique_field)
        model = self._meta.model
        if (
            value
            and model.objects.filter(strategy=self.instance.strategy, **{f"{self.unique_field}__iexact": value})
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(self.unique_field, str(self.duplicate_message))
        return cleaned


class GlossaryEntryForm(_StrategyPartForm):
    unique_field = "term"
    duplicate_message = _("This term is already explained in the glossary.")

    class Meta:
        model = GlossaryEntry
        fields = ["term", "definition", "position"]
        widgets = {"definition": forms.Textarea(attrs={"rows": 5})}


class FieldOfActionForm(_StrategyPartForm):
    unique_field = "title"
    duplicate_message = _("A field of action with this title exists already.")

    class Meta:
        model = FieldOfAction
        fields = ["title", "description", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = [
            "field",
            "title",
            "description",
            "indicator",
            "baseline_value",
            "target_value",
            "unit",
            "target_date",
            "position",
        ]
        widgets = {"target_date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, strategy: Strategy, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["field"]).queryset = strategy.fields_of_action.all()
        cast(forms.ModelChoiceField, self.fields["field"]).empty_label = None
