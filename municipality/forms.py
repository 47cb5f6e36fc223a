from django import forms
from django.utils.translation import gettext_lazy as _

from municipality import register


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Name, ARS or AGS"), max_length=100, required=False)


class ChooseMunicipalityForm(forms.Form):
    key = forms.CharField(label=_("ARS or AGS"), max_length=20)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        try:
            register.lookup(key)
        except register.UnknownMunicipality:
            raise forms.ValidationError(
                _("“%(key)s” is not in the register of German municipalities. Enter an 8-digit AGS or a 12-digit ARS."),
                params={"key": key},
            ) from None
        return key
