"""Read an `export_all` file into a fresh, migrated database: everything or nothing.

The task queue is not part of an export: council reports that were waiting or being built are
marked failed with a message (they can be requested again). After an export without secrets
the accounts have no usable password; the command says how many and how to set one.
"""

from pathlib import Path

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from installation.management.commands.export_all import SUFFIXES
from municipality.models import Municipality
from reports.tasks import fail_interrupted_reports


class Command(BaseCommand):
    help = "Import a file written by export_all into an empty database (run `migrate` on it first)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File written by export_all")

    def handle(self, *args, path: str, **options) -> None:
        source = Path(path)
        if not source.name.endswith(SUFFIXES):
            raise CommandError(f"The file name must end in one of {', '.join(SUFFIXES)}.")
        if not source.is_file():
            raise CommandError(f"There is no file {source}.")
        if User.objects.exists() or Municipality.objects.exists():
            raise CommandError(
                "This database already holds data. import_all only fills a new, empty database "
                "(create it, run `manage.py migrate`, then import)."
            )
        try:
            with transaction.atomic():
                call_command("loaddata", str(source), verbosity=0)
                interrupted = fail_interrupted_reports()
        except Exception as error:  # loaddata wraps every problem; nothing was written
            raise CommandError(f"The import failed and wrote nothing: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {source}."))
        if interrupted:
            self.stdout.write(f"{interrupted} council reports were not finished when exported; they are marked failed.")
        without_password = User.objects.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).count()
        if without_password:
            self.stdout.write(
                f"{without_password} accounts have no password (the export held no secrets). Set one with "
                "`manage.py changepassword <e-mail>`, or export again with --include-secrets."
            )
