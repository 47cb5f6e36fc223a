from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from installation.testing import BaseTestCase, make_field, make_goal
from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy


class StrategyPageTests(BaseTestCase):
    def test_it_shows_the_strategy_on_the_start_page_in_german(self) -> None:
        response = self.client.get(reverse("strategy:detail"))
        self.assertContains(response, '<html lang="de"', html=False)
        self.assertContains(response, "Digitalstrategie Teststadt")
        self.assertContains(response, "Eine Stadt, in der digitale Wege kurz sind.")
        self.assertContains(response, "Unsere Vision")
        self.assertContains(response, "Digitale Verwaltungsleistungen")
        self.assertContains(response, "Top-50-Leistungen online")

    def test_it_shows_the_strategy_in_english_when_chosen(self) -> None:
        self.client.cookies["django_language"] = "en"
        response = self.client.get(reverse("strategy:detail"))
        self.assertContains(response, '<html lang="en"', html=False)
        self.assertContains(response, "Our vision")

    def test_it_shows_an_empty_state_without_a_strategy(self) -> None:
        Strategy.objects.all().delete()
        response = self.client.get(reverse("strategy:detail"))
        self.assertContains(response, "Es wurde noch keine Strategie geschrieben.")
        self.assertNotContains(response, reverse("strategy:edit"))

    def test_it_offers_writing_the_strategy_to_the_team_when_none_exists(self) -> None:
        Strategy.objects.all().delete()
        self.login(self.team)
        self.assertContains(self.client.get(reverse("strategy:detail")), reverse("strategy:edit"))

    def test_it_escapes_html_in_user_content(self) -> None:
        self.strategy.vision = "<script>alert(1)</script>"
        self.strategy.save()
        response = self.client.get(reverse("strategy:detail"))
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_it_shows_edit_links_only_to_the_strategy_team(self) -> None:
        edit_url = reverse("strategy:edit")
        for name, user in self.personas().items():
            self.login(user)
            response = self.client.get(reverse("strategy:detail"))
            if name in {"team", "admin"}:
                self.assertContains(response, edit_url, msg_prefix=name)
            else:
                self.assertNotContains(response, edit_url, msg_prefix=name)

    def test_its_query_count_does_not_grow_with_fields_and_goals(self) -> None:
        def count_queries() -> int:
            with CaptureQueriesContext(connection) as context:
                self.assertEqual(self.client.get(reverse("strategy:detail")).status_code, 200)
            return len(context.captured_queries)

        before = count_queries()
        for _ in range(5):
            field = make_field(strategy=self.strategy)
            for _ in range(4):
                make_goal(field=field)
        self.assertEqual(count_queries(), before)

    def test_field_page_lists_goals_with_targets(self) -> None:
        response = self.client.get(self.field.get_absolute_url())
        self.assertContains(response, "Top-50-Leistungen online")
        self.assertContains(response, "Anteil online")

    def test_field_page_answers_404_for_unknown_field(self) -> None:
        self.assertEqual(self.client.get(reverse("strategy:field_detail", args=[999999])).status_code, 404)


