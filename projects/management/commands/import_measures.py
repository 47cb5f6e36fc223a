from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.importing import import_measures, parse_measures


class Command(BaseCommand):
    help = "Import a measures list (CSV or XLSX, one row per milestone) with the columns guessed from its header."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, path: str, dry_run: bool, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"There is no file {source}.")
        result = parse_measures(source.read_bytes())
        if result.errors:
            for line, message in result.errors:
                self.stderr.write(f"line {line}: {message}")
            raise CommandError(f"{len(result.errors)} errors; nothing was imported.")
        if dry_run:
            self.stdout.write(
                f"{len(result.projects)} projects with {result.milestone_count} milestones would be imported."
            )
            return
        projects = import_measures(result)
        self.stdout.write(
            self.style.SUCCESS(f"Imported {len(projects)} projects with {result.milestone_count} milestones.")
        )
