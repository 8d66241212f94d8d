"""URLs of a unit's site: its admin, its media, then its page tree."""

from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from tenants.views import unit_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    re_path(r"^media/(?P<path>.+)$", unit_media, name="unit_media"),
    path("", include("syndication.urls")),
    path("", include("search.urls")),
    path("", include("engage.urls")),
    path("", include("bulletins.urls")),
    path("", include("signage.urls")),
    path("", include("broadcast.urls")),
    path("", include("reports.urls")),
    path("", include(wagtail_urls)),
]
