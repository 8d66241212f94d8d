"""Routes of engage on a unit's host (included before the page tree).

Prefixes differ from the mandated section slugs (``hoi-dap`` is a section;
the interactive Q&A lives at ``hoi-dap-truc-tuyen``)."""

from django.urls import path

from . import views

app_name = "engage"

urlpatterns = [
    path("hoi-dap-truc-tuyen/", views.question_list, name="questions"),
    path("hoi-dap-truc-tuyen/gui-cau-hoi/", views.ask_question, name="ask"),
    path("hoi-dap-truc-tuyen/goi-y/", views.similar_questions, name="similar"),
    path(
        "hoi-dap-truc-tuyen/da-gui/<str:code>/",
        views.question_sent,
        name="question_sent",
    ),
    path("hoi-dap-truc-tuyen/<str:code>/", views.question_detail, name="question"),
    path("phan-anh-kien-nghi/", views.feedback_list, name="feedback_list"),
    path("phan-anh-kien-nghi/gui/", views.send_feedback, name="send_feedback"),
    path(
        "phan-anh-kien-nghi/da-gui/<str:code>/",
        views.feedback_sent,
        name="feedback_sent",
    ),
    path(
        "phan-anh-kien-nghi/<str:code>/",
        views.feedback_detail,
        name="feedback_detail",
    ),
    path("tra-cuu-ho-so/", views.track, name="track"),
    path("khao-sat/", views.survey_list, name="surveys"),
    path("khao-sat/<int:pk>/", views.survey_detail, name="survey"),
    path(
        "khao-sat/<int:pk>/ket-qua/", views.survey_results_view, name="survey_results"
    ),
    path("danh-gia-website/", views.rate_site, name="rate_site"),
]
