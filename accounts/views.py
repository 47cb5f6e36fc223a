from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import (
    AccountSetupForm,
    ApiTokenForm,
    DeleteAccountForm,
    EmailChangeForm,
    InvitationPasswordForm,
    InviteForm,
    LoginForm,
    PeopleFilterForm,
    PeopleImportForm,
    PersonForm,
    ProfileForm,
    RegistrationForm,
)
from accounts.importing import PeopleImport, parse_people, people_import
from accounts.models import ApiToken, Membership, OrgUnit, User, second_factor_status
from accounts.permissions import (
    access_token_by_owner,
    can_delete_own_account,
    can_manage_people,
    can_see_organisation,
    can_use_api_tokens,
)
from accounts.privacy import personal_data
from accounts.services import (
    EMAIL_CHANGE_DAYS,
    INVITATION_DAYS,
    EmailChangeError,
    PeopleError,
    email_change_address,
    email_change_confirm,
    email_change_request,
    invitation_accept,
    invitation_resend,
    invitation_user,
    password_changed_notice,
    person_invite,
    person_set_active,
    person_update,
    registration_email,
    registration_request,
    user_erase,
    user_register,
)
from core import ratelimit
from core.access import require
from core.editing import save_form_view
from core.http import AuthenticatedHttpRequest
from core.tables import StagedUpload
from twofactor import session as second_step
from twofactor.models import factors_of, role_requires

