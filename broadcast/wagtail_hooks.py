"""The unit's admin: the broadcast overview (clusters with presence, offline
ones first, the units below with offline counts, hours aired per month,
dispatches with acks), program and schedule forms, emergency, and lists of
clusters and deliveries; all filtered to the unit whose admin is open.
"""

from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.base import ViewSetGroup

from base.admin import PermissionMenuItem, UnitScopedViewSet
from tenants.services import current_unit

from . import views_admin, views_streams, views_subtree
from .models import Delivery, SpeakerCluster


class ClusterViewSet(UnitScopedViewSet):
    """The unit's own clusters. "Thêm cụm loa" (``new/``) is the registration
    view that issues the credentials (views_admin.cluster_add)."""

    model = SpeakerCluster
    icon = "microphone"
    menu_label = "Cụm loa"
    name = "cum-loa"
    list_display = [
        "name",
        "hamlet",
        "device_id",
        "online",
        "last_seen",
        "volume",
        "reported_volume",
        "firmware",
        "now_playing_title",
        "config_state",
    ]
    list_filter = ["online", "is_active"]
    search_fields = ["name", "hamlet", "device_id"]
    form_fields = [
        "name",
        "hamlet_ref",
        "volume",
        "on_time",
        "off_time",
        "has_fm_fallback",
        "is_active",
    ]

    @property
    def add_view(self):
        from django.views.generic import RedirectView

        return RedirectView.as_view(pattern_name="broadcast_admin_cluster_add")


class DeliveryViewSet(UnitScopedViewSet):
    """Deliveries of the unit's dispatches: made by the pipeline, never added,
    copied or deleted by hand (they are the proof of what was sent)."""

    model = Delivery
    icon = "list-ul"
    menu_label = "Trạng thái phát"
    name = "trang-thai-phat"
    unit_lookup = "dispatch__unit"
    disabled_actions = ("add", "delete")
    list_display = [
        "cluster",
        "dispatch",
        "state",
        "detail",
        "acknowledged_at",
        "updated_at",
    ]
    list_filter = ["state"]
    form_fields = ["detail"]


class BroadcastGroup(ViewSetGroup):
    menu_label = "Truyền thanh"
    menu_icon = "microphone"
    items = (ClusterViewSet, DeliveryViewSet)

    def get_submenu_items(self):
        items = [
            MenuItem(
                "Tổng quan truyền thanh",
                reverse("broadcast_admin_index"),
                icon_name="view",
                order=10,
            ),
            PermissionMenuItem(
                "Thêm chương trình",
                reverse("broadcast_admin_program_add"),
                icon_name="plus",
                order=20,
                permission="broadcast.add_program",
            ),
            PermissionMenuItem(
                "Lập lịch phát",
                reverse("broadcast_admin_schedule_add"),
                icon_name="date",
                order=30,
                permission="broadcast.add_schedule",
            ),
            PermissionMenuItem(
                "Phát khẩn cấp ngay",
                reverse("broadcast_admin_emergency"),
                icon_name="warning",
                order=40,
                permission="broadcast.send_emergency",
            ),
            BelowMenuItem(
                "Lịch phát của đơn vị cấp dưới",
                reverse("broadcast_admin_subtree_schedules"),
                icon_name="date",
                order=50,
                permission="broadcast.view_schedule",
            ),
            PermissionMenuItem(
                "Trực tiếp và tiếp sóng",
                reverse("broadcast_admin_streams"),
                icon_name="microphone",
                order=60,
                permission="broadcast.view_program",
            ),
        ]
        return items + super().get_submenu_items()


class OfflineAlertPanel(Component):
    """Clusters of the unit (a commune) or of its communes (a district)
    offline for too long, on top of the admin dashboard."""

    order = 20

    def __init__(self, alerts):
        self.alerts = alerts

    def render_html(self, parent_context=None):
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            (
                (reverse("broadcast_admin_cluster_log", args=[a.cluster_id]), a.message)
                for a in self.alerts
            ),
        )
        return format_html(
            '<section class="panel bc-offline-alerts" role="alert" style="border-left:'
            "4px solid #b00020;padding:.8em 1.2em;margin-bottom:1.5em;"
            'background:#fff4f4"><h2>Cụm loa mất kết nối</h2><ul>{}</ul>'
            '<p><a class="button button-small" href="{}">Mở tổng quan truyền thanh'
            "</a></p></section>",
            items,
            reverse("broadcast_admin_index"),
        )


@hooks.register("construct_homepage_panels")
def add_offline_alerts(request, panels):
    from .models import ClusterAlert

    unit = current_unit()
    if unit is None or not request.user.has_perm("broadcast.view_speakercluster"):
        return
    alerts = list(
        ClusterAlert.objects.filter(unit=unit, resolved_at__isnull=True).order_by(
            "-raised_at"
        )[:20]
    )
    if alerts:
        panels.append(OfflineAlertPanel(alerts))


