from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = _("Digital strategy")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from strategy.models import FieldOfAction, GlossaryEntry, Goal, Strategy

        for model in (Strategy, GlossaryEntry, FieldOfAction, Goal):
            auditlog.register(model)
