"""URLs of the platform host (public schema): the list of units and the
officers' admin."""

from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls

from tenants.views import health, platform_home, tls_ask, unit_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("healthz/", health, name="health"),
    path("_tls/ask/", tls_ask, name="tls_ask"),
    re_path(r"^media/(?P<path>.+)$", unit_media, name="unit_media"),
    path("", include("central.urls")),
    path("", include("api.urls")),
    path("", include("syndication.urls_public")),
    path("", include("search.urls_public")),
    path("", include("engage.urls_public")),
    path("", include("bulletins.urls_public")),
    path("", include("signage.urls_public")),
    path("", include("broadcast.urls_public")),
    path("", include("reports.urls_public")),
    path("", platform_home, name="platform_home"),
]

# Error pages with the site's chrome and a way back (base/views.py).
handler400 = "base.views.bad_request"
handler500 = "base.views.server_error"
