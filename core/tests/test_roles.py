"""Each role sees what it may see and nothing more: one table, every foundation page."""

from django.urls import reverse

from core.testing import BaseTestCase

ALL = ["anonymous", "citizen", "staff", "lead", "council", "team", "admin"]
INTERNAL = ["staff", "lead", "council", "team", "admin"]
TEAM = ["team", "admin"]


class RoleMatrixTests(BaseTestCase):
    def expectations(self) -> list[tuple[str, list[str]]]:
        """URL → the personas that get 200; anonymous visitors are sent to the login, others get 403."""
        return [
            ("/", ALL),
            (reverse("strategy:field_detail", args=[self.field.pk]), ALL),
            (reverse("accounts:login"), ["anonymous"]),
            (reverse("accounts:register"), ["anonymous"]),
            (reverse("accounts:profile"), ALL[1:]),
            (reverse("accounts:tokens"), INTERNAL),
            (reverse("accounts:organisation"), INTERNAL),
            (reverse("strategy:history", args=["strategy", self.strategy.pk]), INTERNAL),
            (reverse("strategy:edit"), TEAM),
            (reverse("strategy:glossary_create"), TEAM),
            (reverse("strategy:field_edit", args=[self.field.pk]), TEAM),
            (reverse("strategy:goal_create", args=[self.field.pk]), TEAM),
            (reverse("core:audit_log"), TEAM),
            (reverse("municipality:configure"), ["admin"]),
            ("/admin/", ["admin"]),
        ]

    def test_each_role_gets_exactly_what_it_may_see(self) -> None:
        for url, allowed in self.expectations():
            for name, user in self.personas().items():
                self.login(user)
                status = self.client.get(url).status_code
                if name in allowed:
                    self.assertEqual(status, 200, f"{name} GET {url}")
                elif name == "anonymous" or url == "/admin/":
                    self.assertEqual(status, 302, f"{name} GET {url}")
                elif url in (reverse("accounts:login"), reverse("accounts:register")):
                    self.assertIn(status, (200, 302), f"{name} GET {url}")
                else:
                    self.assertEqual(status, 403, f"{name} GET {url}")
