from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Progress reports")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from reports.models import CouncilReport

        auditlog.register(CouncilReport, exclude_fields=["progress", "pdf", "xlsx", "csv"])
