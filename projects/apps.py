from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from projects import privacy
        from projects.models import Decision, Kpi, LogEntry, Measurement, Milestone, Project

        auditlog.register(
            Project,
            m2m_fields={"fields_of_action", "goals", "members", "depends_on", "ideas"},
            exclude_fields=["version"],
        )
        auditlog.register(Milestone, exclude_fields=["version"])
        auditlog.register(Decision, m2m_fields={"ideas"})
        auditlog.register(Kpi)
        auditlog.register(Measurement)
        auditlog.register(LogEntry)
        privacy.register()
