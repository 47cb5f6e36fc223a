"""Signing a person in through a provider: find or create the account, bring it up to date."""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from sso.mapping import Outcome, managed_units, resolve
from sso.models import ExternalIdentity, IdentityProvider

logger = logging.getLogger(__name__)


class LoginRefused(Exception):
    """A sign-in that must not happen; the message is shown to the person, nothing was written."""


@dataclass
class Login:
    """What a provider said about a person after checking them (signature, audience, time)."""

    provider: IdentityProvider
    subject: str
    email: str = ""
    name: str = ""
    groups: list[str] = field(default_factory=list)
    # The provider says the person passed a second factor (amr/acr, AuthnContextClassRef).
    mfa: bool = False


def external_login(*, login: Login) -> User:
    """The account of the person `login` describes, created at their first sign-in and updated
    (name, e-mail, role, units) at every one; raises LoginRefused and writes nothing when they
    may not sign in.

    The account is found by the provider's subject. Without a link yet, an existing account with
    the same address is taken over only where the provider is trusted to do so
    (`link_by_email`); otherwise the sign-in is refused, never silently merged."""
    provider = login.provider
    if not login.subject:
        raise LoginRefused(_("The identity provider did not say who you are."))
    outcome = resolve(provider, login.groups)
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(provider=provider, subject=login.subject)
            .first()
        )
        if identity is None:
            user = _first_account(login, outcome)
            identity = ExternalIdentity.objects.create(provider=provider, subject=login.subject, user=user)
        user = identity.user
        if not user.is_active or user.erased_at:
            raise LoginRefused(_("Your account is deactivated. Please contact the administration."))
        identity.units_given = _update(user, login, outcome, given_before=set(identity.units_given))
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at", "units_given"])
    return user


def _first_account(login: Login, outcome: Outcome) -> User:
    email = login.email.strip().lower()
    if not email:
        raise LoginRefused(_("The identity provider sent no e-mail address, so no account can be created."))
    existing = User.objects.select_for_update().filter(email=email).first()
    if existing is not None:
        if not login.provider.link_by_email:
            raise LoginRefused(
                _(
                    "An account with the address %(email)s exists already but is not linked to %(provider)s. "
                    "Please sign in as before or ask the administration."
                )
                % {"email": email, "provider": login.provider.name}
            )
        return existing
    user = User(email=email, full_name=login.name or email, role=outcome.role)
    user.set_unusable_password()
    user.save()
    return user


def _update(user: User, login: Login, outcome: Outcome, *, given_before: set[int]) -> list[int]:
    """Bring the account up to date; returns the ids of the units the provider gives now.

    Only units the provider hands out (in its mappings now or at the last sign-in) are added or
    taken away; units an administrator gave by hand stay."""
    changed: list[str] = []
    if login.name and login.name != user.full_name:
        user.full_name, changed = login.name, [*changed, "full_name"]
    email = login.email.strip().lower()
    if email and email != user.email:
        if User.objects.filter(email=email).exclude(pk=user.pk).exists():
            logger.warning("sso: the new address of user %s belongs to another account; kept the old one", user.pk)
        else:
            user.email, changed = email, [*changed, "email"]
    if not login.provider.spec.for_citizens and outcome.role != user.role:
        user.role, changed = outcome.role, [*changed, "role"]
    if changed:
        user.save()
    managed = managed_units(login.provider) | given_before
    wanted = {unit.pk for unit in outcome.units}
    have = set(user.memberships.values_list("unit_id", flat=True))
    for membership in user.memberships.filter(unit_id__in=(managed & have) - wanted):
        membership.delete()  # one by one, so the audit trail records each
    for unit in outcome.units:
        if unit.pk not in have:
            Membership.objects.create(user=user, unit=unit)
    return sorted(wanted)
