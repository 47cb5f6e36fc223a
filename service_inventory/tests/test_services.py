import csv
import io
from datetime import date, timedelta

from auditlog.models import LogEntry as AuditEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from installation.testing import BaseTestCase, make_idea, make_unit, make_user
from projects.models import Project
from service_inventory import charts
from service_inventory.models import LevelChange, LocalService
from service_inventory.testing import make_local, make_ozg, make_service


class InventoryTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.building = make_ozg(themenfeld="Bauen & Wohnen", lebenslage="Bauen & Immobilien")
        cls.family = make_ozg(themenfeld="Familie & Kind", lebenslage="Geburt")
        cls.permit = make_service(ozg=cls.building, name="Baugenehmigung Erteilung")
        cls.birth = make_service(ozg=cls.family, name="Geburtsurkunde Ausstellung")
        cls.loose = make_service(ozg=None, name="Angriffe durch Tiere", leika_key="")
        cls.local = make_local(
            service=cls.permit, unit=cls.unit, level=3, online_url="https://example.org/bau", cases_per_year=380
        )
        LevelChange.objects.create(local=cls.local, level=1, changed_on=date(2023, 2, 1))
        LevelChange.objects.create(local=cls.local, level=3, changed_on=date(2024, 5, 1))


class ListTests(InventoryTestCase):
    def test_it_lists_every_service_for_staff_and_filters(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("services:list"))
        self.assertContains(response, "Baugenehmigung Erteilung")
        self.assertContains(response, "Angriffe durch Tiere")
        self.assertEqual(response.context["page"].paginator.count, 3)
        cases = {
            "?themenfeld=Familie+%26+Kind": ["Geburtsurkunde Ausstellung"],
            "?lebenslage=Bauen+%26+Immobilien": ["Baugenehmigung Erteilung"],
            "?provided=yes": ["Baugenehmigung Erteilung"],
            "?provided=no": ["Angriffe durch Tiere", "Geburtsurkunde Ausstellung"],
            "?level=3": ["Baugenehmigung Erteilung"],
            "?level=0": [],
            f"?unit={self.unit.pk}": ["Baugenehmigung Erteilung"],
            "?q=urkunde+geburt": ["Geburtsurkunde Ausstellung"],
            "?sort=level": ["Baugenehmigung Erteilung", "Angriffe durch Tiere", "Geburtsurkunde Ausstellung"],
        }
        for query, names in cases.items():
            response = self.client.get(reverse("services:list") + query)
            self.assertEqual([s.name for s in response.context["page"].object_list], names, query)

    def test_bad_filter_values_show_everything_instead_of_failing(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("services:list") + "?level=9&unit=abc&sort=nope&page=999")
        self.assertEqual(response.status_code, 200)

    def test_the_htmx_request_gets_only_the_results(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("services:list") + "?q=Geburt", headers={"HX-Request": "true"})
        self.assertContains(response, "Geburtsurkunde Ausstellung")
        self.assertNotContains(response, "<html")

    def test_queries_per_page_do_not_grow_with_rows(self) -> None:
        self.login(self.team)
        url = reverse("services:list") + "?provided=yes&sort=cases"
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        units = [make_unit() for _ in range(3)]
        for i in range(40):
            service = make_service(ozg=self.building if i % 2 else self.family)
            make_local(service=service, unit=units[i % 3], level=i % 5, online_url="https://example.org/x")
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertEqual(response.context["page"].paginator.count, 41)
        self.assertEqual(len(many), len(few))

    def test_german_and_english(self) -> None:
        self.login(self.staff)
        self.assertContains(
            self.client.get(reverse("services:list"), headers={"accept-language": "de"}), "Leistungsinventar"
        )
        self.assertContains(
            self.client.get(reverse("services:list"), headers={"accept-language": "en"}), "Service inventory"
        )


