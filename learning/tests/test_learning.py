import tempfile
import threading
import unittest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import ApiToken, Membership, Role
from accounts.privacy import personal_data, run_erasers
from installation.testing import BaseTestCase, make_unit, make_user
from learning.models import LearningUnit, Registration
from learning.services import LearningError, registration_create
from learning.stats import by_topic, by_unit
from learning.testing import make_registration, make_session
from learning.testing import make_unit as make_learning_unit
from projects.models import Project

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


class CatalogueTests(BaseTestCase):
    def test_staff_see_the_catalogue_citizens_do_not(self) -> None:
        make_learning_unit(title="Videokonferenzen souverän leiten")
        make_learning_unit(title="Alter Kurs", is_active=False)
        self.login(self.staff)
        page = self.client.get(reverse("learning:catalogue"))
        self.assertContains(page, "Videokonferenzen souverän leiten")
        self.assertNotContains(page, "Alter Kurs")
        self.assertContains(self.client.get(reverse("learning:catalogue"), **EN), "Learning offers")
        self.login(self.team)
        self.assertContains(self.client.get(reverse("learning:catalogue")), "Alter Kurs")
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("learning:catalogue")).status_code, 404)

    def test_filters_by_topic_format_dimension_and_project(self) -> None:
        project = Project.objects.create(title="Digitale Zeiterfassung")
        timing = make_learning_unit(title="Zeiterfassung in zehn Minuten", topic="Zeiterfassung", format="video")
        timing.projects.add(project)
        make_learning_unit(title="Phishing erkennen", topic="IT-Sicherheit", dimension_key="security")
        self.login(self.staff)
        url = reverse("learning:catalogue")
        for query, expected in (
            ({"topic": "Zeiterfassung"}, "Zeiterfassung in zehn Minuten"),
            ({"format": "video"}, "Zeiterfassung in zehn Minuten"),
            ({"dimension": "security"}, "Phishing erkennen"),
            ({"project": project.pk}, "Zeiterfassung in zehn Minuten"),
            ({"q": "phishing"}, "Phishing erkennen"),
        ):
            page = self.client.get(url, query).content.decode()
            self.assertIn(expected, page, query)
            other = "Phishing erkennen" if expected != "Phishing erkennen" else "Zeiterfassung in zehn Minuten"
            self.assertNotIn(other, page, query)

    def test_the_catalogue_needs_the_same_number_of_queries_however_long(self) -> None:
        self.login(self.staff)
        url = reverse("learning:catalogue")
        make_session(unit=make_learning_unit())
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(15):
            make_session(unit=make_learning_unit())
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(many), len(few))


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="etappe-learning-"))
class ProjectPanelTests(BaseTestCase):
    def test_project_pages_show_their_learning_offers_to_staff_only(self) -> None:
        project = Project.objects.create(title="Digitale Zeiterfassung")
        make_learning_unit(title="Zeiterfassung in zehn Minuten", duration_minutes=10).projects.add(project)
        make_learning_unit(title="Ausgemusterter Kurs", is_active=False).projects.add(project)
        make_learning_unit(title="Phishing erkennen")
        url = project.get_absolute_url()
        self.login(self.staff)
        page = self.client.get(url, **EN)
        self.assertContains(page, "Learning offers for this project")
        self.assertContains(page, "Zeiterfassung in zehn Minuten")
        self.assertContains(page, "10 minutes")
        self.assertNotContains(page, "Ausgemusterter Kurs")
        self.assertNotContains(page, "Phishing erkennen")
        self.assertContains(page, "Who has done this before?")
        self.assertContains(self.client.get(url), "Lernangebote zu diesem Projekt")
        self.login(self.citizen)
        page = self.client.get(url, **EN)
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Zeiterfassung in zehn Minuten")
        self.client.logout()
        self.assertNotContains(self.client.get(url, **EN), "Learning offers for this project")

    def test_the_panel_costs_the_same_queries_however_many_offers(self) -> None:
        project = Project.objects.create(title="Digitale Zeiterfassung")
        make_learning_unit().projects.add(project)
        self.login(self.staff)
        url = project.get_absolute_url()
        self.client.get(url)
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(6):
            make_learning_unit().projects.add(project)
        with CaptureQueriesContext(connection) as many:
            page = self.client.get(url)
        self.assertEqual(page.content.decode().count("Wissenshäppchen"), 7)
        self.assertEqual(len(many), len(few))


