"""Routes of broadcast on the platform host: program audio for devices."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "broadcast/audio/<uuid:uid>/", views.device_audio, name="broadcast_device_audio"
    ),
]
