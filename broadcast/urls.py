"""Routes of broadcast on a unit's host (included before the page tree).
The listen-back page (``pages``) also lives under the language prefix
(/km/nghe-lai/); its audio has one address."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "nghe-lai/<uuid:uid>/am-thanh/",
        views.listen_back_audio,
        name="broadcast_listen_back_audio",
    ),
    path("broadcast/truc-tiep/", views.live, name="broadcast_live"),
    path("broadcast/truc-tiep/gui/", views.live_upload, name="broadcast_live_upload"),
    path(
        "broadcast/audio/<uuid:uid>/", views.device_audio, name="broadcast_device_audio"
    ),
]

# Read by people: in the reader's language (i18n_patterns in urls_tenant).
pages = [
    path("nghe-lai/", views.listen_back, name="broadcast_listen_back"),
]
