"""The second step of a login, and the pages where people set up and remove their second factors."""

import base64
import json
from urllib.parse import quote, urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import Role, User, second_factor_status
from core import ratelimit
from core.access import require
from core.http import AuthenticatedHttpRequest
from twofactor import passkeys, session
from twofactor.forms import CodeForm, PasskeyNameForm, PasswordConfirmForm, RoleRequirementForm, TotpConfirmForm
from twofactor.models import PASSKEY, TOTP, RoleRequirement, factors_of, role_requires
from twofactor.permissions import can_reset_second_factors, can_set_role_requirements
from twofactor.services import (
    Check,
    TwoFactorError,
    passkey_add,
    passkey_remove,
    passkey_used,
    recovery_check,
    recovery_codes_generate,
    recovery_codes_left,
    role_requirements_save,
    second_factors_disable,
    second_factors_reset,
    totp_check,
    totp_confirm,
    totp_new_key,
    totp_remove,
)

# Wrong second steps per person and client address before further attempts wait (django-otp's
# own throttling slows down wrong TOTP codes on top of this, from every address).
FAILED_CODES = (5, 900)
TOTP_KEY = "etappe_totp_setup_key"
# Recovery codes made right after the first factor, until the recovery page shows them (once).
NEW_CODES_KEY = "etappe_new_recovery_codes"
ISSUER = "Etappe"


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _may_change(request: AuthenticatedHttpRequest) -> bool:
    """A person changes their second factors only in a session that passed one (or while they have none)."""
    return session.verified_method(request) is not None or not factors_of(request.user.pk)


def _held_at_setup(request: HttpRequest) -> bool:
    """The middleware lets this session reach nothing but the setup pages (its role requires two factors)."""
    return bool(settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE) and session.need(request) == "setup"


def _to_verify(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("twofactor:verify") + "?" + urlencode({"next": request.path}))


# Setting up ----------------------------------------------------------------------------------


@login_required
@never_cache
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_change(request):
        return _to_verify(request)
    user = request.user
    factors = factors_of(user.pk)
    context = {
        "has_totp": TOTP in factors,
        "passkeys": user.passkeys.all(),
        "recovery_left": recovery_codes_left(user) if factors else 0,
        "has_factor": bool(factors),
        "required": role_requires(user.role),
        "held": _held_at_setup(request),
        "status": second_factor_status(user),
        "name_form": PasskeyNameForm(),
        "next": request.GET.get("next", ""),
    }
    return render(request, "twofactor/overview.html", context)


def _otpauth_uri(user: User, secret: str) -> str:
    """The key URI authenticator apps read from the QR code (Google's "Key Uri Format")."""
    label = quote(f"{ISSUER}:{user.email}")
    return f"otpauth://totp/{label}?" + urlencode(
        {"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": 6, "period": 30}
    )


