"""The administrator's pages: providers, secrets named not stored, mappings, preview, the switch."""

from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import Role
from installation.testing import BaseTestCase, make_unit
from sso.mapping import resolve
from sso.models import GroupMapping, IdentityProvider, SsoSettings
from sso.status import Status, mark_down, mark_up, status
from sso.tests.base import English
from sso.tests.test_ldap import override_env


class AdminPageTests(English, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.admin)
        self.provider = IdentityProvider.objects.create(
            kind="oidc", name="Keycloak", slug="kc-town", discovery_url="https://kc.town.test/realms/t", client_id="e"
        )
        self.office = make_unit(name="Ordnungsamt")

    def test_it_lists_providers_and_is_in_the_manage_menu(self) -> None:
        response = self.client.get(reverse("sso:providers"))
        self.assertContains(response, "Keycloak")
        self.assertContains(response, f'href="{reverse("sso:providers")}" aria-current="page"')

    def test_others_are_refused(self) -> None:
        for user in (self.team, self.staff, self.citizen):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("sso:providers")).status_code, 403)

    def test_it_creates_a_provider_and_names_the_secret_variable(self) -> None:
        data = {
            "kind": "ldap",
            "name": "Rathaus-AD",
            "slug": "rathaus-ad",
            "enabled": "on",
            "server_url": "ldaps://dc1.town.test",
            "bind_dn": "cn=etappe,dc=town,dc=test",
            "user_search_base": "dc=town,dc=test",
            "user_filter": "(mail={username})",
            "scopes": "openid",
        }
        response = self.client.post(reverse("sso:provider_new"), data)
        provider = IdentityProvider.objects.get(slug="rathaus-ad")
        self.assertRedirects(response, provider.get_absolute_url())
        page = self.client.get(provider.get_absolute_url())
        self.assertContains(page, "ETAPPE_SSO_RATHAUS_AD_BIND_PASSWORD")
        self.assertContains(page, "not set")
        with override_env(ETAPPE_SSO_RATHAUS_AD_BIND_PASSWORD="x"):
            self.assertEqual(provider.secrets_state(), [("ETAPPE_SSO_RATHAUS_AD_BIND_PASSWORD", True)])

    def test_a_provider_without_what_its_kind_needs_is_refused(self) -> None:
        response = self.client.post(reverse("sso:provider_new"), {"kind": "oidc", "name": "X", "slug": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(IdentityProvider.objects.filter(slug="x").exists())

    def test_the_oidc_page_shows_the_redirect_uri(self) -> None:
        self.assertContains(self.client.get(self.provider.get_absolute_url()), "/sso/kc-town/oidc/callback/")

    def test_mappings_are_edited_and_a_row_needs_a_role_or_a_unit(self) -> None:
        url = reverse("sso:mapping_new", args=[self.provider.pk])
        self.assertEqual(self.client.post(url, {"group": "g"}).status_code, 400)
        response = self.client.post(url, {"group": "etappe-staff", "role": Role.STAFF, "unit": self.office.pk})
        self.assertRedirects(response, self.provider.get_absolute_url())
        self.assertContains(self.client.get(self.provider.get_absolute_url()), "etappe-staff")

    def test_the_preview_shows_role_and_units_for_typed_groups(self) -> None:
        GroupMapping.objects.create(provider=self.provider, group="etappe-staff", role=Role.STAFF, unit=self.office)
        GroupMapping.objects.create(provider=self.provider, group="etappe-council", role=Role.COUNCIL)
        response = self.client.get(
            reverse("sso:preview", args=[self.provider.pk]), {"groups": "etappe-council\netappe-staff\nunknown"}
        )
        self.assertContains(response, "Department staff")
        self.assertContains(response, "Ordnungsamt")
        self.assertContains(response, "unknown")

    def test_switching_local_passwords_off_is_refused_while_no_provider_is_ready(self) -> None:
        self.provider.enabled = True
        self.provider.save()  # its client secret is not set
        response = self.client.post(reverse("sso:providers"), {"confirm": "1"})
        self.assertContains(response, "No enabled identity provider is ready", status_code=400)
        self.assertTrue(SsoSettings.load().staff_password_login)

    def test_switching_local_passwords_off_needs_a_confirmation(self) -> None:
        self.provider.enabled = True
        self.provider.save()
        with override_env(ETAPPE_SSO_KC_TOWN_CLIENT_SECRET="s"):
            response = self.client.post(reverse("sso:providers"), {})
            self.assertContains(response, "Switch local passwords of staff off?")
            self.assertContains(response, "Keycloak (OpenID Connect)")
            self.assertContains(response, 'name="confirm" value="1"')
            self.assertTrue(SsoSettings.load().staff_password_login)
            self.assertRedirects(self.client.post(reverse("sso:providers"), {"confirm": "1"}), reverse("sso:providers"))
        self.assertFalse(SsoSettings.load().staff_password_login)
        # Switching them on again needs no confirmation.
        self.client.post(reverse("sso:providers"), {"staff_password_login": "on"})
        self.assertTrue(SsoSettings.load().staff_password_login)
        entries = LogEntry.objects.get_for_object(SsoSettings.load())
        self.assertEqual({entry.actor for entry in entries}, {self.admin})  # in the audit trail

    def test_the_list_shows_the_status_of_each_provider(self) -> None:
        url = reverse("sso:providers")
        self.assertContains(self.client.get(url), "switched off")
        self.provider.enabled = True
        self.provider.save()
        self.assertContains(self.client.get(url), "secret missing")
        with override_env(ETAPPE_SSO_KC_TOWN_CLIENT_SECRET="s"):
            self.assertEqual(status(self.provider), Status.READY)
            mark_down(self.provider)
            self.assertContains(self.client.get(url), "last not reachable")
            mark_up(self.provider)
            self.assertContains(self.client.get(url), '<td class="kern-table__cell">ready</td>', html=False)

    def test_a_new_provider_starts_with_its_kind(self) -> None:
        chooser = self.client.get(reverse("sso:provider_new"))
        self.assertContains(chooser, 'href="?kind=oidc"')
        self.assertNotContains(chooser, 'name="discovery_url"')
        page = self.client.get(reverse("sso:provider_new"), {"kind": "oidc"})
        self.assertContains(page, "New identity provider: OpenID Connect")
        self.assertContains(page, 'name="discovery_url"')
        self.assertNotContains(page, 'name="server_url"')
        self.assertNotContains(page, 'name="idp_metadata_xml"')
        response = self.client.post(f"{reverse('sso:provider_new')}?kind=oidc", {"name": "X", "slug": "x"})
        self.assertContains(response, "This field is required for OpenID Connect.", count=2, status_code=400)
        self.assertFalse(IdentityProvider.objects.filter(slug="x").exists())

    def test_an_ldap_server_url_needs_its_scheme(self) -> None:
        data = {"name": "AD", "slug": "ad2", "server_url": "dc1.town.local", "user_dn_template": "uid={username}"}
        url = f"{reverse('sso:provider_new')}?kind=ldap"
        self.assertContains(self.client.post(url, data), "ldaps://", status_code=400)
        self.assertEqual(self.client.post(url, data | {"server_url": "ldaps://dc1.town.local:636"}).status_code, 302)
        self.assertEqual(IdentityProvider.objects.get(slug="ad2").kind, "ldap")

    def test_the_saml_metadata_advertises_only_sha2(self) -> None:
        saml = IdentityProvider.objects.create(kind="saml", name="IdP", slug="idp", idp_metadata_xml="<x/>")
        metadata = self.client.get(reverse("sso:saml_metadata", args=[saml.slug])).content.decode()
        self.assertIn("EntityDescriptor", metadata)
        for weak in ("md5", "ripemd160", "sha1", "sha224"):
            self.assertNotIn(weak, metadata)

    def test_the_provider_page_warns_when_the_base_url_is_another(self) -> None:
        warning = "built from ETAPPE_BASE_URL"
        with self.settings(ETAPPE_BASE_URL="http://testserver"):
            self.assertNotContains(self.client.get(self.provider.get_absolute_url()), warning)
        with self.settings(ETAPPE_BASE_URL="https://etappe.example.de"):
            page = self.client.get(self.provider.get_absolute_url())
        self.assertContains(page, warning)
        self.assertContains(page, "https://etappe.example.de/sso/kc-town/oidc/callback/")

    def test_a_group_is_mapped_once(self) -> None:
        url = reverse("sso:mapping_new", args=[self.provider.pk])
        self.client.post(url, {"group": "Bürgerbüro", "role": Role.STAFF})
        response = self.client.post(url, {"group": "Bürgerbüro", "role": Role.COUNCIL})
        self.assertContains(response, "This group is mapped already", status_code=400)
        mapping = GroupMapping.objects.get(provider=self.provider)
        edit = self.client.post(reverse("sso:mapping", args=[mapping.pk]), {"group": "Bürgerbüro", "role": "council"})
        self.assertEqual(edit.status_code, 302)  # its own row may be saved again
        # LDAP DNs compare without regard to case.
        ad = IdentityProvider.objects.create(kind="ldap", name="AD", slug="ad", server_url="ldap://x")
        GroupMapping.objects.create(provider=ad, group="CN=Staff,DC=t", role=Role.STAFF)
        response = self.client.post(
            reverse("sso:mapping_new", args=[ad.pk]), {"group": "cn=staff,dc=t", "role": "council"}
        )
        self.assertEqual(response.status_code, 400)


class MappingRuleTests(English, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = IdentityProvider.objects.create(kind="ldap", name="AD", slug="ad", server_url="ldap://x")
        self.a, self.b = make_unit(name="A"), make_unit(name="B")
        GroupMapping.objects.create(provider=self.provider, group="CN=Admins,DC=t", role=Role.ADMINISTRATOR)
        GroupMapping.objects.create(provider=self.provider, group="CN=Staff,DC=t", role=Role.STAFF, unit=self.a)
        GroupMapping.objects.create(provider=self.provider, group="CN=Unit B,DC=t", unit=self.b)

    def test_no_mapped_group_gives_the_lowest_role(self) -> None:
        self.assertEqual(resolve(self.provider, []).role, Role.CITIZEN)
        self.assertEqual(resolve(self.provider, ["CN=Other,DC=t"]).role, Role.CITIZEN)

    def test_a_unit_alone_gives_no_role(self) -> None:
        outcome = resolve(self.provider, ["CN=Unit B,DC=t"])
        self.assertEqual((outcome.role, outcome.units), (Role.CITIZEN, [self.b]))

    def test_the_highest_mapped_role_wins_and_units_add_up(self) -> None:
        outcome = resolve(self.provider, ["cn=staff,dc=t", "CN=Unit B,DC=t", "CN=Admins,DC=t"])
        self.assertEqual(outcome.role, Role.ADMINISTRATOR)
        self.assertEqual(outcome.units, [self.a, self.b])
