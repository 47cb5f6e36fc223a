from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons learned")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from lessons import privacy
        from lessons.models import Lesson, Tag

        auditlog.register(Lesson, m2m_fields={"fields_of_action", "tags", "authors"}, exclude_fields=["version"])
        auditlog.register(Tag)
        privacy.register()
        from lessons.search_source import register_search_source

        register_search_source()
