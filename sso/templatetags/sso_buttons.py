from django import template

from sso.models import IdentityProvider
from sso.status import down_among

register = template.Library()


@register.simple_tag
def sso_providers() -> list[tuple[IdentityProvider, bool]]:
    """The enabled providers with a login button, each with whether it failed to answer just now."""
    providers = list(IdentityProvider.objects.with_button())
    down = down_among(providers)
    return [(provider, provider.pk in down) for provider in providers]