@login_required
@never_cache
def totp(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show a new secret as QR code and text; it counts once a code of the app confirms it."""
    if not _may_change(request):
        return _to_verify(request)
    if TOTP in factors_of(request.user.pk):
        messages.info(request, _("An authenticator app is already set up. Remove it first to set up another one."))
        return redirect("twofactor:overview")
    key = request.session.get(TOTP_KEY) or totp_new_key()
    request.session[TOTP_KEY] = key
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_confirm(user=request.user, key=key, code=form.cleaned_data["code"]):
            del request.session[TOTP_KEY]
            session.mark_verified(request, "totp")
            _codes_for_new_factor(request)
            messages.success(request, _("The authenticator app is set up."))
            return redirect("twofactor:recovery")
        form.add_error("code", _("The code is not correct. Check the time on your phone and type the current code."))
    secret = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    context = {
        "form": form,
        "qr": segno.make(_otpauth_uri(request.user, secret), error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "held": _held_at_setup(request),
    }
    return render(request, "twofactor/totp.html", context, status=400 if form.errors else 200)


def _codes_for_new_factor(request: AuthenticatedHttpRequest) -> bool:
    """A factor was just set up: without recovery codes yet (the first factor), make them now, for
    the recovery page to show once, so that nobody skips them."""
    if recovery_codes_left(request.user):
        return False
    request.session[NEW_CODES_KEY] = recovery_codes_generate(user=request.user)
    return True


def _show_codes(request: AuthenticatedHttpRequest, codes: list[str], *, new_factor: bool) -> HttpResponse:
    heading = _("Etappe – recovery codes for %(email)s") % {"email": request.user.email}
    text = "\n".join([heading, "", *codes, "", _("Each code works once, in place of your second factor.")])
    context = {"codes": codes, "codes_text": "\n".join(codes), "download": text + "\n", "new_factor": new_factor}
    return render(request, "twofactor/recovery_codes.html", context)


@login_required
@never_cache
def recovery(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET explains (new codes replace the earlier ones); POST makes them and shows them once. Codes
    made with the first factor (`_codes_for_new_factor`) are shown by the first GET after it."""
    if not _may_change(request):
        return _to_verify(request)
    if not factors_of(request.user.pk):
        raise Http404("no second factor")  # recovery codes stand in for one
    new_codes = request.session.pop(NEW_CODES_KEY, None)
    if request.method == "POST":  # (codes of the first factor not shown until now stop working here)
        return _show_codes(request, recovery_codes_generate(user=request.user), new_factor=False)
    if new_codes:
        return _show_codes(request, new_codes, new_factor=True)
    return render(request, "twofactor/recovery.html", {"left": recovery_codes_left(request.user)})


def _json_body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


@login_required
@require_POST
def passkey_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_change(request):
        return _json_error(_("Please confirm your second factor first."), status=403)
    return HttpResponse(passkeys.registration_options(request, request.user), content_type="application/json")


@login_required
@require_POST
def passkey_add_view(request: AuthenticatedHttpRequest) -> JsonResponse:
    if not _may_change(request):
        return _json_error(_("Please confirm your second factor first."), status=403)
    data = _json_body(request)
    form = PasskeyNameForm({"name": data.get("name", "")})
    if not form.is_valid():
        return _json_error(" ".join(str(error) for error in form.errors["name"]))
    try:
        credential = passkeys.verify_registration(request, data.get("credential") or {})
    except passkeys.PasskeyError:
        return _json_error(_("The passkey could not be registered. Please try again."))
    passkey_add(user=request.user, name=form.cleaned_data["name"], credential=credential)
    session.mark_verified(request, "webauthn")
    new_codes = _codes_for_new_factor(request)
    messages.success(request, _("The passkey “%(name)s” was added.") % {"name": form.cleaned_data["name"]})
    return JsonResponse({"redirect": reverse("twofactor:recovery" if new_codes else "twofactor:overview")})


def _confirm(request: HttpRequest, *, title: str, text: str, button: str, status: int = 200) -> HttpResponse:
    context = {"title": title, "text": text, "button": button, "cancel_url": reverse("twofactor:overview")}
    return render(request, "twofactor/confirm.html", context, status=status)


@login_required
@never_cache
def passkey_remove_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not _may_change(request):
        return _to_verify(request)
    passkey = get_object_or_404(request.user.passkeys, pk=pk)
    if request.method == "POST":
        try:
            passkey_remove(passkey=passkey)
        except TwoFactorError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The passkey “%(name)s” was removed.") % {"name": passkey.name})
        return redirect("twofactor:overview")
    return _confirm(
        request,
        title=_("Remove the passkey “%(name)s”?") % {"name": passkey.name},
        text=_("You can no longer confirm your login with it."),
        button=_("Yes, remove"),
    )


@login_required
@never_cache
def totp_remove_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_change(request):
        return _to_verify(request)
    if TOTP not in factors_of(request.user.pk):
        raise Http404("no authenticator app")
    if request.method == "POST":
        try:
            totp_remove(user=request.user)
        except TwoFactorError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The authenticator app was removed."))
        return redirect("twofactor:overview")
    return _confirm(
        request,
        title=_("Remove the authenticator app?"),
        text=_("Its codes will no longer be accepted. You can set up an app again at any time."),
        button=_("Yes, remove"),
    )


@login_required
@never_cache
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Switch two factors off: asks for the password; refused where the role requires them."""
    if not _may_change(request):
        return _to_verify(request)
    if not factors_of(request.user.pk):
        raise Http404("nothing to switch off")
    required = role_requires(request.user.role)
    form = PasswordConfirmForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and not required and form.is_valid():
        second_factors_disable(user=request.user)
        session.forget_verified(request)
        messages.success(request, _("Two-factor login is switched off. You log in with your password alone."))
        return redirect("twofactor:overview")
    status = 400 if request.method == "POST" else 200
    return render(request, "twofactor/disable.html", {"form": form, "required": required}, status=status)


# The second step of a login -------------------------------------------------------------------


def _person_to_verify(request: HttpRequest) -> tuple[User | None, dict | None]:
    """Whoever passed the password and owes the second step (pending), or a logged-in person
    whose session has not passed it yet (e.g. single sign-on without multi-factor)."""
    pending = session.pending(request)
    if pending is not None:
        person = User.objects.filter(pk=pending["user"], is_active=True).first()
        if person is None:  # deactivated meanwhile: the pending login ends
            session.pending_clear(request)
            return None, None
        return person, pending
    if request.user.is_authenticated and session.need(request) == "verify":
        return request.user, None
    return None, None


def _complete(request: HttpRequest, person: User, pending: dict | None, method: str) -> str:
    """Log the person in (after the password step) and mark the session as verified; the next URL
    (a page opened during the second step, which sent back here with `next`, wins)."""
    next_url = request.GET.get("next", "") or (pending["next"] if pending else "")
    if pending is not None:
        session.pending_clear(request)
        login(request, person, backend=pending["backend"])
    session.mark_verified(request, method)
    return _safe_next(request, next_url)


def _no_one_to_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        raise Http404("nothing to confirm")
    if request.session.pop(session.EXPIRED_KEY, False):
        messages.error(request, _("The second step took too long. Please log in again."))
    return redirect("accounts:login")


def _limited(request: HttpRequest, person: User) -> bool:
    return ratelimit.limit_reached(request, scope=f"second-factor:{person.pk}", limit=FAILED_CODES[0])


def _count_failure(request: HttpRequest, person: User) -> None:
    ratelimit.allow(request, scope=f"second-factor:{person.pk}", limit=FAILED_CODES[0], window_seconds=FAILED_CODES[1])


TOO_MANY = _("Too many wrong codes. Please wait 15 minutes and try again.")


@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    person, pending = _person_to_verify(request)
    if person is None:
        return _no_one_to_verify(request)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if _limited(request, person):
            form.add_error(None, TOO_MANY)
            status = 429
        else:
            code = form.cleaned_data["code"]
            check = totp_check(user=person, code=code)
            if check is Check.OK:
                return redirect(_complete(request, person, pending, "totp"))
            if check is Check.WRONG and recovery_check(user=person, code=code):
                messages.warning(request, _("You used a recovery code. Each code works only once."))
                return redirect(_complete(request, person, pending, "recovery"))
            _count_failure(request, person)
            if check is Check.USED:
                form.add_error("code", _("This code was already used. Please wait for the next code of your app."))
            else:
                form.add_error("code", _("The code is not correct or no longer valid. Please try again."))
            status = 400
    factors = factors_of(person.pk)
    context = {
        "form": form,
        "has_totp": TOTP in factors,
        "has_passkey": PASSKEY in factors,
        "after_password": pending is not None,
    }
    return render(request, "twofactor/verify.html", context, status=status)


@require_POST
def verify_passkey_options(request: HttpRequest) -> HttpResponse:
    person, _pending = _person_to_verify(request)
    if person is None:
        return _json_error(_("The second step took too long. Please log in again."), status=403)
    return HttpResponse(passkeys.authentication_options(request, person), content_type="application/json")


@require_POST
def verify_passkey(request: HttpRequest) -> JsonResponse:
    person, pending = _person_to_verify(request)
    if person is None:
        return _json_error(_("The second step took too long. Please log in again."), status=403)
    if _limited(request, person):
        return _json_error(str(TOO_MANY), status=429)
    try:
        passkey, sign_count = passkeys.verify_authentication(
            request, person, _json_body(request).get("credential") or {}
        )
    except passkeys.PasskeyError:
        _count_failure(request, person)
        return _json_error(_("The passkey was not accepted. Please try again or use a code."))
    passkey_used(passkey=passkey, sign_count=sign_count)
    return JsonResponse({"redirect": _complete(request, person, pending, "webauthn")})


# Administration ------------------------------------------------------------------------------


@login_required
def roles(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which roles must sign in with two factors (administrators)."""
    require(can_set_role_requirements(request.user))
    form = RoleRequirementForm.current(request.POST or None)
    enforced = settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE
    if request.method == "POST" and form.is_valid():
        required = set(form.cleaned_data["required"])
        without = _without_factor(required - RoleRequirement.objects.required_roles(), request.user)
        if without and request.POST.get("confirmed") != "1":
            context = {"form": form, "enforced": enforced, "without": without, "required": sorted(required)}
            return render(request, "twofactor/roles_confirm.html", context)
        role_requirements_save(required=required)
        messages.success(request, _("The two-factor requirements were saved."))
        return redirect("twofactor:roles")
    return render(request, "twofactor/roles.html", {"form": form, "enforced": enforced})


def _without_factor(roles: set[str], me: User) -> list[dict]:
    """For each newly required role: how many active people have no second factor (and whether
    the administrator is one of them), so that saving does not lock anyone out unawares."""
    rows = []
    for role in Role:
        if role not in roles:
            continue
        people = (
            User.objects.people()
            .filter(is_active=True, role=role)
            .with_second_factors()
            .filter(has_totp=False, has_passkey=False)
        )
        count = people.count()
        if count:
            text = ngettext(
                "%(count)d person without a second factor", "%(count)d people without a second factor", count
            ) % {"count": count}
            includes_me = people.filter(pk=me.pk).exists()
            if includes_me:
                text = _("%(people)s, including you") % {"people": text}
            rows.append({"role": role.label, "text": text, "includes_me": includes_me})
    return rows


@login_required
def reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An administrator removes a person's second factors, after asking."""
    require(can_reset_second_factors(request.user))
    person = get_object_or_404(User.objects.people(), pk=pk)
    has_factor = bool(factors_of(person.pk))
    form = forms.Form(request.POST if request.method == "POST" else None)
    if has_factor and form.is_valid():  # a bound form without fields: a POST
        second_factors_reset(user=person, by=request.user)
        messages.success(request, _("The second factors of %(name)s were reset.") % {"name": person})
        return redirect("accounts:person_edit", pk=person.pk)
    context = {
        "person": person,
        "has_factor": has_factor,
        "status": second_factor_status(person),
        "required": role_requires(person.role),
    }
    return render(request, "twofactor/reset.html", context)
