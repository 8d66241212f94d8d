"""The read API's routes; also the urlconf its OpenAPI schema describes."""

from django.urls import path

from .api import ItemList

urlpatterns = [
    path("api/v1/syndication/items/", ItemList.as_view(), name="syndication_api"),
]
