"""The audit trail and the history pages read like the rest of the site: names instead of numbers,
words instead of raw values, local times, and nothing a reader cannot make sense of."""

import datetime
import re
from decimal import Decimal

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from accounts.models import Role
from core.audit import FIELD_LABELS, _field, field_label, is_shown
from exchange.models import Peer
from ideas.models import Idea, Moderation
from installation.testing import BaseTestCase, make_field, make_goal, make_idea

TRAIL = reverse("core:audit_log")


def table(response) -> str:
    """The table of changes as text, tags removed."""
    html = response.content.decode()
    html = re.sub(r"</?(a|strong)\b[^>]*>", "", html[html.index("<table") : html.index("</table>")])
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class ValuesInWordsTests(BaseTestCase):
    def test_booleans_and_choices_read_in_words_in_german_and_english(self) -> None:
        with set_actor(self.admin):
            self.citizen.is_active = False
            self.citizen.role = Role.STAFF
            self.citizen.save()
        self.login(self.team)
        german = table(self.client.get(TRAIL))
        self.assertIn("Aktiv: ja → nein", german)
        self.assertIn("Rolle: Bürgerin/Bürger → Beschäftigte der Fachbereiche", german)
        self.assertNotIn("False", german)
        self.assertNotIn("citizen →", german)
        self.client.cookies["django_language"] = "en"
        english = table(self.client.get(TRAIL))
        self.assertIn("Active: yes → no", english)
        self.assertIn("Role: Citizen → Department staff", english)

    def test_times_are_local_in_the_readers_format_and_dates_too(self) -> None:
        Peer.objects.create(
            url="https://etappe.beispiel.example",
            name="Beispielstadt",
            added_at=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),
        )
        self.goal.target_date = datetime.date(2030, 12, 31)
        self.goal.save()
        self.login(self.team)
        text = table(self.client.get(TRAIL))
        self.assertIn("Hinzugefügt: 01.07.2026 12:00", text)  # 10:00 UTC is noon in Berlin in summer
        self.assertIn("Zieldatum: – → 31.12.2030", text)
        self.assertNotRegex(text, r"\d{4}-\d\d-\d\d")

    def test_numbers_have_no_needless_decimals(self) -> None:
        self.goal.target_value = 1000
        self.goal.save()
        self.login(self.team)
        self.assertIn("Zielwert: 100 → 1.000", table(self.client.get(TRAIL)))


