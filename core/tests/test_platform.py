import re

from auditlog.models import LogEntry
from django.urls import reverse

from installation.testing import BaseTestCase


class SecurityHeaderTests(BaseTestCase):
    def test_pages_send_a_strict_content_security_policy(self) -> None:
        response = self.client.get("/")
        csp = response.headers["Content-Security-Policy"]
        self.assertIn("default-src 'self'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertNotIn("unsafe-eval", csp)
        self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response.headers["Referrer-Policy"], "same-origin")
        self.assertEqual(response.headers["X-Frame-Options"], "DENY")

    def test_forms_are_csrf_protected(self) -> None:
        client = self.client_class(enforce_csrf_checks=True)
        client.force_login(self.team, backend="django.contrib.auth.backends.ModelBackend")
        response = client.post(reverse("strategy:glossary_create"), {"term": "x", "definition": "y", "position": 0})
        self.assertEqual(response.status_code, 403)


class AccessibilityMarkupTests(BaseTestCase):
    def test_every_page_has_a_skip_link_landmarks_and_a_language(self) -> None:
        self.login(self.team)
        for url in (
            "/",
            self.field.get_absolute_url(),
            reverse("strategy:edit"),
            reverse("accounts:profile"),
            reverse("core:audit_log"),
        ):
            response = self.client.get(url)
            self.assertContains(response, 'href="#main"', msg_prefix=url)
            self.assertContains(response, '<main id="main"', msg_prefix=url)
            self.assertContains(response, "<header", msg_prefix=url)
            self.assertContains(response, "<footer", msg_prefix=url)
            self.assertContains(response, '<html lang="de"', msg_prefix=url)

    def test_pages_load_nothing_from_other_hosts(self) -> None:
        self.login(self.admin)
        for url in (
            "/",
            self.field.get_absolute_url(),
            reverse("accounts:login"),
            reverse("municipality:configure"),
            "/api/v1/docs",
        ):
            html = self.client.get(url).content.decode()
            external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]+"', html)
            # Only plain links (<a href>) may point elsewhere; nothing loaded (src, stylesheets) may.
            loaded = [m for m in external if m.startswith("src")] + re.findall(
                r'<link[^>]+href="(?:https?:)?//[^"]+"', html
            )
            self.assertEqual(loaded, [], url)
            self.assertNotIn("@import", html)


class HealthTests(BaseTestCase):
    def test_healthz_reports_the_database_state(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "ok")


class AuditLogPageTests(BaseTestCase):
    def test_the_team_sees_every_change_and_filters_by_person(self) -> None:
        self.login(self.team)
        self.client.post(
            reverse("strategy:field_edit", args=[self.field.pk]),
            {"title": "Umbenannt", "description": "", "position": 0},
        )
        response = self.client.get(reverse("core:audit_log"), {"actor": self.team.pk})
        self.assertContains(response, "Umbenannt")
        response = self.client.get(reverse("core:audit_log"), {"actor": self.admin.pk})
        self.assertNotContains(response, "Umbenannt")

    def test_others_may_not_read_the_whole_audit_trail(self) -> None:
        for user in (self.citizen, self.staff, self.council):
            self.login(user)
            self.assertEqual(self.client.get(reverse("core:audit_log")).status_code, 403)

    def test_it_paginates(self) -> None:
        self.login(self.team)
        for i in range(30):
            self.client.post(
                reverse("strategy:field_edit", args=[self.field.pk]),
                {"title": f"Titel {i}", "description": "", "position": 0},
            )
        self.assertGreater(LogEntry.objects.count(), 25)
        response = self.client.get(reverse("core:audit_log"))
        self.assertContains(response, "Seite 1 von")
        self.assertEqual(len(response.context["page"].object_list), 25)


class ErrorPageTests(BaseTestCase):
    def test_unknown_pages_get_a_german_404_page(self) -> None:
        response = self.client.get("/gibt-es-nicht/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Seite nicht gefunden", status_code=404)


class AuditQueryTests(BaseTestCase):
    def test_the_audit_trail_page_does_not_query_per_entry(self) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from installation.testing import make_goal

        self.login(self.team)

        def count() -> int:
            with CaptureQueriesContext(connection) as context:
                self.assertEqual(self.client.get(reverse("core:audit_log")).status_code, 200)
            return len(context.captured_queries)

        # The page loads the objects its entries name once per kind of object: fill it with one kind,
        # then add more entries of that kind.
        for i in range(25):
            make_goal(field=self.field, title=f"Ziel {i}")
        before = count()
        for i in range(25, 35):
            make_goal(field=self.field, title=f"Ziel {i}")
        self.assertEqual(count(), before)
