from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.registry import reindex, sources


class Command(BaseCommand):
    help = "Rebuild the search index from the registered sources (all, or the types given)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("types", nargs="*", help="only these types, e.g. idea project")

    def handle(self, *args, types: list[str], **options) -> None:
        known = {s.kind for s in sources()}
        unknown = set(types) - known
        if unknown:
            raise CommandError(f"Unknown type(s): {', '.join(sorted(unknown))}. Known: {', '.join(sorted(known))}.")
        counts = reindex(types or None)
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"{kind:12} {count:8,}")
        self.stdout.write(self.style.SUCCESS(f"Indexed {sum(counts.values()):,} documents."))
