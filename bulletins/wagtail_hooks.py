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
        from .services import is_officer

        return connection.schema_name == "public" and (
            request.user.is_superuser or is_officer(request)
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


class EnterUnitMenuItem(MenuItem):
    """Platform admin: an officer's way into the own unit's admin."""

    def is_shown(self, request):
        from .services import is_officer

        return connection.schema_name == "public" and is_officer(request)


class PlatformMenuItem(MenuItem):
    """Unit admin: back to the platform admin, where bulletins are written
    (district and province officers)."""

    def is_shown(self, request):
        unit = current_unit()
        return unit is not None and unit.kind in ("province", "district")


@hooks.register("register_admin_menu_item")
def enter_unit_menu():
    return EnterUnitMenuItem(
        "Quản trị trang của đơn vị",
        reverse("bulletins_enter_unit"),
        icon_name="site",
        order=252,
    )


@hooks.register("register_admin_menu_item")
def platform_menu():
    from django.conf import settings

    from .sso import public_root

    return PlatformMenuItem(
        "Soạn thông tin nguồn (cổng tỉnh)",
        f"{public_root(settings.BASE_DOMAIN)}/admin/thong-tin-nguon/",
        icon_name="mail",
        order=253,
    )