class BelowMenuItem(PermissionMenuItem):
    """Shown in a district's or the province's admin (units below it)."""

    def is_shown(self, request):
        unit = current_unit()
        return (
            unit is not None
            and super().is_shown(request)
            and unit.descendants().exists()
        )


@hooks.register("register_icons")
def register_microphone_icon(icons):
    # Wagtail has no microphone icon; the menu and headers use this one.
    return icons + ["broadcast/icons/microphone.svg"]


@hooks.register("register_admin_viewset")
def register_broadcast_viewsets():
    return BroadcastGroup()


@hooks.register("register_admin_urls")
def register_broadcast_admin_urls():
    return [
        path("truyen-thanh/", views_admin.index, name="broadcast_admin_index"),
        path(
            "truyen-thanh/chuong-trinh/them/",
            views_admin.program_add,
            name="broadcast_admin_program_add",
        ),
        path(
            "truyen-thanh/lich-phat/them/",
            views_admin.schedule_add,
            name="broadcast_admin_schedule_add",
        ),
        path(
            "truyen-thanh/lich-phat/<int:pk>/",
            views_admin.schedule_edit,
            name="broadcast_admin_schedule_edit",
        ),
        path(
            "truyen-thanh/lich-phat/<int:pk>/dung/",
            views_admin.schedule_stop,
            name="broadcast_admin_schedule_stop",
        ),
        path(
            "truyen-thanh/chuong-trinh/<int:pk>/",
            views_admin.program_edit,
            name="broadcast_admin_program_edit",
        ),
        path(
            "truyen-thanh/chuong-trinh/<int:pk>/xoa/",
            views_admin.program_delete,
            name="broadcast_admin_program_delete",
        ),
        path(
            "truyen-thanh/khan-cap/",
            views_admin.emergency,
            name="broadcast_admin_emergency",
        ),
        path(
            "truyen-thanh/luot-phat/<int:pk>/",
            views_admin.dispatch_detail,
            name="broadcast_admin_dispatch",
        ),
        path(
            "truyen-thanh/luot-phat/<int:pk>/dung/",
            views_admin.dispatch_stop,
            name="broadcast_admin_dispatch_stop",
        ),
        path(
            "truyen-thanh/cum-loa/them/",
            views_admin.cluster_add,
            name="broadcast_admin_cluster_add",
        ),
        path(
            "truyen-thanh/cum-loa/<int:pk>/nhat-ky/",
            views_admin.cluster_log,
            name="broadcast_admin_cluster_log",
        ),
        path(
            "truyen-thanh/cum-loa/<int:pk>/fm/",
            views_admin.cluster_fm,
            name="broadcast_admin_cluster_fm",
        ),
        path(
            "truyen-thanh/cum-loa/<int:pk>/khoa/",
            views_admin.cluster_credentials,
            name="broadcast_admin_cluster_credentials",
        ),
        path(
            "truyen-thanh/cum-loa/<int:pk>/cap-lai-khoa/",
            views_admin.cluster_rotate,
            name="broadcast_admin_cluster_rotate",
        ),
        path(
            "truyen-thanh/cum-loa/<int:pk>/thu-hoi/",
            views_admin.cluster_revoke,
            name="broadcast_admin_cluster_revoke",
        ),
        # Live and relayed streams (views_streams.py).
        path(
            "truyen-thanh/luong/",
            views_streams.stream_list,
            name="broadcast_admin_streams",
        ),
        path(
            "truyen-thanh/luong/tiep-song/",
            views_streams.relay_add,
            name="broadcast_admin_relay_add",
        ),
        path(
            "truyen-thanh/luong/truc-tiep/",
            views_streams.live,
            name="broadcast_admin_stream_live",
        ),
        path(
            "truyen-thanh/luong/truc-tiep/bat-dau/",
            views_streams.live_start,
            name="broadcast_admin_stream_live_start",
        ),
        path(
            "truyen-thanh/luong/<int:pk>/",
            views_streams.stream_detail,
            name="broadcast_admin_stream",
        ),
        path(
            "truyen-thanh/luong/<int:pk>/dung/",
            views_streams.stream_stop,
            name="broadcast_admin_stream_stop",
        ),
        path(
            "truyen-thanh/luong/<int:pk>/am-thanh/",
            views_streams.stream_chunk,
            name="broadcast_admin_stream_chunk",
        ),
        path(
            "truyen-thanh/lich-cap-duoi/",
            views_subtree.subtree_schedules,
            name="broadcast_admin_subtree_schedules",
        ),
    ]
