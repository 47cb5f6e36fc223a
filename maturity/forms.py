from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from maturity.models import SCORE_MAX, SCORE_MIN, SCORES, Dimension, Item, Round, Settings, Target

LEVELS = list(SCORES)


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = ["title", "description", "opens_on", "closes_on"]
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("A round cannot close before it opens."))
        return data


class RoundEditForm(RoundForm):
    class Meta(RoundForm.Meta):
        fields = [*RoundForm.Meta.fields, "state"]
        widgets = {**RoundForm.Meta.widgets, "state": forms.RadioSelect}


class AnswerForm(forms.Form):
    """One radio group (0–4 with the level descriptions) and one evidence note per item of the round."""

    unit = forms.ModelChoiceField(
        label=_("I answer for the unit"),
        queryset=OrgUnit.objects.none(),
        help_text=_("Results are shown per unit, never per person."),
    )

    def __init__(self, *args, items: list[Item], user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        own = user.units.all()
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = own if own.exists() else OrgUnit.objects.all()
        for item in items:
            self.fields[f"score_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[("", _("I cannot judge this")), *item.level_choices()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("A score runs from %(low)s to %(high)s.")
                    % {"low": SCORE_MIN, "high": SCORE_MAX}
                },
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label=_("Evidence"),
                help_text=_("What your score rests on: a document, an example, a number."),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def groups(self) -> list[tuple[Item, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"score_{item.pk}"], self[f"evidence_{item.pk}"]) for item in self.items]

    def answers(self) -> list:
        from maturity.services import AnswerInput

        return [
            AnswerInput(
                item_id=item.pk,
                score=self.cleaned_data.get(f"score_{item.pk}"),
                evidence=self.cleaned_data.get(f"evidence_{item.pk}", ""),
            )
            for item in self.items
        ]


class DimensionForm(forms.ModelForm):
    class Meta:
        model = Dimension
        fields = ["key", "title_de", "title_en", "description_de", "description_en"]
        widgets = {
            "description_de": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }


class ItemForm(forms.ModelForm):
    """The question and its five level descriptions, in German (required) and English."""

    class Meta:
        model = Item
        fields = ["text_de", "text_en"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for language, required in (("de", True), ("en", False)):
            stored = getattr(self.instance, f"levels_{language}") or []
            for level in LEVELS:
                name = f"level_{language}_{level}"
                label = _("Level %(level)s (German)") if language == "de" else _("Level %(level)s (English)")
                self.fields[name] = forms.CharField(
                    label=label % {"level": level},
                    required=required,
                    max_length=500,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=stored[level] if level < len(stored) else "",
                )

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # a parent's clean() may return None
        english = [data.get(f"level_en_{level}", "").strip() for level in LEVELS]
        if any(english) and not all(english):
            self.add_error(None, _("Describe either all five levels in English or none."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        english = [data.get(f"level_en_{level}", "").strip() for level in LEVELS]
        return {
            "text_de": data["text_de"],
            "text_en": data["text_en"],
            "levels_de": [data[f"level_de_{level}"].strip() for level in LEVELS],
            "levels_en": english if all(english) else [],
        }


class TargetForm(forms.Form):
    level = forms.DecimalField(
        label=_("Target level"),
        required=False,
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        max_digits=2,
        decimal_places=1,
        help_text=_("From 0 to 4; empty for no target."),
    )
    horizon = forms.DateField(
        label=_("Reached by"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, dimension: Dimension, target: Target | None, **kwargs) -> None:
        if target is not None:
            kwargs.setdefault("initial", {"level": target.level, "horizon": target.horizon, "note": target.note})
        kwargs["prefix"] = dimension.key
        super().__init__(*args, **kwargs)
        self.dimension = dimension

    def clean(self) -> dict:
        data = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if (data.get("level") is None) != (data.get("horizon") is None) and not self.errors:
            raise forms.ValidationError(_("Give both a level and a date, or neither."))
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Settings
        fields = ["share_aggregates"]
