from django.urls import path

from strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.strategy_detail, name="detail"),
    path("edit/", views.strategy_edit, name="edit"),
    path("glossary/new/", views.glossary_edit, name="glossary_create"),
    path("glossary/<int:pk>/edit/", views.glossary_edit, name="glossary_edit"),
    path("glossary/<int:pk>/delete/", views.glossary_delete, name="glossary_delete"),
    path("fields/new/", views.field_edit, name="field_create"),
    path("fields/<int:pk>/", views.field_detail, name="field_detail"),
    path("fields/<int:pk>/edit/", views.field_edit, name="field_edit"),
    path("fields/<int:pk>/delete/", views.field_delete, name="field_delete"),
    path("fields/<int:field_pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
]
