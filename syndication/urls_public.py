"""Routes of syndication on the platform host: the same list, feeds and API
over every unit."""

from .urls import urlpatterns  # noqa: F401
