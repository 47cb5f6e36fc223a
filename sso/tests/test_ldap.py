"""LDAP bind against Debian's slapd: good bind, wrong password, disabled account, group → role."""

import time
from unittest import mock

from django.urls import reverse

from accounts.models import Role, User
from installation.testing import PASSWORD, BaseTestCase, make_unit
from sso import ldap
from sso.models import ExternalIdentity, GroupMapping, IdentityProvider, SsoSettings
from sso.status import is_down
from sso.tests.base import English
from sso.tests.servers import BASE, Slapd

PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
SERVICE_DN = f"cn=etappe,{BASE}"


def person(uid: str, name: str, password: str, *, disabled: bool = False) -> tuple[str, dict]:
    return (
        f"uid={uid},{PEOPLE}",
        {
            "objectClass": ["inetOrgPerson", "etappeTestAccount"],
            "cn": name,
            "sn": name.split()[-1],
            "displayName": name,
            "mail": f"{uid}@town.test",
            "userPassword": password,
            "userAccountControl": 514 if disabled else 512,
        },
    )


class LdapTests(English, BaseTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.slapd = Slapd()
        cls.slapd.load(
            [
                (BASE, {"objectClass": ["dcObject", "organization"], "dc": "town", "o": "Town"}),
                (PEOPLE, {"objectClass": ["organizationalUnit"], "ou": "people"}),
                (GROUPS, {"objectClass": ["organizationalUnit"], "ou": "groups"}),
                (SERVICE_DN, {"objectClass": ["person"], "cn": "etappe", "sn": "etappe", "userPassword": "svc-secret"}),
                person("anna", "Anna Amt", "anna-pass"),
                person("bert", "Bert Blocked", "bert-pass", disabled=True),
                person("carl", "Carl Clerk", "carl-pass"),
                (
                    f"cn=etappe-admins,{GROUPS}",
                    {"objectClass": ["groupOfNames"], "cn": "etappe-admins", "member": [f"uid=anna,{PEOPLE}"]},
                ),
                (
                    f"cn=buergerbuero,{GROUPS}",
                    {
                        "objectClass": ["groupOfNames"],
                        "cn": "buergerbuero",
                        "member": [f"uid=anna,{PEOPLE}", f"uid=carl,{PEOPLE}"],
                    },
                ),
            ]
        )
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls.slapd.stop()

    def setUp(self) -> None:
        super().setUp()
        self.provider = IdentityProvider.objects.create(
            kind="ldap",
            name="Rathaus-AD",
            slug="ad",
            enabled=True,
            server_url=self.slapd.url,
            bind_dn=SERVICE_DN,
            user_search_base=BASE,
            user_filter="(mail={username})",
        )
        self.office = make_unit(name="Bürgerbüro LDAP")
        GroupMapping.objects.create(provider=self.provider, group=f"cn=etappe-admins,{GROUPS}", role=Role.ADMINISTRATOR)
        GroupMapping.objects.create(
            provider=self.provider, group=f"cn=buergerbuero,{GROUPS}", role=Role.STAFF, unit=self.office
        )

    def log_in(self, email: str, password: str):
        with self.settings(), override_env(ETAPPE_SSO_AD_BIND_PASSWORD="svc-secret"):
            return self.client.post(reverse("accounts:login"), {"username": email, "password": password})

    def test_it_creates_the_account_at_the_first_bind_with_role_and_unit(self) -> None:
        response = self.log_in("anna@town.test", "anna-pass")
        self.assertEqual(response.status_code, 302)
        anna = User.objects.get(email="anna@town.test")
        self.assertEqual(anna.full_name, "Anna Amt")
        self.assertEqual(anna.role, Role.ADMINISTRATOR)  # the highest of her mapped groups
        self.assertEqual(list(anna.units.all()), [self.office])
        self.assertFalse(anna.has_usable_password())
        identity = ExternalIdentity.objects.get(user=anna)
        self.assertEqual(identity.provider, self.provider)
        self.assertNotIn("uid=", identity.subject)  # entryUUID, which survives a rename

    def test_it_updates_the_account_at_the_next_bind(self) -> None:
        self.log_in("carl@town.test", "carl-pass")
        carl = User.objects.get(email="carl@town.test")
        self.assertEqual(carl.role, Role.STAFF)
        GroupMapping.objects.filter(group__startswith="cn=buergerbuero").update(role=Role.COUNCIL, unit=None)
        self.client.logout()
        self.log_in("carl@town.test", "carl-pass")
        carl.refresh_from_db()
        self.assertEqual(carl.role, Role.COUNCIL)
        self.assertEqual(list(carl.units.all()), [])  # the unit the directory gave is gone
        self.assertEqual(User.objects.filter(email="carl@town.test").count(), 1)

    def test_a_wrong_password_is_refused_and_creates_nothing(self) -> None:
        response = self.log_in("anna@town.test", "wrong")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(User.objects.filter(email="anna@town.test").exists())
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_disabled_account_is_refused_with_a_message(self) -> None:
        response = self.log_in("bert@town.test", "bert-pass")
        self.assertContains(response, "disabled in the directory")
        self.assertFalse(User.objects.filter(email="bert@town.test").exists())

    def test_an_account_deactivated_in_etappe_stays_refused(self) -> None:
        self.log_in("carl@town.test", "carl-pass")
        User.objects.filter(email="carl@town.test").update(is_active=False)
        self.client.logout()
        response = self.log_in("carl@town.test", "carl-pass")
        self.assertContains(response, "deactivated")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_group_without_mapping_gives_the_lowest_role(self) -> None:
        GroupMapping.objects.all().delete()
        self.log_in("carl@town.test", "carl-pass")
        self.assertEqual(User.objects.get(email="carl@town.test").role, Role.CITIZEN)

    def test_a_dn_template_works_without_a_service_account(self) -> None:
        self.provider.bind_dn = ""
        self.provider.user_filter = ""
        self.provider.user_dn_template = f"uid={{username}},{PEOPLE}"
        self.provider.save()
        self.log_in("carl", "carl-pass")  # the form wants an address; the backend sees what it gets
        response = self.client.post(reverse("accounts:login"), {"username": "carl@town.test", "password": "carl-pass"})
        self.assertEqual(response.status_code, 200)  # uid=carl@town.test does not exist
        from sso import ldap

        entry = ldap.check(self.provider, "carl", "carl-pass")
        assert entry is not None
        self.assertEqual(entry.first("mail"), "carl@town.test")
        self.assertIn(f"cn=buergerbuero,{GROUPS}", entry.groups)
        self.assertIsNone(ldap.check(self.provider, "carl", "wrong"))

    def test_a_server_that_is_down_leaves_the_local_password(self) -> None:
        self.provider.server_url = "ldap://127.0.0.1:1"
        self.provider.save()
        response = self.client.post(reverse("accounts:login"), {"username": self.staff.email, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_a_server_that_is_down_is_skipped_for_a_while(self) -> None:
        self.provider.server_url = "ldap://127.0.0.1:1"  # a closed port
        self.provider.save()
        secret = override_env(ETAPPE_SSO_AD_BIND_PASSWORD="svc-secret")
        with secret, mock.patch("sso.backends.ldap.check", wraps=ldap.check) as check:
            for _attempt in range(2):
                started = time.monotonic()
                self.client.post(reverse("accounts:login"), {"username": "new@town.test", "password": "x"})
                self.assertLess(time.monotonic() - started, ldap.CONNECT_TIMEOUT + 1)
        self.assertEqual(check.call_count, 1)  # the second attempt does not ask (nor wait)
        self.assertTrue(is_down(self.provider))

    def test_local_accounts_without_a_link_are_not_looked_up(self) -> None:
        secret = override_env(ETAPPE_SSO_AD_BIND_PASSWORD="svc-secret")
        with secret, mock.patch("sso.backends.ldap.check", wraps=ldap.check) as check:
            for someone in (self.citizen, self.staff):
                response = self.client.post(
                    reverse("accounts:login"), {"username": someone.email, "password": PASSWORD}
                )
                self.assertEqual(response.status_code, 302)
                self.client.logout()
            self.assertEqual(check.call_count, 0)
            # A provider that links by e-mail is asked for staff, never for citizens.
            self.provider.link_by_email = True
            self.provider.save()
            for someone in (self.citizen, self.staff):
                self.client.post(reverse("accounts:login"), {"username": someone.email, "password": PASSWORD})
                self.client.logout()
            self.assertEqual(check.call_count, 1)
            # Once linked, the directory is asked.
            self.log_in("carl@town.test", "carl-pass")
            self.assertEqual(check.call_count, 2)

    def test_local_passwords_of_staff_with_sso_can_be_switched_off(self) -> None:
        self.log_in("carl@town.test", "carl-pass")
        carl = User.objects.get(email="carl@town.test")
        carl.set_password(PASSWORD)
        carl.save()
        self.client.logout()
        SsoSettings.objects.update_or_create(pk=1, defaults={"staff_password_login": False})
        self.provider.enabled = False
        self.provider.save()
        response = self.client.post(reverse("accounts:login"), {"username": carl.email, "password": PASSWORD})
        self.assertContains(response, "single sign-on")
        self.assertNotIn("_auth_user_id", self.client.session)
        # Staff without a provider account and citizens keep their password.
        for person in (self.staff, self.citizen):
            response = self.client.post(reverse("accounts:login"), {"username": person.email, "password": PASSWORD})
            self.assertEqual(response.status_code, 302, person)
            self.client.logout()


class override_env:
    """Set environment variables for a block (the providers' secrets come only from there)."""

    def __init__(self, **values: str) -> None:
        self.values = values
        self.saved: dict[str, str | None] = {}

    def __enter__(self) -> None:
        import os

        for name, value in self.values.items():
            self.saved[name] = os.environ.get(name)
            os.environ[name] = value

    def __exit__(self, *exc: object) -> None:
        import os

        for name, value in self.saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
