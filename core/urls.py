from django.urls import path

from core import views
from reports.public import progress_home

app_name = "core"
urlpatterns = [
    path("", progress_home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
]
