from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ideas.importing import ideas_import, parse_ideas
from ideas.services import ideas_embed_later


class Command(BaseCommand):
    help = "Import ideas from a CSV or XLSX file (all rows or none). Columns: Titel/title, Beschreibung/description; optional Handlungsfeld, status, Eingereicht am, Quelle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="only check the file")
        parser.add_argument(
            "--no-embed",
            action="store_true",
            help="do not hand the new ideas to the embedding task (run embed_ideas later)",
        )

    def handle(self, *args, path: str, dry_run: bool, no_embed: bool, **options) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        result = parse_ideas(file.read_bytes())
        if result.errors:
            for line, message in result.errors[:50]:
                self.stderr.write(f"line {line}: {message}")
            more = len(result.errors) - 50
            raise CommandError(
                f"Nothing was imported: {len(result.errors)} errors"
                + (f" ({more} not shown)" if more > 0 else "")
                + "."
            )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"{len(result.rows)} ideas can be imported (dry run, nothing written).")
            )
            return
        ideas = ideas_import(result=result)
        if not no_embed:
            # In production the worker (db_worker) computes them; in development they are computed now.
            ideas_embed_later(ideas)
        self.stdout.write(self.style.SUCCESS(f"Imported {len(ideas)} ideas."))