# Failed logins from one address (all accounts together) before further attempts are refused
# without checking the password: django-axes locks an address *and account* pair, so someone
# trying a new account name each time would otherwise make the server hash passwords without end.
# Generous, because a town hall's staff share one address behind its gateway.
FAILED_LOGINS_PER_ADDRESS = (50, 900)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if ratelimit.limit_reached(request, scope="login-failed", limit=FAILED_LOGINS_PER_ADDRESS[0]):
            # An unbound form: a bound one would check the password while collecting its errors.
            form = self.form_class(request, initial={"username": request.POST.get("username", "")[:254]})
            form.cleaned_data = {}  # what add_error expects of a form that was checked
            form.add_error(None, _("Too many failed logins from your network. Please try again in 15 minutes."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        """A person with a second factor is not logged in yet: the session keeps them for a few
        minutes while the second step (twofactor.views.verify) asks for it, and that logs them in."""
        user = form.get_user()
        if factors_of(user.pk):
            second_step.pending_start(
                self.request,
                user_id=user.pk,
                backend=getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
                next_url=self.get_redirect_url(),
            )
            return redirect("twofactor:verify")
        response = super().form_valid(form)
        if settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE and role_requires(user.role):
            return redirect(reverse("twofactor:overview") + "?" + urlencode({"next": self.get_success_url()}))
        return response

    def form_invalid(self, form) -> HttpResponse:
        ratelimit.allow(
            self.request,
            scope="login-failed",
            limit=FAILED_LOGINS_PER_ADDRESS[0],
            window_seconds=FAILED_LOGINS_PER_ADDRESS[1],
        )
        return super().form_invalid(form)


REGISTRATIONS_PER_ADDRESS_AND_HOUR = 10
PASSWORD_RESETS_PER_ADDRESS_AND_HOUR = 10


def register(request: HttpRequest) -> HttpResponse:
    """Ask for the address and send a mail; the answer is the same whether it has an account."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(
            request, scope="register", limit=REGISTRATIONS_PER_ADDRESS_AND_HOUR, window_seconds=3600
        ):
            form.add_error(None, _("Too many registrations from your network. Please try again in an hour."))
            return render(request, "accounts/register.html", {"form": form}, status=429)
        registration_request(email=form.cleaned_data["email"])
        return render(request, "accounts/register_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/register.html", {"form": form})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the registration mail: choose name and password; then the account exists."""
    email = registration_email(token=token)
    if email is None:
        return render(request, "accounts/confirm_invalid.html", status=400)
    form = AccountSetupForm(request.POST or None, email=email)
    if request.method == "POST" and form.is_valid():
        user = user_register(
            email=email, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
        )
        if user is None:  # the same link was used in another tab a moment ago
            return render(request, "accounts/confirm_invalid.html", status=400)
        messages.success(request, _("Your account is ready. You can log in now."))
        return redirect("accounts:login")
    return render(request, "accounts/confirm.html", {"form": form, "email": email})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset (the same answer for every address), limited per client address."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if not ratelimit.allow(
            self.request, scope="password-reset", limit=PASSWORD_RESETS_PER_ADDRESS_AND_HOUR, window_seconds=3600
        ):
            form.add_error(None, _("Too many requests from your network. Please try again in an hour."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; says that it worked and tells the account's address."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            password_changed_notice(user=form.user)
        messages.success(self.request, _("Your password was changed. We sent a notice to your e-mail address."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("unit")
    context = {
        "form": form,
        "memberships": memberships,
        "second_factor": second_factor_status(request.user),
        "sign_in_providers": _sign_in_providers(request.user),
    }
    return render(request, "accounts/profile.html", context)


def _sign_in_providers(user: User) -> list[str]:
    """The single sign-on providers this person signs in with (their directory keeps the
    address up to date at every sign-in, so it is not changed here)."""
    return sorted({identity.provider.name for identity in user.external_identities.select_related("provider")})


EMAIL_CHANGES_PER_ADDRESS_AND_HOUR = 5


@login_required
@never_cache
def email_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask for the new address and the password; the link goes to the new address."""
    providers = _sign_in_providers(request.user)
    if providers:
        return render(request, "accounts/email_change_managed.html", {"providers": providers})
    form = EmailChangeForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(
            request, scope="email-change", limit=EMAIL_CHANGES_PER_ADDRESS_AND_HOUR, window_seconds=3600
        ):
            form.add_error(None, _("Too many requests from your network. Please try again in an hour."))
            return render(request, "accounts/email_change.html", {"form": form}, status=429)
        email_change_request(user=request.user, email=form.cleaned_data["email"])
        return render(
            request, "accounts/email_change_sent.html", {"email": form.cleaned_data["email"], "days": EMAIL_CHANGE_DAYS}
        )
    return render(request, "accounts/email_change.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@never_cache
def email_change_confirm_view(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The link of the mail: GET asks to confirm (mail scanners open links), POST changes."""
    try:
        email = email_change_address(user=request.user, token=token)
        if request.method == "POST":
            email_change_confirm(user=request.user, token=token)
            messages.success(request, _("Your e-mail address is now %(email)s.") % {"email": email})
            return redirect("accounts:profile")
    except EmailChangeError as error:
        return render(request, "accounts/email_change_invalid.html", {"reason": str(error)}, status=error.status)
    return render(request, "accounts/email_change_confirm.html", {"email": email})


@login_required
@require_GET
@never_cache
def data_export(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Everything the platform holds about the logged-in person, as a JSON download."""
    response = JsonResponse(
        personal_data(request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    filename = f"etappe-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@never_cache
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET explains and asks for the password; POST with the right password deletes."""
    allowed = can_delete_own_account(request.user)
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and allowed and form.is_valid():
        # Log out as the scrubbed account, so nothing after this point sees the old address.
        request.user = user_erase(user=request.user)
        logout(request)
        messages.success(request, _("Your account was deleted. Your ideas and comments remain without your name."))
        return redirect("core:home")
    return render(request, "accounts/delete.html", {"form": form, "allowed": allowed})


@login_required
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_use_api_tokens(request.user))
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
        form = ApiTokenForm()
    user_tokens = ApiToken.objects.active().filter(user=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": user_tokens, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = access_token_by_owner(request.user, pk)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@dataclass
class UnitNode:
    """A unit in the organisation tree, with its subunits."""

    unit: OrgUnit
    children: list["UnitNode"] = field(default_factory=list)


@login_required
def organisation(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_see_organisation(request.user))
    units = list(OrgUnit.objects.prefetch_related("memberships__user"))
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        if unit.parent_id is None:
            roots.append(nodes[unit.pk])
        elif unit.parent_id in nodes:
            nodes[unit.parent_id].children.append(nodes[unit.pk])
    return render(request, "accounts/organisation.html", {"roots": roots})


# Staff administration ------------------------------------------------------------------------

PEOPLE_PAGE_SIZE = 50


def _person(request: AuthenticatedHttpRequest, pk: int) -> User:
    require(can_manage_people(request.user))
    return get_object_or_404(User.objects.people(), pk=pk)


@login_required
def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everyone with an account: filters, sorting, pages; administrators only."""
    require(can_manage_people(request.user))
    persons = User.objects.people().with_second_factors()
    form = PeopleFilterForm(request.GET or None)
    if form.is_valid():  # a value the form does not know filters nothing
        data = form.cleaned_data
        persons = persons.filter_by(q=data["q"], role=data["role"], unit=data["unit"], state=data["state"])
    persons = persons.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit").order_by("unit__name"))
    )
    sort = request.GET.get("sort", "name")
    page = Paginator(persons.sorted_by(sort), PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, second_factor_status(person)) for person in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "sort": sort,
        "sorts": [
            ("name", _("name")),
            ("email", _("e-mail address")),
            ("role", _("role")),
            ("last_login", _("last login")),
            ("newest", _("newest")),
        ],
    }
    return render(request, "accounts/people.html", context)


@login_required
def invite_person(request: AuthenticatedHttpRequest) -> HttpResponse:
    require(can_manage_people(request.user))
    form = InviteForm(request.POST or None)

    def invite() -> User:
        data = form.cleaned_data
        return person_invite(
            full_name=data["full_name"], email=data["email"], role=data["role"], units=data["units"], by=request.user
        )

    return save_form_view(
        request,
        form=form,
        title=_("Invite a person"),
        cancel_url=reverse("accounts:people"),
        success_url=reverse("accounts:people"),
        template="accounts/person_form.html",
        context={"days": INVITATION_DAYS, "inviting": True},
        save=invite,
        invalid_status=400,
        message=_("The invitation was sent to %(email)s.") % {"email": form.data.get("email", "")},
    )


@login_required
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    # The form changes its instance while it checks a POST; the page shows the account as stored.
    form = PersonForm(request.POST or None, instance=User.objects.get(pk=pk))

    def update() -> User:
        data = form.cleaned_data
        return person_update(
            user=person, full_name=data["full_name"], role=data["role"], units=data["units"], by=request.user
        )

    return save_form_view(
        request,
        form=form,
        title=_("Edit %(name)s") % {"name": person},
        cancel_url=reverse("accounts:people"),
        success_url=reverse("accounts:people"),
        template="accounts/person_form.html",
        context={
            "person": person,
            "second_factor": second_factor_status(person),
            "second_factor_set_up": bool(factors_of(person.pk)),
        },
        save=update,
        refused=PeopleError,
        invalid_status=400,
    )


@login_required
def person_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deactivates, or shows why it may not."""
    person = _person(request, pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form.is_valid():  # a bound form without fields: a POST
        try:
            person_set_active(user=person, active=False, by=request.user)
        except PeopleError as error:
            form.add_error(None, str(error))
            return render(request, "accounts/person_deactivate.html", {"person": person, "form": form}, status=400)
        messages.success(request, _("%(name)s was deactivated and can no longer log in.") % {"name": person})
        return redirect("accounts:people")
    return render(request, "accounts/person_deactivate.html", {"person": person, "form": form})


@login_required
@require_POST
def person_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = person_set_active(user=_person(request, pk), active=True, by=request.user)
    messages.success(request, _("%(name)s was reactivated.") % {"name": person})
    return redirect("accounts:person_edit", pk=person.pk)


@login_required
@require_POST
def person_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _person(request, pk)
    try:
        person = invitation_resend(user=person, by=request.user)
    except PeopleError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("A new invitation was sent to %(email)s; the earlier link no longer works.") % {"email": person.email},
        )
    return redirect("accounts:person_edit", pk=person.pk)


PEOPLE_UPLOAD = StagedUpload("people")


@login_required
def import_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → preview with every error by line → import all rows or none."""
    require(can_manage_people(request.user))
    if request.method == "POST" and request.POST.get("action") == "import":
        data = PEOPLE_UPLOAD.read(request.session)
        if data is None:
            messages.error(request, _("The uploaded file is no longer available. Please upload it again."))
            return redirect("accounts:people_import")
        parsed = parse_people(data)  # read again: the accounts may have changed since the preview
        if not parsed.ok:
            return render(request, "accounts/people_import.html", {"form": PeopleImportForm(), "result": parsed})
        created, updated = people_import(result=parsed, by=request.user)
        PEOPLE_UPLOAD.discard(request.session)
        messages.success(
            request,
            _("%(created)d people were invited and %(updated)d accounts updated.")
            % {"created": len(created), "updated": len(updated)},
        )
        return redirect("accounts:people")
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    result: PeopleImport | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        result = parse_people(data)
        if result.ok:
            PEOPLE_UPLOAD.keep(request.session, data)
    return render(request, "accounts/people_import.html", {"form": form, "result": result})


@never_cache
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation: the invitee chooses a password; then they can log in."""
    invitee = invitation_user(token=token)
    if invitee is None:
        return render(request, "accounts/invitation_invalid.html", {"days": INVITATION_DAYS}, status=400)
    form = InvitationPasswordForm(invitee, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if invitation_accept(token=token, password=form.cleaned_data["new_password1"]) is None:
            return render(request, "accounts/invitation_invalid.html", {"days": INVITATION_DAYS}, status=400)
        messages.success(request, _("Your password is set. You can log in now."))
        return redirect("accounts:login")
    return render(request, "accounts/invitation.html", {"form": form, "invitee": invitee})
