"""The central system's endpoint, on the platform host (before api.urls,
whose catch-all answers every other /api/ address)."""

from django.urls import path

from . import views

urlpatterns = [
    path("api/central/v1/messages/", views.inbound, name="central_inbound"),
]
