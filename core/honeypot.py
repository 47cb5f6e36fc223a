"""A field people never see and bots fill in: anonymous forms mix this in."""

from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotInput(forms.TextInput):
    """Rendered off-screen and out of the tab order by the KERN field template."""


class HoneypotMixin(forms.Form):
    homepage_url = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=HoneypotInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        if cleaned.get("homepage_url"):
            # A form-wide error: the field itself is invisible, so the message goes on top.
            raise forms.ValidationError(_("Your submission looks automated and was not accepted."))
        return cleaned