class ExportTests(InventoryTestCase):
    def test_csv_holds_the_filtered_list(self) -> None:
        self.login(self.council)
        response = self.client.get(reverse("services:export_csv") + "?provided=yes")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][1], "Baugenehmigung Erteilung")
        self.assertIn("https://example.org/bau", rows[1])
        self.assertIn("380", rows[1])

    def test_xlsx_holds_every_service(self) -> None:
        self.login(self.staff)
        response = self.client.get(reverse("services:export_xlsx"))
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 4)
        self.assertIn("Angriffe durch Tiere", [row[1] for row in rows])

    def test_formulas_are_neutralised(self) -> None:
        self.local.pain_points = "=HYPERLINK(1)"
        self.local.save()
        self.login(self.staff)
        response = self.client.get(reverse("services:export_csv") + "?provided=yes")
        self.assertIn("'=HYPERLINK(1)", response.content.decode("utf-8-sig"))


class EditTests(InventoryTestCase):
    def post(self, service, **changes):
        data = {
            "provided": "on",
            "unit": self.unit.pk,
            "level": 3,
            "online_url": "https://example.org/bau",
            "cases_per_year": 380,
            "target_level": "",
            "target_date": "",
            "pain_points": "",
            "level_since": "",
        }
        data.update(changes)
        return self.client.post(
            reverse("services:edit", args=[service.pk]), {k: v for k, v in data.items() if v is not None}
        )

    def test_a_level_change_is_dated_and_in_the_audit_trail(self) -> None:
        self.login(self.lead)
        since = timezone.localdate() - timedelta(days=3)
        response = self.post(self.permit, level=4, target_level=4, level_since=since.isoformat())
        self.assertRedirects(response, self.permit.get_absolute_url())
        self.local.refresh_from_db()
        self.assertEqual(self.local.level, 4)
        self.assertEqual(list(self.local.level_changes.values_list("level", "changed_on"))[-1], (4, since))
        self.assertTrue(AuditEntry.objects.get_for_object(self.local).filter(actor=self.lead).exists())

    def test_saving_without_a_level_change_adds_no_history(self) -> None:
        self.login(self.team)
        self.post(self.permit, pain_points="Zu viel Papier")
        self.assertEqual(self.local.level_changes.count(), 2)

    def test_the_team_marks_a_new_service_as_provided(self) -> None:
        self.login(self.team)
        response = self.post(self.birth, level=0, online_url="")
        self.assertEqual(response.status_code, 302)
        local = LocalService.objects.get(service=self.birth)
        self.assertTrue(local.provided)
        self.assertEqual(list(local.level_changes.values_list("level", flat=True)), [0])

    def test_invalid_input_gets_form_errors(self) -> None:
        self.login(self.team)
        cases = [
            ({"level": 5}, "level"),
            ({"level": -1}, "level"),
            ({"level": 3, "target_level": 2}, "target_level"),
            ({"online_url": "keine adresse"}, "online_url"),
            ({"online_url": "javascript:alert(1)"}, "online_url"),
            ({"online_url": ""}, "online_url"),  # online at level 3 without a link
            ({"cases_per_year": -5}, "cases_per_year"),
            ({"target_date": "2030-01-01"}, "target_level"),
            ({"level": 4, "level_since": (timezone.localdate() + timedelta(days=2)).isoformat()}, "level_since"),
            ({"level": 4, "level_since": "2024-01-01"}, "level_since"),  # before the last change (2024-05-01)
        ]
        for changes, field in cases:
            response = self.post(self.permit, **changes)
            self.assertEqual(response.status_code, 200, changes)
            self.assertIn(field, response.context["form"].errors, changes)
        self.local.refresh_from_db()
        self.assertEqual((self.local.level, self.local.cases_per_year), (3, 380))

    def test_unit_staff_cannot_reassign_the_unit(self) -> None:
        other = make_unit(name="Standesamt")
        self.login(self.staff)
        self.post(self.permit, unit=other.pk)
        self.local.refresh_from_db()
        self.assertEqual(self.local.unit, self.unit)

    def test_staff_of_another_unit_may_not_edit(self) -> None:
        outsider = make_user(email="outsider@example.org")
        outsider.units.add(make_unit())
        self.login(outsider)
        self.assertEqual(self.post(self.permit, level=4).status_code, 403)
        self.assertEqual(self.client.get(reverse("services:edit", args=[self.birth.pk])).status_code, 403)


