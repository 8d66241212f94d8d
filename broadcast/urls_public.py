"""Routes of broadcast on the platform host: program audio for devices."""

from django.urls import path

from . import views, views_streams

urlpatterns = [
    # Icecast's URL authentication of stream listeners (also answered on an
    # unknown host such as 127.0.0.1 or the container name: tenants.views).
    path("_icecast/auth/", views_streams.icecast_auth, name="broadcast_icecast_auth"),
    path(
        "broadcast/audio/<uuid:uid>/", views.device_audio, name="broadcast_device_audio"
    ),
]
