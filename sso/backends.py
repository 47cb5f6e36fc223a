"""Authentication backends: LDAP bind, and the rule that switches local passwords of staff off.

Both sit in AUTHENTICATION_BACKENDS in front of Django's ModelBackend. A refusal raises
PermissionDenied, which stops Django from asking the next backend; its reason is left on the
request as `login_refusal`, which `accounts.forms.LoginForm` shows instead of "wrong password".
"""

import logging

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import INTERNAL_ROLES, User
from sso import ldap
from sso.models import IdentityProvider, SsoSettings
from sso.oidc import ProviderDown
from sso.services import Login, LoginRefused, external_login
from sso.status import is_down, mark_down, mark_up, missing_secrets

logger = logging.getLogger(__name__)


def _refuse(request: HttpRequest | None, reason: str) -> None:
    if request is not None:
        request.login_refusal = reason  # type: ignore[attr-defined]
    raise PermissionDenied(reason)


class LdapBackend(ModelBackend):
    """Signs in with the e-mail address and the directory password at each enabled LDAP provider.

    Every password check passes here (every login, citizens' too, and the password re-checks of
    the profile pages), so the directory is asked only where it can be the right answer:

    - not for an address that belongs to a local account without a link to that LDAP provider
      (citizens, staff who sign in with a local password), unless the provider links existing
      accounts by e-mail and the account has an internal role;
    - not while a secret it needs is missing (the service account's password);
    - not while the provider is marked down: a server that did not answer is skipped for
      `sso.status.DOWN_SECONDS` instead of being waited for at every check
      (`sso.ldap.CONNECT_TIMEOUT`).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        for provider in _providers_for(str(username)):
            if is_down(provider):
                continue
            try:
                entry = ldap.check(provider, username, password)
            except ProviderDown as error:
                logger.warning("sso: LDAP provider %s is not reachable: %s", provider.slug, error)
                mark_down(provider)
                continue
            except ldap.Disabled:
                _refuse(request, _("Your account is disabled in the directory. Please contact the administration."))
            mark_up(provider)
            if entry is None:
                continue
            login = Login(
                provider=provider,
                subject=entry.subject,
                email=entry.first(provider.attribute("email")) or username,
                name=entry.first(provider.attribute("name")),
                groups=entry.groups,
            )
            try:
                return external_login(login=login)
            except LoginRefused as error:
                _refuse(request, str(error))
        return None


def _providers_for(username: str) -> list[IdentityProvider]:
    """The enabled LDAP providers worth asking about `username` (see LdapBackend)."""
    providers = [
        provider for provider in IdentityProvider.objects.enabled().filter(kind="ldap") if not missing_secrets(provider)
    ]
    if not providers:
        return []
    user = User.objects.filter(email=username.strip().lower()).first()
    if user is None:
        return providers
    linked = set(user.external_identities.values_list("provider_id", flat=True))
    internal = user.role in INTERNAL_ROLES
    return [provider for provider in providers if provider.pk in linked or (provider.link_by_email and internal)]


class LocalPasswordPolicyBackend(ModelBackend):
    """Refuses the local password of a member of the administration who signs in through a
    provider, once the administrator switched local passwords for staff off. Citizens keep theirs."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or SsoSettings.load().staff_password_login:
            return None
        user = (
            User.objects.filter(email=str(username).lower(), role__in=INTERNAL_ROLES, external_identities__isnull=False)
            .distinct()
            .first()
        )
        if user is not None and user.check_password(password):
            _refuse(request, _("Please sign in through your organisation's sign-in (single sign-on)."))
        return None
