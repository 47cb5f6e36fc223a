"""Values a person can read, and the right German word where one English word means two things."""

from datetime import date
from decimal import Decimal

from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone, translation

from core.templatetags.readable import number, period, short_date
from exchange.models import Peer, ReceivedItem
from installation.testing import BaseTestCase
from learning.testing import make_session
from lessons.testing import make_lesson
from projects.models import Kpi, Measurement, Project


class NumberTests(SimpleTestCase):
    def test_it_shows_whole_numbers_without_decimals_and_others_as_precise_as_they_are(self) -> None:
        with translation.override("de"):
            self.assertEqual(
                [number(v) for v in (Decimal("1000.00"), Decimal("0.00"), Decimal("12.50"), 3.333, 7, None)],
                ["1.000", "0", "12,5", "3,33", "7", ""],
            )
        with translation.override("en"):
            self.assertEqual([number(Decimal("1000.00")), number(Decimal("12.50"))], ["1,000", "12.5"])

    def test_a_period_says_which_end_is_not_set(self) -> None:
        with translation.override("de"):
            self.assertEqual(period(date(2025, 3, 1), date(2025, 12, 31)), "01.03.2025 – 31.12.2025")
            self.assertEqual(period(date(2025, 3, 1), None), "ab 01.03.2025, Ende noch nicht festgelegt")
            self.assertEqual(period(None, "2025-12-31"), "Beginn noch nicht festgelegt, Ende 31.12.2025")
            self.assertEqual(period(None, None), "noch nicht festgelegt")
            self.assertEqual(short_date("2025-01-10"), "10.01.2025")


class ReadablePagesTests(BaseTestCase):
    def test_key_figures_show_counts_as_whole_numbers(self) -> None:
        project = Project.objects.create(title="Bürger-App")
        kpi = Kpi.objects.create(project=project, name="Aktive Nutzende", target=Decimal("1000.00"))
        Measurement.objects.create(kpi=kpi, measured_on=date(2025, 11, 30), value=Decimal("64.00"))
        response = self.client.get(project.get_absolute_url())
        self.assertContains(response, "Ausgangswert 0, Zielwert 1.000")
        self.assertContains(response, "30.11.2025: 64<")
        self.assertNotContains(response, ",00")

    def test_edit_forms_show_stored_values_as_they_were_written(self) -> None:
        project = Project.objects.create(title="Bürger-App")
        kpi = Kpi.objects.create(
            project=project, name="Aktive Nutzende", target=Decimal("1000.00"), baseline=Decimal("12.50")
        )
        self.login(self.team)
        response = self.client.get(reverse("projects:kpi_edit", kwargs={"pk": kpi.pk}))
        self.assertContains(response, 'name="target" value="1000"')
        self.assertContains(response, 'name="baseline" value="12.5"')

    def test_a_project_without_dates_says_they_are_not_set(self) -> None:
        project = Project.objects.create(title="Ohne Termine")
        response = self.client.get(project.get_absolute_url())
        self.assertContains(response, "noch nicht festgelegt")
        self.assertNotContains(response, "– – –")

    def test_workflow_states_are_status_and_the_municipalitys_state_is_bundesland(self) -> None:
        self.login(self.team)
        for url in (reverse("lessons:list"), reverse("maturity:index")):
            response = self.client.get(url)
            self.assertContains(response, "Status", msg_prefix=url)
            self.assertNotContains(response, "Bundesland", msg_prefix=url)
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("municipality:configure")), "Bundesland")

    def test_a_learning_session_asks_to_sign_up_not_to_register(self) -> None:
        self.login(self.staff)
        response = self.client.get(make_session(days=3).get_absolute_url())
        self.assertContains(response, '<span class="kern-label">Anmelden</span>', html=False)
        self.assertNotContains(response, "Registrieren")

    def test_authors_and_benefits_read_gender_fair_with_their_article(self) -> None:
        response = self.client.get(make_lesson(title="Chatbot").get_absolute_url())
        self.assertContains(response, "Verfasserinnen und Verfasser")
        self.assertContains(self.client.get(reverse("ideas:create")), "Nützt den Beschäftigten")

    def test_peers_show_a_note_without_time_and_received_dates_in_german(self) -> None:
        peer = Peer.objects.create(url="https://etappe.musterstadt.example", name="Musterstadt", last_error="Demo")
        item = ReceivedItem.objects.create(
            peer=peer,
            kind="project",
            uid="urn:etappe:x:project:1",
            municipality="Musterstadt",
            title="E-Akte",
            document={
                "milestones": [{"title": "Scanner beschafft", "done_on": "2025-01-10", "due_on": "2024-12-31"}],
                "kpis": [{"name": "Akten", "baseline": 0.0, "target": 1000.0, "measurements": []}],
                "planned_start": "2024-09-01",
            },
            remote_changed_at=timezone.now(),
            signature="x",
        )
        self.login(self.team)
        peers = self.client.get(reverse("exchange:peers"))
        self.assertContains(peers, '<td class="kern-table__cell">Demo</td>', html=False)
        page = self.client.get(reverse("exchange:item_detail", kwargs={"pk": item.pk}))
        self.assertContains(page, "erreicht am 10.01.2025")
        self.assertContains(page, "Zielwert 1.000")
        self.assertContains(page, "ab 01.09.2024, Ende noch nicht festgelegt")
        self.assertNotContains(page, "2025-01-10")


class AdminUserFormTests(BaseTestCase):
    def test_the_user_form_of_the_django_admin_reads_german(self) -> None:
        self.login(self.admin)
        change = self.client.get(reverse("admin:accounts_user_change", args=[self.staff.pk]))
        self.assertContains(change, "Passwörter werden nicht im Klartext gespeichert")
        self.assertNotContains(change, "Raw passwords")
        self.assertNotContains(change, ">Unit<")  # the memberships' column is named
        add = self.client.get(reverse("admin:accounts_user_add"))
        self.assertContains(add, "Anmeldung mit Passwort")
        self.assertNotContains(add, "After you’ve created a user")

    def test_the_admins_lists_name_their_search_and_action_in_german(self) -> None:
        self.login(self.admin)
        response = self.client.get(reverse("admin:accounts_user_changelist"))
        self.assertContains(response, "Benutzerkonten durchsuchen")
        self.assertContains(response, "Ausführen")
        self.assertNotContains(response, "Search Benutzerkonten")


class GrammarTests(BaseTestCase):
    def test_the_lesson_form_asks_for_its_subject_so_the_choices_read_as_they_stand(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("lessons:create"))
        self.assertContains(response, "Gegenstand des Berichts")
        self.assertNotContains(response, "Bericht über")  # "Bericht über der Strategieprozess" was wrong
