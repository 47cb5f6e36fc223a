"""Staff administration at /accounts/people/: list, invitations, roles and units, deactivation."""

import re
from datetime import timedelta
from unittest import mock

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Membership, Role, User, second_factor_status
from accounts.services import INVITATION_MAX_AGE, invitation_token, person_invite
from installation.testing import PASSWORD, BaseTestCase, make_unit, make_user

NEW_PASSWORD = "ein langes Passwort für den Test"


def mailed_link(message) -> str:
    match = re.search(r"https?://\S+/accounts/invitation/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def path_of(link: str) -> str:
    return link[link.index("/accounts/") :]


class PeopleListTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def test_it_is_for_administrators_only(self) -> None:
        url = reverse("accounts:people")
        self.login(None)
        self.assertIn(reverse("accounts:login"), self.client.get(url)["Location"])
        for persona in (self.citizen, self.staff, self.council, self.team):
            self.login(persona)
            self.assertEqual(self.client.get(url).status_code, 403, persona)
            self.assertEqual(
                self.client.post(reverse("accounts:person_deactivate", args=[self.staff.pk])).status_code, 403
            )
        self.staff.refresh_from_db()
        self.assertTrue(self.staff.is_active)
        self.login(self.admin)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_shows_role_units_state_last_login_and_second_factor(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("accounts:people"), headers={"accept-language": "de"})
        self.assertContains(response, "Sam Staff")
        self.assertContains(response, "FB 2.1 – Bürgerbüro")
        self.assertContains(response, "Fachbereich")  # the German label of the role (Department staff)
        self.assertContains(response, "nicht eingerichtet")
        with translation.override("en"):
            self.assertEqual(second_factor_status(self.staff), "not set up")

    def test_it_filters_and_sorts(self) -> None:
        other = make_unit(name="Ordnungsamt")
        invited = person_invite(
            full_name="Ina Invited", email="ina@example.org", role=Role.STAFF, units=[other], by=self.admin
        )
        gone = make_user(full_name="Gerd Gone", is_active=False)
        self.login(self.admin)

        def names(**query) -> list[str]:
            response = self.client.get(reverse("accounts:people"), query)
            return [person.full_name for person, _factor in response.context["rows"]]

        self.assertEqual(names(unit=self.unit.pk), ["Lena Lead", "Sam Staff"])
        self.assertEqual(names(role=Role.COUNCIL), ["Carl Council"])
        self.assertEqual(names(state="invited"), [invited.full_name])
        self.assertEqual(names(state="deactivated"), [gone.full_name])
        self.assertEqual(names(q="ADA"), ["Ada Admin"])
        self.assertEqual(names(q="citizen@"), ["Cleo Citizen"])
        self.assertEqual(names(role=Role.ADMINISTRATOR, sort="role"), ["Ada Admin"])
        self.assertEqual(names(sort="role")[0], "Ada Admin")
        self.assertIn("Ina Invited", names(role="nonsense"))  # an unknown value filters nothing

    def test_its_queries_do_not_grow_with_the_people(self) -> None:
        self.login(self.admin)
        url = reverse("accounts:people")
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        units = [make_unit() for _ in range(3)]
        for number in range(30):
            user = make_user()
            for unit in units[: number % 3 + 1]:
                Membership.objects.create(user=user, unit=unit)
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertEqual(len(response.context["rows"]), 36)
        self.assertEqual(len(few), len(many))


class InvitationTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def invite(self, **data):
        self.login(self.admin)
        fields = {"full_name": "Nina Neu", "email": "Nina@Example.org", "role": Role.STAFF, "units": [self.unit.pk]}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("accounts:person_invite"), {**fields, **data})

    def test_an_invitee_sets_their_own_password_and_logs_in(self) -> None:
        response = self.invite()
        self.assertRedirects(response, reverse("accounts:people"), fetch_redirect_response=False)
        nina = User.objects.get(email="nina@example.org")
        self.assertFalse(nina.has_usable_password())
        self.assertTrue(nina.invitation_pending)
        self.assertEqual(list(nina.units.all()), [self.unit])
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["nina@example.org"])
        self.assertIn("Ada Admin", mail.outbox[0].body)
        link = mailed_link(mail.outbox[0])
        self.assertTrue(link.startswith("http"))
        self.client.logout()
        self.assertContains(self.client.get(path_of(link)), "Nina Neu")
        response = self.client.post(path_of(link), {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        nina.refresh_from_db()
        self.assertFalse(nina.invitation_pending)
        response = self.client.post(
            reverse("accounts:login"), {"username": "nina@example.org", "password": NEW_PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), nina.pk)

    def test_a_used_link_is_refused_and_changes_nothing(self) -> None:
        self.invite()
        link = path_of(mailed_link(mail.outbox[0]))
        self.client.logout()
        self.client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        stored = User.objects.get(email="nina@example.org").password
        response = self.client.post(
            link, {"new_password1": "ein anderes langes Passwort", "new_password2": "ein anderes langes Passwort"}
        )
        self.assertContains(response, "not valid", status_code=400)
        self.assertEqual(User.objects.get(email="nina@example.org").password, stored)

    def test_an_expired_link_is_refused_with_a_clear_message(self) -> None:
        self.invite()
        link = path_of(mailed_link(mail.outbox[0]))
        self.client.logout()
        later = timezone.now().timestamp() + INVITATION_MAX_AGE + 60
        with mock.patch("django.core.signing.time.time", return_value=later):
            response = self.client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        self.assertContains(response, "expired", status_code=400)
        self.assertFalse(User.objects.get(email="nina@example.org").has_usable_password())
        german = self.client.get(link.replace("/invitation/", "/invitation/x"), headers={"accept-language": "de"})
        self.assertContains(german, "Einladungslink", status_code=400)

    def test_a_forged_link_is_refused(self) -> None:
        self.invite()
        nina = User.objects.get(email="nina@example.org")
        forged = signing.dumps({"user": nina.pk, "state": "0" * 64}, salt="etappe.accounts.invitation")
        self.assertEqual(self.client.get(reverse("accounts:invitation", args=[forged])).status_code, 400)
        self.assertEqual(
            self.client.get(reverse("accounts:invitation", args=[invitation_token(self.staff)])).status_code, 400
        )

    def test_resending_invalidates_the_earlier_link(self) -> None:
        self.invite()
        first = path_of(mailed_link(mail.outbox[0]))
        nina = User.objects.get(email="nina@example.org")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("accounts:person_resend", args=[nina.pk]))
        self.assertRedirects(response, reverse("accounts:person_edit", args=[nina.pk]), fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 2)
        second = path_of(mailed_link(mail.outbox[1]))
        self.assertNotEqual(first, second)
        self.client.logout()
        self.assertEqual(self.client.get(first).status_code, 400)
        self.assertEqual(self.client.get(second).status_code, 200)

    def test_an_accepted_invitation_is_not_sent_again(self) -> None:
        self.login(self.admin)
        response = self.client.post(reverse("accounts:person_resend", args=[self.staff.pk]), follow=True)
        self.assertContains(response, "already accepted")
        self.assertEqual(len(mail.outbox), 0)

    def test_an_address_with_an_account_is_refused(self) -> None:
        response = self.invite(email="Staff@example.org")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "has an account already", status_code=400)
        self.assertEqual(len(mail.outbox), 0)

    def test_a_deactivated_invitee_cannot_use_the_link(self) -> None:
        self.invite()
        link = path_of(mailed_link(mail.outbox[0]))
        nina = User.objects.get(email="nina@example.org")
        self.client.post(reverse("accounts:person_deactivate", args=[nina.pk]))
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 400)

    def test_the_invitation_and_who_sent_it_are_in_the_audit_trail(self) -> None:
        self.invite()
        nina = User.objects.get(email="nina@example.org")
        entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_pk=str(nina.pk))
        self.assertEqual([entry.actor for entry in entries.filter(action=LogEntry.Action.CREATE)], [self.admin])
        memberships = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Membership), object_repr__startswith="Nina Neu"
        )
        self.assertEqual([entry.actor for entry in memberships], [self.admin])


class EditAndDeactivateTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def test_an_administrator_changes_role_and_units(self) -> None:
        other = make_unit(name="Ordnungsamt")
        self.login(self.admin)
        response = self.client.post(
            reverse("accounts:person_edit", args=[self.lead.pk]),
            {"full_name": "Lena Lead", "role": Role.STRATEGY_TEAM, "units": [self.unit.pk, other.pk]},
        )
        self.assertRedirects(response, reverse("accounts:people"), fetch_redirect_response=False)
        self.lead.refresh_from_db()
        self.assertEqual(self.lead.role, Role.STRATEGY_TEAM)
        self.assertEqual(set(self.lead.units.all()), {self.unit, other})
        self.assertTrue(Membership.objects.get(user=self.lead, unit=self.unit).is_lead)  # kept
        change = LogEntry.objects.filter(object_pk=str(self.lead.pk), action=LogEntry.Action.UPDATE).latest("pk")
        self.assertEqual(change.actor, self.admin)
        self.assertEqual(change.changes["role"], ["staff", "strategy_team"])

    def test_deactivation_asks_first_and_ends_the_login(self) -> None:
        self.login(self.staff)
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)
        admin = self.client_class(HTTP_ACCEPT_LANGUAGE="en")
        admin.force_login(self.admin, backend="django.contrib.auth.backends.ModelBackend")
        confirm = admin.get(reverse("accounts:person_deactivate", args=[self.staff.pk]))
        self.assertContains(confirm, "Yes, deactivate")
        self.staff.refresh_from_db()
        self.assertTrue(self.staff.is_active)  # asking changes nothing
        admin.post(reverse("accounts:person_deactivate", args=[self.staff.pk]))
        self.staff.refresh_from_db()
        self.assertFalse(self.staff.is_active)
        response = self.client.get(reverse("accounts:profile"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.client.logout()
        response = self.client.post(reverse("accounts:login"), {"username": "staff@example.org", "password": PASSWORD})
        self.assertEqual(response.status_code, 200)  # the form again: no login
        self.assertNotIn("_auth_user_id", self.client.session)
        entry = LogEntry.objects.filter(object_pk=str(self.staff.pk)).latest("pk")
        self.assertEqual(entry.actor, self.admin)
        self.assertEqual(entry.changes["is_active"], ["True", "False"])
        # and back
        admin.post(reverse("accounts:person_reactivate", args=[self.staff.pk]))
        self.staff.refresh_from_db()
        self.assertTrue(self.staff.is_active)

    def test_an_administrator_cannot_deactivate_themselves(self) -> None:
        make_user(role=Role.ADMINISTRATOR)
        self.login(self.admin)
        response = self.client.post(reverse("accounts:person_deactivate", args=[self.admin.pk]))
        self.assertContains(response, "cannot deactivate your own account", status_code=400)
        self.admin.refresh_from_db()
        self.assertTrue(self.admin.is_active)

    def test_the_last_active_administrator_stays(self) -> None:
        second = make_user(role=Role.ADMINISTRATOR, full_name="Zweite Admin")
        # an invited administrator who has not set a password does not count
        person_invite(full_name="Ina", email="ina@example.org", role=Role.ADMINISTRATOR, units=[], by=self.admin)
        self.login(second)
        response = self.client.post(
            reverse("accounts:person_edit", args=[self.admin.pk]), {"full_name": "Ada Admin", "role": Role.STAFF}
        )
        self.assertRedirects(response, reverse("accounts:people"), fetch_redirect_response=False)
        self.login(second)
        response = self.client.post(
            reverse("accounts:person_edit", args=[second.pk]), {"full_name": "Zweite Admin", "role": Role.STAFF}
        )
        self.assertContains(response, "last active administrator", status_code=400)
        second.refresh_from_db()
        self.assertEqual(second.role, Role.ADMINISTRATOR)
        self.admin.role = Role.ADMINISTRATOR
        self.admin.save()
        self.admin.is_active = False
        self.admin.save()
        self.login(second)
        response = self.client.post(reverse("accounts:person_deactivate", args=[second.pk]))
        self.assertContains(response, "own account", status_code=400)

    def test_german_pages(self) -> None:
        self.login(self.admin)
        for url in (
            reverse("accounts:people"),
            reverse("accounts:person_invite"),
            reverse("accounts:people_import"),
            reverse("accounts:person_edit", args=[self.staff.pk]),
            reverse("accounts:person_deactivate", args=[self.staff.pk]),
        ):
            response = self.client.get(url, headers={"accept-language": "de"})
            self.assertEqual(response.status_code, 200, url)
            self.assertContains(response, "Personen")
        self.assertContains(self.client.get(reverse("accounts:people"), headers={"accept-language": "en"}), "People")

    def test_the_invitation_mail_is_german(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            person_invite(full_name="Nina", email="nina@example.org", role=Role.STAFF, units=[], by=self.admin)
        self.assertIn("eingeladen", mail.outbox[0].body)
        self.assertIn("Fachbereich", mail.outbox[0].body)
        self.assertLess(timezone.now() - User.objects.get(email="nina@example.org").invited_at, timedelta(minutes=1))
