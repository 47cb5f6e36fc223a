"""Whether this session has passed a second factor: the one place that writes and reads it.

A password login with a second factor set up completes only after the code or passkey; a
single sign-on counts as two factors when the identity provider says so (`amr`/`acr`), and
the SSO views call `mark_verified(request, "idp")` right after logging the person in.
"""

import time

from django.http import HttpRequest

SESSION_KEY = "etappe_second_factor"


def mark_verified(request: HttpRequest, method: str) -> None:
    """Record that this session passed a second factor, and how ("totp", "webauthn",
    "recovery", "idp")."""
    request.session[SESSION_KEY] = method


def verified_method(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_KEY)


# The password step passed, the second one not yet: who, how they authenticated, where they go
# next and since when (a pending login expires after PENDING_SECONDS).
PENDING_KEY = "etappe_second_factor_pending"
PENDING_SECONDS = 5 * 60
# What a logged-in session still needs, decided once at login (`remember_need`): "verify" (the
# person has a second factor), "setup" (their role requires one and they have none) or "".
NEED_KEY = "etappe_second_factor_need"


def pending_start(request: HttpRequest, *, user_id: int, backend: str, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user_id,
        "backend": backend,
        "next": next_url,
        "since": time.time(),
    }


def pending(request: HttpRequest) -> dict | None:
    """The pending login of this session, or None (none, or expired: then it is dropped)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("since", 0) > PENDING_SECONDS:
        del request.session[PENDING_KEY]
        request.session[EXPIRED_KEY] = True
        return None
    return data


# Set when a pending login expired, so the login page can say why it is asked again.
EXPIRED_KEY = "etappe_second_factor_expired"


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def remember_need(request: HttpRequest, need: str) -> None:
    request.session[NEED_KEY] = need


def need(request: HttpRequest) -> str | None:
    """What this session still needs ("verify", "setup", "") or None if not decided yet."""
    if verified_method(request) is not None:
        return ""
    return request.session.get(NEED_KEY)


def forget_verified(request: HttpRequest) -> None:
    """Two factors were switched off: the session owes nothing and has passed nothing."""
    request.session.pop(SESSION_KEY, None)
    request.session[NEED_KEY] = ""
