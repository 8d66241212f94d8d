"""Signage in a unit's Wagtail admin: boards, playlists, slides, schedules,
emergency interrupts and the monitoring page, all in Vietnamese."""

from django.forms import modelform_factory
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup

from base.admin import PermissionMenuItem, UnitScopedViewSet

from . import services, views_admin
from .forms import (
    BoardForm,
    BoardGroupForm,
    InterruptForm,
    ScheduleForm,
    SlideForm,
    UnitScopedForm,
)
from .models import Board, BoardGroup, Interrupt, Playlist, Schedule, Slide


class ScopedViewSet(UnitScopedViewSet):
    """Signage rows of the unit (base.admin scopes every view); saving one
    tells the unit's boards to pull their manifest again."""

    add_view_class = views_admin.ContentCreateView
    edit_view_class = views_admin.ContentEditView
    delete_view_class = views_admin.ContentDeleteView
    copy_view_enabled = False
    base_form_class = UnitScopedForm

    def get_form_class(self, for_update=False):
        # ModelViewSet's own factory ignores a base form when form_fields is set.
        return modelform_factory(
            self.model,
            form=self.base_form_class,
            fields=self.form_fields,
        )


def board_status(board):
    if not board.is_paired:
        label = "Chưa ghép nối"
        link = reverse("signage_admin_pair", args=[board.pk])
        return format_html('{} · <a href="{}">Ghép nối</a>', label, link)
    label = "Trực tuyến" if board.is_online else "Mất kết nối"
    link = reverse("signage_admin_board_control", args=[board.pk])
    return format_html('{} · <a href="{}">Điều khiển</a>', label, link)


def board_last_seen(board):
    if not board.last_seen:
        return "—"
    from django.utils import timezone

    return timezone.localtime(board.last_seen).strftime("%H:%M %d/%m/%Y")


class BoardViewSet(ScopedViewSet):
    model = Board
    icon = "desktop"
    menu_label = "Bảng tin"
    name = "signage_boards"
    url_prefix = "signage/boards"
    form_fields = [
        "name",
        "place",
        "latitude",
        "longitude",
        "kind",
        "width",
        "height",
        "orientation",
        "on_time",
        "off_time",
        "layout",
        "power",
        "brightness",
        "off_level",
        "default_playlist",
    ]
    list_display = [
        "name",
        "place",
        "kind",
        Column("resolution", label="Độ phân giải", accessor="resolution"),
        Column("status", label="Trạng thái", accessor=board_status),
        Column("last_seen", label="Lần cuối liên lạc", accessor=board_last_seen),
        "showing",
        "player_version",
        "device_model",
    ]
    base_form_class = BoardForm


class PlaylistViewSet(ScopedViewSet):
    model = Playlist
    icon = "list-ul"
    menu_label = "Danh sách phát"
    name = "signage_playlists"
    url_prefix = "signage/playlists"
    form_fields = ["name", "is_default", "include_auto", "layout", "ticker_text"]
    list_display = ["name", "is_default", "include_auto"]
    base_form_class = UnitScopedForm


class SlideViewSet(ScopedViewSet):
    model = Slide
    icon = "image"
    menu_label = "Trang trình chiếu"
    name = "signage_slides"
    url_prefix = "signage/slides"
    form_fields = [
        "playlist",
        "kind",
        "title",
        "body",
        "language",
        "image",
        "video",
        "duration",
        "valid_from",
        "valid_until",
        "sort_order",
    ]
    list_display = [
        "title",
        "playlist",
        "kind",
        "duration",
        "valid_until",
        Column("video", label="Video", accessor=services.video_state),
    ]
    base_form_class = SlideForm
    unit_lookup = "playlist__unit"


def schedule_targets(schedule):
    names = [b.name for b in schedule.boards.all()]
    names += [f"nhóm {g.name}" for g in schedule.groups.all()]
    return ", ".join(names) or "Mọi bảng của đơn vị"


