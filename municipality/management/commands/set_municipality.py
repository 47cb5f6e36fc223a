from django.core.management.base import BaseCommand, CommandError, CommandParser

from municipality import register
from municipality.services import municipality_set_from_register


class Command(BaseCommand):
    help = "Choose the municipality this installation serves, by ARS (12 digits) or AGS (8 digits)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="ARS or AGS from the Destatis register, e.g. 05766064")
        parser.add_argument("--website", default="", help="The municipality's website")

    def handle(self, *args, key: str, website: str, **options) -> None:
        try:
            municipality = municipality_set_from_register(key=key, website=website)
        except register.UnknownMunicipality as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"This installation now serves {municipality.name} (ARS {municipality.ars}, {municipality.state})."
            )
        )
