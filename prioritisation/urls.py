from django.urls import path

from prioritisation import views

app_name = "prioritisation"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("new/", views.round_edit, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("<int:pk>/delete/", views.round_delete_view, name="round_delete"),
    path("<int:pk>/weights/", views.round_weights, name="round_weights"),
    path("<int:pk>/candidates/", views.round_candidates, name="round_candidates"),
    path("<int:pk>/next-step/", views.round_state, name="round_state"),
    path("<int:pk>/scoring/", views.scoring, name="scoring"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/ranking.csv", views.ranking_export, {"fmt": "csv"}, name="ranking_csv"),
    path("<int:pk>/ranking.xlsx", views.ranking_export, {"fmt": "xlsx"}, name="ranking_xlsx"),
    path("<int:pk>/matrix/", views.matrix, name="matrix"),
    path("candidates/<int:pk>/remove/", views.candidate_remove_view, name="candidate_remove"),
    path("candidates/<int:pk>/score/", views.score_candidate, name="score_candidate"),
    path("criteria/", views.criteria, name="criteria"),
    path("criteria/new/", views.criterion_edit, name="criterion_create"),
    path("criteria/defaults/", views.criteria_defaults, name="criteria_defaults"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
]
