import csv
import io
from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ideas.models import Idea
from installation.testing import BaseTestCase, make_survey
from participation.models import Stakeholder
from surveys.models import Answer, Invitation, Participation, Question, Response, Survey
from surveys.services import GivenAnswer, SurveyError, respondent_key, submit_response


def answer_data(survey: Survey, **overrides) -> dict:
    """A complete, valid POST for make_survey's four questions."""
    single, multiple, scale, text = survey.questions.all()
    data = {
        f"q{single.pk}": str(single.choices.first().pk),
        f"q{multiple.pk}": [str(c.pk) for c in multiple.choices.all()[:2]],
        f"q{scale.pk}": "4",
        f"q{text.pk}": "Bitte Termine online buchen.",
    }
    data.update(overrides)
    return data


class EnglishTestCase(BaseTestCase):
    """These tests read the English texts; German translations are checked in core's i18n tests."""

    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


class BuilderTests(EnglishTestCase):
    def test_team_builds_a_survey_with_questions(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("surveys:create"),
            {
                "title": "Bedarf im Bürgerbüro",
                "opens_at": "2030-01-01T08:00",
                "closes_at": "2030-02-01T08:00",
                "audience": "open",
                "anonymous": "on",
            },
        )
        survey = Survey.objects.get(title="Bedarf im Bürgerbüro")
        self.assertRedirects(response, reverse("surveys:manage", args=[survey.pk]))
        self.assertEqual(survey.created_by, self.team)
        url = reverse("surveys:question_create", args=[survey.pk])
        self.client.post(url, {"text": "Was zuerst?", "kind": "single", "options": "Termine\n\n  Anträge \n"})
        self.client.post(url, {"text": "Wie wichtig?", "kind": "scale", "options": "ignored"})
        first, second = survey.questions.all()
        self.assertEqual([c.label for c in first.choices.all()], ["Termine", "Anträge"])
        self.assertEqual(second.choices.count(), 0)
        self.client.post(reverse("surveys:question_move", args=[second.pk]), {"direction": "up"})
        self.assertEqual([q.text for q in survey.questions.all()], ["Wie wichtig?", "Was zuerst?"])

    def test_closing_before_opening_is_refused(self) -> None:
        self.login(self.team)
        response = self.client.post(
            reverse("surveys:create"),
            {"title": "X", "opens_at": "2030-02-01T08:00", "closes_at": "2030-01-01T08:00", "audience": "open"},
        )
        self.assertContains(response, "must close after it opens")
        self.assertFalse(Survey.objects.exists())

    def test_choice_questions_need_two_distinct_options(self) -> None:
        survey = make_survey(with_questions=False)
        self.login(self.team)
        url = reverse("surveys:question_create", args=[survey.pk])
        response = self.client.post(url, {"text": "Was?", "kind": "multiple", "options": "nur eine"})
        self.assertContains(response, "at least two options")
        response = self.client.post(url, {"text": "Was?", "kind": "multiple", "options": "a\na"})
        self.assertContains(response, "must be different")
        self.assertFalse(survey.questions.exists())

    def test_editing_an_existing_question_keeps_its_choices_in_order(self) -> None:
        survey = make_survey()
        multiple = survey.questions.get(kind="multiple")
        self.login(self.team)
        self.client.post(
            reverse("surveys:question_edit", args=[multiple.pk]),
            {"text": "Was online?", "kind": "multiple", "options": "Anträge\nTermine"},
        )
        self.assertEqual([c.label for c in multiple.choices.all()], ["Anträge", "Termine"])

    def test_questions_are_frozen_once_answers_arrived(self) -> None:
        survey = make_survey()
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        question = survey.questions.first()
        self.login(self.team)
        response = self.client.post(
            reverse("surveys:question_edit", args=[question.pk]), {"text": "Neu", "kind": "text"}
        )
        self.assertRedirects(response, reverse("surveys:manage", args=[survey.pk]))
        question.refresh_from_db()
        self.assertEqual(question.text, "Wie oft?")
        self.client.post(reverse("surveys:question_delete", args=[question.pk]))
        self.assertTrue(Question.objects.filter(pk=question.pk).exists())

    def test_drafts_are_invisible_to_the_public(self) -> None:
        survey = make_survey(is_published=False)
        self.assertEqual(self.client.get(survey.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get(reverse("surveys:list")), survey.title)
        self.login(self.team)
        self.assertContains(self.client.get(reverse("surveys:list")), survey.title)


class AnsweringTests(EnglishTestCase):
    def test_open_survey_is_answered_once_per_browser(self) -> None:
        survey = make_survey(audience=Survey.Audience.OPEN)
        self.client.get(survey.get_absolute_url())
        response = self.client.post(survey.get_absolute_url(), answer_data(survey))
        self.assertContains(response, "were saved")
        self.assertEqual(Response.objects.count(), 1)
        self.assertEqual(Answer.objects.count(), 5)  # single, two choices, scale, text
        response = self.client.post(survey.get_absolute_url(), answer_data(survey))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "already answered", status_code=403)
        self.assertEqual(Response.objects.count(), 1)
        survey.refresh_from_db()
        self.assertEqual(survey.response_count, 1)

    def test_required_questions_and_invalid_options_are_form_errors(self) -> None:
        survey = make_survey()
        single, multiple, *_ = survey.questions.all()
        response = self.client.post(survey.get_absolute_url(), answer_data(survey, **{f"q{single.pk}": ""}))
        self.assertContains(response, "This field is required")
        response = self.client.post(survey.get_absolute_url(), answer_data(survey, **{f"q{multiple.pk}": ["999999"]}))
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Response.objects.exists())

    def test_oversized_text_is_refused(self) -> None:
        survey = make_survey()
        text = survey.questions.get(kind="text")
        response = self.client.post(survey.get_absolute_url(), answer_data(survey, **{f"q{text.pk}": "x" * 2001}))
        self.assertContains(response, "at most 2000 characters")
        self.assertFalse(Response.objects.exists())

    def test_honeypot_refuses_bots(self) -> None:
        survey = make_survey()
        response = self.client.post(survey.get_absolute_url(), answer_data(survey, homepage_url="http://spam.example"))
        self.assertContains(response, "looks automated")
        self.assertFalse(Response.objects.exists())

    def test_rate_limit_per_address(self) -> None:
        survey = make_survey()
        with mock.patch("surveys.views.ANSWERS_PER_ADDRESS_AND_HOUR", 2):
            statuses = []
            for _ in range(3):
                self.client.cookies.clear()  # a new browser each time, same address
                statuses.append(self.client.post(survey.get_absolute_url(), answer_data(survey)).status_code)
        self.assertEqual(statuses, [200, 200, 429])
        self.assertEqual(Response.objects.count(), 2)

    def test_closed_and_future_surveys_refuse_answers(self) -> None:
        now = timezone.now()
        closed = make_survey(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
        future = make_survey(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=9))
        for survey in (closed, future):
            response = self.client.post(survey.get_absolute_url(), answer_data(survey))
            self.assertEqual(response.status_code, 403)
        self.assertContains(self.client.get(closed.get_absolute_url()), "survey is closed")
        self.assertFalse(Response.objects.exists())

    def test_service_refuses_a_closed_survey_too(self) -> None:
        now = timezone.now()
        survey = make_survey(opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1))
        with self.assertRaises(SurveyError):
            submit_response(survey=survey, key="b:x", answers=[])

    def test_account_survey_needs_login_and_keeps_anonymity(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=True)
        response = self.client.post(survey.get_absolute_url(), answer_data(survey))
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "log in", status_code=403)
        self.login(self.citizen)
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        stored = Response.objects.get()
        self.assertIsNone(stored.respondent)
        self.assertTrue(Participation.objects.filter(survey=survey, user=self.citizen).exists())
        self.assertEqual(self.client.post(survey.get_absolute_url(), answer_data(survey)).status_code, 403)
        self.assertEqual(Response.objects.count(), 1)

    def test_named_survey_records_the_person(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=False)
        self.login(self.staff)
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        self.assertEqual(Response.objects.get().respondent, self.staff)

    def test_invitation_links_answer_once_each(self) -> None:
        survey = make_survey(audience=Survey.Audience.INVITATION)
        self.assertEqual(self.client.get(survey.get_absolute_url()).status_code, 404)
        first, second = Invitation.objects.bulk_create([Invitation(survey=survey), Invitation(survey=survey)])
        url = reverse("surveys:invited", args=[first.token])
        self.assertContains(self.client.post(url, answer_data(survey)), "were saved")
        again = self.client.post(url, answer_data(survey))
        self.assertEqual(again.status_code, 403)
        self.client.cookies.clear()
        self.assertEqual(self.client.post(url, answer_data(survey)).status_code, 403)
        self.assertContains(
            self.client.post(reverse("surveys:invited", args=[second.token]), answer_data(survey)), "were saved"
        )
        self.assertEqual(Response.objects.count(), 2)
        self.assertEqual(self.client.get(reverse("surveys:invited", args=["nope"])).status_code, 404)

    def test_a_used_key_cannot_answer_twice_even_through_the_service(self) -> None:
        survey = make_survey()
        key = respondent_key(survey, browser="abc")
        submit_response(survey=survey, key=key, answers=[])
        with self.assertRaises(SurveyError):
            submit_response(survey=survey, key=key, answers=[])
        self.assertEqual(Response.objects.count(), 1)

    def test_html_in_questions_and_answers_is_shown_as_text(self) -> None:
        survey = make_survey(title="<script>alert(1)</script>Umfrage")
        text = survey.questions.get(kind="text")
        Question.objects.filter(pk=text.pk).update(text="<b>fett</b>?")
        page = self.client.get(survey.get_absolute_url())
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;b&gt;fett&lt;/b&gt;?")
        self.client.post(
            survey.get_absolute_url(), answer_data(survey, **{f"q{text.pk}": "<img src=x onerror=alert(1)>"})
        )
        self.login(self.staff)
        results = self.client.get(reverse("surveys:results", args=[survey.pk]))
        self.assertNotContains(results, "<img src=x")
        self.assertContains(results, "&lt;img src=x onerror=alert(1)&gt;")


