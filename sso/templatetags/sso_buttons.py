from django import template
from django.core.cache import cache

from sso.models import IdentityProvider

register = template.Library()


@register.simple_tag
def sso_providers() -> list[tuple[IdentityProvider, bool]]:
    """The enabled providers with a login button, each with whether it failed to answer just now."""
    providers = list(IdentityProvider.objects.with_button())
    down = cache.get_many([f"sso:down:{provider.pk}" for provider in providers])
    return [(provider, f"sso:down:{provider.pk}" in down) for provider in providers]
