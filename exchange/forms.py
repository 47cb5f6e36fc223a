from django import forms
from django.utils.translation import gettext_lazy as _

OUTCOMES = [
    ("", _("all")),
    ("success", _("success")),
    ("partial", _("partial success")),
    ("failed", _("failed")),
    ("stopped", _("stopped")),
    ("too_early", _("too early to tell")),
]


class ExchangeSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("all")), ("project", _("projects")), ("lesson", _("lessons learned"))],
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=OUTCOMES)
    state = forms.CharField(label=_("Federal state"), required=False, max_length=100)


class PeerForm(forms.Form):
    url = forms.CharField(
        label=_("Address of the installation"),
        max_length=300,
        help_text=_("e.g. https://etappe.nachbarstadt.de – its feed is read from /api/v1/exchange/feed"),
    )


class FollowForm(forms.Form):
    ars = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    municipality = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    topic = forms.CharField(label=_("Topic"), required=False, max_length=60)
