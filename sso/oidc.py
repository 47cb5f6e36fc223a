"""OpenID Connect: the authorisation-code flow with PKCE (S256), state and nonce, with authlib.

The state, nonce and code verifier of each started sign-in live in the session, keyed by the
state, and are taken out when the provider sends the person back: a state that is unknown,
used already or from another browser is refused. The ID token is checked against the
provider's published keys (JWKS): signature, issuer, audience, expiry, nonce and `at_hash`.
"""

import hashlib
from base64 import urlsafe_b64encode
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.links import absolute_url
from sso.models import IdentityProvider
from sso.services import Login, LoginRefused

TIMEOUT = 5  # seconds; a provider that takes longer counts as down
SESSION_KEY = "sso_oidc"
# amr values (RFC 8176) that mean more than one factor.
MFA_AMR = {"mfa", "otp", "hwk", "swk", "sms", "fpt", "face", "iris", "retina", "vbm", "pop", "sc"}
METADATA_SECONDS = 600


class ProviderDown(Exception):
    """The provider did not answer (in time, or sensibly)."""


def callback_url(provider: IdentityProvider) -> str:
    return absolute_url(reverse("sso:oidc_callback", args=[provider.slug]))


def metadata(provider: IdentityProvider) -> dict[str, Any]:
    """The provider's discovery document, kept for ten minutes."""
    key = f"sso:oidc:metadata:{provider.pk}:{provider.discovery_url}"
    found = cache.get(key)
    if found is None:
        url = provider.discovery_url
        if ".well-known/" not in url:
            url = url.rstrip("/") + "/.well-known/openid-configuration"
        found = _get_json(url)
        for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(found.get(name), str):
                raise ProviderDown(f"discovery document without {name}")
        cache.set(key, found, METADATA_SECONDS)
    return found


def authorization_url(request: HttpRequest, provider: IdentityProvider, *, next_url: str, preview: bool) -> str:
    """Where to send the person to sign in; remembers state, nonce and code verifier in the session."""
    meta = metadata(provider)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    pending = request.session.get(SESSION_KEY, {})
    # A handful of sign-ins may be open at once (several tabs); the oldest go first.
    pending = dict(list(pending.items())[-4:])
    pending[state] = {
        "provider": provider.pk,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
        "preview": preview,
    }
    request.session[SESSION_KEY] = pending
    challenge = urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": callback_url(provider),
        "scope": provider.scopes or "openid",
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return add_params_to_uri(meta["authorization_endpoint"], params)


def take_pending(request: HttpRequest, provider: IdentityProvider, state: str) -> dict[str, Any]:
    """The sign-in this state started in this browser, taken out so it works once."""
    pending = request.session.get(SESSION_KEY, {})
    started = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if started is None or started["provider"] != provider.pk:
        raise LoginRefused(
            _("This sign-in was not started in this browser, was used already or has expired. Please start again.")
        )
    return started


def finish(provider: IdentityProvider, *, code: str, started: dict[str, Any]) -> Login:
    """Exchange the code for tokens, check the ID token and say who signed in."""
    meta = metadata(provider)
    try:
        response = requests.post(
            meta["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": callback_url(provider),
                "code_verifier": started["verifier"],
            },
            auth=(provider.client_id, provider.secret("CLIENT_SECRET")),
            timeout=TIMEOUT,
        )
    except requests.RequestException as error:
        raise ProviderDown(str(error)) from error
    try:
        token = response.json()
    except ValueError:
        token = {}
    if response.status_code != 200 or not isinstance(token, dict) or "id_token" not in token:
        raise LoginRefused(_("%(provider)s did not confirm the sign-in.") % {"provider": provider.name})
    claims = _checked_claims(provider, meta, token, nonce=started["nonce"])
    return _login(provider, meta, claims, token)


def _checked_claims(provider: IdentityProvider, meta: dict[str, Any], token: dict[str, Any], *, nonce: str) -> dict:
    refused = LoginRefused(
        _("The answer of %(provider)s could not be verified. Nothing was changed.") % {"provider": provider.name}
    )
    algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in algorithms if alg != "none"]
    try:
        keys = KeySet.import_key_set(_get_json(meta["jwks_uri"]))  # type: ignore[arg-type]  # checked by joserfc
        decoded = jwt.decode(token["id_token"], key=keys, algorithms=algorithms)
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {"iss": {"essential": True, "values": [meta["issuer"]]}},
            {"nonce": nonce, "client_id": provider.client_id, "access_token": token.get("access_token")},
        )
        claims.validate(leeway=60)
    except (JoseError, ValueError, KeyError) as error:
        raise refused from error
    return dict(claims)


def _login(provider: IdentityProvider, meta: dict[str, Any], claims: dict, token: dict[str, Any]) -> Login:
    email_claim, name_claim, groups_claim = (provider.attribute(which) for which in ("email", "name", "groups"))
    if meta.get("userinfo_endpoint") and (email_claim not in claims or groups_claim not in claims):
        try:
            response = requests.get(
                meta["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {token.get('access_token', '')}"},
                timeout=TIMEOUT,
            )
            info = response.json() if response.status_code == 200 else {}
        except (requests.RequestException, ValueError):
            info = {}
        if info.get("sub") == claims["sub"]:  # OIDC Core 5.3.2: the userinfo must be about the same subject
            claims = {**info, **claims}
    groups = claims.get(groups_claim) or []
    amr = claims.get("amr") or []
    return Login(
        provider=provider,
        subject=str(claims["sub"]),
        email=str(claims.get(email_claim) or ""),
        name=str(claims.get(name_claim) or ""),
        groups=[str(group) for group in (groups if isinstance(groups, list) else [groups])],
        mfa=bool(MFA_AMR & set(amr if isinstance(amr, list) else [])) or claims.get("acr") in provider.mfa_values(),
    )


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        found = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderDown(str(error)) from error
    if not isinstance(found, dict):
        raise ProviderDown("not a JSON object")
    return found
