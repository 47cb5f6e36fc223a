"""Learning sessions as iCalendar files (RFC 5545), and the confirmation e-mails on registration and cancellation."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import ApiToken
from core.tests.test_mail_links import assert_links_whole
from installation.testing import BaseTestCase
from learning.ical import escape_text, fold, session_filename, session_ics
from learning.models import Registration
from learning.services import registration_create
from learning.testing import make_registration, make_session, make_unit

BASE = "https://etappe.lindenfeld.example"
BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = 'Kalender; Kommas, Backslash \\ und „Anführung“\r\nZeile 2 <b>fett</b> & "Zitat" ' + "sehr lang " * 12


def parse(text: str) -> list[dict[str, str]]:
    """A strict reading of the file: CRLF only, lines at most 75 octets, unfolded, and one dict per
    component (BEGIN…END) with the values unescaped."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert "\n" not in line and "\r" not in line, repr(line)
        assert len(line.encode()) <= 75, (len(line.encode()), line)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    components: list[dict[str, str]] = []
    stack: list[dict[str, str]] = []
    for line in logical:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append({"BEGIN": value})
        elif name == "END":
            component = stack.pop()
            assert component["BEGIN"] == value
            components.append(component)
        else:
            assert re.fullmatch(r"[A-Z-]+", name), name
            stack[-1][name] = re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)
    assert not stack
    return components


def event_of(text: str) -> dict[str, str]:
    [event, calendar] = parse(text)
    assert (event["BEGIN"], calendar["BEGIN"]) == ("VEVENT", "VCALENDAR")
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return event


