"""Second factors: passkeys (WebAuthn credentials) and which roles must have two factors.

TOTP (authenticator apps) and recovery codes are django-otp's devices (`TOTPDevice`,
`StaticDevice` named `RECOVERY_DEVICE`); a passkey is a `Passkey` here. What a person has set up is
answered in one place, `factors_of` (and `User.objects.with_second_factors()` for lists).
"""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

# The one StaticDevice per person that holds their recovery codes.
RECOVERY_DEVICE = "recovery"

# Until the administrator saves the policy, these roles must have two factors.
DEFAULT_REQUIRED_ROLES = frozenset({Role.ADMINISTRATOR, Role.STRATEGY_TEAM})
_REQUIRED_CACHE_KEY = "twofactor:required-roles"


class Passkey(models.Model):
    """A WebAuthn credential (passkey or security key) a person registered as second factor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100)
    # The authenticator's id for the credential (base64url) and its COSE public key.
    credential_id = models.CharField(max_length=1400, unique=True, editable=False)
    public_key = models.BinaryField(editable=False)
    sign_count = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class RoleRequirementQuerySet(models.QuerySet["RoleRequirement"]):
    def required_roles(self) -> frozenset[str]:
        """The roles that must have two factors (cached a minute; saving the policy clears it)."""
        roles = cache.get(_REQUIRED_CACHE_KEY)
        if roles is None:
            saved = dict(self.values_list("role", "required"))
            roles = sorted(role for role in Role if saved.get(role, role in DEFAULT_REQUIRED_ROLES))
            cache.set(_REQUIRED_CACHE_KEY, roles, 60)
        return frozenset(roles)


class RoleRequirement(models.Model):
    """Whether people with this role must sign in with two factors; one row per role the
    administrator saved (a role without a row follows `DEFAULT_REQUIRED_ROLES`)."""

    role = models.CharField(_("role"), max_length=20, choices=Role, unique=True)
    required = models.BooleanField(_("two factors required"), default=False)

    objects = RoleRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("two-factor requirement")
        verbose_name_plural = _("two-factor requirements")
        ordering = ["role"]

    def __str__(self) -> str:
        return self.get_role_display()

    @staticmethod
    def forget_cached() -> None:
        cache.delete(_REQUIRED_CACHE_KEY)


# The methods, in the order the people list names them, and their names for people (not "TOTP").
TOTP = "totp"
PASSKEY = "passkey"
FACTOR_NAMES = {TOTP: _("authenticator app"), PASSKEY: _("passkey")}


def factors_of(user_id: int) -> list[str]:
    """The second factors a person has set up: "totp" (a confirmed authenticator app) and/or
    "passkey". Recovery codes alone are no factor: they stand in for one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    factors = []
    if TOTPDevice.objects.filter(user_id=user_id, confirmed=True).exists():
        factors.append(TOTP)
    if Passkey.objects.filter(user_id=user_id).exists():
        factors.append(PASSKEY)
    return factors


def role_requires(role: str) -> bool:
    return role in RoleRequirement.objects.required_roles()
