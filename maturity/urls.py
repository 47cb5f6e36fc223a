from django.urls import path

from maturity import views

app_name = "maturity"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create_view, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/delete/", views.round_delete, name="round_delete"),
    path("rounds/<int:pk>/answer/", views.answer, name="answer"),
    path("rounds/<int:pk>/results/", views.results, name="results"),
    path("rounds/<int:pk>/gaps/<slug:key>/idea/", views.gap_idea, name="gap_idea"),
    path("targets/", views.targets, name="targets"),
    path("questionnaire/", views.questionnaire, name="questionnaire"),
    path("questionnaire/dimensions/new/", views.dimension_edit, name="dimension_create"),
    path("questionnaire/dimensions/<int:pk>/", views.dimension_edit, name="dimension_edit"),
    path("questionnaire/dimensions/<int:pk>/delete/", views.dimension_delete_view, name="dimension_delete"),
    path("questionnaire/dimensions/<int:dimension>/items/new/", views.item_edit, name="item_create"),
    path("questionnaire/items/<int:pk>/", views.item_edit, name="item_edit"),
    path("questionnaire/items/<int:pk>/delete/", views.item_delete_view, name="item_delete"),
    path("settings/", views.settings_view, name="settings"),
]
