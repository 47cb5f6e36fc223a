from django.http import HttpRequest

from municipality.models import Municipality


def platform(request: HttpRequest) -> dict:
    """The municipality shown in the header of every page."""
    return {"current_municipality": Municipality.objects.current()}
