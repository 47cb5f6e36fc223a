from django.urls import path

from workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:name>/", views.full_list, name="full_list"),
]
