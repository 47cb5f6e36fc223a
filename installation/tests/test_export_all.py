"""export_all and import_all move a whole installation into a fresh database unchanged."""

import gzip
import json
import shutil
import stat
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TransactionTestCase

from ideas.models import Idea
from installation.demo import load_demo
from surveys.models import Response


def records(path: Path) -> list:
    """The records of an export file in a stable order."""
    # A time whose microseconds are below one millisecond is written "…:52.000Z" the first time and,
    # read back with those microseconds cut off, "…:52Z" the second: the same instant.
    data = json.loads(gzip.decompress(path.read_bytes()).decode().replace('.000Z"', 'Z"'))
    return sorted(data, key=lambda r: (r["model"], json.dumps(r.get("pk")), json.dumps(r["fields"], sort_keys=True)))


class ExportImportTests(TransactionTestCase):
    def test_round_trip_into_a_fresh_database(self) -> None:
        """Export, import into an emptied database, export again: both files hold the same records.

        (Django's JSON serialiser keeps times to the millisecond, so the comparison is between
        the two exports, not with the microseconds the first database happened to hold.)
        """
        load_demo()
        ideas, responses = Idea.objects.count(), Response.objects.count()
        with tempfile.TemporaryDirectory() as folder:
            first, second = Path(folder) / "first.json.gz", Path(folder) / "second.json.gz"
            # With secrets: without them the exchange key pair is new after the import, and so are
            # the signatures of what the installation publishes (SecretsTests covers that case).
            call_command("export_all", str(first), "--include-secrets", stdout=StringIO())
            call_command("flush", interactive=False, verbosity=0)
            self.assertEqual(Idea.objects.count(), 0)
            call_command("import_all", str(first), stdout=StringIO())
            call_command("export_all", str(second), "--include-secrets", stdout=StringIO())
            before, after = records(first), records(second)
        self.assertGreater(len(before), 400)
        self.assertEqual(after, before)
        self.assertGreater(ideas, 0)
        self.assertEqual((Idea.objects.count(), Response.objects.count()), (ideas, responses))

    def test_import_refuses_a_database_with_data(self) -> None:
        load_demo()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "etappe.json"
            call_command("export_all", str(path), stdout=StringIO())
            with self.assertRaisesMessage(CommandError, "already holds data"):
                call_command("import_all", str(path))

    def test_a_broken_file_writes_nothing(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "broken.json"
            path.write_text(
                '[{"model": "ideas.idea", "pk": 1, "fields": {"title": "x", "description": "y"}}, {"model": "nope.nope"}]'
            )
            with self.assertRaisesMessage(CommandError, "wrote nothing"):
                call_command("import_all", str(path))
        self.assertEqual(Idea.objects.count(), 0)

    def test_bad_file_names_are_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "must end in"):
            call_command("export_all", "export.txt")
        with self.assertRaisesMessage(CommandError, "no file"):
            call_command("import_all", "does-not-exist.json")


class SecretsTests(TransactionTestCase):
    """The export file is private (0600) and holds secrets only when asked (issue 14, finding 18)."""

    def setUp(self) -> None:
        from accounts.models import ApiToken
        from exchange.signing import installation_key
        from installation.testing import make_survey, make_user
        from surveys.models import Invitation

        self.user = make_user(email="geheim@example.org")
        self.user.set_password("ein langes Passwort 123")
        self.user.save()
        _token, self.raw_token = ApiToken.issue(user=self.user, name="Skript")
        self.private_key = installation_key().private_key
        self.invitation = Invitation.objects.create(survey=make_survey(audience="invitation"))
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)

    def export(self, name: str, *args: str) -> tuple[str, str]:
        path = self.folder / name
        path.write_text("old")
        path.chmod(0o644)
        out = StringIO()
        call_command("export_all", str(path), *args, stdout=out)
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
        self.assertEqual([p.name for p in self.folder.iterdir()], [name])  # no temporary file left behind
        content = gzip.decompress(path.read_bytes()).decode() if name.endswith(".gz") else path.read_text()
        return content, out.getvalue()

    def test_by_default_the_file_is_private_and_holds_no_secrets(self) -> None:
        text, said = self.export("etappe.json")
        self.assertIn("0600", said)
        self.assertIn("without secrets", said)
        data = json.loads(text)
        models = {record["model"] for record in data}
        self.assertNotIn("accounts.apitoken", models)
        self.assertNotIn("exchange.installationkey", models)
        user = next(r for r in data if r["model"] == "accounts.user" and r["fields"]["email"] == "geheim@example.org")
        self.assertEqual(user["fields"]["password"], "!")
        self.assertNotIn(self.user.password, text)
        self.assertNotIn(self.invitation.token, text)
        self.assertNotIn("token", next(r for r in data if r["model"] == "surveys.invitation")["fields"])

    def test_the_import_of_an_export_without_secrets_works_but_passwords_must_be_set_again(self) -> None:
        from accounts.models import User
        from surveys.models import Invitation

        self.export("etappe.json")
        call_command("flush", interactive=False, verbosity=0)
        out = StringIO()
        call_command("import_all", str(self.folder / "etappe.json"), stdout=out)
        self.assertIn("changepassword", out.getvalue())
        user = User.objects.get(email="geheim@example.org")
        self.assertFalse(user.has_usable_password())
        invitation = Invitation.objects.get()
        self.assertTrue(invitation.token)
        self.assertNotEqual(invitation.token, self.invitation.token)

    def test_with_include_secrets_everything_comes_back(self) -> None:
        from accounts.models import ApiToken, User
        from exchange.models import InstallationKey

        text, said = self.export("etappe.json.gz", "--include-secrets")
        self.assertIn(self.user.password, text)
        self.assertIn("with secrets", said)
        call_command("flush", interactive=False, verbosity=0)
        call_command("import_all", str(self.folder / "etappe.json.gz"), stdout=StringIO())
        self.assertTrue(User.objects.get(email="geheim@example.org").check_password("ein langes Passwort 123"))
        self.assertEqual(ApiToken.objects.find(self.raw_token).user.email, "geheim@example.org")
        self.assertEqual(bytes(InstallationKey.objects.get().private_key), bytes(self.private_key))


class StuckReportTests(TransactionTestCase):
    def test_a_report_being_built_when_exported_comes_back_failed_with_a_message(self) -> None:
        from datetime import date

        from reports.models import CouncilReport

        CouncilReport.objects.create(
            title="Halb fertig",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30),
            state="running",
            progress=55,
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "etappe.json"
            call_command("export_all", str(path), stdout=StringIO())
            call_command("flush", interactive=False, verbosity=0)
            call_command("import_all", str(path), stdout=StringIO())
        report = CouncilReport.objects.get()
        self.assertEqual(report.state, "failed")
        self.assertTrue(report.message)

    def test_a_report_whose_worker_died_is_exported_as_failed(self) -> None:
        from datetime import date, timedelta

        from django.utils import timezone

        from reports.models import CouncilReport

        report = CouncilReport.objects.create(
            title="Verwaist", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), state="running", progress=55
        )
        CouncilReport.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "etappe.json"
            call_command("export_all", str(path), stdout=StringIO())
            exported = next(r for r in json.loads(path.read_text()) if r["model"] == "reports.councilreport")
        self.assertEqual(exported["fields"]["state"], "failed")
