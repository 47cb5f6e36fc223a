from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Idea pool")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ideas.models import Comment, Idea, Report

        auditlog.register(
            Idea,
            exclude_fields=[
                "support_count",
                "comment_count",
                "last_activity_at",
                "search_stems",
                "embedding",
                "sparse_terms",
                "submission_token",  # identifies the form, not a fact about the idea
            ],
        )
        auditlog.register(Comment)
        auditlog.register(Report)
