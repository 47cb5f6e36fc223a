from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    # The package is service_inventory (so its service layer is service_inventory.services, not
    # services.services); the label stays "services", which names its tables and migrations.
    name = "service_inventory"
    label = "services"
    verbose_name = _("Services")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from service_inventory import privacy
        from service_inventory.models import LevelChange, LocalService

        # The catalogue itself is reference data from the shipped files, not edited here; what the
        # municipality records about a service is in the audit trail.
        auditlog.register(LocalService, m2m_fields={"ideas", "projects"})
        auditlog.register(LevelChange)
        privacy.register()
