from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipality import register
from municipality.models import LegalPage, Municipality


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


class StatementForm(forms.ModelForm):
    """The municipality's part of the accessibility statement: contact, dates, enforcement body."""

    class Meta:
        model = Municipality
        fields = ["contact_email", "statement_prepared_on", "statement_reviewed_on", "enforcement_body"]
        widgets = {
            "statement_prepared_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "statement_reviewed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "enforcement_body": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        prepared, reviewed = cleaned.get("statement_prepared_on"), cleaned.get("statement_reviewed_on")
        if prepared and reviewed and reviewed < prepared:
            self.add_error("statement_reviewed_on", _("A review cannot come before the statement was prepared."))
        today = timezone.localdate()
        for name in ("statement_prepared_on", "statement_reviewed_on"):
            if cleaned.get(name) and cleaned[name] > today:
                self.add_error(name, _("This date is in the future."))
        if reviewed and not prepared:
            self.add_error("statement_prepared_on", _("Enter when the statement was prepared, too."))
        return cleaned


class LegalPageForm(forms.ModelForm):
    """The text of the Impressum or the privacy notice."""

    class Meta:
        model = LegalPage
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 30, "lang": "de"})}
        help_texts = {
            "text": _(
                "Plain text. A line starting with “## ” is a heading, “### ” a subheading, “- ” an item of a list; "
                "an empty line starts a new paragraph. Web and e-mail addresses become links."
            )
        }
