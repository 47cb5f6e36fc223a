import json

from auditlog.context import set_actor
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.apps import apps
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import translation

from accounts import privacy
from accounts.models import ApiToken, Membership, User
from ideas.models import Follow, Idea, Moderation, Report, Support
from ideas.services import idea_support
from installation.testing import PASSWORD, BaseTestCase, make_comment, make_idea


def rows_containing(text: str) -> list[str]:
    """Every model whose text, e-mail or JSON columns hold `text` anywhere, in any row."""
    found = []
    for model in apps.get_models():
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not columns:
            continue
        condition = models.Q()
        for name in columns:
            condition |= models.Q(**{f"{name}__icontains": text})
        if model._base_manager.filter(condition).exists():
            found.append(model._meta.label)
    return found


class DataExportTests(BaseTestCase):
    def download(self) -> dict:
        response = self.client.get(reverse("accounts:data_export"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn("no-cache", response["Cache-Control"])
        return json.loads(response.content)

    def test_it_contains_the_persons_idea_and_comment_and_no_one_elses(self) -> None:
        own = make_idea(title="Bänke am Marktplatz", author=self.citizen)
        other = make_idea(title="Fremde Idee", author=self.staff)
        make_comment(idea=other, author=self.citizen, text="Mein Kommentar dazu")
        make_comment(idea=own, author=self.staff, text="Kommentar von jemand anderem")
        idea_support(idea=other, user=self.citizen)
        Follow.objects.create(idea=other, user=self.citizen)
        Report.objects.create(idea=other, reporter=self.citizen, reason="Doppelt")
        Report.objects.create(idea=own, reporter=self.staff, reason="Fremde Meldung")
        ApiToken.issue(user=self.citizen, name="Mein Skript")
        _token, other_key = ApiToken.issue(user=self.staff, name="Fremdes Token")
        self.login(self.citizen)

        data = self.download()
        sections = data["sections"]
        self.assertEqual(data["format"], "etappe-personal-data")
        self.assertEqual(sections["account"]["email"], "citizen@example.org")
        self.assertEqual([i["title"] for i in sections["ideas"]], ["Bänke am Marktplatz"])
        self.assertEqual([c["text"] for c in sections["comments"]], ["Mein Kommentar dazu"])
        self.assertEqual([s["idea"]["title"] for s in sections["supports"]], ["Fremde Idee"])
        self.assertEqual([f["idea"]["id"] for f in sections["follows"]], [other.pk])
        self.assertEqual([r["reason"] for r in sections["reports"]], ["Doppelt"])
        self.assertEqual([t["name"] for t in sections["api_tokens"]], ["Mein Skript"])
        text = json.dumps(data, ensure_ascii=False)
        for foreign in ("Kommentar von jemand anderem", "Fremde Meldung", "Fremdes Token", "staff@example.org"):
            self.assertNotIn(foreign, text)
        self.assertNotIn("etp_", text)  # token names only, never keys or their prefix
        self.assertNotIn(other_key, text)

    def test_it_lists_memberships_and_ideas_sent_without_an_account_from_the_same_address(self) -> None:
        make_idea(title="Ohne Konto eingereicht", author_name="Cleo", author_email="Citizen@Example.org")
        make_idea(title="Jemand anders ohne Konto", author_email="someone@example.org")
        self.login(self.staff)
        self.assertEqual(self.download()["sections"]["memberships"][0]["unit"], "Bürgerbüro")
        self.login(self.citizen)
        ideas = self.download()["sections"]["ideas"]
        self.assertEqual(
            [(i["title"], i["submitted_with_account"]) for i in ideas], [("Ohne Konto eingereicht", False)]
        )

    def test_it_contains_the_login_records_and_the_persons_audit_entries(self) -> None:
        self.client.post(
            reverse("accounts:login"),
            {"username": "citizen@example.org", "password": PASSWORD},
            headers={"user-agent": "Mein Browser/1.0"},
            REMOTE_ADDR="192.0.2.7",
        )
        self.client.logout()
        self.client.post(reverse("accounts:login"), {"username": "citizen@example.org", "password": "falsch"})
        with set_actor(self.citizen, remote_addr="192.0.2.7"):
            own = make_idea(title="Meine geloggte Idee", author=self.citizen)
        with set_actor(self.staff):
            make_idea(title="Fremde geloggte Idee", author=self.staff)

        # Straight from the registry: a new login would reset the failed attempts (AXES_RESET_ON_SUCCESS).
        sections = privacy.personal_data(self.citizen)["sections"]
        logins = sections["logins"]
        self.assertIn(
            ("192.0.2.7", "Mein Browser/1.0"), [(r["address"], r["user_agent"]) for r in logins["successful"]]
        )
        self.assertTrue(logins["failed"] or logins["counting_towards_lockout"])
        trail = sections["audit_trail"]
        self.assertIn(("create", "idea", str(own.pk)), [(e["action"], e["object_type"], e["object_id"]) for e in trail])
        self.assertIn("title", next(e for e in trail if e["object_id"] == str(own.pk))["fields"])
        self.assertNotIn("Fremde geloggte Idee", str(trail))

    def test_other_apps_can_add_a_section(self) -> None:
        privacy.register_section("newsletter", lambda user: {"subscribed": user.email.endswith(".org")})
        self.addCleanup(privacy._sections.pop, "newsletter")
        self.login(self.citizen)
        self.assertEqual(self.download()["sections"]["newsletter"], {"subscribed": True})

    def test_anonymous_users_are_sent_to_the_login(self) -> None:
        for name in ("accounts:data_export", "accounts:delete", "accounts:profile"):
            response = self.client.get(reverse(name))
            self.assertRedirects(response, f"{reverse('accounts:login')}?next={reverse(name)}")
            response = self.client.post(reverse(name), {"password": PASSWORD})
            self.assertEqual(response.status_code, 302)
        self.assertTrue(User.objects.filter(email="citizen@example.org", is_active=True).exists())

    def test_the_account_page_links_both(self) -> None:
        self.login(self.citizen)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, reverse("accounts:data_export"))
        self.assertContains(response, reverse("accounts:delete"))


class DeleteAccountTests(BaseTestCase):
    def setUp(self) -> None:
        # What a citizen leaves behind: an idea, a comment, a support, a follow, a report, a
        # token, a membership, a changed name, login records and audit entries as actor.
        with set_actor(self.citizen, remote_addr="192.0.2.7"):
            self.idea = make_idea(title="Sitzbänke am See", author=self.citizen)
            self.other = make_idea(title="Idee von Sam", author=self.staff)
            self.comment = make_comment(idea=self.other, author=self.citizen, text="Gute Idee!")
            Report.objects.create(idea=self.other, reporter=self.citizen, reason="Schon erledigt")
            self.membership = Membership.objects.create(user=self.citizen, unit=self.unit)
            self.citizen.full_name = "Cleo Citizen-Schmidt"
            self.citizen.save()
        idea_support(idea=self.other, user=self.citizen)
        Follow.objects.create(idea=self.other, user=self.citizen)
        ApiToken.issue(user=self.citizen, name="Skript")
        self.client.post(reverse("accounts:login"), {"username": "citizen@example.org", "password": "falsch"})
        self.log_in("citizen@example.org")
        self.assertLessEqual(
            {"accounts.User", "auditlog.LogEntry", "axes.AccessLog"}, set(rows_containing("citizen@example.org"))
        )
        self.assertIn("auditlog.LogEntry", rows_containing("Cleo Citizen"))
        self.assertTrue(LogEntry.objects.filter(remote_addr="192.0.2.7").exists())

    def log_in(self, email: str, expect_success: bool = True) -> None:
        """Through the login page, so that django-axes records the login as in real use."""
        self.client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
        self.assertEqual("_auth_user_id" in self.client.session, expect_success, email)

    def delete(self, password: str = PASSWORD):
        return self.client.post(reverse("accounts:delete"), {"password": password})

    def test_it_asks_for_the_password_first(self) -> None:
        response = self.client.get(reverse("accounts:delete"))
        self.assertContains(response, 'type="password"')
        self.assertContains(response, 'autocomplete="current-password"')

    def test_a_wrong_password_changes_nothing(self) -> None:
        before = {m: m.objects.count() for m in (User, Idea, Support, Follow, Report, ApiToken, Membership)}
        response = self.delete("falsch")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'aria-invalid="true"')
        self.assertEqual({m: m.objects.count() for m in before}, before)
        self.citizen.refresh_from_db()
        self.assertTrue(self.citizen.is_active)
        self.assertIsNone(self.citizen.erased_at)
        self.assertEqual(self.citizen.email, "citizen@example.org")
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.author, self.citizen)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.citizen.pk)

    def test_it_keeps_the_idea_anonymised_and_removes_the_email_from_the_database(self) -> None:
        response = self.delete()
        self.assertRedirects(response, reverse("core:home"))
        self.assertNotIn("_auth_user_id", self.client.session)

        self.idea.refresh_from_db()
        self.comment.refresh_from_db()
        self.other.refresh_from_db()
        self.assertEqual(self.idea.title, "Sitzbänke am See")
        self.assertIsNone(self.idea.author)
        self.assertEqual(self.idea.author_display, "anonym")
        self.assertIsNone(self.comment.author)
        self.assertEqual(self.other.support_count, 1)
        self.assertEqual(Support.objects.filter(idea=self.other).count(), 1)
        self.assertFalse(Follow.objects.filter(user=self.citizen).exists())
        self.assertFalse(ApiToken.objects.filter(user=self.citizen).exists())
        self.assertFalse(Membership.objects.filter(user=self.citizen).exists())
        self.assertIsNone(Report.objects.get(reason="Schon erledigt").reporter)

        account = User.objects.get(pk=self.citizen.pk)
        self.assertFalse(account.is_active)
        self.assertFalse(account.has_usable_password())
        self.assertIsNotNone(account.erased_at)
        with translation.override("en"):
            self.assertEqual(str(account), f"Deleted account #{account.pk}")
        for personal in ("citizen@example.org", "Cleo Citizen"):
            self.assertEqual(rows_containing(personal), [], personal)
        self.assertFalse(LogEntry.objects.filter(remote_addr="192.0.2.7").exists())
        self.assertFalse(AccessAttempt.objects.exists())
        self.log_in("citizen@example.org", expect_success=False)

        # The audit trail still tells who did what, under the pseudonym, and records the deletion.
        self.assertTrue(LogEntry.objects.filter(actor=account, object_repr="Gute Idee!").exists())
        deletion = LogEntry.objects.get_for_object(account).latest("timestamp")
        self.assertEqual(deletion.actor, account)
        self.assertIn("erased_at", deletion.changes)
        self.login(self.team)
        with translation.override("de"):
            self.assertContains(self.client.get(reverse("core:audit_log")), str(account))
        self.assertNotContains(self.client.get(self.idea.get_absolute_url()), "Cleo")

    def test_the_address_can_register_again_afterwards(self) -> None:
        self.delete()
        self.assertTrue(User.objects.filter(pk=self.citizen.pk).exists())
        self.assertFalse(User.objects.filter(email="citizen@example.org").exists())
        response = self.client.post(reverse("accounts:register"), {"email": "citizen@example.org"})
        self.assertEqual(response.status_code, 200)
        # The mail carries the link to set up a new account, not "you already have one".
        self.assertIn("/accounts/confirm/", mail.outbox[-1].body)

    def test_ideas_sent_without_an_account_from_the_same_address_lose_name_and_address(self) -> None:
        idea = make_idea(author_name="Cleo", author_email="citizen@example.org", moderation=Moderation.PENDING)
        self.delete()
        idea.refresh_from_db()
        self.assertEqual((idea.author_name, idea.author_email), ("", ""))

    def test_it_is_all_or_nothing(self) -> None:
        def fail(user: User) -> None:
            raise RuntimeError("an app's eraser failed")

        privacy.register_eraser("zz-failing", fail)
        self.addCleanup(privacy._erasers.pop, "zz-failing")
        with self.assertRaises(RuntimeError):
            self.delete()
        self.idea.refresh_from_db()
        self.assertEqual(self.idea.author, self.citizen)
        self.assertTrue(Follow.objects.filter(user=self.citizen).exists())
        self.assertEqual(User.objects.get(pk=self.citizen.pk).email, "citizen@example.org")

    def test_it_needs_a_csrf_token(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        client.force_login(self.citizen, backend="django.contrib.auth.backends.ModelBackend")
        self.assertEqual(client.post(reverse("accounts:delete"), {"password": PASSWORD}).status_code, 403)
        self.assertTrue(User.objects.get(pk=self.citizen.pk).is_active)

    def test_the_last_administrator_cannot_delete_their_account(self) -> None:
        self.client.logout()
        self.log_in("admin@example.org")
        self.assertNotContains(self.client.get(reverse("accounts:delete")), 'type="password"')
        self.client.post(reverse("accounts:delete"), {"password": PASSWORD})
        self.assertTrue(User.objects.get(pk=self.admin.pk).is_active)