class MaterialTests(BaseTestCase):
    def post(self, upload: SimpleUploadedFile, **headers):
        data = {
            "title": "Merkblatt Wallet",
            "topic": "Mobiles Arbeiten",
            "summary": "Eine Seite.",
            "duration_minutes": "5",
            "format": "handout",
            "dimension_key": "workplace",
            "is_active": "on",
            "material_file": upload,
        }
        return self.client.post(reverse("learning:unit_create"), data, **headers)

    def test_a_pdf_is_stored_and_offered_to_staff_only(self) -> None:
        self.login(self.team)
        response = self.post(SimpleUploadedFile("merkblatt.pdf", PDF, content_type="application/pdf"))
        unit = LearningUnit.objects.get()
        self.assertRedirects(response, unit.get_absolute_url())
        self.assertTrue(unit.material_file.name.startswith("learning/"))
        self.login(self.staff)
        download = self.client.get(reverse("learning:material", args=[unit.pk]))
        self.assertEqual(b"".join(download.streaming_content), PDF)
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("learning:material", args=[unit.pk])).status_code, 404)

    def test_wrong_types_disguised_files_and_large_files_are_refused(self) -> None:
        self.login(self.team)
        response = self.post(SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream"))
        self.assertContains(response, "Dateien dieses Typs können nicht hochgeladen werden.")
        response = self.post(SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>", content_type="application/pdf"))
        self.assertContains(response, "Der Inhalt der Datei passt nicht zu ihrer Endung.")
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
        response = self.post(big, **EN)
        self.assertContains(response, "The file is larger than 20 MB.")
        self.assertFalse(LearningUnit.objects.exists())


class RegistrationTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.session = make_session(capacity=2)

    def register(self, user):
        self.login(user)
        return self.client.post(reverse("learning:register", args=[self.session.pk]), follow=True)

    def test_register_twice_and_beyond_capacity_are_refused_with_a_message(self) -> None:
        self.assertContains(self.register(self.staff), "Sie sind angemeldet.")
        self.assertContains(self.register(self.staff), "Sie sind für diesen Termin bereits angemeldet.")
        self.register(self.lead)
        self.assertContains(self.register(self.council), "Dieser Termin ist ausgebucht.")
        self.assertEqual(Registration.objects.filter(session=self.session).count(), 2)
        registration = Registration.objects.get(user=self.staff)
        self.assertEqual(registration.org_unit, self.unit)
        self.login(self.council)
        self.client.cookies.load({"django_language": "en"})
        response = self.client.post(reverse("learning:register", args=[self.session.pk]), follow=True, **EN)
        self.assertContains(response, "This session is fully booked.")

    def test_cancel_frees_the_seat_and_nobody_registers_for_a_past_session(self) -> None:
        self.register(self.staff)
        self.register(self.lead)
        self.login(self.staff)
        response = self.client.post(reverse("learning:cancel", args=[self.session.pk]), follow=True)
        self.assertContains(response, "Ihre Anmeldung wurde storniert")
        self.assertContains(self.register(self.council), "Sie sind angemeldet.")
        past = make_session(days=-1)
        with translation.override("en"), self.assertRaisesMessage(LearningError, "already begun"):
            registration_create(session=past, user=self.staff)

    def test_attendance_and_feedback_only_from_people_who_attended(self) -> None:
        past = make_session(days=-2)
        present = make_registration(session=past, user=self.staff)
        absent = make_registration(session=past, user=self.lead)
        self.login(self.team)
        response = self.client.post(reverse("learning:attendance", args=[past.pk]), {"present": [present.pk]})
        self.assertRedirects(response, past.get_absolute_url())
        present.refresh_from_db()
        absent.refresh_from_db()
        self.assertEqual((present.attended, absent.attended), (True, False))
        self.login(self.lead)
        response = self.client.post(reverse("learning:feedback", args=[past.pk]), {"rating": "5", "text": "Super"})
        self.assertContains(response, "Nur wer an diesem Termin teilgenommen hat", status_code=403)
        self.login(self.staff)
        response = self.client.post(reverse("learning:feedback", args=[past.pk]), {"rating": "6"})
        self.assertContains(response, "Eine Bewertung reicht von 1 bis 5.")
        response = self.client.post(reverse("learning:feedback", args=[past.pk]), {"rating": "4", "text": "Hilfreich"})
        self.assertRedirects(response, past.get_absolute_url())
        present.refresh_from_db()
        self.assertEqual((present.rating, present.feedback), (4, "Hilfreich"))
        # Attendance before the session began is refused.
        self.login(self.team)
        response = self.client.post(reverse("learning:attendance", args=[self.session.pk]), {"present": []})
        self.assertContains(response, "sobald der Termin begonnen hat")

    def test_statistics_per_unit_and_topic(self) -> None:
        it = make_unit(name="IT-Service", short_name="FB 1.2")
        Membership.objects.create(user=self.council, unit=it)
        past = make_session(unit=make_learning_unit(topic="IT-Sicherheit"), days=-3)
        make_registration(session=past, user=self.staff, attended=True, rating=4)
        make_registration(session=past, user=self.lead, attended=True, rating=2)
        make_registration(session=past, user=self.council, attended=False)
        units = {row["org_unit__short_name"]: row for row in by_unit()}
        self.assertEqual((units["FB 2.1"]["registrations"], units["FB 2.1"]["present"]), (2, 2))
        self.assertEqual(units["FB 2.1"]["average_rating"], 3.0)
        self.assertEqual(units["FB 1.2"]["attendance_rate"], 0)
        topics = {row["session__unit__topic"]: row for row in by_topic()}
        self.assertEqual(topics["IT-Sicherheit"]["attendance_rate"], 67)
        self.login(self.team)
        page = self.client.get(reverse("learning:statistics"))
        self.assertContains(page, "IT-Sicherheit")
        self.assertContains(page, "67 %")

    def test_the_api_registers_refuses_and_cancels(self) -> None:
        _, raw = ApiToken.issue(user=self.staff, name="t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        url = f"/api/v1/learning/sessions/{self.session.pk}/registration"
        self.assertEqual(self.client.post(url, **auth).status_code, 201)
        twice = self.client.post(url, **auth)
        self.assertEqual(twice.status_code, 409)
        self.assertIn("bereits angemeldet", twice.json()["message"])
        sessions = self.client.get("/api/v1/learning/sessions", **auth).json()["items"]
        self.assertEqual((sessions[0]["booked"], sessions[0]["free"]), (1, 1))
        self.assertEqual(self.client.get("/api/v1/learning/units", **auth).json()["count"], 1)
        self.assertEqual(self.client.delete(url, **auth).status_code, 204)
        self.assertEqual(self.client.get(url, **auth).status_code, 404)
        past = make_session(days=-1)
        make_registration(session=past, user=self.staff, attended=False)
        feedback = self.client.put(
            f"/api/v1/learning/sessions/{past.pk}/feedback", {"rating": 5}, content_type="application/json", **auth
        )
        self.assertEqual(feedback.status_code, 403)
        self.assertEqual(self.client.get("/api/v1/learning/units").status_code, 401)

    def test_personal_data_export_and_erasure(self) -> None:
        past = make_session(days=-3)
        make_registration(session=past, user=self.staff, attended=True, rating=5, feedback="Danke, Sam")
        exported = personal_data(self.staff)["sections"]["learning"]
        self.assertEqual((exported[0]["rating"], exported[0]["feedback"]), (5, "Danke, Sam"))
        run_erasers(self.staff)
        registration = Registration.objects.get(session=past)
        self.assertEqual((registration.user, registration.feedback, registration.rating), (None, "", 5))


@unittest.skipUnless(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
class ConcurrentRegistrationTests(TransactionTestCase):
    def test_two_people_at_once_cannot_both_take_the_last_seat(self) -> None:
        session = make_session(capacity=1)
        users = [make_user(role=Role.STAFF, email=f"gleichzeitig{n}@example.org") for n in range(6)]
        barrier = threading.Barrier(len(users))
        outcomes: list[str] = []

        def attempt(user) -> None:
            barrier.wait()
            try:
                registration_create(session=session, user=user)
                outcomes.append("ok")
            except LearningError:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["ok"] + ["refused"] * 5)
        self.assertEqual(Registration.objects.filter(session=session).count(), 1)

    def test_the_same_person_twice_at_once_gets_one_registration(self) -> None:
        session = make_session(capacity=10)
        user = make_user(role=Role.STAFF, email="doppelklick@example.org")
        barrier = threading.Barrier(4)
        outcomes: list[str] = []

        def attempt() -> None:
            barrier.wait()
            try:
                registration_create(session=session, user=user)
                outcomes.append("ok")
            except LearningError:
                outcomes.append("refused")
            finally:
                connection.close()

        threads = [threading.Thread(target=attempt) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["ok", "refused", "refused", "refused"])
        self.assertEqual(Registration.objects.filter(session=session, user=user).count(), 1)
