from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts import privacy_sections, signals  # noqa: F401 - connects the receivers
        from accounts.models import Membership, OrgUnit, User

        auditlog.register(User, include_fields=["email", "full_name", "role", "is_active", "invited_at"])
        auditlog.register(OrgUnit)
        auditlog.register(Membership)
        privacy_sections.register()
