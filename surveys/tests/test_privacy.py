from accounts.privacy import personal_data
from accounts.services import user_erase
from installation.testing import BaseTestCase, make_survey
from projects.models import LogEntry, Project
from surveys.models import Participation, Response, Survey
from surveys.services import GivenAnswer, respondent_key, submit_response


class SurveyAndProjectPrivacyTests(BaseTestCase):
    def test_named_answers_and_project_work_are_exported_and_erased(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=False)
        text = survey.questions.get(kind="text")
        submit_response(
            survey=survey,
            key=respondent_key(survey, user=self.staff),
            answers=[GivenAnswer(text, [], text="Mehr Homeoffice")],
            user=self.staff,
        )
        project = Project.objects.create(title="Zeiterfassung", lead=self.staff)
        project.members.add(self.staff)
        LogEntry.objects.create(project=project, author=self.staff, happened="Pilot gestartet")

        data = personal_data(self.staff)["sections"]
        self.assertEqual(data["survey_answers"][0]["answers"], [{"question": "Was noch?", "answer": "Mehr Homeoffice"}])
        self.assertEqual(data["projects"]["leads"], ["Zeiterfassung"])
        self.assertEqual(data["projects"]["log_entries"][0]["happened"], "Pilot gestartet")

        user_erase(user=self.staff)
        response = Response.objects.get()
        self.assertIsNone(response.respondent)
        self.assertEqual(response.answers.get().text, "Mehr Homeoffice")
        project.refresh_from_db()
        self.assertIsNone(project.lead)
        self.assertFalse(project.members.exists())
        self.assertEqual(LogEntry.objects.get().happened, "Pilot gestartet")

    def test_anonymous_participation_is_exported_without_the_answer_and_erased(self) -> None:
        survey = make_survey(audience=Survey.Audience.ACCOUNTS, anonymous=True, title="Anonyme Umfrage")
        text = survey.questions.get(kind="text")
        submit_response(
            survey=survey,
            key=respondent_key(survey, user=self.staff),
            answers=[GivenAnswer(text, [], text="Geheim")],
            user=self.staff,
        )
        data = personal_data(self.staff)["sections"]
        self.assertEqual(data["survey_participations"], [{"survey": "Anonyme Umfrage", "anonymous": True}])
        self.assertEqual(data["survey_answers"], [])
        self.assertNotIn("Geheim", str(data))

        user_erase(user=self.staff)
        self.assertFalse(Participation.objects.exists())
        self.assertEqual(Response.objects.get().answers.get().text, "Geheim")
