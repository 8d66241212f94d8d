"""Routes of search on the platform host: the whole province.

``/tim-kiem/`` cannot clash with the mandated section slugs.
"""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "search"

urlpatterns = [
    path("tim-kiem/", views.search_page, name="page"),
    path("tim-kiem/goi-y/", views.autocomplete, name="autocomplete"),
    path("tim-kiem/van-ban/", views.legal_lookup, name="legal"),
    path("tim-kiem/api/", views.SearchAPIView.as_view(), name="api"),
    # Also /api/v1/search/ (api/urls.py), described in the one document.
    path(
        "tim-kiem/api/schema/",
        RedirectView.as_view(url="/api/v1/schema/", permanent=True),
        name="api-schema",
    ),
]
