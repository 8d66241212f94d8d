"""Zalo OA in the unit's admin: the connection, and what was posted."""

from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSetGroup

from base.admin import UnitScopedViewSet

from .forms import ZaloAccountForm
from .models import ZaloAccount, ZaloPost


class ZaloAccountViewSet(UnitScopedViewSet):
    model = ZaloAccount
    icon = "link"
    menu_label = "Kết nối Zalo OA"
    name = "social_zalo_account"
    url_prefix = "zalo-oa/ket-noi"
    copy_view_enabled = False
    list_display = ["oa_name", "app_id", "active", "token_expires_at", "last_error"]
    edit_handler = ObjectList(
        [
            FieldPanel("oa_name"),
            FieldPanel("app_id"),
            FieldPanel("secret_key"),
            FieldPanel("refresh_token"),
            FieldPanel("author"),
            FieldPanel("post_articles"),
            FieldPanel("post_announcements"),
            FieldPanel("active"),
        ],
        base_form_class=ZaloAccountForm,
    )


class ZaloPostViewSet(UnitScopedViewSet):
    model = ZaloPost
    icon = "list-ul"
    menu_label = "Bài đã đăng Zalo OA"
    name = "social_zalo_posts"
    url_prefix = "zalo-oa/bai-dang"
    disabled_actions = ("add", "change", "delete")
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["title"]  # never shown: add and change are off
    list_display = ["title", "state", "attempts", "posted_at", "last_error"]
    list_filter = ["state"]
    inspect_view_fields = [
        "title",
        "url",
        "state",
        "attempts",
        "zalo_article_id",
        "posted_at",
        "next_attempt_at",
        "last_error",
    ]


class ZaloGroup(ModelViewSetGroup):
    menu_label = "Zalo OA"
    menu_icon = "link"
    menu_order = 260
    items = (ZaloAccountViewSet, ZaloPostViewSet)


@hooks.register("register_admin_viewset")
def register_zalo():
    return ZaloGroup()