class BacklogTests(InventoryTestCase):
    def test_ideas_and_projects_are_linked_and_removed(self) -> None:
        idea = make_idea(title="Bauantrag komplett digital")
        project = Project.objects.create(title="Digitale Bauakte")
        self.login(self.lead)
        url = reverse("services:backlog_add", args=[self.permit.pk])
        self.client.post(url, {"idea": idea.pk})
        self.client.post(url, {"project": project.pk})
        self.assertEqual(list(self.local.ideas.all()), [idea])
        self.assertEqual(list(self.local.projects.all()), [project])
        detail = self.client.get(self.permit.get_absolute_url())
        self.assertContains(detail, "Bauantrag komplett digital")
        self.assertContains(detail, "Digitale Bauakte")
        self.client.post(reverse("services:backlog_remove", args=[self.permit.pk, "idea", idea.pk]))
        self.assertEqual(self.local.ideas.count(), 0)

    def test_unknown_or_empty_links_are_refused(self) -> None:
        self.login(self.team)
        url = reverse("services:backlog_add", args=[self.permit.pk])
        self.assertContains(self.client.post(url, {"idea": 999999}), "Eine Idee mit dieser Nummer gibt es nicht")
        self.assertContains(self.client.post(url, {}), "Bitte eine Idee oder ein Projekt wählen")


class OverviewTests(InventoryTestCase):
    def test_shares_by_topic_and_quarter(self) -> None:
        birth = make_local(service=self.birth, level=1, online_url="https://example.org/geburt")
        LevelChange.objects.create(local=birth, level=1, changed_on=date(2023, 8, 1))
        topics = {t.topic: (t.provided, t.online, t.share) for t in charts.share_by_topic(no_topic="-")}
        self.assertEqual(topics, {"Bauen & Wohnen": (1, 1, 100.0), "Familie & Kind": (1, 0, 0.0)})
        quarters = {q.label: (q.counted, q.online) for q in charts.progress_by_quarter(today=date(2024, 7, 1))}
        self.assertEqual(quarters["2023 Q1"], (1, 0))
        self.assertEqual(quarters["2023 Q3"], (2, 0))
        self.assertEqual(quarters["2024 Q2"], (2, 1))
        self.assertEqual(list(quarters)[-1], "2024 Q3")

    def test_the_page_shows_charts_with_tables(self) -> None:
        self.login(self.council)
        response = self.client.get(reverse("services:overview"))
        self.assertContains(response, 'class="service-chart"', count=2)
        self.assertContains(response, "<table", count=3)
        self.assertContains(response, "Bauen &amp; Wohnen")

    def test_the_chart_writes_shares_in_german(self) -> None:
        make_local(service=self.birth, level=3, online_url="https://example.org/geburt")
        self.login(self.council)
        response = self.client.get(reverse("services:overview"))
        self.assertContains(response, 'class="chart-value">100,0 %</text>')
        self.assertNotContains(response, "100.0 %")

    def test_an_empty_inventory_says_so(self) -> None:
        LocalService.objects.all().delete()
        self.login(self.staff)
        self.assertContains(
            self.client.get(reverse("services:overview"), headers={"accept-language": "en"}),
            "No services are marked as provided yet",
        )


class PublicPageTests(InventoryTestCase):
    def test_everyone_sees_provided_online_services_with_links(self) -> None:
        make_local(service=self.birth, level=0)
        make_local(service=self.loose, provided=False, level=2, online_url="https://example.org/nicht")
        response = self.client.get(reverse("services:online"))
        self.assertContains(response, "https://example.org/bau")
        self.assertNotContains(response, "Geburtsurkunde")
        self.assertNotContains(response, "https://example.org/nicht")
        self.assertNotContains(response, "380")  # case numbers stay internal
        self.assertContains(response, "KDN")  # about the data

    def test_detail_and_inventory_are_internal(self) -> None:
        self.login(self.citizen)
        self.assertEqual(self.client.get(self.permit.get_absolute_url()).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("services:list")).status_code, 302)
