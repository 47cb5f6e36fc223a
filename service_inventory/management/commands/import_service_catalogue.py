"""Load or update the OZG and LeiKa catalogues: all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from municipality.models import Municipality
from service_inventory.catalogue import LEIKA_FILE, OZG_FILE, CatalogueError, import_catalogue, read_catalogue
from service_inventory.models import Service


class Command(BaseCommand):
    help = (
        "Load or update the OZG services and LeiKa services (defaults: the files shipped in service_inventory/data/). "
        "Adds and updates, never deletes; a file of the wrong shape is refused and nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ozg", type=Path, default=OZG_FILE, help="CSV: ozg_id,name,lebenslage,themenfeld")
        parser.add_argument(
            "--leika",
            type=Path,
            default=LEIKA_FILE,
            help="CSV: leika_key,name,leistungstyp,ozg_id,rechtsgrundlage_kurz",
        )

    def handle(self, *args, ozg: Path, leika: Path, **options) -> None:
        try:
            with translation.override("en"):  # the command line speaks English, like the other commands
                catalogue = read_catalogue(ozg, leika)
        except CatalogueError as error:
            raise CommandError(
                "The catalogue was refused; nothing was written.\n" + "\n".join(error.problems)
            ) from error
        result = import_catalogue(catalogue)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(catalogue.ozg):,} OZG services and {len(catalogue.leika):,} LeiKa services read: "
                f"{result.created:,} services added, {result.updated:,} updated, {result.unchanged:,} unchanged."
            )
        )
        if catalogue.repeated:
            self.stdout.write(f"{catalogue.repeated} identical repeated row(s) without LeiKa key were read once.")
        if result.not_in_file:
            self.stdout.write(
                f"{result.not_in_file:,} services in the database are not in the file; they were kept with their data."
            )
        municipality = Municipality.objects.current()
        if municipality is not None:
            applicable = Service.objects.applicable(municipality).count()
            kind = municipality.kind or "kind not recorded"
            state = municipality.state or "state not recorded"
            self.stdout.write(
                f"{applicable:,} of {Service.objects.count():,} services apply to {municipality} ({kind}, {state}); "
                "see docs/services.md."
            )
