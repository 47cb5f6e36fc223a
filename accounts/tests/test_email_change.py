"""Changing one's e-mail address: a link to the new address, a notice to the old one, the change
only when the logged-in person follows the link."""

import time
from unittest import mock

from auditlog.models import LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.test import RequestFactory
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import EMAIL_CHANGE_MAX_AGE, email_change_token
from installation.testing import PASSWORD, BaseTestCase, make_user

NEW = "neue.adresse@example.org"


def link_in(message) -> str:
    line = next(line for line in message.body.splitlines() if "/accounts/profile/email/" in line)
    return line[line.index("/accounts/") :].strip()


class EmailChangeTests(BaseTestCase):
    def request_change(self, email: str = NEW, password: str = PASSWORD):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("accounts:email_change"), {"email": email, "password": password})

    def confirm(self, path: str):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(path)

    def test_it_changes_the_address_only_when_the_link_to_the_new_address_is_followed(self) -> None:
        self.login(self.citizen)
        response = self.request_change(email="Neue.Adresse@Example.org")
        self.assertContains(response, NEW)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, "citizen@example.org")  # nothing changed yet
        confirmation, notice = mail.outbox
        self.assertEqual(confirmation.to, [NEW])
        self.assertEqual(notice.to, ["citizen@example.org"])
        self.assertIn(NEW, notice.body)
        self.assertIn(reverse("accounts:password_change"), notice.body)
        self.assertNotIn("/accounts/profile/email/", notice.body)  # the link only to the new address
        path = link_in(confirmation)
        # Opening the link asks (mail scanners open links); the button changes the address.
        response = self.client.get(path)
        self.assertContains(response, NEW)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, "citizen@example.org")
        self.assertRedirects(self.confirm(path), reverse("accounts:profile"))
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, NEW)
        done = mail.outbox[2]
        self.assertEqual(done.to, ["citizen@example.org"])
        self.assertIn(NEW, done.body)
        # The person stays logged in and now logs in with the new address.
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)
        request = RequestFactory().post("/accounts/login/")
        self.assertEqual(authenticate(request, username=NEW, password=PASSWORD), self.citizen)
        self.assertIsNone(authenticate(request, username="citizen@example.org", password=PASSWORD))

    def test_the_change_is_in_the_audit_trail_with_the_person_as_actor(self) -> None:
        self.login(self.citizen)
        self.request_change()
        self.confirm(link_in(mail.outbox[0]))
        entry = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_pk=str(self.citizen.pk)
        ).latest("timestamp")
        self.assertEqual(entry.changes_dict["email"], ["citizen@example.org", NEW])
        self.assertEqual(entry.actor, self.citizen)

    def test_it_asks_for_the_password_first(self) -> None:
        self.login(self.citizen)
        response = self.request_change(password="falsch-geraten")
        self.assertEqual(response.status_code, 400)
        self.assertIn("password", response.context["form"].errors)
        self.assertEqual(mail.outbox, [])

    def test_a_taken_address_is_refused_with_a_clear_message(self) -> None:
        self.login(self.citizen)
        response = self.request_change(email="Staff@example.org")
        self.assertEqual(response.status_code, 400)
        taken = _("A person with this e-mail address has an account already.")
        self.assertEqual(response.context["form"].errors["email"], [taken])
        self.assertContains(response, taken, status_code=400)
        self.assertEqual(mail.outbox, [])
        response = self.request_change(email="citizen@example.org")
        self.assertEqual(response.context["form"].errors["email"], [_("This is your current e-mail address already.")])

    def test_an_address_taken_after_the_link_was_sent_is_refused_and_nothing_changes(self) -> None:
        self.login(self.citizen)
        self.request_change()
        make_user(email=NEW)
        response = self.confirm(link_in(mail.outbox[0]))
        self.assertEqual(response.status_code, 400)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, "citizen@example.org")

    def test_a_link_works_once(self) -> None:
        self.login(self.citizen)
        self.request_change()
        path = link_in(mail.outbox[0])
        self.confirm(path)
        response = self.confirm(path)
        used = _("This link has already been used or was replaced. Please request the change again.")
        self.assertContains(response, used, status_code=400)
        self.assertEqual(len(mail.outbox), 3)

    def test_a_second_link_stops_working_once_the_first_was_used(self) -> None:
        self.login(self.citizen)
        self.request_change()
        self.request_change(email="dritte@example.org")
        first, second = link_in(mail.outbox[0]), link_in(mail.outbox[2])
        self.confirm(second)
        self.assertEqual(self.confirm(first).status_code, 400)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, "dritte@example.org")

    def test_a_new_password_makes_the_link_stop_working(self) -> None:
        self.login(self.citizen)
        self.request_change()
        path = link_in(mail.outbox[0])
        self.citizen.set_password("ein ganz neues Passwort")
        self.citizen.save()
        self.client.force_login(self.citizen)
        self.assertEqual(self.confirm(path).status_code, 400)

    def test_an_expired_link_is_refused(self) -> None:
        self.login(self.citizen)
        with mock.patch("time.time", return_value=time.time() - EMAIL_CHANGE_MAX_AGE - 5):
            token = email_change_token(self.citizen, NEW)
        response = self.confirm(reverse("accounts:email_change_confirm", args=[token]))
        self.assertContains(response, _("This link has expired. Please request the change again."), status_code=400)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, "citizen@example.org")

    def test_a_tampered_link_is_refused(self) -> None:
        self.login(self.citizen)
        token = email_change_token(self.citizen, NEW)
        _payload, rest = token.split(":", 1)
        forged = signing.dumps({"user": self.citizen.pk, "email": "boese@example.org", "state": "x"}).split(":", 1)[0]
        for bad in (token[:-2] + "xx", forged + ":" + rest, "kein-token"):
            response = self.confirm(reverse("accounts:email_change_confirm", args=[bad]))
            self.assertEqual(response.status_code, 400, bad)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.email, "citizen@example.org")

    def test_only_the_account_that_asked_can_use_the_link(self) -> None:
        path = reverse("accounts:email_change_confirm", args=[email_change_token(self.citizen, NEW)])
        self.login(self.staff)
        self.assertEqual(self.confirm(path).status_code, 403)
        self.client.logout()
        self.assertRedirects(self.client.get(path), f"{reverse('accounts:login')}?next={path}")
        self.citizen.refresh_from_db()
        self.staff.refresh_from_db()
        self.assertEqual((self.citizen.email, self.staff.email), ("citizen@example.org", "staff@example.org"))


class EmailFromTheDirectoryTests(BaseTestCase):
    """A person who signs in through single sign-on gets the address from the directory at every
    sign-in: it is not changed here, and the page says where it is."""

    def test_the_page_names_the_provider_instead_of_a_form(self) -> None:
        from sso.models import ExternalIdentity, IdentityProvider

        provider = IdentityProvider.objects.create(kind="ldap", name="Active Directory Rathaus", slug="ad")
        ExternalIdentity.objects.create(provider=provider, subject="guid-1", user=self.staff)
        self.login(self.staff)
        response = self.client.get(reverse("accounts:email_change"))
        self.assertContains(response, "Active Directory Rathaus")
        self.assertNotContains(response, 'name="email"')
        response = self.client.post(reverse("accounts:email_change"), {"email": "neu@example.org", "password": "x"})
        self.assertEqual(len(mail.outbox), 0)
        profile = self.client.get(reverse("accounts:profile"))
        self.assertNotContains(profile, reverse("accounts:email_change"))
        self.assertContains(profile, "Active Directory Rathaus")