class NamesAndLinksTests(BaseTestCase):
    def test_a_maturity_dimension_named_by_its_key_shows_its_title(self) -> None:
        from maturity.models import Target
        from maturity.services import questionnaire_ensure

        dimension = questionnaire_ensure().dimensions.order_by("position").first()
        Target.objects.create(dimension_key=dimension.key, level=3, horizon=datetime.date(2028, 12, 31))
        self.login(self.team)
        text = table(self.client.get(TRAIL))
        self.assertIn(f"Dimension: {dimension.title_de}", text)
        self.assertIn(f"Zielwert: {dimension.title_de}: 3 ", text)  # not "strategy: 3"
        self.assertIn("Ziel-Reifegrad: 3", text)
        self.assertIn("Erreicht bis: 31.12.2028", text)
        # The English title of the dimension is marked as English, for screen readers.
        self.assertContains(self.client.get(TRAIL), f'<span lang="en">{dimension.title_en}</span>')

    def test_references_show_the_objects_name_with_a_link(self) -> None:
        other = make_field(strategy=self.strategy, title="Bildung und Schule")
        idea = make_idea(field_of_action=self.field)
        with set_actor(self.team):
            idea.field_of_action = other
            idea.save()
        self.login(self.staff)
        response = self.client.get(reverse("core:history", args=["idea", idea.pk]))
        self.assertContains(
            response,
            f'<a class="kern-link" href="{self.field.get_absolute_url()}">Digitale Verwaltungsleistungen</a> → '
            f'<a class="kern-link" href="{other.get_absolute_url()}">Bildung und Schule</a>',
            html=False,
        )

    def test_an_object_the_reader_may_not_open_is_neither_linked_nor_named(self) -> None:
        pending = make_idea(title="Geheimer Entwurf", moderation=Moderation.PENDING, author=self.citizen)
        idea = make_idea(title="Öffentliche Idee")
        idea.merged_into = pending
        idea.save()
        url = reverse("core:history", args=["idea", idea.pk])
        self.login(self.staff)
        self.assertNotContains(self.client.get(url), "Geheimer Entwurf")
        self.login(self.team)  # moderators open pending ideas
        self.assertContains(self.client.get(url), f'href="{pending.get_absolute_url()}">Geheimer Entwurf</a>')

    def test_the_trail_links_the_object_of_each_entry_when_the_reader_may_open_it(self) -> None:
        with set_actor(self.team):
            self.goal.title = "Alle Leistungen online"
            self.goal.save()
        self.login(self.team)
        self.assertContains(self.client.get(TRAIL), f'href="{self.goal.get_absolute_url()}">Alle Leistungen online</a>')

    def test_people_are_named_and_linked_to_their_account_for_administrators_only(self) -> None:
        with set_actor(self.team):
            self.goal.title = "Neu"
            self.goal.save()
        account = reverse("admin:accounts_user_change", args=[self.team.pk])
        self.login(self.admin)
        self.assertContains(self.client.get(TRAIL), f'<a class="kern-link" href="{account}">Tea Team</a>')
        self.login(self.team)
        response = self.client.get(TRAIL)
        self.assertContains(response, "Tea Team")
        self.assertNotContains(response, account)

    def test_a_change_without_a_login_is_told_from_one_by_the_platform(self) -> None:
        with set_actor(None, remote_addr="203.0.113.7"):  # as AuditlogMiddleware does for a visitor
            make_idea(title="Bänke am Markt")
        self.assertTrue(LogEntry.objects.filter(actor=None, remote_addr="203.0.113.7").exists())
        self.login(self.team)
        text = table(self.client.get(TRAIL))
        self.assertIn("Person ohne Benutzerkonto", text)
        self.assertIn("System", text)  # the test data, written without a request

    def test_an_entry_about_an_object_that_no_longer_exists_says_so(self) -> None:
        goal = make_goal(field=self.field, title="Veraltetes Ziel")
        idea = make_idea(title="Bleibt", field_of_action=make_field(strategy=self.strategy, title="Wird gelöscht"))
        with set_actor(self.team):
            goal.delete()
            idea.field_of_action.delete()
        self.login(self.team)
        text = table(self.client.get(TRAIL))
        self.assertIn("Veraltetes Ziel (existiert nicht mehr)", text)
        self.assertIn("Handlungsfeld: existiert nicht mehr", text)
        self.client.cookies["django_language"] = "en"
        text = table(self.client.get(TRAIL))
        self.assertIn("Goal: Veraltetes Ziel (no longer exists)", text)
        self.assertIn("Field of action: no longer exists", text)


class ObjectNamesTests(BaseTestCase):
    def test_names_made_of_dates_and_numbers_read_in_german(self) -> None:
        from projects.models import Kpi, LogEntry, Measurement, Project

        project = Project.objects.create(
            title="Wallet", planned_start=datetime.date(2025, 1, 1), planned_end=datetime.date(2026, 6, 30)
        )
        kpi = Kpi.objects.create(project=project, name="Aktive Nutzende", target=Decimal(1000))
        Measurement.objects.create(kpi=kpi, measured_on=datetime.date(2026, 9, 30), value=Decimal("480.00"))
        LogEntry.objects.create(project=project, entry_date=datetime.date(2025, 11, 20), happened="Pilot gestartet")
        self.login(self.team)
        text = table(self.client.get(TRAIL))
        self.assertIn("Messwert: Aktive Nutzende: 480 (30.09.2026)", text)
        self.assertIn("Eintrag: Wallet: 20.11.2025", text)

    def test_a_maturity_answer_is_named_after_its_statement(self) -> None:
        from maturity.models import Answer
        from maturity.testing import answer_all, make_round

        round = make_round(team=self.team)
        answer_all(round=round, user=self.staff, unit=self.unit, score=2)
        answer_all(round=round, user=self.staff, unit=self.unit, score=3)  # changed answers, too
        answer = Answer.objects.select_related("item").order_by("-pk").first()
        self.login(self.team)
        with translation.override("de"):
            statement = answer.item.text
        text = table(self.client.get(TRAIL))
        self.assertIn(f"{statement} (Stufe 3)", text)
        self.assertIn("Bewertung: 2 → 3", text)
        self.assertNotRegex(text, r"Bewertung: \d+: \d")


