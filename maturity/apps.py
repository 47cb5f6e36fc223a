from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = _("Digital maturity")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from maturity import privacy
        from maturity.models import Answer, Dimension, GapIdea, Item, Questionnaire, Response, Round, Settings, Target

        for model in (Questionnaire, Dimension, Item, Round, Response, Answer, Target, GapIdea, Settings):
            auditlog.register(model)
        privacy.register()
