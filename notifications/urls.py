from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.read_all, name="read_all"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("settings/", views.settings_page, name="settings"),
    path("following/", views.following, name="following"),
    path("following/<slug:source>/<int:pk>/remove/", views.following_remove, name="following_remove"),
    path("follow/<slug:kind>/<int:pk>/", views.follow_view, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
