"""Routes of bulletins on a unit's host (included before the page tree)."""

from django.urls import path

from . import views

urlpatterns = [
    path("thong-tin-nguon/<int:pk>/", views.public_bulletin, name="bulletins_public"),
    path("dang-nhap-can-bo/", views.officer_ticket, name="bulletins_officer_ticket"),
]
