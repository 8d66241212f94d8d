"""The urlconf the OpenAPI document is generated from: the operations only."""

from .urls import operations as urlpatterns  # noqa: F401
