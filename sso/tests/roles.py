"""This app's rows of the authorisation matrix (collected by core/tests/test_roles.py)."""

from accounts.models import Role
from installation.testing import ADMIN, ALL, BaseTestCase
from sso.models import GroupMapping, IdentityProvider

# A GET of these answers 302 or 405: the ACS and its hand-over take only POSTs, and the start of a
# sign-in and the OIDC callback send everyone on (to the provider, or back to the login page).
POST_ONLY: set[str] = {"sso:saml_acs", "sso:saml_finish", "sso:login", "sso:oidc_callback"}


def expectations(case: BaseTestCase) -> dict[str, tuple[list[str], dict]]:
    """URL name → (personas that may open it, URL kwargs); see installation.testing for the persona groups."""
    provider = IdentityProvider.objects.create(
        kind="saml", name="Matrix-IdP", slug="matrix", enabled=True, idp_metadata_xml="<EntityDescriptor/>"
    )
    oidc = IdentityProvider.objects.create(
        kind="oidc", name="Matrix-OIDC", slug="matrix-oidc", enabled=True, discovery_url="http://127.0.0.1:1/"
    )
    mapping = GroupMapping.objects.create(provider=provider, group="staff", role=Role.STAFF)
    return {
        # Configuration: administrators only.
        "sso:providers": (ADMIN, {}),
        "sso:provider_new": (ADMIN, {}),
        "sso:provider": (ADMIN, {"pk": provider.pk}),
        "sso:provider_delete": (ADMIN, {"pk": provider.pk}),
        "sso:preview": (ADMIN, {"pk": provider.pk}),
        "sso:mapping_new": (ADMIN, {"provider_pk": provider.pk}),
        "sso:mapping": (ADMIN, {"pk": mapping.pk}),
        "sso:mapping_delete": (ADMIN, {"pk": mapping.pk}),
        # Signing in: for everyone; the SP metadata is public like every SP's.
        "sso:login": (ALL, {"slug": provider.slug}),
        "sso:oidc_callback": (ALL, {"slug": oidc.slug}),
        "sso:saml_metadata": (ALL, {"slug": provider.slug}),
        "sso:saml_acs": (ALL, {"slug": provider.slug}),
        "sso:saml_finish": (ALL, {"slug": provider.slug}),
    }
