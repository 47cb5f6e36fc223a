from django.urls import path

from municipality import views

app_name = "municipality"
urlpatterns = [path("settings/", views.configure, name="configure")]
