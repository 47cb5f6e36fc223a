"""Whether this session has passed a second factor: the one place that writes and reads it.

A password login with a second factor set up completes only after the code or passkey; a
single sign-on counts as two factors when the identity provider says so (`amr`/`acr`), and
the SSO views call `mark_verified(request, "idp")` right after logging the person in.
"""

from django.http import HttpRequest

SESSION_KEY = "etappe_second_factor"


def mark_verified(request: HttpRequest, method: str) -> None:
    """Record that this session passed a second factor, and how ("totp", "webauthn",
    "recovery", "idp")."""
    request.session[SESSION_KEY] = method


def verified_method(request: HttpRequest) -> str | None:
    return request.session.get(SESSION_KEY)
