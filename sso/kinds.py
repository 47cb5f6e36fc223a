"""The kinds of identity provider Etappe can sign people in with: the one registry of them.

Each kind says how its people sign in (`button`: a button on the login page that leaves for the
provider; otherwise the ordinary e-mail and password form, through an authentication backend),
which attributes it reads by default and which secrets it takes from the environment.

**Extension point for BundID** (the federal citizen account, a SAML 2.0 IdP with its own
attribute profile and trust levels "substantiell"/"hoch"): add a kind here, e.g.
`Kind("bundid", _("BundID"), button=True, for_citizens=True, …)`, and a module like
`sso/saml.py` that reads its assertions into a `sso.services.Login`. `for_citizens` tells
`sso.services.external_login` to create citizen accounts and never to map groups to internal
roles. Nothing of BundID is built yet; see docs/sso.md.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProviderKind(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")
    LDAP = "ldap", _("LDAP / Active Directory")


@dataclass(frozen=True)
class Kind:
    code: str
    # A button on the login page (redirect to the provider) rather than the password form.
    button: bool
    # Attribute names read when the provider's own field is left empty.
    email_attribute: str
    name_attribute: str
    groups_attribute: str
    # Secrets, by the suffix of their environment variable: ETAPPE_SSO_<SLUG>_<SUFFIX>.
    secrets: tuple[str, ...] = field(default=())
    # Accounts of citizens (BundID): never mapped to an internal role.
    for_citizens: bool = False


KINDS: dict[str, Kind] = {
    ProviderKind.OIDC: Kind("oidc", True, "email", "name", "groups", secrets=("CLIENT_SECRET",)),
    ProviderKind.SAML: Kind(
        "saml",
        True,
        # pysaml2 names the attributes it knows by their friendly names (urn:oid:…100.1.3 is "mail")
        "mail",
        "displayName",
        "http://schemas.xmlsoap.org/claims/Group",
        secrets=("SP_KEY_FILE", "SP_CERT_FILE"),
    ),
    ProviderKind.LDAP: Kind("ldap", False, "mail", "displayName", "memberOf", secrets=("BIND_PASSWORD",)),
}
