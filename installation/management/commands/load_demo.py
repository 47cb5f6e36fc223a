from django.core.management.base import BaseCommand

from installation.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the fictional demo town Lindenfeld with one account per role, and print the logins."

    def handle(self, *args, **options) -> None:
        accounts = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo town Lindenfeld (fictional) is ready. Demo logins:"))
        width = max(len(a.email) for a in accounts)
        for account in accounts:
            lead = f" ({account.unit}, lead)" if account.is_lead else ""
            self.stdout.write(f"  {account.email.ljust(width)}  {DEMO_PASSWORD}  {account.role.label}{lead}")
        self.stdout.write(
            "  Two factors are not required in the demo; an administrator can require them per role"
            " at /accounts/2fa/roles/."
        )
