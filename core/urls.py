from django.urls import path

from core import views
from strategy.views import strategy_detail

app_name = "core"
urlpatterns = [
    path("", strategy_detail, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
]
