from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning offers")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from learning import privacy
        from learning.models import LearningUnit, Registration, Session

        auditlog.register(LearningUnit, m2m_fields={"projects"})
        auditlog.register(Session)
        auditlog.register(Registration)
        privacy.register()
