from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from participation.models import Stakeholder, Workshop

        auditlog.register(Stakeholder, m2m_fields={"ideas"})
        auditlog.register(Workshop, m2m_fields={"stakeholders", "ideas"})
