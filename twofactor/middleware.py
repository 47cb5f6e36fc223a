"""Nothing but the second step for a session that still owes it.

At every login (password, single sign-on, anything that calls `django.contrib.auth.login`) the
session notes what it still needs (`remember_need_at_login`): "verify" when the person has a
second factor, "setup" when their role requires one and they have none. Until the session is
verified (`twofactor.session.mark_verified`), such a person reaches only the verify or setup
pages, logout, the legal pages and the language switch. Requests with an API token have no
session and pass untouched.

Between the password and the second step the person is not logged in yet (a pending login,
`twofactor.session.pending`): a page that would send them to the login page sends them back to
the second step instead, keeping the page they asked for.
"""

from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.models import User
from twofactor import session
from twofactor.models import factors_of, role_requires

# URL names a session that owes its second step may still open.
OPEN_WHILE_VERIFYING = ("twofactor:verify", "twofactor:verify_passkey_options", "twofactor:verify_passkey")
OPEN_WHILE_SETTING_UP = (
    "twofactor:overview",
    "twofactor:totp",
    "twofactor:recovery",
    "twofactor:passkey_options",
    "twofactor:passkey_add",
)
OPEN_ALWAYS = (
    "accounts:logout",
    "core:imprint",
    "core:privacy",
    "core:accessibility",
    "core:easy_language",
    "set_language",
)


def decide_need(user: User) -> str:
    if factors_of(user.pk):
        return "verify"
    if role_requires(user.role):
        return "setup"
    return ""


def remember_need_at_login(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """`user_logged_in`: decide once per login what the session still needs (so the middleware
    asks the database nothing on the requests after it)."""
    if request is not None and hasattr(request, "session"):
        session.remember_need(request, decide_need(user))


def _paths(names: tuple[str, ...]) -> set[str]:
    return {reverse(name) for name in names}


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._redirect(request)
        if redirect is not None:
            return redirect
        response = self.get_response(request)
        if (
            AUTH_SESSION_KEY not in request.session
            and request.path not in _paths(OPEN_WHILE_VERIFYING)
            and session.pending(request) is not None
        ):
            return self._back_to_verify(response)
        return response

    @staticmethod
    def _back_to_verify(response: HttpResponse) -> HttpResponse:
        """A redirect to the login page, during a pending login: to the second step instead."""
        if not isinstance(response, HttpResponseRedirect):
            return response
        target = urlsplit(response["Location"])
        if target.path != urlsplit(resolve_url(settings.LOGIN_URL)).path:
            return response
        url = reverse("twofactor:verify")
        next_url = parse_qs(target.query).get("next")
        if next_url:
            url += "?" + urlencode({"next": next_url[0]})
        return HttpResponseRedirect(url)

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        if AUTH_SESSION_KEY not in request.session:  # not logged in (an API token has no session)
            return None
        needed = session.need(request)
        if needed is None and request.user.is_authenticated:  # a session from before two factors existed
            needed = decide_need(request.user)
            session.remember_need(request, needed)
        if needed == "setup" and not settings.ETAPPE_TWO_FACTOR_REQUIRED_BY_ROLE:
            return None
        if not needed or request.path.startswith(settings.STATIC_URL):
            return None
        target = "twofactor:verify" if needed == "verify" else "twofactor:overview"
        allowed = _paths(OPEN_ALWAYS) | _paths(OPEN_WHILE_VERIFYING if needed == "verify" else OPEN_WHILE_SETTING_UP)
        if request.path in allowed:
            return None
        url = reverse(target)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
