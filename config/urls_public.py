"""URLs of the platform host (public schema): the list of units and the
officers' admin."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail.admin import urls as wagtailadmin_urls

from tenants.views import health, platform_home, tls_ask, unit_media

# The officers' admin speaks Vietnamese whatever the browser's language (an
# English Chromium got an English platform admin beside a Vietnamese unit
# admin); the user's own choice in "Tài khoản" still wins (Wagtail). With
# unprefixed i18n patterns, Django's LocaleMiddleware takes LANGUAGE_CODE
# for every unprefixed path of this host, as on the units' hosts.
urlpatterns = i18n_patterns(
    path("admin/", include(wagtailadmin_urls)), prefix_default_language=False
)
urlpatterns += [
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
