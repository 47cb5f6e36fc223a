"""The race for the last seat of a learning session (issue 14, "Also").

Registrations lock the session row and count under the lock (learning.services.registration_create,
tested there at the service level). Two further ways to the last seat are covered here: parallel
registrations through the API, and a smaller capacity saved while people register: the session
form counts the registrations when it validates, so one arriving before the save overbooked the
session. session_save now counts again under the same lock.
"""

import json
import threading
import unittest
from unittest import mock

from django.db import connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Role
from installation.testing import BaseTestCase, make_user
from learning import views
from learning.forms import SessionForm
from learning.models import Registration, Session
from learning.services import LearningError, registration_create, session_save
from learning.testing import make_registration, make_session

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def form_data(session: Session, capacity: int) -> dict:
    return {
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": session.place,
        "capacity": capacity,
    }


class CapacityEditTests(BaseTestCase):
    def test_a_registration_between_the_forms_check_and_the_save_is_not_overbooked(self) -> None:
        session = make_session(capacity=3)
        make_registration(session=session, user=self.staff)
        late = make_user(role=Role.STAFF)
        original = SessionForm.is_valid

        def is_valid_then_someone_registers(form) -> bool:
            valid = original(form)  # counted one registration: a capacity of 1 is fine
            registration_create(session=session, user=late)  # …and now there are two
            return valid

        self.login(self.team)
        with mock.patch.object(views.SessionForm, "is_valid", is_valid_then_someone_registers):
            response = self.client.post(
                reverse("learning:session_edit", args=[session.pk]), form_data(session, 1), **EN
            )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2 people are already registered")
        session.refresh_from_db()
        self.assertEqual(session.capacity, 3)
        self.assertEqual(Registration.objects.filter(session=session).count(), 2)

    def test_the_capacity_can_still_shrink_to_the_registrations(self) -> None:
        session = make_session(capacity=5)
        make_registration(session=session, user=self.staff)
        self.login(self.team)
        response = self.client.post(reverse("learning:session_edit", args=[session.pk]), form_data(session, 1))
        self.assertRedirects(response, session.get_absolute_url())
        session.refresh_from_db()
        self.assertEqual(session.capacity, 1)


@unittest.skipUnless(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
class ParallelLastSeatTests(TransactionTestCase):
    def run_together(self, jobs: list) -> list:
        barrier = threading.Barrier(len(jobs))
        results: list = []

        def run(job) -> None:
            try:
                barrier.wait()
                results.append(job())
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def test_parallel_api_registrations_for_the_last_seat_book_it_once(self) -> None:
        session = make_session(capacity=2)
        make_registration(session=session, user=make_user(role=Role.STAFF))
        headers = []
        for _ in range(6):
            _, raw = ApiToken.issue(user=make_user(role=Role.STAFF), name="race")
            headers.append({"HTTP_AUTHORIZATION": f"Bearer {raw}"})
        url = f"/api/v1/learning/sessions/{session.pk}/registration"
        statuses = self.run_together(
            [
                lambda h=h: Client().post(url, json.dumps({}), content_type="application/json", **h).status_code
                for h in headers
            ]
        )
        self.assertEqual(sorted(statuses), [201] + [409] * 5)
        self.assertEqual(Registration.objects.filter(session=session).count(), 2)

    def test_a_smaller_capacity_saved_while_people_register_never_overbooks(self) -> None:
        for _ in range(5):
            session = make_session(capacity=6)
            form = SessionForm(form_data(session, 2), instance=Session.objects.get(pk=session.pk))
            self.assertTrue(form.is_valid(), form.errors)  # counted no registrations yet
            people = [make_user(role=Role.STAFF) for _ in range(5)]

            def shrink(form=form) -> str:
                try:
                    session_save(session=form.instance, form_save=form.save)
                except LearningError:
                    return "refused"
                return "saved"

            def register(person, session=session) -> str:
                try:
                    registration_create(session=session, user=person)
                except LearningError:
                    return "full"
                return "booked"

            self.run_together([shrink, *[lambda p=p: register(p) for p in people]])
            session.refresh_from_db()
            self.assertLessEqual(Registration.objects.filter(session=session).count(), session.capacity)