class FieldsShownTests(BaseTestCase):
    def test_fields_without_meaning_for_a_reader_are_left_out(self) -> None:
        idea = make_idea(title="Bänke", submission_token="geheim-123", search_stems="bank")
        idea.support_count = 5
        idea.save()
        self.login(self.team)
        text = table(self.client.get(reverse("core:history", args=["idea", idea.pk])))
        for raw in ("geheim-123", "ID:", "None", "Unterstützungen", "bank ", "Geändert:"):
            self.assertNotIn(raw, text)
        self.assertIn("Titel: Bänke", text)

    def test_a_change_of_only_such_fields_says_so(self) -> None:
        peer = Peer.objects.create(url="https://etappe.beispiel.example", name="Beispielstadt")
        peer.last_error, peer.failures = "Zeitüberschreitung", 3  # the state of the synchronisation
        peer.save()
        self.login(self.team)
        response = self.client.get(TRAIL)
        self.assertContains(response, "Nur technische Angaben geändert.")
        self.assertNotContains(response, "Zeitüberschreitung")

    def test_lists_of_references_say_what_was_added_and_removed(self) -> None:
        from participation.models import Stakeholder

        idea = make_idea(title="Bürgerbus")
        stakeholder = Stakeholder.objects.create(name="Seniorenbeirat")
        stakeholder.ideas.add(idea)
        stakeholder.ideas.remove(idea)
        self.login(self.team)
        text = table(self.client.get(TRAIL))
        self.assertIn("hinzugefügt: Bürgerbus", text)
        self.assertIn("entfernt: Bürgerbus", text)
        self.assertNotIn("m2m", text)

    def test_every_field_a_reader_sees_has_a_translated_name(self) -> None:
        untranslated = []
        with translation.override("de"):
            for model in auditlog.get_models():
                if not isinstance(model._meta.verbose_name, Promise):
                    untranslated.append(model._meta.label)
                for field in model._meta.get_fields():
                    if not is_shown(model, _field(model, field.name), field.name):
                        continue
                    named = (
                        isinstance(getattr(field, "verbose_name", None), Promise)
                        or field.name in FIELD_LABELS
                        or (field.is_relation and isinstance(field.related_model._meta.verbose_name, Promise))
                    )
                    if not named or not field_label(field, field.name):
                        untranslated.append(f"{model._meta.label}.{field.name}")
        self.assertEqual(untranslated, [])


class FilterTests(BaseTestCase):
    def test_the_kinds_of_object_are_listed_alphabetically_in_the_readers_language(self) -> None:
        self.login(self.team)
        html = self.client.get(TRAIL).content.decode()
        select = html[html.index('id="filter-type"') : html.index("</select>", html.index('id="filter-type"'))]
        kinds = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
        self.assertEqual(kinds[:3], ["Benutzerkonto", "Glossareintrag", "Handlungsfeld"])
        self.assertEqual(kinds, sorted(kinds, key=str.casefold))


class QueryCountTests(BaseTestCase):
    """Queries per page do not grow with the entries on it, nor with the objects they refer to."""

    def count(self, url: str) -> int:
        with CaptureQueriesContext(connection) as context:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(context.captured_queries)

    def changes(self, idea: Idea, number: int) -> None:
        with set_actor(self.team):
            for i in range(Idea.objects.count(), Idea.objects.count() + number):
                idea.field_of_action = make_field(strategy=self.strategy, title=f"Feld {idea.pk}-{i}")
                idea.merged_into = make_idea(title=f"Ziel {idea.pk}-{i}")
                idea.save()
                make_goal(field=idea.field_of_action, title=f"Ziel im Feld {i}")

    def test_the_trail_and_a_history_page_query_the_same_with_few_and_many_entries(self) -> None:
        idea = make_idea(title="Viele Änderungen")
        self.changes(idea, 8)  # a full page of the trail: changes to ideas, fields and goals
        self.login(self.team)
        history = reverse("core:history", args=["idea", idea.pk])
        few = self.count(TRAIL), self.count(history)
        self.changes(idea, 20)
        self.assertEqual((self.count(TRAIL), self.count(history)), few)
