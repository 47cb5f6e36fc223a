from datetime import date
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken, Membership
from accounts.privacy import personal_data, run_erasers
from ideas.models import Idea
from installation.testing import BaseTestCase, make_unit, make_user
from maturity.models import Answer, GapIdea, Item, Questionnaire, Response, Round, Target
from maturity.results import round_results
from maturity.services import (
    AnswerInput,
    MaturityError,
    questionnaire_ensure,
    questionnaire_latest,
    response_save,
)
from maturity.testing import answer_all, make_round

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


class QuestionnaireTests(BaseTestCase):
    def test_the_default_questionnaire_ships_in_german_and_english(self) -> None:
        questionnaire = questionnaire_ensure()
        self.assertEqual(questionnaire.version, 1)
        self.assertEqual(questionnaire.dimensions.count(), 8)
        for item in Item.objects.filter(dimension__questionnaire=questionnaire):
            self.assertEqual(len(item.levels_de), 5)
            self.assertEqual(len(item.levels_en), 5)
            self.assertTrue(item.text_en)
        self.login(self.staff)
        german = self.client.get(reverse("maturity:questionnaire"))
        self.assertContains(german, "IT-Sicherheit und Datenschutz")
        self.assertNotContains(german, "IT security and data protection")
        english = self.client.get(reverse("maturity:questionnaire"), **EN)
        self.assertContains(english, "IT security and data protection")
        self.assertContains(english, "There is no digital strategy")

    def test_editing_a_version_used_by_a_round_creates_a_new_version(self) -> None:
        round = make_round(team=self.team)
        frozen = round.questionnaire
        item = Item.objects.filter(dimension__questionnaire=frozen).first()
        self.login(self.team)
        data = {"text_de": "Neu formulierte Aussage", "text_en": ""}
        data |= {f"level_de_{level}": f"Stufe {level}" for level in range(5)}
        response = self.client.post(reverse("maturity:item_edit", args=[item.pk]), data)
        self.assertEqual(response.status_code, 302)
        latest = questionnaire_latest()
        self.assertEqual(latest.version, 2)
        self.assertIsNone(latest.frozen_at)
        item.refresh_from_db()
        self.assertNotEqual(item.text_de, "Neu formulierte Aussage")  # the round's version is untouched
        self.assertTrue(
            Item.objects.filter(dimension__questionnaire=latest, text_de="Neu formulierte Aussage").exists()
        )
        self.assertEqual(Item.objects.filter(dimension__questionnaire=latest).count(), 24)
        round.refresh_from_db()
        self.assertEqual(round.questionnaire_id, frozen.pk)
        # The new version is not used yet: a second change goes into it directly.
        copy = Item.objects.filter(dimension__questionnaire=latest).last()
        self.client.post(reverse("maturity:item_delete", args=[copy.pk]))
        self.assertEqual(Questionnaire.objects.count(), 2)
        self.assertEqual(Item.objects.filter(dimension__questionnaire=latest).count(), 23)
        # The next round is bound to version 2, which is frozen from then on.
        self.assertEqual(make_round(team=self.team).questionnaire_id, latest.pk)
        latest.refresh_from_db()
        self.assertTrue(latest.is_frozen)

    def test_an_old_version_cannot_be_edited_and_levels_are_required(self) -> None:
        make_round(team=self.team)
        old_item = Item.objects.first()
        self.login(self.team)
        data = {"text_de": "Aussage", "text_en": ""} | {f"level_de_{level}": "x" for level in range(5)}
        self.client.post(reverse("maturity:item_edit", args=[old_item.pk]), data)  # creates version 2
        response = self.client.post(reverse("maturity:item_edit", args=[old_item.pk]), data)
        self.assertContains(response, "Nur die neueste Version des Fragebogens kann geändert werden.")
        incomplete = {"text_de": "Aussage", "text_en": "", "level_de_0": "x"}
        response = self.client.post(reverse("maturity:item_create", args=[old_item.dimension_id]), incomplete)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Questionnaire.objects.count(), 2)

    def test_a_dimension_key_is_unique_within_a_version(self) -> None:
        questionnaire_ensure()
        self.login(self.team)
        data = {"key": "security", "title_de": "Doppelt", "title_en": "", "description_de": "", "description_en": ""}
        response = self.client.post(reverse("maturity:dimension_create"), data)
        self.assertContains(response, "verwendet bereits den Schlüssel")


class AnswerTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.round = make_round(team=self.team)
        self.items = list(Item.objects.filter(dimension__questionnaire=self.round.questionnaire))

    def post(self, scores: dict, *, submit: bool = True, **headers):
        data = {"unit": self.unit.pk} | {f"score_{item.pk}": value for item, value in scores.items()}
        if submit:
            data["submit"] = "1"
        return self.client.post(reverse("maturity:answer", args=[self.round.pk]), data, **headers)

    def test_staff_answer_with_evidence_and_submit(self) -> None:
        self.login(self.staff)
        page = self.client.get(reverse("maturity:answer", args=[self.round.pk]))
        self.assertContains(page, "Es gibt keine Digitalstrategie")
        data = {
            "unit": self.unit.pk,
            f"score_{self.items[0].pk}": "3",
            f"evidence_{self.items[0].pk}": "Ratsbeschluss 2024",
        }
        response = self.client.post(reverse("maturity:answer", args=[self.round.pk]), data | {"submit": "1"})
        self.assertRedirects(response, self.round.get_absolute_url())
        stored = Response.objects.get(round=self.round, user=self.staff)
        self.assertIsNotNone(stored.submitted_at)
        self.assertEqual(stored.unit, self.unit)
        answer = stored.answers.get()
        self.assertEqual((answer.score, answer.evidence), (3, "Ratsbeschluss 2024"))

    def test_a_score_outside_the_scale_is_refused_with_a_message(self) -> None:
        self.login(self.staff)
        for value in ("5", "-1", "7", "zwei"):
            response = self.post({self.items[0]: value})
            self.assertContains(response, "Eine Bewertung reicht von 0 bis 4.")
        response = self.post({self.items[0]: "9"}, **EN)
        self.assertContains(response, "A score runs from 0 to 4.")
        self.assertFalse(Answer.objects.exists())
        with self.assertRaisesMessage(MaturityError, "0"):
            response_save(
                round=self.round, user=self.staff, unit=None, answers=[AnswerInput(self.items[0].pk, 5)], submit=True
            )
        response = Response.objects.create(round=self.round, user=self.lead)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Answer.objects.create(response=response, item=self.items[0], score=5)

    def test_drafts_do_not_count_and_a_closed_round_takes_no_answers(self) -> None:
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=4, submit=False)
        self.assertEqual(round_results(self.round).respondents, 0)
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=4)
        self.assertEqual(round_results(self.round).respondents, 1)
        Round.objects.filter(pk=self.round.pk).update(state=Round.State.CLOSED)
        self.round.refresh_from_db()
        with translation.override("en"), self.assertRaisesMessage(MaturityError, "closed"):
            answer_all(round=self.round, user=self.lead, unit=self.unit, score=1)
        self.login(self.lead)
        response = self.client.get(reverse("maturity:answer", args=[self.round.pk]), follow=True)
        self.assertContains(response, "Diese Runde ist abgeschlossen")

    def test_changing_an_answer_keeps_one_row_per_item(self) -> None:
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=1)
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=2)
        self.assertEqual(Answer.objects.count(), 24)
        self.assertEqual(set(Answer.objects.values_list("score", flat=True)), {2})


class ResultTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.other_unit = make_unit(name="IT-Service", short_name="FB 1.2")
        Membership.objects.create(user=self.lead, unit=self.other_unit)
        self.previous = make_round(team=self.team, title="Runde 2025", opens_on=date(2025, 3, 1))
        answer_all(round=self.previous, user=self.staff, unit=self.unit, score=1)
        Round.objects.filter(pk=self.previous.pk).update(state=Round.State.CLOSED)
        self.round = make_round(team=self.team, title="Runde 2026", opens_on=date(2026, 3, 1))
        answer_all(round=self.round, user=self.staff, unit=self.unit, score=1, evidence="Beleg")
        answer_all(round=self.round, user=self.lead, unit=self.other_unit, score=3)
        Target.objects.create(dimension_key="competences", level=Decimal("3.5"), horizon=date(2027, 12, 31))

    def test_aggregate_spread_previous_round_target_and_gap(self) -> None:
        results = round_results(self.round)
        self.assertEqual(results.respondents, 2)
        self.assertEqual(results.previous_round, self.previous)
        competences = results.dimension("competences")
        self.assertEqual((competences.stat.mean, competences.stat.median), (2.0, 2.0))
        self.assertEqual((competences.stat.minimum, competences.stat.maximum, competences.stat.spread), (1.0, 3.0, 2.0))
        self.assertEqual(competences.previous, 1.0)
        self.assertEqual(competences.gap, Decimal("1.5"))
        self.assertEqual(sorted(competences.by_unit.values()), [1.0, 3.0])
        item = competences.items[0]
        self.assertEqual(item.counts, [0, 1, 0, 1, 0])
        self.assertEqual(item.evidence, [("FB 2.1 – Bürgerbüro", "Beleg")])

    def test_results_page_in_german_and_english_with_radar_and_table(self) -> None:
        self.login(self.council)
        page = self.client.get(reverse("maturity:results", args=[self.round.pk]))
        self.assertContains(page, "radar-chart", count=1)
        self.assertContains(page, "radar-series--previous")
        self.assertContains(page, "radar-series--target")
        self.assertContains(page, "Kompetenzen")
        self.assertNotContains(page, "In eine Idee umwandeln")  # only the strategy team turns gaps into ideas
        english = self.client.get(reverse("maturity:results", args=[self.round.pk]), **EN)
        self.assertContains(english, "Competences")
        self.assertContains(english, "Spread (lowest–highest)")

    def test_results_page_needs_the_same_number_of_queries_however_many_answered(self) -> None:
        self.login(self.team)
        url = reverse("maturity:results", args=[self.round.pk])
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for number in range(6):
            user = make_user(email=f"respondent{number}@example.org")
            unit = make_unit(name=f"Amt {number}")
            answer_all(round=self.round, user=user, unit=unit, score=number % 5, evidence="Notiz")
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(url)
        self.assertContains(response, "8 eingereichte Antworten")
        self.assertEqual(len(many), len(few))

    def test_a_gap_becomes_an_idea_once_with_its_origin(self) -> None:
        self.login(self.team)
        url = reverse("maturity:gap_idea", args=[self.round.pk, "competences"])
        response = self.client.post(url)
        idea = Idea.objects.get()
        self.assertRedirects(response, idea.get_absolute_url(), fetch_redirect_response=False)
        self.assertIn("Kompetenzen", idea.title)
        self.assertEqual(idea.author, self.team)
        origin = GapIdea.objects.get()
        self.assertEqual((origin.round, origin.dimension_key, origin.gap), (self.round, "competences", Decimal("1.5")))
        response = self.client.post(url, follow=True)
        self.assertContains(response, "Diese Lücke ist bereits eine Idee.")
        self.assertEqual(Idea.objects.count(), 1)
        page = self.client.get(reverse("maturity:results", args=[self.round.pk]))
        self.assertContains(page, idea.get_absolute_url())
        # No target, no gap.
        response = self.client.post(reverse("maturity:gap_idea", args=[self.round.pk, "security"]), follow=True)
        self.assertContains(response, "keine Lücke")
        self.login(self.staff)
        self.assertEqual(self.client.post(url).status_code, 403)

    def test_targets_are_saved_and_a_level_beyond_the_scale_is_refused(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("maturity:targets"), {"security-level": "4.5", "security-horizon": "2027-01-01"}
        )
        self.assertContains(response, "kleiner oder gleich 4")
        response = self.client.post(reverse("maturity:targets"), {"security-level": "3", "security-horizon": ""})
        self.assertContains(response, "Geben Sie Stufe und Datum an oder keins von beiden.")
        data = {
            "security-level": "3.5",
            "security-horizon": "2027-06-30",
            "competences-level": "",
            "competences-horizon": "",
        }
        self.assertRedirects(self.client.post(reverse("maturity:targets"), data), reverse("maturity:index"))
        self.assertEqual(list(Target.objects.values_list("dimension_key", "level")), [("security", Decimal("3.5"))])

    def test_the_api_lists_rounds_results_and_takes_answers_with_a_token(self) -> None:
        _, raw = ApiToken.issue(user=self.council, name="t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        rows = self.client.get("/api/v1/maturity/rounds", **auth).json()["items"]
        self.assertEqual([row["title"] for row in rows], ["Runde 2026", "Runde 2025"])
        results = self.client.get(f"/api/v1/maturity/rounds/{self.round.pk}/results", **auth).json()
        competences = next(d for d in results["dimensions"] if d["key"] == "competences")
        self.assertEqual((competences["stat"]["median"], competences["gap"]), (2.0, 1.5))
        questionnaire = self.client.get(f"/api/v1/maturity/rounds/{self.round.pk}/questionnaire", **auth).json()
        self.assertEqual(questionnaire[0]["title_en"], "Strategy and governance")
        item = Item.objects.filter(dimension__questionnaire=self.round.questionnaire).first()
        url = f"/api/v1/maturity/rounds/{self.round.pk}/answers"
        payload = {"unit_id": self.unit.pk, "submit": True, "answers": [{"item_id": item.pk, "score": 7}]}
        response = self.client.put(url, payload, content_type="application/json", **auth)
        self.assertEqual(response.status_code, 422)
        self.assertIn("0", response.json()["message"])
        payload["answers"][0]["score"] = 2
        response = self.client.put(url, payload, content_type="application/json", **auth)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            self.client.get(url, **auth).json()["answers"], [{"item_id": item.pk, "score": 2, "evidence": ""}]
        )
        self.assertEqual(self.client.get("/api/v1/maturity/rounds").status_code, 401)
        closed = self.client.put(
            f"/api/v1/maturity/rounds/{self.previous.pk}/answers", payload, content_type="application/json", **auth
        )
        self.assertEqual(closed.status_code, 409)

    def test_personal_data_export_and_erasure(self) -> None:
        data = personal_data(self.staff)["sections"]["maturity"]
        self.assertEqual(len(data), 2)
        self.assertEqual(data[0]["answers"][0]["score"], 1)
        run_erasers(self.staff)
        self.assertFalse(Response.objects.filter(user=self.staff).exists())
        self.assertEqual(round_results(self.round).respondents, 2)  # the answers stay, anonymous

    def test_citizens_and_visitors_see_nothing(self) -> None:
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("maturity:results", args=[self.round.pk])).status_code, 404)
        self.login(None)
        self.assertEqual(self.client.get(reverse("maturity:index")).status_code, 302)
