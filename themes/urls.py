"""Routes of the unit's statements (included before the page tree)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "kha-nang-tiep-can/",
        views.accessibility_statement,
        name="accessibility_statement",
    ),
    path("bao-ve-du-lieu-ca-nhan/", views.privacy_notice, name="privacy_notice"),
]
