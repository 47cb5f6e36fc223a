"""Identity providers, the mapping of their groups to roles and units, and who signed in through which."""

import os

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Role, User
from sso.kinds import KINDS, Kind, ProviderKind


class IdentityProviderQuerySet(models.QuerySet["IdentityProvider"]):
    def enabled(self) -> "IdentityProviderQuerySet":
        return self.filter(enabled=True)

    def with_button(self, *, enabled_only: bool = True) -> "IdentityProviderQuerySet":
        """(Enabled) providers whose people sign in through a button on the login page."""
        return (self.enabled() if enabled_only else self).filter(
            kind__in=[code for code, kind in KINDS.items() if kind.button]
        )


class IdentityProvider(models.Model):
    """A directory or federation service the administrator configured; its secrets stay in the
    environment (`secret()`), never in the database."""

    kind = models.CharField(_("kind"), max_length=10, choices=ProviderKind)
    name = models.CharField(_("name"), max_length=100, help_text=_("Shown on the login button."))
    slug = models.SlugField(
        _("short name"),
        max_length=40,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens; part of the addresses and of the environment variables."),
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    link_by_email = models.BooleanField(
        _("link existing accounts by e-mail address"),
        default=False,
        help_text=_(
            "At the first sign-in, take over an existing account with the same address. Only for a "
            "directory that controls the addresses of its people."
        ),
    )
    # OpenID Connect
    discovery_url = models.URLField(
        _("issuer or discovery URL"),
        blank=True,
        help_text=_("e.g. https://login.example.org/realms/town/.well-known/openid-configuration"),
    )
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    scopes = models.CharField(_("scopes"), max_length=200, blank=True, default="openid email profile")
    mfa_acr_values = models.CharField(
        _("values that count as two factors"),
        max_length=500,
        blank=True,
        help_text=_(
            "OpenID Connect: acr values, SAML: AuthnContextClassRef values, separated by spaces. "
            "OpenID Connect also counts amr values such as mfa, otp, hwk and swk."
        ),
    )
    # SAML 2.0
    idp_metadata_xml = models.TextField(_("IdP metadata (XML)"), blank=True)
    idp_metadata_url = models.URLField(_("IdP metadata URL"), blank=True)
    # LDAP
    server_url = models.CharField(
        _("server URL"), max_length=200, blank=True, help_text=_("e.g. ldaps://dc1.town.local:636")
    )
    start_tls = models.BooleanField(_("use StartTLS"), default=False)
    bind_dn = models.CharField(
        _("service account DN"),
        max_length=300,
        blank=True,
        help_text=_("Searches the person's entry. Leave empty to bind with the DN template instead."),
    )
    user_search_base = models.CharField(_("user search base"), max_length=300, blank=True)
    user_filter = models.CharField(
        _("user filter"),
        max_length=300,
        blank=True,
        default="(mail={username})",
        help_text=_("{username} stands for the e-mail address typed at the login."),
    )
    user_dn_template = models.CharField(
        _("DN template"), max_length=300, blank=True, help_text=_("e.g. uid={username},ou=people,dc=town,dc=local")
    )
    # Attributes or claims; empty: the kind's default.
    email_attribute = models.CharField(_("e-mail attribute"), max_length=200, blank=True)
    name_attribute = models.CharField(_("name attribute"), max_length=200, blank=True)
    groups_attribute = models.CharField(_("groups attribute"), max_length=200, blank=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sso:provider", args=[self.pk])

    @property
    def spec(self) -> Kind:
        return KINDS[self.kind]

    def attribute(self, which: str) -> str:
        """The name of the e-mail, name or groups attribute ("email", "name", "groups")."""
        return getattr(self, f"{which}_attribute") or getattr(self.spec, f"{which}_attribute")

    def env_name(self, suffix: str) -> str:
        return f"ETAPPE_SSO_{self.slug.upper().replace('-', '_')}_{suffix}"

    def secret(self, suffix: str) -> str:
        """A secret from the environment (ETAPPE_SSO_<SLUG>_<SUFFIX>), "" when it is not set."""
        return os.environ.get(self.env_name(suffix), "")

    def secrets_state(self) -> list[tuple[str, bool]]:
        """The environment variables this provider reads, and whether each is set."""
        return [(self.env_name(suffix), bool(self.secret(suffix))) for suffix in self.spec.secrets]

    def mfa_values(self) -> set[str]:
        return set(self.mfa_acr_values.split())


class GroupMapping(models.Model):
    """A group (or attribute value) of a provider and the role and/or unit it gives."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("identity provider")
    )
    group = models.CharField(
        _("group"), max_length=500, help_text=_("The value as the provider sends it, e.g. the group's DN or name.")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisational unit"),
    )

    class Meta:
        verbose_name = _("group mapping")
        verbose_name_plural = _("group mappings")
        ordering = ["group", "pk"]
        # One row per group: two rows with different roles would leave the role to chance.
        constraints = [models.UniqueConstraint(fields=["provider", "group"], name="unique_group_mapping")]

    def __str__(self) -> str:
        return self.group


class ExternalIdentity(models.Model):
    """The link between an account and a subject at a provider: found by subject, never by address alone."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities", verbose_name=_("identity provider")
    )
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("user"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    # The units the last sign-in gave (ids), so a unit taken out of a mapping is taken away too.
    units_given = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="unique_external_subject")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"


class SsoSettings(models.Model):
    """The one row of sign-in settings kept beside the providers."""

    staff_password_login = models.BooleanField(
        _("members of the administration may sign in with a local password"),
        default=True,
        help_text=_(
            "Switch off once single sign-on works: people with an internal role who have signed in "
            "through a provider can then only sign in there. Citizens keep e-mail and password."
        ),
    )

    class Meta:
        verbose_name = _("sign-in settings")
        verbose_name_plural = _("sign-in settings")

    def __str__(self) -> str:
        return str(_("Sign-in settings"))

    @classmethod
    def load(cls) -> "SsoSettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
