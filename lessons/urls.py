from django.urls import path

from lessons import feeds, views

app_name = "lessons"
urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("new/", views.lesson_edit, name="create"),
    path("feed/", feeds.LessonFeed(), name="feed"),
    path("<int:pk>/", views.lesson_detail, name="detail"),
    path("<int:pk>/edit/", views.lesson_edit, name="edit"),
    path("<int:pk>/submit/", views.lesson_submit_view, name="submit"),
    path("<int:pk>/review/", views.lesson_review, name="review"),
    path("<int:pk>/withdraw/", views.lesson_withdraw_view, name="withdraw"),
    path("<int:pk>/delete/", views.lesson_delete, name="delete"),
]
