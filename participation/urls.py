from django.urls import path

from participation import views

app_name = "participation"
urlpatterns = [
    path("stakeholders/", views.stakeholder_list, name="stakeholders"),
    path("stakeholders/new/", views.stakeholder_edit, name="stakeholder_create"),
    path("stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder_detail"),
    path("stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path("stakeholders/<int:pk>/delete/", views.stakeholder_delete, name="stakeholder_delete"),
    path("workshops/", views.workshop_list, name="workshops"),
    path("workshops/new/", views.workshop_edit, name="workshop_create"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("workshops/<int:pk>/delete/", views.workshop_delete, name="workshop_delete"),
    path("workshops/<int:pk>/idea/", views.workshop_idea, name="workshop_idea"),
]