class StrategyEditingTests(BaseTestCase):
    def test_anonymous_visitors_are_sent_to_the_login(self) -> None:
        response = self.client.get(reverse("strategy:edit"))
        self.assertRedirects(response, reverse("accounts:login") + "?next=" + reverse("strategy:edit"))

    def test_roles_outside_the_strategy_team_may_not_edit(self) -> None:
        urls = [
            reverse("strategy:edit"),
            reverse("strategy:glossary_create"),
            reverse("strategy:field_create"),
            reverse("strategy:field_edit", args=[self.field.pk]),
            reverse("strategy:field_delete", args=[self.field.pk]),
            reverse("strategy:goal_create", args=[self.field.pk]),
            reverse("strategy:goal_edit", args=[self.goal.pk]),
            reverse("strategy:goal_delete", args=[self.goal.pk]),
            reverse("strategy:glossary_edit", args=[self.term.pk]),
            reverse("strategy:glossary_delete", args=[self.term.pk]),
        ]
        for user in (self.citizen, self.staff, self.lead, self.council):
            self.login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, f"{user.role} GET {url}")
                self.assertEqual(self.client.post(url, {"title": "x"}).status_code, 403, f"{user.role} POST {url}")
        self.assertTrue(FieldOfAction.objects.filter(pk=self.field.pk).exists())
        self.assertTrue(Goal.objects.filter(pk=self.goal.pk).exists())

    def test_the_team_edits_the_vision_and_it_is_audited(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("strategy:edit"),
            {
                "title": "Digitalstrategie 2030",
                "summary": "",
                "vision": "Neue Vision",
                "adopted_on": "2024-03-14",
                "adopted_by": "Rat",
                "decision_url": "",
            },
        )
        self.assertRedirects(response, reverse("strategy:detail"))
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.vision, "Neue Vision")
        entry = LogEntry.objects.get_for_object(self.strategy).latest("timestamp")
        self.assertEqual(entry.actor, self.team)
        self.assertEqual(entry.changes_dict["vision"], ["Eine Stadt, in der digitale Wege kurz sind.", "Neue Vision"])

    def test_invalid_input_shows_field_errors_in_german_and_saves_nothing(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("strategy:edit"),
            {"title": "", "vision": "", "adopted_on": "14.13.2024", "decision_url": "kein link"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dieses Feld ist zwingend erforderlich.")
        self.assertContains(response, "Bitte ein gültiges Datum eingeben.")
        self.assertContains(response, 'aria-invalid="true"')
        self.strategy.refresh_from_db()
        self.assertEqual(self.strategy.title, "Digitalstrategie Teststadt")

    def test_field_errors_are_english_for_english_users(self) -> None:
        self.login(self.team)
        self.client.cookies["django_language"] = "en"
        response = self.client.post(reverse("strategy:edit"), {"title": "", "vision": ""})
        self.assertContains(response, "This field is required.")

    def test_the_team_adds_a_glossary_entry_and_duplicates_are_refused(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("strategy:glossary_create"), {"term": "Open Data", "definition": "Offene Daten.", "position": 1}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(GlossaryEntry.objects.filter(term="Open Data").exists())
        response = self.client.post(
            reverse("strategy:glossary_create"), {"term": "digitalisierung", "definition": "Doppelt.", "position": 2}
        )
        self.assertContains(response, "Dieser Begriff ist im Glossar schon erklärt.")
        self.assertEqual(GlossaryEntry.objects.filter(term__iexact="digitalisierung").count(), 1)

    def test_the_team_adds_a_field_and_a_goal(self) -> None:
        self.login(self.team)
        self.client.post(
            reverse("strategy:field_create"), {"title": "Digitaler Arbeitsplatz", "description": "", "position": 2}
        )
        field = FieldOfAction.objects.get(title="Digitaler Arbeitsplatz")
        response = self.client.post(
            reverse("strategy:goal_create", args=[field.pk]),
            {
                "field": field.pk,
                "title": "Laptops für alle",
                "indicator": "Anteil Arbeitsplätze",
                "target_value": "100",
                "unit": "%",
                "position": 0,
            },
        )
        self.assertRedirects(
            response, field.get_absolute_url() + f"#goal-{field.goals.get().pk}", fetch_redirect_response=False
        )

    def test_a_target_needs_an_indicator(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("strategy:goal_create", args=[self.field.pk]),
            {"field": self.field.pk, "title": "Ohne Indikator", "target_value": "5", "position": 0},
        )
        self.assertContains(response, "Nennen Sie den Indikator, auf den sich das Ziel bezieht.")
        self.assertFalse(Goal.objects.filter(title="Ohne Indikator").exists())

    def test_a_goal_cannot_be_moved_to_a_field_of_another_strategy(self) -> None:
        other = make_field(strategy=Strategy.objects.create(title="Andere", vision="x"))
        self.login(self.team)
        response = self.client.post(
            reverse("strategy:goal_edit", args=[self.goal.pk]), {"field": other.pk, "title": "x", "position": 0}
        )
        self.assertEqual(response.status_code, 200)
        self.goal.refresh_from_db()
        self.assertEqual(self.goal.field, self.field)

    def test_deleting_asks_first_then_deletes_and_keeps_an_audit_record(self) -> None:
        self.login(self.team)
        url = reverse("strategy:field_delete", args=[self.field.pk])
        response = self.client.get(url)
        self.assertContains(response, "Ja, löschen")
        self.assertContains(response, "Das zugehörige Ziel wird mitgelöscht.")
        self.assertTrue(FieldOfAction.objects.filter(pk=self.field.pk).exists())
        self.assertRedirects(self.client.post(url), reverse("strategy:detail"))
        self.assertFalse(FieldOfAction.objects.filter(pk=self.field.pk).exists())
        self.assertFalse(Goal.objects.filter(pk=self.goal.pk).exists())
        deleted = LogEntry.objects.filter(
            action=LogEntry.Action.DELETE, object_repr="Digitale Verwaltungsleistungen"
        ).get()
        self.assertEqual(deleted.actor, self.team)


class HistoryTests(BaseTestCase):
    def test_internal_roles_see_the_history_of_an_object(self) -> None:
        self.login(self.team)
        self.client.post(
            reverse("strategy:field_edit", args=[self.field.pk]),
            {"title": "Neuer Titel", "description": "", "position": 0},
        )
        url = reverse("core:history", args=["field", self.field.pk])
        for user in (self.staff, self.council, self.team, self.admin):
            self.login(user)
            response = self.client.get(url)
            self.assertContains(response, "Tea Team")
            self.assertContains(response, "Neuer Titel")

    def test_citizens_may_not_see_the_history(self) -> None:
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("core:history", args=["field", self.field.pk])).status_code, 403)

    def test_unknown_kinds_answer_404(self) -> None:
        self.login(self.team)
        self.assertEqual(self.client.get(reverse("core:history", args=["user", self.team.pk])).status_code, 404)
