"""Bulk import of staff from CSV/XLSX: all rows or none, errors with their line, a preview first."""

import io

from auditlog.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from accounts.importing import parse_people, parse_units
from accounts.models import Membership, Role, User
from installation.testing import BaseTestCase, make_unit

HEADER = "Name;E-Mail;Rolle;Organisationseinheiten\n"


def csv_file(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


class ParsingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        translation.activate("en")
        self.addCleanup(translation.deactivate)

    def test_units_are_found_by_name_or_short_name_even_with_a_comma_in_the_name(self) -> None:
        names = {"bürgerbüro": self.unit, "fb 2.1": self.unit, self.strategy_unit.name.casefold(): self.strategy_unit}
        units, unknown = parse_units("Stab Strategie, Innovation und Digitalisierung, FB 2.1", names)
        self.assertEqual(units, [self.strategy_unit, self.unit])
        self.assertEqual(unknown, [])
        units, unknown = parse_units("Bürgerbüro; Bauamt", names)
        self.assertEqual((units, unknown), ([self.unit], ["Bauamt"]))

    def test_a_clean_file_says_who_is_new_and_who_is_updated(self) -> None:
        result = parse_people(
            csv_file(
                "Nina Neu;nina@example.org;Beschäftigte der Fachbereiche;FB 2.1",
                "Sam Staff;STAFF@example.org;Strategy team;",
                "Otto Ohne;otto@example.org;;",
            )
        )
        self.assertEqual(result.errors, [])
        self.assertEqual([row.email for row in result.new], ["nina@example.org", "otto@example.org"])
        self.assertEqual([row.existing for row in result.updated], [self.staff])
        self.assertEqual(result.rows[0].role, Role.STAFF)
        self.assertIsNone(result.rows[2].role)

    def test_every_error_has_its_line(self) -> None:
        result = parse_people(
            csv_file(
                "Nina Neu;nina@example.org;Kaiserin;FB 2.1",
                "Otto;kein-mail;Department staff;Bauamt",
                "Nina Zwei;NINA@example.org;staff;",
                ";leer@example.org;staff;",
            )
        )
        lines = {line for line, _message in result.errors}
        self.assertEqual(lines, {2, 3, 5, 4})
        text = " ".join(message for _line, message in result.errors)
        self.assertIn("Kaiserin", text)
        self.assertIn("Bauamt", text)
        self.assertIn("kein-mail", text)
        self.assertIn("line 2", text)

    def test_a_file_without_the_required_columns_is_refused(self) -> None:
        result = parse_people(b"Vorname;Rolle\nNina;staff\n")
        self.assertEqual(result.errors[0][0], 1)


class ImportPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def upload(self, data: bytes, name: str = "personal.csv"):
        return self.client.post(
            reverse("accounts:people_import"), {"file": SimpleUploadedFile(name, data), "action": "preview"}
        )

    def test_it_is_for_administrators_only(self) -> None:
        for persona in (self.team, self.staff, self.citizen):
            self.login(persona)
            self.assertEqual(self.upload(csv_file("Nina;nina@example.org;staff;")).status_code, 403)
        self.assertFalse(User.objects.filter(email="nina@example.org").exists())

    def test_preview_then_import_invites_the_new_and_updates_the_existing(self) -> None:
        other = make_unit(name="Ordnungsamt", short_name="FB 3")
        self.login(self.admin)
        response = self.upload(
            csv_file("Nina Neu;nina@example.org;staff;FB 2.1, FB 3", "Sam Staff;staff@example.org;Strategieteam;FB 3")
        )
        self.assertContains(response, "has an account: role and units are updated")
        self.assertContains(response, "new: gets an invitation")
        self.assertFalse(User.objects.filter(email="nina@example.org").exists())  # the preview writes nothing
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("accounts:people_import"), {"action": "import"})
        self.assertRedirects(response, reverse("accounts:people"), fetch_redirect_response=False)
        nina = User.objects.get(email="nina@example.org")
        self.assertTrue(nina.invitation_pending)
        self.assertEqual(set(nina.units.all()), {self.unit, other})
        self.staff.refresh_from_db()
        self.assertEqual(self.staff.role, Role.STRATEGY_TEAM)
        self.assertEqual(list(self.staff.units.all()), [other])
        self.assertEqual(User.objects.filter(email="staff@example.org").count(), 1)
        self.assertEqual([message.to for message in mail.outbox], [["nina@example.org"]])
        change = LogEntry.objects.filter(object_pk=str(self.staff.pk), action=LogEntry.Action.UPDATE).latest("pk")
        self.assertEqual(change.actor, self.admin)

    def test_one_bad_row_imports_nothing(self) -> None:
        self.login(self.admin)
        response = self.upload(
            csv_file(
                "Nina Neu;nina@example.org;staff;FB 2.1",
                "Sam Staff;staff@example.org;council;",
                "Otto;otto@example.org;staff;Bauamt",
            )
        )
        self.assertContains(response, "Line 4")
        self.assertContains(response, "nothing was imported")
        response = self.client.post(reverse("accounts:people_import"), {"action": "import"}, follow=True)
        self.assertContains(response, "upload it again")
        self.assertFalse(User.objects.filter(email="nina@example.org").exists())
        self.staff.refresh_from_db()
        self.assertEqual(self.staff.role, Role.STAFF)
        self.assertEqual(len(mail.outbox), 0)

    def test_a_file_that_would_leave_no_administrator_is_refused(self) -> None:
        self.login(self.admin)
        response = self.upload(csv_file("Ada Admin;admin@example.org;staff;"))
        self.assertContains(response, "Line 2")
        self.assertContains(response, "no other administrator remains")
        self.admin.refresh_from_db()
        self.assertEqual(self.admin.role, Role.ADMINISTRATOR)

    def test_an_excel_file_works_and_the_german_page_too(self) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Name", "E-Mail", "Rolle", "Organisationseinheiten"])
        sheet.append(["Nina Neu", "nina@example.org", "Verwaltungsvorstand und Rat", "Bürgerbüro"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        self.login(self.admin)
        response = self.client.post(
            reverse("accounts:people_import"),
            {"file": SimpleUploadedFile("liste.xlsx", buffer.getvalue()), "action": "preview"},
            headers={"accept-language": "de"},
        )
        self.assertContains(response, "Einladung")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("accounts:people_import"), {"action": "import"})
        nina = User.objects.get(email="nina@example.org")
        self.assertEqual(nina.role, Role.COUNCIL)
        self.assertTrue(Membership.objects.filter(user=nina, unit=self.unit).exists())
        self.assertEqual(len(mail.outbox), 1)
