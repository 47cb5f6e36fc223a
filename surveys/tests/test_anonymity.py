"""Anonymous surveys link no answer to a person: not through times, keys, ids or the export (issue 14, finding 9)."""

import csv
import hashlib
import hmac
import io
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from installation.testing import make_survey, make_user
from surveys.models import Answer, Invitation, Participation, Response, Survey
from surveys.services import RANDOM_IDS, GivenAnswer, SurveyError, browser_key, respondent_key, submit_response
from surveys.tests.test_surveys import EnglishTestCase, answer_data


def old_key(kind: str, survey_pk: int, value: object) -> str:
    """The key the code before this fix stored: HMAC(SECRET_KEY, survey and invitation or account)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{survey_pk}:{kind}:{value}".encode(), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:40]}"


def recomputable(response: Response, *candidates: object) -> bool:
    """Whether someone with SECRET_KEY can find the key from the invitation or account (any kind, with or without prefix)."""
    keys = set()
    for kind in ("i", "u", "b"):
        for value in candidates:
            key = old_key(kind, response.survey_id, value)
            keys |= {key, key.split(":", 1)[1]}
    return response.respondent_key in keys


class AnonymousInvitationTests(EnglishTestCase):
    def test_an_invitation_answer_leaves_no_time_no_recomputable_key_and_no_ordered_id(self) -> None:
        survey = make_survey(audience=Survey.Audience.INVITATION, anonymous=True)
        first, second = Invitation.objects.bulk_create([Invitation(survey=survey), Invitation(survey=survey)])
        for invitation in (second, first):
            self.client.cookies.clear()
            self.assertContains(
                self.client.post(reverse("surveys:invited", args=[invitation.token]), answer_data(survey)),
                "were saved",
            )
        with self.assertRaises(FieldDoesNotExist):
            Invitation._meta.get_field("used_at")
        with self.assertRaises(FieldDoesNotExist):
            Response._meta.get_field("submitted_at")
        self.assertEqual(Invitation.objects.filter(used=True).count(), 2)
        for response in Response.objects.all():
            self.assertEqual(response.submitted_on, timezone.localdate())
            self.assertFalse(recomputable(response, first.pk, second.pk, first.token, second.token))
            self.assertGreaterEqual(response.pk, RANDOM_IDS[0])
            for answer in response.answers.all():
                self.assertGreaterEqual(answer.pk, RANDOM_IDS[0])

        self.login(self.team)
        page = self.client.get(reverse("surveys:invitations", args=[survey.pk]))
        self.assertNotContains(page, timezone.localtime().strftime("%H:%M"))
        self.assertNotContains(page, f"{timezone.localdate():%d.%m.%Y}")

    def test_a_used_link_still_answers_only_once(self) -> None:
        survey = make_survey(audience=Survey.Audience.INVITATION, anonymous=True)
        invitation = Invitation.objects.create(survey=survey)
        url = reverse("surveys:invited", args=[invitation.token])
        self.client.post(url, answer_data(survey))
        self.client.cookies.clear()
        self.assertEqual(self.client.post(url, answer_data(survey)).status_code, 403)
        invitation.refresh_from_db()
        with self.assertRaises(SurveyError):  # the service refuses too
            submit_response(
                survey=survey, key=respondent_key(survey, invitation=invitation), answers=[], invitation=invitation
            )
        self.assertEqual(Response.objects.count(), 1)


class AnonymousAccountTests(EnglishTestCase):
    def test_the_account_is_recorded_apart_from_its_answer(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=True)
        self.login(self.citizen)
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        response = Response.objects.get()
        self.assertIsNone(response.respondent)
        self.assertFalse(recomputable(response, self.citizen.pk, self.citizen.email))
        participation = Participation.objects.get()
        self.assertEqual((participation.survey, participation.user), (survey, self.citizen))
        self.assertIsInstance(participation.pk, uuid.UUID)
        # Nothing in the record of having answered points at the answer, and it has no time.
        self.assertEqual({f.name for f in Participation._meta.concrete_fields}, {"id", "survey", "user"})
        self.assertEqual(self.client.post(survey.get_absolute_url(), answer_data(survey)).status_code, 403)
        self.assertEqual(Response.objects.count(), 1)

    def test_answers_of_a_named_survey_keep_the_person(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=False)
        self.login(self.staff)
        self.client.post(survey.get_absolute_url(), answer_data(survey))
        self.assertEqual(Response.objects.get().respondent, self.staff)
        self.assertTrue(Participation.objects.filter(user=self.staff).exists())


class AnonymousExportTests(EnglishTestCase):
    def test_export_numbers_rows_in_random_order_and_gives_the_day_only(self) -> None:
        survey = make_survey()
        text = survey.questions.get(kind="text")
        for i in range(12):
            submit_response(
                survey=survey,
                key=respondent_key(survey, browser=f"browser-{i}"),
                answers=[GivenAnswer(text, [], text=f"Antwort {i:02d}")],
            )
        self.login(self.staff)
        response = self.client.get(reverse("surveys:export", args=[survey.pk, "csv"]))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))[1:]
        self.assertEqual([row[0] for row in rows], [str(n) for n in range(1, 13)])
        self.assertEqual({row[1] for row in rows}, {timezone.localdate().isoformat()})
        ids = {str(pk) for pk in Response.objects.values_list("pk", flat=True)}
        self.assertFalse(ids & {row[0] for row in rows})
        arrival = [f"Antwort {i:02d}" for i in range(12)]
        self.assertCountEqual([row[5] for row in rows], arrival)
        self.assertNotEqual([row[5] for row in rows], arrival)  # 1 in 12! that this happens by chance


class MigrationTests(TransactionTestCase):
    """0002/0003 bring existing answers into the anonymous form."""

    def test_existing_times_are_cut_to_the_day_and_keys_no_longer_recomputable(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate([("surveys", "0001_initial")])
        old = executor.loader.project_state([("surveys", "0001_initial")]).apps
        OldSurvey, OldInvitation = old.get_model("surveys", "Survey"), old.get_model("surveys", "Invitation")
        OldResponse = old.get_model("surveys", "Response")
        now = timezone.now()
        user = make_user(email="alt@example.org")
        accounts = OldSurvey.objects.create(
            title="Konten", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1), audience="accounts"
        )
        invited = OldSurvey.objects.create(
            title="Links", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1), audience="invitation"
        )
        link = OldInvitation.objects.create(survey=invited, token="t1", used_at=now)
        moment = datetime(2026, 3, 4, 10, 17, 33, tzinfo=timezone.get_current_timezone())
        OldResponse.objects.create(
            survey=accounts, respondent_key=old_key("u", accounts.pk, user.pk), submitted_at=moment
        )
        OldResponse.objects.create(
            survey=invited, respondent_key=old_key("i", invited.pk, link.pk), submitted_at=moment
        )
        OldResponse.objects.create(
            survey=invited, respondent_key=old_key("b", invited.pk, "cookie"), submitted_at=moment
        )
        question = old.get_model("surveys", "Question").objects.create(survey=invited, kind="text", text="Was noch?")
        for response in OldResponse.objects.filter(survey=invited):
            old.get_model("surveys", "Answer").objects.create(response=response, question=question, text="Antwort")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

        self.assertTrue(Invitation.objects.get(pk=link.pk).used)
        self.assertEqual(set(Response.objects.values_list("submitted_on", flat=True)), {moment.date()})
        for response in Response.objects.all():
            self.assertFalse(recomputable(response, user.pk, link.pk))
            self.assertGreaterEqual(response.pk, RANDOM_IDS[0])
        self.assertTrue(Participation.objects.filter(survey_id=accounts.pk, user=user).exists())
        answers = Answer.objects.filter(question__survey_id=invited.pk)
        self.assertEqual(answers.count(), 2)  # still with their responses, under new ids
        for answer in answers:
            self.assertGreaterEqual(answer.pk, RANDOM_IDS[0])
            self.assertEqual(answer.response.survey_id, invited.pk)
        # The browser still finds its answer: its key is kept (without the prefix).
        survey = Survey.objects.get(pk=invited.pk)
        self.assertTrue(Response.objects.filter(respondent_key=browser_key(survey, "cookie")).exists())


class TermsTests(EnglishTestCase):
    def test_anonymity_and_audience_are_fixed_once_answers_arrived(self) -> None:
        survey = make_survey(anonymous=True)
        submit_response(survey=survey, key=respondent_key(survey, browser="b"), answers=[])
        survey.refresh_from_db()
        self.login(self.team)
        self.client.post(
            reverse("surveys:edit", args=[survey.pk]),
            {
                "title": survey.title,
                "opens_at": timezone.localtime(survey.opens_at).strftime("%Y-%m-%dT%H:%M"),
                "closes_at": timezone.localtime(survey.closes_at).strftime("%Y-%m-%dT%H:%M"),
                "audience": "accounts",
                "is_published": "on",
            },
        )
        survey.refresh_from_db()
        self.assertEqual((survey.audience, survey.anonymous), ("open", True))


class DatabaseStampTests(TransactionTestCase):
    """PostgreSQL stamps each row version with its transaction (xmin): the used invitation (or the
    record of an account) and the answer written together must not carry a stamp only they share."""

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("xmin is PostgreSQL's; SQLite keeps no transaction stamp on rows")

    def stamps(self, table: str, survey: Survey) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE survey_id = %s", [survey.pk])  # noqa: S608
            return [row[0] for row in cursor.fetchall()]

    def assert_unpaired(self, markers: str, survey: Survey) -> None:
        # One stamp on every row (that of the latest answer's transaction): whatever an answer's
        # own stamp is close to, it is close to all of them alike. Before, each used invitation
        # (each account's record) carried the stamp of the transaction that wrote its answer.
        self.assertEqual(len(set(self.stamps(markers, survey))), 1)
        self.assertEqual(len(self.stamps("surveys_response", survey)), 2 if markers == "surveys_invitation" else 3)

    def test_invitation_answers(self) -> None:
        survey = make_survey(audience=Survey.Audience.INVITATION, anonymous=True, with_questions=False)
        invitations = Invitation.objects.bulk_create([Invitation(survey=survey) for _ in range(4)])
        for invitation in invitations[1:3]:
            submit_response(
                survey=survey, key=respondent_key(survey, invitation=invitation), answers=[], invitation=invitation
            )
        self.assert_unpaired("surveys_invitation", survey)

    def test_account_answers(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=True, with_questions=False)
        for number in range(3):
            user = make_user(email=f"person{number}@example.org")
            submit_response(survey=survey, key=respondent_key(survey, user=user), answers=[], user=user)
        self.assert_unpaired("surveys_participation", survey)
        self.assertEqual(Participation.objects.filter(survey=survey).count(), 3)
