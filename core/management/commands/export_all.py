"""Write the whole installation to one file that `import_all` reads into a fresh database."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Rebuilt by `migrate` (content types, permissions) or short-lived (sessions, login throttling, task queue).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "django_tasks_database"]
SUFFIXES = (".json", ".json.gz", ".json.xz", ".json.bz2")


class Command(BaseCommand):
    help = "Export every record of this installation as JSON (.json, or compressed .json.gz/.xz/.bz2)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File to write, e.g. etappe-export.json.gz")

    def handle(self, *args, path: str, **options) -> None:
        target = Path(path)
        if not target.name.endswith(SUFFIXES):
            raise CommandError(f"The file name must end in one of {', '.join(SUFFIXES)}.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            output=str(target),
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Exported to {target} ({target.stat().st_size:,} bytes)."))
