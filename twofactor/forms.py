from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from twofactor.models import RoleRequirement


class CodeForm(forms.Form):
    """The second step of a login: a code of the authenticator app or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six-digit code your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("Type the six-digit code the app shows now, to confirm that it works."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasskeyNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the passkey"),
        max_length=100,
        help_text=_("So that you recognise it later, e.g. “YubiKey blue” or “work laptop”."),
        error_messages={"required": _("Please give the passkey a name.")},
    )


class PasswordConfirmForm(forms.Form):
    """Switching two factors off asks for the password again."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if authenticate(self.request, username=self.user.email, password=password) is None:
            raise forms.ValidationError(_("The password is not correct."))
        return password


class RoleRequirementForm(forms.Form):
    required = forms.MultipleChoiceField(
        label=_("Roles that must sign in with two factors"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with these roles are asked to set up a second factor at their next login."),
    )

    @classmethod
    def current(cls, data=None) -> "RoleRequirementForm":
        return cls(data, initial={"required": sorted(RoleRequirement.objects.required_roles())})
