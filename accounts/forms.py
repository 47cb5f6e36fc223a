from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, OrgUnit, Role, User
from core.honeypot import HoneypotMixin
from core.tables import TableFileField
from municipality.legal import PRIVACY_HINT


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()

    def get_invalid_login_error(self) -> forms.ValidationError:
        # A backend that refuses for a reason of its own (sso.backends: a directory that disabled
        # the account, local passwords switched off for staff) leaves it on the request.
        refusal = getattr(self.request, "login_refusal", None)
        if refusal:
            return forms.ValidationError(refusal, code="refused")
        return super().get_invalid_login_error()


class RegistrationForm(HoneypotMixin, forms.Form):
    """The first step: only the address. Whatever else the account needs is asked behind the
    link sent there, so only whoever holds the mailbox chooses the password."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send you a link. Behind it you choose your name and password."),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class AccountSetupForm(forms.Form):
    """The second step, behind the link in the mail: name, password and consent."""

    full_name = forms.CharField(label=_("Name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Repeat password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my e-mail address and name are stored to run my account. I can delete my account at any time."
        ),
        help_text=PRIVACY_HINT,
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        cleaned = super().clean() or self.cleaned_data  # a parent's clean() may return None
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
        elif p1:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name"]


class ApiTokenForm(forms.ModelForm):
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The token stops working at the end of this day (at most one year from today)."),
    )

    class Meta:
        model = ApiToken
        fields = ["name"]
        help_texts = {"name": _("What the token is for, e.g. “Dashboard in the intranet”.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + timedelta(days=settings.ETAPPE_API_TOKEN_DEFAULT_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            min=(today + timedelta(days=1)).isoformat(),
            max=(today + timedelta(days=settings.ETAPPE_API_TOKEN_MAX_DAYS)).isoformat(),
        )

    def clean_expires_on(self) -> date:
        expires_on = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if expires_on <= today:
            raise forms.ValidationError(_("Choose a day after today."))
        if expires_on > today + timedelta(days=settings.ETAPPE_API_TOKEN_MAX_DAYS):
            raise forms.ValidationError(
                _("A token may be valid for at most %(days)s days.") % {"days": settings.ETAPPE_API_TOKEN_MAX_DAYS}
            )
        return expires_on

    def expires_at(self) -> datetime:
        """The end of the chosen day, local time (the token works through that day)."""
        start = datetime.combine(self.cleaned_data["expires_on"], time.min)
        return timezone.make_aware(start, timezone.get_current_timezone()) + timedelta(days=1)


class DeleteAccountForm(forms.Form):
    """Asks for the password again before an account is deleted."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Enter your password to confirm that you want to delete your account."),
    )

    def __init__(self, *args, user: User, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # authenticate() rather than check_password(): wrong guesses count towards the same
        # lock-out (django-axes) as wrong passwords at the login.
        checked = authenticate(self.request, username=self.user.email, password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(_("The password is not correct."))
        return password


class EmailChangeForm(forms.Form):
    """The new address, and the password again: whoever finds an open session cannot take the
    account over by changing its address."""

    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("We send a link to this address. Your address changes only once you follow it."),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if email == self.user.email:
            raise forms.ValidationError(_("This is your current e-mail address already."))
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("A person with this e-mail address has an account already."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # As DeleteAccountForm: wrong guesses count towards the lock-out at the login (django-axes).
        checked = authenticate(self.request, username=self.user.email, password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(_("The password is not correct."))
        return password


# Staff administration ------------------------------------------------------------------------


class PeopleFilterForm(forms.Form):
    STATES = [
        ("", _("all")),
        ("active", _("active")),
        ("deactivated", _("deactivated")),
        ("invited", _("invited, not accepted yet")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=100, help_text=_("Name or e-mail address"))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("all")), *Role.choices])
    unit = forms.ModelChoiceField(
        label=_("Organisational unit"), queryset=OrgUnit.objects.all(), required=False, empty_label=_("all")
    )
    state = forms.ChoiceField(label=_("Status"), required=False, choices=STATES)


class _PersonFields(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        label=_("Organisational units"),
        queryset=OrgUnit.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = User
        fields = ["full_name", "role"]


class InviteForm(_PersonFields):
    """Who to invite; the person chooses their password behind the link in the mail."""

    class Meta(_PersonFields.Meta):
        fields = ["full_name", "email", "role"]
        help_texts = {"email": _("The invitation goes to this address; it is also the login.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.STAFF

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("A person with this e-mail address has an account already."))
        return email

    def validate_unique(self) -> None:
        pass  # clean_email says it in words; the service writes the account


class PersonForm(_PersonFields):
    """Name, role and units of an existing account."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["units"].initial = list(self.instance.units.all())


class PeopleImportForm(forms.Form):
    file = TableFileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "Columns: “Name”, “E-Mail”, “Rolle”, “Organisationseinheiten” (several separated by “;”). "
            "English headers work too."
        ),
    )


class InvitationPasswordForm(SetPasswordForm):
    """The invitee chooses their password (Django's rules, checked against their name and address)."""
