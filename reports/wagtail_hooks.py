"""Menu items and admin routes: "Đánh giá – Báo cáo" for officers on the
platform admin, "Báo cáo định kỳ" in every unit's own admin (with a notice
on its dashboard when a report is due)."""

from django.db import connection
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from tenants.services import current_unit

from . import admin_urls


@hooks.register("register_admin_urls")
def register_urls():
    return [path("danh-gia-bao-cao/", include(admin_urls))]


class OfficerMenuItem(MenuItem):
    def is_shown(self, request):
        from bulletins.services import is_officer

        return connection.schema_name == "public" and (
            request.user.is_superuser or is_officer(request)
        )


class UnitMenuItem(MenuItem):
    def is_shown(self, request):
        return current_unit() is not None


@hooks.register("register_admin_menu_item")
def officer_menu():
    return OfficerMenuItem(
        "Đánh giá – Báo cáo",
        reverse("reports_dashboard"),
        icon_name="table",
        order=260,
    )


@hooks.register("register_admin_menu_item")
def unit_menu():
    return UnitMenuItem(
        "Báo cáo định kỳ", reverse("reports_unit_list"), icon_name="table", order=261
    )


class ReminderPanel(Component):
    """The unit's pending reminders, on top of its admin dashboard."""

    order = 10

    def __init__(self, reminders):
        self.reminders = reminders

    def render_html(self, parent_context=None):
        items = "".join(format_html("<li>{}</li>", r.message) for r in self.reminders)
        return format_html(
            '<section class="panel rp-reminders" role="alert" style="border-left:4px '
            'solid #b00020;padding:.8em 1.2em;margin-bottom:1.5em;background:#fff4f4">'
            "<h2>Báo cáo định kỳ cần nộp</h2><ul>{}</ul>"
            '<p><a class="button button-small" href="{}">Mở báo cáo định kỳ</a></p>'
            "</section>",
            format_html(items),
            reverse("reports_unit_list"),
        )


@hooks.register("construct_homepage_panels")
def add_reminders(request, panels):
    from .models import ReportReminder

    unit = current_unit()
    if unit is None:
        return
    reminders = list(
        ReportReminder.objects.filter(report__unit=unit, dismissed_at__isnull=True)
        .select_related("report__period")
        .order_by("-created_at")[:5]
    )
    if reminders:
        panels.append(ReminderPanel(reminders))
