"""The administrator's pages (/sso/) and the sign-in through a provider."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.access import require
from core.editing import confirm_delete_view, save_form_view
from sso import oidc, saml
from sso.forms import MappingForm, PreviewForm, ProviderForm, SettingsForm
from sso.kinds import ProviderKind
from sso.mapping import resolve
from sso.models import GroupMapping, IdentityProvider, SsoSettings
from sso.permissions import access_mapping, access_provider, can_manage_sso
from sso.services import Login, LoginRefused, external_login
from sso.status import Status, mark_down, mark_up, missing_secrets, statuses
from twofactor.session import mark_verified

logger = logging.getLogger(__name__)

PREVIEW_KEY = "sso_preview"


@login_required
def providers(request: HttpRequest) -> HttpResponse:
    """The providers with their status, and the switch for staff's local passwords.

    Switching local passwords off needs a second, confirming POST (`confirm=1`) after a page that
    says what it means, and is refused while no enabled provider is ready."""
    require(can_manage_sso(request.user))
    current = SsoSettings.load()
    was_on = current.staff_password_login
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=current)
    rows = statuses(list(IdentityProvider.objects.all()))
    ready = [provider for provider, state in rows if state == Status.READY]
    if request.method == "POST" and form.is_valid():
        switching_off = was_on and not form.cleaned_data["staff_password_login"]
        if switching_off and not ready:
            form.add_error(
                "staff_password_login",
                _(
                    "No enabled identity provider is ready (secret missing, not reachable lately or none "
                    "enabled). Staff would not be able to sign in, so local passwords stay switched on."
                ),
            )
        elif switching_off and request.POST.get("confirm") != "1":
            return render(request, "sso/confirm_passwords_off.html", {"ready": ready, "page": "sso"})
        else:
            form.save()
            messages.success(request, _("The sign-in settings were saved."))
            return redirect("sso:providers")
    context: dict[str, object] = {"providers": rows, "form": form, "page": "sso"}
    return render(request, "sso/providers.html", context, status=400 if form.errors else 200)


@login_required
def provider_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """A provider's page; a new one asks for the kind first (`?kind=`), then shows only its fields."""
    require(can_manage_sso(request.user))
    provider = access_provider(request.user, pk) if pk else None
    kind = provider.kind if provider else request.GET.get("kind") or request.POST.get("kind", "")
    if kind not in ProviderKind.values:
        return render(request, "sso/choose_kind.html", {"kinds": ProviderKind.choices, "page": "sso"})
    form = ProviderForm(request.POST or None, instance=provider, kind=kind)
    context: dict[str, object] = {"page": "sso", "provider": provider, "kind_label": ProviderKind(kind).label}
    if provider is not None:
        context |= {
            "mappings": provider.mappings.select_related("unit"),
            "missing_secrets": missing_secrets(provider),
            "base_url_differs": _base_url_differs(request),
            "base_url": settings.ETAPPE_BASE_URL,
            **_addresses(provider),
        }
    return save_form_view(
        request,
        form=form,
        title=(
            _("Identity provider “%(name)s”") % {"name": provider}
            if provider
            else _("New identity provider: %(kind)s") % {"kind": ProviderKind(kind).label}
        ),
        cancel_url=reverse("sso:providers"),
        template="sso/provider.html",
        context=context,
        invalid_status=400,
    )


def _base_url_differs(request: HttpRequest) -> bool:
    """Whether this page was opened at another host than ETAPPE_BASE_URL's, which the addresses
    for the provider are built from (the scheme is not compared: behind a proxy it may differ)."""
    return urlsplit(settings.ETAPPE_BASE_URL).netloc.lower() != request.get_host().lower()


def _addresses(provider: IdentityProvider) -> dict:
    """The addresses the provider's administrator needs to register Etappe."""
    if provider.kind == "oidc":
        return {"callback_url": oidc.callback_url(provider)}
    if provider.kind == "saml":
        return {"entity_id": saml.entity_id(provider), "acs_url": saml.acs_url(provider)}
    return {}


@login_required
def provider_delete(request: HttpRequest, pk: int) -> HttpResponse:
    provider = access_provider(request.user, pk)
    return confirm_delete_view(
        request,
        obj=provider,
        success_url=reverse("sso:providers"),
        consequences=_("Its group mappings and the links to its accounts are deleted too; the accounts stay."),
    )


@login_required
def mapping_edit(request: HttpRequest, provider_pk: int | None = None, pk: int | None = None) -> HttpResponse:
    mapping = access_mapping(request.user, pk) if pk else None
    provider = mapping.provider if mapping else access_provider(request.user, provider_pk or 0)
    form = MappingForm(request.POST or None, instance=mapping or GroupMapping(provider=provider))
    return save_form_view(
        request,
        form=form,
        title=_("Group mapping of %(provider)s") % {"provider": provider},
        cancel_url=provider.get_absolute_url(),
        success_url=provider.get_absolute_url(),
        invalid_status=400,
    )


