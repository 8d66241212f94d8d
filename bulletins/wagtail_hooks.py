"""Menu items and admin routes: "Thông tin nguồn" for officers on the
platform admin, "Hộp thư thông tin nguồn" in every unit's own admin."""

from django.db import connection
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from tenants.services import current_unit

from . import admin_urls


@hooks.register("register_admin_urls")
def register_urls():
    return [path("thong-tin-nguon/", include(admin_urls))]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        from .models import OfficerProfile

        return connection.schema_name == "public" and (
            request.user.is_superuser
            or OfficerProfile.objects.filter(user=request.user).exists()
        )


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return current_unit() is not None


@hooks.register("register_admin_menu_item")
def officer_menu():
    return OfficerMenuItem(
        "Thông tin nguồn", reverse("bulletins_list"), icon_name="mail", order=250
    )


@hooks.register("register_admin_menu_item")
def inbox_menu():
    return InboxMenuItem(
        "Hộp thư thông tin nguồn",
        reverse("bulletins_inbox"),
        icon_name="mail",
        order=251,
    )
