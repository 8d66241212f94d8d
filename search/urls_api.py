"""Only the JSON endpoint: the urlconf its OpenAPI schema is generated from."""

from django.urls import path

from . import views

urlpatterns = [path("tim-kiem/api/", views.SearchAPIView.as_view(), name="api")]
