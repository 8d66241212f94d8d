"""API v1: every operation, and the one OpenAPI document that describes them
(generated from this urlconf). Included on every host, platform and units."""

from django.urls import path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from search.views import SearchAPIView
from syndication.api import ItemList

from . import views
from .errors import not_found

V1 = "api/v1/"

operations = [
    path(V1 + "units/", views.UnitList.as_view(), name="api_units"),
    path(V1 + "articles/", views.ArticleList.as_view(), name="api_articles"),
    path(
        V1 + "announcements/",
        views.AnnouncementList.as_view(),
        name="api_announcements",
    ),
    path(
        V1 + "legal-documents/",
        views.LegalDocumentList.as_view(),
        name="api_legal_documents",
    ),
    path(V1 + "bulletins/", views.BulletinList.as_view(), name="api_bulletins"),
    path(V1 + "questions/", views.QuestionList.as_view(), name="api_questions"),
    path(
        V1 + "questions/<str:code>/",
        views.QuestionDetail.as_view(),
        name="api_question",
    ),
    path(V1 + "feedback/", views.FeedbackList.as_view(), name="api_feedback_list"),
    path(
        V1 + "feedback/<str:code>/",
        views.FeedbackDetail.as_view(),
        name="api_feedback",
    ),
    path(V1 + "surveys/", views.SurveyList.as_view(), name="api_surveys"),
    path(V1 + "surveys/<int:pk>/", views.SurveyDetail.as_view(), name="api_survey"),
    path(
        V1 + "surveys/<int:pk>/answers/",
        views.SurveyAnswer.as_view(),
        name="api_survey_answer",
    ),
    path(
        V1 + "surveys/<int:pk>/results/",
        views.SurveyResults.as_view(),
        name="api_survey_results",
    ),
    path(V1 + "listen-back/", views.ListenBackList.as_view(), name="api_listen_back"),
    path(V1 + "syndication/items/", ItemList.as_view(), name="syndication_api"),
    path(V1 + "search/", SearchAPIView.as_view(), name="api_search"),
]

urlpatterns = [
    *operations,
    path(
        V1 + "schema/",
        SpectacularAPIView.as_view(urlconf="api.urls_schema"),
        name="api_schema",
    ),
    # The read API's own document before v1 had one for everything.
    path(
        V1 + "syndication/schema/",
        RedirectView.as_view(url="/api/v1/schema/", permanent=True),
        name="syndication_schema",
    ),
    re_path(r"^api/", not_found),
]
