from django.urls import path

from exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.exchange_index, name="index"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/adopt/", views.item_adopt_view, name="item_adopt"),
    path("directory/", views.directory, name="directory"),
    path("similar/", views.similar_panel, name="similar"),
    path("peers/", views.peer_list, name="peers"),
    path("peers/<int:pk>/", views.peer_detail, name="peer_detail"),
    path("peers/<int:pk>/sync/", views.peer_sync, name="peer_sync"),
    path("peers/<int:pk>/toggle/", views.peer_toggle, name="peer_toggle"),
    path("peers/<int:pk>/delete/", views.peer_delete, name="peer_delete"),
    path("activity/", views.activity, name="activity"),
    path("follow/", views.follow_view, name="follow"),
    path("follow/<int:pk>/delete/", views.unfollow_view, name="unfollow"),
]
