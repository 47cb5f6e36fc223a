from django.apps import AppConfig


class InstallationConfig(AppConfig):
    """The top floor: what uses every app (demo, generated data, benchmarks, export and import of
    everything, the audit trail's rules per app). Nothing below imports it."""

    name = "installation"

    def ready(self) -> None:
        from installation import audit_rules

        audit_rules.register()
