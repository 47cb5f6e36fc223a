"""SAML 2.0 against pysaml2's own IdP: a valid answer signs in; a tampered, expired, replayed or
foreign-audience answer is refused and creates nothing."""

import base64

from django.urls import reverse

from accounts.models import Role, User
from installation.testing import BaseTestCase, make_unit
from sso import saml
from sso.models import ExternalIdentity, GroupMapping, IdentityProvider
from sso.tests.base import English
from sso.tests.servers import SamlIdp
from twofactor.session import verified_method

MFA = "http://schemas.microsoft.com/claims/multipleauthn"


class SamlTests(English, BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.provider = IdentityProvider.objects.create(
            kind="saml",
            name="Landesportal",
            slug="land",
            enabled=True,
            idp_metadata_xml="<EntityDescriptor/>",
            groups_attribute="groups",
            email_attribute="mail",
            name_attribute="displayName",
            mfa_acr_values=MFA,
        )
        self.idp = self.make_idp()
        self.office = make_unit(name="Ordnungsamt")
        GroupMapping.objects.create(provider=self.provider, group="etappe-staff", role=Role.STAFF, unit=self.office)
        GroupMapping.objects.create(provider=self.provider, group="etappe-admins", role=Role.ADMINISTRATOR)

    def make_idp(self, **options) -> SamlIdp:
        idp = SamlIdp(saml.sp_metadata(self.provider), **options)
        self.addCleanup(idp.stop)
        self.provider.idp_metadata_xml = idp.metadata()
        self.provider.save()
        return idp

    def start(self) -> str:
        response = self.client.get(reverse("sso:login", args=["land"]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(SamlIdp.SSO_URL))
        return response["Location"]

    def post_answer(self, answer: str):
        acs = self.client.post(reverse("sso:saml_acs", args=["land"]), {"SAMLResponse": answer})
        self.assertContains(acs, 'name="SAMLResponse"')
        return self.client.post(reverse("sso:saml_finish", args=["land"]), {"SAMLResponse": answer}, follow=True)

    def anna(self, url: str, **options) -> str:
        attributes = {"mail": ["anna@town.test"], "displayName": ["Anna Amt"], "groups": ["etappe-staff"]}
        return self.idp.answer(url, subject="anna-7f3a", attributes=attributes, **options)

    def test_a_valid_answer_creates_the_account(self) -> None:
        response = self.post_answer(self.anna(self.start()))
        self.assertRedirects(response, reverse("workspace:home"))
        anna = User.objects.get(email="anna@town.test")
        self.assertEqual((anna.full_name, anna.role), ("Anna Amt", Role.STAFF))
        self.assertEqual(list(anna.units.all()), [self.office])
        self.assertEqual(ExternalIdentity.objects.get(user=anna).subject, "anna-7f3a")
        self.assertIsNone(verified_method(response.wsgi_request))  # a password at the IdP is one factor

    def test_the_idp_can_say_two_factors(self) -> None:
        response = self.post_answer(self.anna(self.start(), class_ref=MFA))
        self.assertEqual(verified_method(response.wsgi_request), "idp")

    def assert_refused(self, response, text: str = "could not be verified") -> None:
        self.assertContains(response, text)
        self.assertEqual(response.wsgi_request.path, reverse("accounts:login"))
        self.assertFalse(User.objects.filter(email="anna@town.test").exists())
        self.assertFalse(ExternalIdentity.objects.exists())

    def test_a_tampered_answer_is_refused(self) -> None:
        xml = base64.b64decode(self.anna(self.start())).decode()
        self.assertIn(">etappe-staff<", xml)
        tampered = base64.b64encode(xml.replace(">etappe-staff<", ">etappe-admins<").encode()).decode()
        self.assert_refused(self.post_answer(tampered))

    def test_an_expired_answer_is_refused(self) -> None:
        self.idp = self.make_idp(lifetime_minutes=-10)
        self.assert_refused(self.post_answer(self.anna(self.start())))

    def test_an_answer_for_another_audience_is_refused(self) -> None:
        answer = self.anna(self.start(), audience="https://other.example/sp")
        self.assert_refused(self.post_answer(answer))

    def test_a_replayed_answer_is_refused(self) -> None:
        answer = self.anna(self.start())
        self.post_answer(answer)
        self.client.logout()
        User.objects.filter(email="anna@town.test").update(full_name="Changed")
        response = self.post_answer(answer)
        self.assertContains(response, "could not be verified")
        self.assertEqual(User.objects.get(email="anna@town.test").full_name, "Changed")

    def test_an_unsolicited_answer_is_refused(self) -> None:
        url = self.start()
        self.client.session.flush()
        self.client.cookies.clear()
        self.assert_refused(self.post_answer(self.anna(url)))

    def test_the_metadata_is_published(self) -> None:
        response = self.client.get(reverse("sso:saml_metadata", args=["land"]))
        self.assertContains(response, "AssertionConsumerService")
        self.assertContains(response, saml.acs_url(self.provider))

    def test_unreadable_metadata_is_said_on_the_login_page(self) -> None:
        self.provider.idp_metadata_xml = ""
        self.provider.idp_metadata_url = "http://127.0.0.1:1/metadata"
        self.provider.save()
        response = self.client.get(reverse("sso:login", args=["land"]), follow=True)
        self.assertContains(response, "not reachable right now")
        self.assertContains(response, 'name="password"')  # the other way to sign in remains
