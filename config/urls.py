from django.contrib import admin
from django.urls import include, path

from config.api import api
from core.views import healthz

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("municipality/", include("municipality.urls")),
    path("strategy/", include("strategy.urls")),
    path("ideas/", include("ideas.urls")),
    path("participation/", include("participation.urls")),
    path("surveys/", include("surveys.urls")),
    path("prioritisation/", include("prioritisation.urls")),
    path("projects/", include("projects.urls")),
    path("lessons/", include("lessons.urls")),
    path("search/", include("search.urls")),
    path("services/", include("services.urls")),
    path("maturity/", include("maturity.urls")),
    path("learning/", include("learning.urls")),
    path("reports/", include("reports.urls")),
    path("exchange/", include("exchange.urls")),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
