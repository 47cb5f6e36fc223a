from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path

from config.api import api
from core.urls import urlpatterns as core_pages
from core.views import healthz
from municipality import legal, statement
from reports.public import progress_home


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers and feed readers ask for /favicon.ico on their own; the pages link the SVG."""
    return HttpResponseRedirect(static("core/favicon.ico"))


# The pages of the frame keep the `core` namespace (core:home, core:accessibility, …); the start page
# and the accessibility and legal pages come from the apps that know what they show.
frame_pages = [
    path("", progress_home, name="home"),
    *core_pages,
    path("barrierefreiheit/", statement.accessibility, name="accessibility"),
    path("leichte-sprache/", statement.easy_language, name="easy_language"),
    path("impressum/", legal.imprint, name="imprint"),
    path("datenschutz/", legal.privacy, name="privacy"),
]

urlpatterns = [
    path("", include((frame_pages, "core"))),
    path("accounts/2fa/", include("twofactor.urls")),
    path("accounts/", include("accounts.urls")),
    path("sso/", include("sso.urls")),
    path("municipality/", include("municipality.urls")),
    path("strategy/", include("strategy.urls")),
    path("ideas/", include("ideas.urls")),
    path("participation/", include("participation.urls")),
    path("surveys/", include("surveys.urls")),
    path("prioritisation/", include("prioritisation.urls")),
    path("projects/", include("projects.urls")),
    path("lessons/", include("lessons.urls")),
    path("search/", include("search.urls")),
    path("services/", include("service_inventory.urls")),
    path("maturity/", include("maturity.urls")),
    path("learning/", include("learning.urls")),
    path("reports/", include("reports.urls")),
    path("exchange/", include("exchange.urls")),
    path("workspace/", include("workspace.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
