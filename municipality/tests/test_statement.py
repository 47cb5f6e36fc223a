import datetime

from django.urls import reverse
from django.utils import timezone

from installation.testing import BaseTestCase
from municipality.models import Municipality
from municipality.statement import ACCESSIBILITY_STATEMENT_PREPARED


class StatementSettingsTests(BaseTestCase):
    url = reverse("municipality:configure")

    def post(self, **data: str):
        return self.client.post(self.url, {"save_statement": "1", **data})

    def test_the_administrator_names_contact_dates_and_enforcement_body_and_the_statement_shows_them(self) -> None:
        self.login(self.admin)
        response = self.post(
            contact_email="barrierefrei@teststadt.de",
            statement_prepared_on="2026-09-01",
            statement_reviewed_on="2026-11-15",
            enforcement_body="Landesbeauftragte für Barrierefreiheit <b>NRW</b>\nFürstenwall 25",
        )
        self.assertRedirects(response, self.url)
        self.login(None)
        statement = self.client.get(reverse("core:accessibility"))
        self.assertContains(statement, 'href="mailto:barrierefrei@teststadt.de"')
        self.assertContains(statement, "1. September 2026")
        self.assertContains(statement, "15. November 2026")
        self.assertContains(statement, "Landesbeauftragte für Barrierefreiheit &lt;b&gt;NRW&lt;/b&gt;")
        self.assertNotContains(statement, "<b>NRW</b>")

    def test_without_own_dates_the_statement_keeps_the_platforms_and_a_prepared_date_alone_is_the_review(self) -> None:
        statement = self.client.get(reverse("core:accessibility"))
        self.assertEqual(statement.context["prepared_on"], ACCESSIBILITY_STATEMENT_PREPARED)
        self.login(self.admin)
        self.post(statement_prepared_on="2026-10-01")
        statement = self.client.get(reverse("core:accessibility"))
        self.assertEqual(statement.context["prepared_on"], datetime.date(2026, 10, 1))
        self.assertEqual(statement.context["reviewed_on"], datetime.date(2026, 10, 1))

    def test_wrong_dates_and_addresses_are_refused_with_a_message_and_nothing_is_saved(self) -> None:
        self.login(self.admin)
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        cases = [
            ({"statement_prepared_on": tomorrow}, "Dieses Datum liegt in der Zukunft."),
            (
                {"statement_prepared_on": "2026-10-01", "statement_reviewed_on": "2026-09-01"},
                "Eine Überprüfung kann nicht vor der Erstellung der Erklärung liegen.",
            ),
            ({"statement_reviewed_on": "2026-09-01"}, "Geben Sie auch an, wann die Erklärung erstellt wurde."),
            ({"contact_email": "keine-adresse"}, "Bitte gültige E-Mail-Adresse eingeben."),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post(**data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        saved = Municipality.objects.current()
        self.assertEqual(
            (saved.contact_email, saved.statement_prepared_on, saved.statement_reviewed_on), ("", None, None)
        )

    def test_only_administrators_change_the_statement(self) -> None:
        for user in (None, self.citizen, self.staff, self.council, self.team):
            with self.subTest(user=user):
                self.login(user)
                response = self.post(contact_email="x@teststadt.de")
                self.assertIn(response.status_code, (302, 403))
                if user is None:
                    self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertEqual(Municipality.objects.current().contact_email, "")

    def test_choosing_the_municipality_still_works_beside_the_statement_form(self) -> None:
        self.login(self.admin)
        response = self.client.post(self.url, {"key": "05766008"})
        self.assertRedirects(response, self.url)
        self.assertEqual(Municipality.objects.current().ags, "05766008")
