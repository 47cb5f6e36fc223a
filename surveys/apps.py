from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Needs surveys")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from surveys import privacy
        from surveys.models import Choice, Question, Survey

        auditlog.register(Survey, m2m_fields={"stakeholders"})
        auditlog.register(Question)
        auditlog.register(Choice)
        privacy.register()
