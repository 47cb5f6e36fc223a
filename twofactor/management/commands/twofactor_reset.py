"""Remove a person's second factors from the command line: the way back for the last
administrator who lost phone, key and recovery codes (the audit trail names "System")."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from twofactor.services import second_factors_reset


class Command(BaseCommand):
    help = "Remove the second factors (authenticator app, passkeys, recovery codes) of the account with this e-mail address."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        user = User.objects.people().filter(email=email.lower()).first()
        if user is None:
            raise CommandError(f"No account with the address {email}.")
        second_factors_reset(user=user, by=None)
        self.stdout.write(f"The second factors of {user.email} were removed; they log in with the password alone.")
