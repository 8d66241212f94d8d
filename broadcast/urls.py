"""Routes of broadcast on a unit's host (included before the page tree).
The listen-back page (``pages``) also lives under the language prefix
(/km/nghe-lai/); its audio has one address."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

urlpatterns = [
    path(
        "nghe-lai/<uuid:uid>/am-thanh/",
        views.listen_back_audio,
        name="broadcast_listen_back_audio",
    ),
    # The record-then-send page was replaced by the microphone stream page
    # (views_streams.live); old bookmarks land there.
    path(
        "broadcast/truc-tiep/",
        RedirectView.as_view(pattern_name="broadcast_admin_stream_live"),
        name="broadcast_live",
    ),
    path(
        "broadcast/audio/<uuid:uid>/", views.device_audio, name="broadcast_device_audio"
    ),
]

# Read by people: in the reader's language (i18n_patterns in urls_tenant).
pages = [
    path("nghe-lai/", views.listen_back, name="broadcast_listen_back"),
]
