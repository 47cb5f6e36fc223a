from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchange between municipalities")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.core import checks
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

        from exchange import privacy
        from exchange.fetching import check_allowed_networks
        from exchange.models import Follow, Peer
        from exchange.publishing import refresh_later
        from lessons.models import Lesson
        from projects.models import Decision, Kpi, Measurement, Milestone, Project
        from service_inventory.models import LocalService

        auditlog.register(Peer, exclude_fields=["etag", "last_modified", "cursor", "last_attempt_at", "items_received"])
        auditlog.register(Follow)
        privacy.register()
        checks.register(check_allowed_networks, checks.Tags.security)

        # The outbox follows every change of what is published (index maintenance, not business logic),
        # rebuilt after commit (exchange.publishing.refresh_later; docs/architecture.md, "Derived data").
        def project_changed(sender, instance, **kwargs) -> None:
            refresh_later("project", instance.pk)

        def part_changed(sender, instance, **kwargs) -> None:
            project_id = getattr(instance, "project_id", None) or getattr(
                getattr(instance, "kpi", None), "project_id", None
            )
            if project_id:
                refresh_later("project", project_id)

        def backlog_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
            # A project's document names the OZG ids and LeiKa keys of the services whose backlog holds it.
            if reverse:  # project.local_services.add(…): the project changed
                if action in ("post_add", "post_remove", "post_clear"):
                    refresh_later("project", instance.pk)
            elif action in ("post_add", "post_remove"):
                for project_id in pk_set or ():
                    refresh_later("project", project_id)
            elif action == "pre_clear":  # the projects are still linked; the documents are built after commit
                for project_id in instance.projects.values_list("pk", flat=True):
                    refresh_later("project", project_id)

        def service_deleted(sender, instance, **kwargs) -> None:
            for project_id in instance.projects.values_list("pk", flat=True):
                refresh_later("project", project_id)

        def lesson_changed(sender, instance, **kwargs) -> None:
            refresh_later("lesson", instance.pk)

        for signal in (post_save, post_delete):
            signal.connect(project_changed, sender=Project, dispatch_uid=f"exchange-project-{signal}", weak=False)
            signal.connect(lesson_changed, sender=Lesson, dispatch_uid=f"exchange-lesson-{signal}", weak=False)
            for model in (Milestone, Kpi, Measurement, Decision):
                signal.connect(
                    part_changed, sender=model, dispatch_uid=f"exchange-{model.__name__}-{signal}", weak=False
                )
        m2m_changed.connect(
            project_changed, sender=Project.fields_of_action.through, dispatch_uid="exchange-project-fields", weak=False
        )
        m2m_changed.connect(
            backlog_changed, sender=LocalService.projects.through, dispatch_uid="exchange-backlog", weak=False
        )
        pre_delete.connect(service_deleted, sender=LocalService, dispatch_uid="exchange-backlog-delete", weak=False)
        m2m_changed.connect(lesson_changed, sender=Lesson.tags.through, dispatch_uid="exchange-lesson-tags", weak=False)
        m2m_changed.connect(
            lesson_changed, sender=Lesson.fields_of_action.through, dispatch_uid="exchange-lesson-fields", weak=False
        )
