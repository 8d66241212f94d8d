"""Public CAP 1.2 routes on a unit's host (config/urls_tenant.py)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("cap/", views.feed, name="alerts_feed"),
    path("cap/khu-vuc/", views.area_feed, name="alerts_area_feed"),
    re_path(
        r"^cap/(?P<identifier>[A-Za-z0-9._-]+)\.xml$",
        views.message,
        name="alerts_message",
    ),
]
