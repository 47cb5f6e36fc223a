"""Core's own pages. config/urls.py puts them in the `core` URL namespace together with the start
page and the accessibility pages, which their apps provide (core imports no app)."""

from django.urls import path

from core import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
    path("history/<slug:kind>/<int:pk>/", views.history, name="history"),
]
