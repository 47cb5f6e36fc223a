from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrioritisationConfig(AppConfig):
    name = "prioritisation"
    verbose_name = _("Prioritisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from prioritisation.models import Candidate, Criterion, PriorityRound, RoundCriterion, Score

        auditlog.register(Criterion)
        auditlog.register(PriorityRound, m2m_fields={"assessors"})
        auditlog.register(RoundCriterion)
        auditlog.register(Candidate)
        auditlog.register(Score)
