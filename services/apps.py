from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Services")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from services import privacy
        from services.models import LevelChange, LocalService

        # The catalogue itself is reference data from the shipped files, not edited here; what the
        # municipality records about a service is in the audit trail.
        auditlog.register(LocalService, m2m_fields={"ideas", "projects"})
        auditlog.register(LevelChange)
        privacy.register()