@login_required
def mapping_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mapping = access_mapping(request.user, pk)
    url = mapping.provider.get_absolute_url()
    return confirm_delete_view(request, obj=mapping, success_url=url, cancel_url=url)


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Which role and units a test login's groups give: typed in, or from a sign-in in preview mode."""
    provider = access_provider(request.user, pk)
    form = PreviewForm(request.GET or None)
    tested = request.session.get(PREVIEW_KEY)
    login: dict | None = None
    if form.is_valid():
        groups = form.group_list()
    elif tested and tested.get("provider") == provider.pk and not request.GET:
        login, groups = tested, tested["groups"]
    else:
        groups = None
    outcome = resolve(provider, groups) if groups is not None else None
    context = {"provider": provider, "form": form, "outcome": outcome, "login": login, "page": "sso"}
    return render(request, "sso/preview.html", context)


# Signing in -------------------------------------------------------------------------------------


@require_GET
def login_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Leave for the provider; a link, not a form, so the CSP's form-action stays 'self'."""
    preview_mode = request.GET.get("preview") == "1"
    if preview_mode:  # a test sign-in of the administrator, also before the provider is enabled
        require(can_manage_sso(request.user))
    candidates = IdentityProvider.objects.with_button(enabled_only=not preview_mode)
    provider = get_object_or_404(candidates, slug=slug)
    next_url = _safe_next(request, request.GET.get("next", ""))
    try:
        if provider.kind == "oidc":
            url = oidc.authorization_url(request, provider, next_url=next_url, preview=preview_mode)
        else:
            url = saml.authn_request_url(request, provider, next_url=next_url, preview=preview_mode)
    except oidc.ProviderDown as error:
        return _provider_down(request, provider, error, preview=preview_mode, next_url=next_url)
    mark_up(provider)
    return redirect(url)


@require_GET
def oidc_callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, slug=slug, kind="oidc")
    started: dict = {}
    try:
        started = oidc.take_pending(request, provider, request.GET.get("state", ""))
        _require_enabled(provider, started)
        if request.GET.get("error") or not request.GET.get("code"):
            raise LoginRefused(_("%(provider)s refused the sign-in.") % {"provider": provider.name})
        login = oidc.finish(provider, code=request.GET["code"], started=started)
    except LoginRefused as error:
        messages.error(request, str(error))
        return _back_to_login("")
    except oidc.ProviderDown as error:
        return _provider_down(request, provider, error, preview=bool(started.get("preview")))
    return _complete(request, login, started)


@csrf_exempt  # the IdP posts from its own site; the answer's signature and InResponseTo protect it
@require_POST
def saml_acs(request: HttpRequest, slug: str) -> HttpResponse:
    """Hand the IdP's answer on to our own site, where the session cookie comes along (see sso/saml.py)."""
    provider = get_object_or_404(IdentityProvider, slug=slug, kind="saml")
    context = {"provider": provider, "saml_response": request.POST.get("SAMLResponse", "")}
    return render(request, "sso/saml_continue.html", context)


@csrf_exempt  # see saml_acs; the session's open request IDs bind the answer to this browser
@require_POST
def saml_finish(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, slug=slug, kind="saml")
    try:
        login, started = saml.finish(request, provider, request.POST.get("SAMLResponse", ""))
        _require_enabled(provider, started)
    except LoginRefused as error:
        messages.error(request, str(error))
        return _back_to_login("")
    except oidc.ProviderDown as error:
        return _provider_down(request, provider, error, preview=False)
    return _complete(request, login, started)


@require_GET
def saml_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """Our SP metadata, for the IdP's administrator (public, like every SP's)."""
    provider = get_object_or_404(IdentityProvider, slug=slug, kind="saml")
    return HttpResponse(saml.sp_metadata(provider), content_type="application/samlmetadata+xml")


def _complete(request: HttpRequest, login: Login, started: dict) -> HttpResponse:
    provider = login.provider
    if started.get("preview"):
        require(can_manage_sso(request.user))
        request.session[PREVIEW_KEY] = {
            "provider": provider.pk,
            "subject": login.subject,
            "email": login.email,
            "name": login.name,
            "groups": login.groups,
            "mfa": login.mfa,
        }
        return redirect("sso:preview", provider.pk)
    try:
        user = external_login(login=login)
    except LoginRefused as error:
        messages.error(request, str(error))
        return _back_to_login(started.get("next", ""))
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if login.mfa:
        mark_verified(request, "idp")
    return redirect(started.get("next") or settings.LOGIN_REDIRECT_URL)


def _require_enabled(provider: IdentityProvider, started: dict) -> None:
    if not provider.enabled and not started.get("preview"):
        raise LoginRefused(_("Signing in through %(provider)s is switched off.") % {"provider": provider.name})


def _safe_next(request: HttpRequest, next_url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure())
    return next_url if next_url and allowed else ""


def _back_to_login(next_url: str) -> HttpResponse:
    url = reverse("accounts:login")
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


def _provider_down(
    request: HttpRequest, provider: IdentityProvider, error: Exception, *, preview: bool, next_url: str = ""
) -> HttpResponse:
    """A provider that did not answer: marked down for a while. A test sign-in goes back to the
    preview with the reason; a sign-in goes back to the login page, which says so beside the
    provider's button (one message, `sso/_login_buttons.html`)."""
    logger.warning("sso: provider %s is not reachable: %s", provider.slug, error)
    mark_down(provider)
    if preview:
        messages.error(
            request,
            _("The test sign-in failed: %(provider)s is not reachable (%(reason)s).")
            % {"provider": provider.name, "reason": error},
        )
        return redirect("sso:preview", provider.pk)
    return _back_to_login(next_url)
