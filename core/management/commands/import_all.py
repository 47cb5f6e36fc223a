"""Read an `export_all` file into a fresh, migrated database: everything or nothing."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from core.management.commands.export_all import SUFFIXES
from municipality.models import Municipality


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
        except Exception as error:  # loaddata wraps every problem; nothing was written
            raise CommandError(f"The import failed and wrote nothing: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {source}."))
