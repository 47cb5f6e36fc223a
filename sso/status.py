"""Whether a provider can be used: its secrets, and whether it answered lately.

A provider that did not answer (OIDC or SAML at the start of a sign-in, LDAP at a password
check) is marked "down" in the cache for a short while: the login page says so beside its
button, the LDAP backend skips it instead of waiting for it again at every password check, and
the administrator's list shows it as "last not reachable".
"""

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from sso.models import IdentityProvider

# How long a provider that did not answer counts as down.
DOWN_SECONDS = 120


class Status(models.TextChoices):
    OFF = "off", _("switched off")
    SECRET_MISSING = "secret", _("secret missing")
    DOWN = "down", _("last not reachable")
    READY = "ready", _("ready")


def down_key(provider: IdentityProvider) -> str:
    return f"sso:down:{provider.pk}"


def mark_down(provider: IdentityProvider) -> None:
    cache.set(down_key(provider), True, DOWN_SECONDS)


def mark_up(provider: IdentityProvider) -> None:
    cache.delete(down_key(provider))


def is_down(provider: IdentityProvider) -> bool:
    return bool(cache.get(down_key(provider)))


def down_among(providers: list[IdentityProvider]) -> set[int]:
    """The pks of those of `providers` that are marked down, with one cache query."""
    found = cache.get_many([down_key(provider) for provider in providers])
    return {provider.pk for provider in providers if down_key(provider) in found}


def missing_secrets(provider: IdentityProvider) -> list[str]:
    """The environment variables the provider cannot work without and that are not set.

    SAML's key and certificate are optional; LDAP's service account password is needed only
    with a service account."""
    needed = {"oidc": ["CLIENT_SECRET"], "ldap": ["BIND_PASSWORD"] if provider.bind_dn else []}
    return [provider.env_name(suffix) for suffix in needed.get(provider.kind, []) if not provider.secret(suffix)]


def status(provider: IdentityProvider, *, down: bool | None = None) -> Status:
    """The provider's status; "ready" means configured and not known to be down, not tested."""
    if not provider.enabled:
        return Status.OFF
    if missing_secrets(provider):
        return Status.SECRET_MISSING
    if is_down(provider) if down is None else down:
        return Status.DOWN
    return Status.READY


def statuses(providers: list[IdentityProvider]) -> list[tuple[IdentityProvider, Status]]:
    down = down_among(providers)
    return [(provider, status(provider, down=provider.pk in down)) for provider in providers]
