"""A URLconf with one view that fails, for the 500 page test (core/tests/test_frame.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("crash/", crash), path("", include("config.urls"))]

handler500 = "core.errors.server_error"
