"""The citizen app's routes on a unit's host (config/urls_tenant.py). The
manifest, the service worker, icons and endpoints sit at the root (the
worker's scope is the folder it is served from); the app's two pages
(``pages``) also live under the language prefix, /km/ung-dung/."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("manifest.webmanifest", views.web_manifest, name="pwa_manifest"),
    re_path(
        r"^manifest\.(?P<language>[a-z]{2})\.webmanifest$",
        views.web_manifest,
        name="pwa_manifest_language",
    ),
    path("sw.js", views.service_worker, name="pwa_service_worker"),
    path("ung-dung/moi-nhat.json", views.latest, name="pwa_latest"),
    path("ung-dung/dang-ky/", views.subscribe, name="pwa_subscribe"),
    path("ung-dung/huy-dang-ky/", views.unsubscribe, name="pwa_unsubscribe"),
    path("ung-dung/bieu-trung-<int:size>.png", views.icon, name="pwa_icon"),
    path(
        "ung-dung/bieu-trung-<int:size>-maskable.png",
        views.icon,
        {"maskable": True},
        name="pwa_icon_maskable",
    ),
]

# Read by people: in the reader's language (i18n_patterns in urls_tenant).
pages = [
    path("ung-dung/", views.app_page, name="pwa_app"),
    path("ung-dung/ngoai-tuyen/", views.offline, name="pwa_offline"),
]
