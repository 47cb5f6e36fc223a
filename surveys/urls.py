from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_edit, name="create"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/manage/", views.survey_manage, name="manage"),
    path("<int:pk>/edit/", views.survey_edit, name="edit"),
    path("<int:pk>/delete/", views.survey_delete, name="delete"),
    path("<int:survey_pk>/questions/new/", views.question_edit, name="question_create"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_remove, name="question_delete"),
    path("questions/<int:pk>/move/", views.question_reorder, name="question_move"),
    path("questions/<int:pk>/answers/", views.text_answers, name="text_answers"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invitations.csv", views.invitations_csv, name="invitations_csv"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("answers/<int:pk>/idea/", views.answer_idea, name="answer_idea"),
    path("i/<str:token>/", views.survey_invited, name="invited"),
]
