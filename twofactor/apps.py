from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwofactorConfig(AppConfig):
    name = "twofactor"
    verbose_name = _("Two-factor login")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from core import audit
        from twofactor import privacy
        from twofactor.middleware import remember_need_at_login
        from twofactor.models import RoleRequirement

        auditlog.register(RoleRequirement)
        # Changes of a person's second factors are recorded on their account (twofactor/services.py).
        audit.RECORDED_EXTRAS.setdefault("accounts.user", set()).add("second_factor")
        audit.FIELD_LABELS["second_factor"] = _("second factor")
        user_logged_in.connect(remember_need_at_login, dispatch_uid="twofactor.remember_need")
        privacy.register()
