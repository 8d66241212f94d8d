"""Routes of signage on a unit's host (included before the page tree).

Everything sits under /signage/, a prefix no page slug of the unit uses.
"""

from django.urls import path

from . import views

app_name = "signage"

urlpatterns = [
    path("signage/player/", views.player, name="player"),
    path("signage/sw.js", views.service_worker, name="service_worker"),
    path("signage/api/pair/", views.pair_start, name="pair_start"),
    path("signage/api/pair/status/", views.pair_status, name="pair_status"),
    path("signage/api/boards/<str:uid>/manifest/", views.manifest, name="manifest"),
    path("signage/api/boards/<str:uid>/events/", views.events, name="events"),
    path("signage/api/boards/<str:uid>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("signage/api/boards/<str:uid>/plays/", views.plays, name="plays"),
    path("signage/api/boards/<str:uid>/commands/", views.commands, name="commands"),
    path(
        "signage/api/boards/<str:uid>/commands/<int:pk>/done/",
        views.command_done,
        name="command_done",
    ),
    path(
        "signage/api/boards/<str:uid>/screenshot/",
        views.screenshot,
        name="screenshot",
    ),
    path("signage/files/<str:name>", views.rendered_file, name="file"),
]
