from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("mine/", views.my_projects, name="mine"),
    path("roadmap/", views.project_roadmap, name="roadmap"),
    path("since-adoption/", views.since_adoption, name="since"),
    path("new/", views.project_edit, name="create"),
    path("decide/", views.project_decide, name="decide"),
    path("import/", views.measures_import, name="import"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/decision/", views.decision_create, name="decision_create"),
    path("<int:pk>/log/", views.log_create, name="log_create"),
    path("<int:project_pk>/milestones/new/", views.milestone_edit, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/delete/", views.milestone_remove, name="milestone_delete"),
    path("<int:project_pk>/kpis/new/", views.kpi_edit, name="kpi_create"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<int:pk>/values/new/", views.measurement_create, name="measurement_create"),
]
