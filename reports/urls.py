from django.urls import path

from reports import feeds, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/delete/", views.report_delete, name="delete"),
    path("<int:pk>/download/<slug:fmt>/", views.report_download, name="download"),
    path("feeds/updates/", feeds.ProjectUpdatesFeed(), name="feed_updates"),
    path("feeds/milestones/", feeds.MilestonesFeed(), name="feed_milestones"),
]