@override_settings(ETAPPE_BASE_URL=BASE)
class CalendarFileTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.unit = make_unit(title=HOSTILE, duration_minutes=45, summary="Was Sie lernen;\nmit Umbruch, und \\.")
        summer = datetime(2027, 7, 6, 12, 0, tzinfo=BERLIN)
        self.session = make_session(
            unit=self.unit,
            place="Rathaus, Raum 2.14; Eingang B",
            online_url="https://meet.lindenfeld.example/happen",
            trainer="Lea Sommer",
        )
        self.session.starts_at = summer
        self.session.save()

    def download(self, user) -> str:
        self.login(user)
        response = self.client.get(reverse("learning:calendar", args=[self.session.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertRegex(
            response["Content-Disposition"], r'^attachment; filename="kalender-kommas-[a-z0-9-]*-2027-\d\d-\d\d\.ics"$'
        )
        return response.content.decode()

    def test_it_is_valid_with_utc_times_and_the_right_local_hour(self):
        event = event_of(self.download(self.staff))
        self.assertEqual(event["DTSTART"], "20270706T100000Z")  # 12:00 in Berlin, summer time
        self.assertEqual(event["DTEND"], "20270706T104500Z")
        self.assertRegex(event["DTSTAMP"], r"^\d{8}T\d{6}Z$")
        self.assertEqual(event["URL"], f"{BASE}/learning/sessions/{self.session.pk}/")
        self.session.starts_at = datetime(2027, 1, 12, 9, 30, tzinfo=BERLIN)
        self.session.save()
        self.assertEqual(event_of(self.download(self.staff))["DTSTART"], "20270112T083000Z")  # winter time

    def test_the_uid_is_stable(self):
        first = event_of(self.download(self.staff))["UID"]
        self.assertEqual(first, f"learning-session-{self.session.pk}@etappe.lindenfeld.example")
        self.assertEqual(event_of(self.download(self.team))["UID"], first)

    def test_text_is_escaped_and_reads_back_as_typed(self):
        text = self.download(self.staff)
        event = event_of(text)
        self.assertEqual(event["SUMMARY"], HOSTILE.replace("\r\n", "\n"))
        self.assertEqual(event["LOCATION"], "Rathaus, Raum 2.14; Eingang B")
        self.assertIn("Was Sie lernen;\nmit Umbruch, und \\.", event["DESCRIPTION"])
        self.assertIn("SUMMARY:Kalender\\; Kommas\\, Backslash \\\\ und", text)

    def test_the_online_link_only_for_registered_people_and_the_team(self):
        link = "https://meet.lindenfeld.example/happen"
        self.assertNotIn(link, self.download(self.staff).replace("\r\n ", ""))
        self.assertIn(link, self.download(self.team).replace("\r\n ", ""))
        make_registration(session=self.session, user=self.lead)
        self.assertIn(link, event_of(self.download(self.lead))["DESCRIPTION"])

    def test_the_description_in_german_and_english(self):
        self.assertIn("Der Termin auf der Plattform:", event_of(self.download(self.staff))["DESCRIPTION"])
        with translation.override("en"):
            self.assertIn("The session on the platform:", session_ics(self.session, with_online_link=False))

    def test_the_session_page_offers_the_file_until_the_session_begins(self):
        self.login(self.staff)
        calendar = reverse("learning:calendar", args=[self.session.pk])
        page = self.client.get(self.session.get_absolute_url())
        self.assertContains(page, f'href="{calendar}" download')
        self.assertContains(page, "In den Kalender eintragen (.ics)")
        past = make_session(unit=self.unit, days=-2)
        self.assertNotContains(self.client.get(past.get_absolute_url()), "calendar.ics")

    def test_citizens_and_visitors_get_nothing(self):
        self.login(self.citizen)
        self.assertEqual(self.client.get(reverse("learning:calendar", args=[self.session.pk])).status_code, 404)

    def test_folding_never_splits_a_character(self):
        for line in ("SUMMARY:" + "ä" * 100, "DESCRIPTION:" + "€" * 70 + "x" * 30, "X:" + "a" * 200):
            folded = fold(line)
            parts = folded.split("\r\n")
            self.assertTrue(all(len(p.encode()) <= 75 for p in parts))
            self.assertEqual(parts[0] + "".join(p[1:] for p in parts[1:]), line)
        self.assertEqual(escape_text("a\x00b\x0bc\td"), "abc\td")


@override_settings(ETAPPE_BASE_URL=BASE)
class ConfirmationMailTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        mail.outbox.clear()
        self.session = make_session(
            unit=make_unit(title=HOSTILE), days=5, online_url="https://meet.lindenfeld.example/x", capacity=1
        )
        self.url = f"{BASE}/learning/sessions/{self.session.pk}/"

    def register(self, user, *, execute: bool = True):
        self.login(user)
        with self.captureOnCommitCallbacks(execute=execute) as callbacks:
            response = self.client.post(reverse("learning:register", args=[self.session.pk]))
        self.assertRedirects(response, self.session.get_absolute_url())
        return callbacks

    def test_registering_sends_a_german_confirmation_with_link_and_calendar_file_after_commit(self):
        callbacks = self.register(self.staff, execute=False)
        self.assertEqual(mail.outbox, [])  # nothing before the registration is committed
        for callback in callbacks:
            callback()
        [message] = mail.outbox
        self.assertEqual(message.to, [self.staff.email])
        self.assertTrue(message.subject.startswith("Anmeldung bestätigt: „Kalender; Kommas"), message.subject)
        self.assertNotIn("\n", message.subject)
        self.assertIn("Guten Tag Sam Staff,", message.body)
        self.assertIn('<b>fett</b> & "Zitat"', message.body)
        self.assertIn("https://meet.lindenfeld.example/x", message.body)
        local = timezone.localtime(self.session.starts_at)
        self.assertIn(f", {local:%H:%M} bis {local + timedelta(minutes=30):%H:%M} Uhr\n", message.body)
        assert_links_whole(self, message, [self.url])
        [(filename, content, mimetype)] = message.attachments
        self.assertTrue(filename.endswith(".ics"))
        self.assertEqual(mimetype, "text/calendar")
        event = event_of(content)
        self.assertEqual(event["UID"], f"learning-session-{self.session.pk}@etappe.lindenfeld.example")
        self.assertEqual(event["DTSTART"], self.session.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
        self.assertIn("https://meet.lindenfeld.example/x", event["DESCRIPTION"])

    def test_a_refused_registration_sends_nothing(self):
        self.register(self.staff)
        mail.outbox.clear()
        self.register(self.lead)  # the only seat is taken
        self.assertFalse(Registration.objects.filter(user=self.lead).exists())
        self.assertEqual(mail.outbox, [])

    def test_cancelling_sends_a_confirmation_with_the_link(self):
        self.register(self.staff)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("learning:cancel", args=[self.session.pk]))
        self.assertRedirects(response, self.session.get_absolute_url())
        [message] = mail.outbox
        self.assertTrue(message.subject.startswith("Anmeldung storniert: „Kalender"), message.subject)
        self.assertIn("löschen Sie ihn bitte dort", message.body)
        self.assertEqual(message.attachments, [])
        assert_links_whole(self, message, [self.url])

    def test_the_api_registration_sends_the_same_confirmation(self):
        _, token = ApiToken.issue(user=self.staff, name="Kalender")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/api/v1/learning/sessions/{self.session.pk}/registration",
                headers={"authorization": f"Bearer {token}"},
            )
        self.assertEqual(response.status_code, 201)
        [message] = mail.outbox
        self.assertIn(self.url, message.body)

    def test_the_ics_of_the_mail_matches_the_download(self):
        self.register(self.staff)
        [message] = mail.outbox
        attached = event_of(message.attachments[0][1])
        downloaded = event_of(self.client.get(reverse("learning:calendar", args=[self.session.pk])).content.decode())
        for key in ("UID", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "URL"):
            self.assertEqual(attached.get(key), downloaded.get(key), key)


class CalendarFileUnitTests(BaseTestCase):
    def test_a_session_without_place_takes_the_online_link_as_location_only_when_allowed(self):
        session = make_session(place="", online_url="https://meet.lindenfeld.example/y")
        self.assertIn("LOCATION:https://meet", session_ics(session, with_online_link=True))
        self.assertNotIn("LOCATION", session_ics(session, with_online_link=False))

    def test_the_file_name_spells_umlauts_out(self):
        session = make_session(unit=make_unit(title="Videokonferenzen souverän leiten – Größe zählt"))
        day = timezone.localtime(session.starts_at).date().isoformat()
        self.assertEqual(session_filename(session), f"videokonferenzen-souveraen-leiten-groesse-zaehlt-{day}.ics")

    def test_the_mail_in_english_for_someone_using_the_english_pages(self):
        session = make_session(unit=make_unit(title="Phishing"), days=3)
        with translation.override("en"), self.captureOnCommitCallbacks(execute=True):
            registration_create(session=session, user=self.staff)
        [message] = mail.outbox
        self.assertTrue(message.subject.startswith("Registration confirmed: “Phishing” on "), message.subject)
        self.assertIn("you are registered for “Phishing”.", message.body)
        self.assertIn("The session on the platform:", message.body)
