from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The content apps do not know this app (it stands above them, like the workspace): it
        # listens to their saves and turns what happened into notifications after the commit.
        from notifications import events, privacy

        events.connect()
        privacy.register()
