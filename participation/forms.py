from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.forms import IdeaForm
from participation.models import Stakeholder, Workshop

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StakeholderForm(forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "kind", "category", "influence", "interest", "contact", "consent_on", "notes"]
        widgets = {"consent_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "held_on", "place", "participants", "stakeholders", "outcomes"]
        widgets = {
            "held_on": DATE_WIDGET,
            "outcomes": forms.Textarea(attrs={"rows": 6}),
            "stakeholders": forms.CheckboxSelectMultiple,
        }


class OutcomeIdeaForm(IdeaForm):
    """An outcome of a workshop written up as an idea; its origin is kept."""

    title = forms.CharField(label=_("Title"), max_length=200)
