from django.core.management.base import BaseCommand

from exchange.publishing import publications_refresh


class Command(BaseCommand):
    help = "Rebuild the signed documents of every published project and lesson (after bulk imports)."

    def handle(self, *args, **options) -> None:
        changed = publications_refresh()
        self.stdout.write(f"{changed} documents changed")
