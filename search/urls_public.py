"""Routes of search on the platform host: the whole province.

``/tim-kiem/`` cannot clash with the mandated section slugs.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "search"

urlpatterns = [
    path("tim-kiem/", views.search_page, name="page"),
    path("tim-kiem/goi-y/", views.autocomplete, name="autocomplete"),
    path("tim-kiem/van-ban/", views.legal_lookup, name="legal"),
    path("tim-kiem/api/", views.SearchAPIView.as_view(), name="api"),
    path(
        "tim-kiem/api/schema/",
        SpectacularAPIView.as_view(urlconf="search.urls_api"),
        name="api-schema",
    ),
]