class ScheduleViewSet(ScopedViewSet):
    model = Schedule
    icon = "date"
    menu_label = "Lịch phát"
    name = "signage_schedules"
    url_prefix = "signage/schedules"
    form_fields = [
        "name",
        "playlist",
        "boards",
        "groups",
        "weekdays",
        "start_time",
        "end_time",
        "priority",
        "valid_from",
        "valid_until",
    ]
    list_display = [
        "name",
        "playlist",
        Column("targets", label="Áp dụng cho", accessor=schedule_targets),
        "start_time",
        "end_time",
        "priority",
    ]
    base_form_class = ScheduleForm


def interrupt_state(item):
    if item.is_active():
        link = reverse("signage_admin_clear_interrupt", args=[item.pk])
        return format_html('Đang phát · <a href="{}">Kết thúc</a>', link)
    return "Đã kết thúc" if item.cleared_at else "Hết hạn / chưa bắt đầu"


class InterruptViewSet(ScopedViewSet):
    model = Interrupt
    icon = "warning"
    menu_label = "Ngắt khẩn cấp"
    name = "signage_interrupts"
    url_prefix = "signage/interrupts"
    form_fields = [
        "title",
        "body",
        "language",
        "boards",
        "groups",
        "starts_at",
        "expires_at",
    ]
    list_display = [
        "title",
        "starts_at",
        "expires_at",
        Column("state", label="Tình trạng", accessor=interrupt_state),
    ]
    base_form_class = InterruptForm


def group_control_link(group):
    link = reverse("signage_admin_group_control", args=[group.pk])
    return format_html('<a href="{}">Gửi lệnh cho cả nhóm</a>', link)


class BoardGroupViewSet(ScopedViewSet):
    model = BoardGroup
    icon = "group"
    menu_label = "Nhóm bảng tin"
    name = "signage_groups"
    url_prefix = "signage/groups"
    form_fields = ["name", "boards"]
    list_display = [
        "name",
        Column("count", label="Số bảng", accessor=lambda g: g.boards.count()),
        Column("control", label="Điều khiển", accessor=group_control_link),
    ]
    base_form_class = BoardGroupForm


class SignageGroup(ModelViewSetGroup):
    menu_label = "Bảng tin điện tử"
    menu_icon = "desktop"
    menu_order = 400
    items = (
        BoardViewSet,
        PlaylistViewSet,
        SlideViewSet,
        ScheduleViewSet,
        InterruptViewSet,
        BoardGroupViewSet,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        items.append(
            PermissionMenuItem(
                "Ghép nối màn hình mới",
                reverse("signage_admin_pair_new"),
                icon_name="link",
                order=890,
                permission="signage.change_board",
            )
        )
        items.append(
            PermissionMenuItem(
                "Phát khẩn cấp ngay",
                reverse("signage_admin_interrupt_now"),
                icon_name="warning",
                order=900,
                permission="signage.add_interrupt",
            )
        )
        items.append(
            PermissionMenuItem(
                "Giám sát bảng tin",
                reverse("signage_admin_overview"),
                icon_name="view",
                order=910,
                permission="signage.view_board",
            )
        )
        return items


@hooks.register("register_admin_viewset")
def register_signage_viewsets():
    return SignageGroup()


@hooks.register("register_admin_urls")
def register_signage_admin_urls():
    return [
        path(
            "signage/boards/pair/",
            views_admin.pair_new,
            name="signage_admin_pair_new",
        ),
        path(
            "signage/boards/<int:pk>/pair/",
            views_admin.pair_board,
            name="signage_admin_pair",
        ),
        path(
            "signage/boards/<int:pk>/control/",
            views_admin.board_control,
            name="signage_admin_board_control",
        ),
        path(
            "signage/groups/<int:pk>/control/",
            views_admin.group_control,
            name="signage_admin_group_control",
        ),
        path(
            "signage/groups/<int:pk>/boards/<int:board_pk>/screenshot/",
            views_admin.group_screenshot,
            name="signage_admin_group_screenshot",
        ),
        path(
            "signage/interrupt-now/",
            views_admin.interrupt_now,
            name="signage_admin_interrupt_now",
        ),
        path(
            "signage/interrupts/<int:pk>/clear/",
            views_admin.clear_interrupt,
            name="signage_admin_clear_interrupt",
        ),
        path("signage/overview/", views_admin.overview, name="signage_admin_overview"),
        path(
            "signage/plays.csv", views_admin.plays_csv, name="signage_admin_plays_csv"
        ),
    ]
