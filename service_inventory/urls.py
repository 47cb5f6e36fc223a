from django.urls import path

from service_inventory import views

app_name = "services"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("export.csv", views.service_export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.service_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("overview/", views.service_overview, name="overview"),
    path("online/", views.online_services, name="online"),
    path("<int:pk>/", views.service_detail, name="detail"),
    path("<int:pk>/edit/", views.service_edit, name="edit"),
    path("<int:pk>/history/", views.service_history, name="history"),
    path("<int:pk>/backlog/", views.backlog_add, name="backlog_add"),
    path("<int:pk>/backlog/<str:kind>/<int:item>/remove/", views.backlog_remove, name="backlog_remove"),
]
