"""URLs of a unit's site: its admin, its media, then its page tree."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from broadcast import urls as broadcast_urls
from cms import admin_edit
from pwa import urls as pwa_urls
from tenants.views import unit_media

urlpatterns = [
    # Wagtail's page editor, one write at a time and autosave-safe (ux B2).
    path("admin/pages/<int:page_id>/edit/", admin_edit.edit, name="cms_page_edit"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    re_path(r"^media/(?P<path>.+)$", unit_media, name="unit_media"),
    path("", include("api.urls")),
    path("", include("syndication.urls")),
    path("", include("bulletins.urls")),
    path("", include("alerts.urls")),
    path("", include("pwa.urls")),
    path("", include("signage.urls")),
    path("", include("broadcast.urls")),
    path("", include("reports.urls")),
]
# Pages in the unit's extra languages live under /km/, /en/, ...; Vietnamese
# (the source) stays at the root. So do the citizens' forms and search: a
# Khmer reader keeps the Khmer chrome there (/km/tim-kiem/), and {% url %}
# links keep the reader's language; the statements, listen-back and the
# citizen app's pages too (/km/kha-nang-tiep-can/, /km/nghe-lai/,
# /km/ung-dung/).
urlpatterns += i18n_patterns(
    path("", include("themes.urls")),
    path("", include(broadcast_urls.pages)),
    path("", include(pwa_urls.pages)),
    path("", include("search.urls")),
    path("", include("engage.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

# Error pages with the site's chrome and a way back (base/views.py).
handler400 = "base.views.bad_request"
handler500 = "base.views.server_error"
