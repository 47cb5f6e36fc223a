from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts.privacy import register_eraser, register_section
        from sso.models import GroupMapping, IdentityProvider, SsoSettings
        from sso.privacy import erase_identities, export_identities

        # Who configured which provider, mapping and switch (the secrets are not in these rows).
        auditlog.register(IdentityProvider)
        auditlog.register(GroupMapping)
        auditlog.register(SsoSettings)

        register_section("single_sign_on", export_identities)
        register_eraser("single_sign_on", erase_identities)
