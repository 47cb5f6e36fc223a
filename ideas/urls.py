from django.urls import path

from ideas import views

app_name = "ideas"
urlpatterns = [
    path("", views.idea_list, name="list"),
    path("export.csv", views.idea_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.idea_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("new/", views.idea_create, name="create"),
    path("import/", views.idea_import, name="import"),
    path("similar/", views.similar, name="similar"),
    path("confirm/<str:token>/", views.idea_confirm, name="confirm"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path("<int:pk>/", views.idea_detail, name="detail"),
    path("<int:pk>/support/", views.support, name="support"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("report/<slug:kind>/<int:pk>/", views.report, name="report"),
    path("moderate/<slug:kind>/<int:pk>/", views.moderate, name="moderate"),
]