class ResultsTests(EnglishTestCase):
    def _answer(self, survey: Survey, count: int) -> None:
        single, multiple, scale, text = survey.questions.all()
        choices = list(single.choices.all())
        for i in range(count):
            submit_response(
                survey=survey,
                key=respondent_key(survey, browser=f"browser-{survey.pk}-{i}"),
                answers=[
                    GivenAnswer(single, [choices[i % 2]]),
                    GivenAnswer(multiple, list(multiple.choices.all()[: 1 + i % 3])),
                    GivenAnswer(scale, [], value=1 + i % 5),
                    GivenAnswer(text, [], text=f'=HYPERLINK("x") Antwort {i}'),
                ],
            )

    def test_results_count_every_option(self) -> None:
        survey = make_survey()
        self._answer(survey, 6)
        self.login(self.staff)
        response = self.client.get(reverse("surveys:results", args=[survey.pk]))
        results = {r.question.kind: r for r in response.context["results"]}
        self.assertEqual([(b.label, b.count) for b in results["single"].bars], [("selten", 3), ("oft", 3)])
        self.assertEqual([b.count for b in results["multiple"].bars], [6, 4, 2])
        self.assertEqual([b.count for b in results["scale"].bars], [2, 1, 1, 1, 1])
        self.assertEqual(results["scale"].mean, 2.67)
        self.assertEqual(results["multiple"].answered, 6)
        self.assertEqual(results["multiple"].bars[1].percent, 66.7)
        self.assertContains(response, 'class="result-chart"', count=3)
        self.assertEqual(len(results["text"].texts), 5)

    def test_results_page_queries_do_not_grow_with_answers(self) -> None:
        small, large = make_survey(), make_survey()
        self._answer(small, 3)
        self._answer(large, 30)
        self.login(self.staff)
        self.client.get(reverse("surveys:list"))  # the session's first request may write it
        counts = []
        for survey in (small, large):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(reverse("surveys:results", args=[survey.pk])).status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

    def test_exports_hold_one_row_per_response_and_are_formula_safe(self) -> None:
        survey = make_survey()
        self._answer(survey, 3)
        self.login(self.staff)
        response = self.client.get(reverse("surveys:export", args=[survey.pk, "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(rows[0][2:], ["Wie oft?", "Was online?", "Wie wichtig?", "Was noch?"])
        self.assertEqual(len(rows), 4)
        self.assertIn(
            ["selten", "Termine; Anträge; Zahlungen", "3", '\'=HYPERLINK("x") Antwort 2'], [r[2:] for r in rows]
        )
        response = self.client.get(reverse("surveys:export", args=[survey.pk, "xlsx"]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.max_row, 4)
        self.assertEqual(
            sorted(sheet.cell(row=r, column=4).value for r in (2, 3, 4)),
            ["Termine", "Termine; Anträge", "Termine; Anträge; Zahlungen"],
        )
        self.assertEqual(self.client.get(reverse("surveys:export", args=[survey.pk, "pdf"])).status_code, 404)

    def test_invitation_links_as_csv(self) -> None:
        survey = make_survey(audience=Survey.Audience.INVITATION)
        stakeholder = Stakeholder.objects.create(name="Seniorenbeirat")
        self.login(self.team)
        response = self.client.post(
            reverse("surveys:invitations", args=[survey.pk]),
            {"labels": "Bürgerbüro\nStandesamt", "stakeholders": [stakeholder.pk]},
        )
        self.assertRedirects(response, reverse("surveys:invitations", args=[survey.pk]))
        self.assertEqual(survey.invitations.count(), 3)
        self.assertIn(stakeholder, survey.stakeholders.all())
        self.assertContains(self.client.get(stakeholder.get_absolute_url()), survey.title)
        rows = list(
            csv.reader(
                io.StringIO(
                    self.client.get(reverse("surveys:invitations_csv", args=[survey.pk])).content.decode("utf-8-sig")
                ),
                delimiter=";",
            )
        )
        self.assertEqual(len(rows), 4)
        self.assertTrue(rows[1][1].startswith("http://testserver/surveys/i/"))
        empty = self.client.post(reverse("surveys:invitations", args=[survey.pk]), {"labels": "  "})
        self.assertContains(empty, "at least one line")


class AnswerToIdeaTests(EnglishTestCase):
    def test_a_free_text_answer_becomes_an_idea_with_its_origin(self) -> None:
        survey = make_survey(field_of_action=self.field)
        text = survey.questions.get(kind="text")
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        answer = Answer.objects.get(question=text)
        self.login(self.team)
        url = reverse("surveys:answer_idea", args=[answer.pk])
        form = self.client.get(url)
        self.assertContains(form, "Bitte Termine online buchen.")
        data = {"title": "Termine online buchen", "description": answer.text, "field_of_action": self.field.pk}
        if "submission" in form.context["form"].fields:  # the form's one-time token against double submission
            data["submission"] = form.context["form"]["submission"].value()
        response = self.client.post(url, data)
        idea = Idea.objects.get(title="Termine online buchen")
        self.assertRedirects(response, idea.get_absolute_url())
        self.assertEqual(idea.source, Idea.Source.SURVEY)
        answer.refresh_from_db()
        self.assertEqual(answer.idea, idea)
        self.assertContains(self.client.get(idea.get_absolute_url()), survey.title)
        self.assertRedirects(self.client.post(url, {"title": "Nochmal", "description": "x"}), idea.get_absolute_url())
        self.assertEqual(Idea.objects.filter(source=Idea.Source.SURVEY).count(), 1)

    def test_only_text_answers_can_become_ideas(self) -> None:
        survey = make_survey()
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        choice_answer = Answer.objects.filter(choice__isnull=False).first()
        self.login(self.team)
        self.assertEqual(self.client.get(reverse("surveys:answer_idea", args=[choice_answer.pk])).status_code, 404)
