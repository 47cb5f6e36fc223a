from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalityConfig(AppConfig):
    name = "municipality"
    verbose_name = _("Municipality")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from municipality.models import LegalPage, Municipality

        auditlog.register(Municipality)
        auditlog.register(LegalPage)
