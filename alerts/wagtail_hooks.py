"""CAP sources and what they brought, in the province's Wagtail admin only."""

import functools

from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup

from base.admin import UnitScopedPermissionPolicy, UnitScopedViewSet
from tenants.models import UnitKind
from tenants.services import current_unit

from .models import CapIntake, CapSource


class ProvinceOnlyPolicy(UnitScopedPermissionPolicy):
    """The unit's rows, and only in a province's admin."""

    def user_has_permission(self, user, action):
        unit = current_unit()
        if unit is None or unit.kind != UnitKind.PROVINCE:
            return False
        return super().user_has_permission(user, action)


class ProvinceViewSet(UnitScopedViewSet):
    copy_view_enabled = False

    @functools.cached_property
    def permission_policy(self):
        return ProvinceOnlyPolicy(self.model, self.unit_scope, self.disabled_actions)


class CapSourceViewSet(ProvinceViewSet):
    model = CapSource
    icon = "warning"
    menu_label = "Nguồn cảnh báo CAP"
    name = "alerts_sources"
    url_prefix = "cap/nguon"
    form_fields = ["name", "url", "policy", "active"]
    list_display = ["name", "url", "policy", "active", "last_polled_at", "last_error"]


def intake_bulletin(row):
    if row.bulletin_id is None:
        return "—"
    return format_html("{} ({})", row.bulletin.title, row.bulletin.get_status_display())


class CapIntakeViewSet(ProvinceViewSet):
    model = CapIntake
    unit_lookup = "source__unit"
    icon = "list-ul"
    menu_label = "Cảnh báo CAP đã nhận"
    name = "alerts_intakes"
    url_prefix = "cap/da-nhan"
    disabled_actions = ("add", "change", "delete")
    inspect_view_enabled = True
    form_fields = ["reason"]  # never shown: add and change are off
    list_display = ["received_at", "source", "identifier", "outcome", "reason"]
    inspect_view_fields = [
        "source",
        "identifier",
        "sender",
        "sent",
        "link",
        "outcome",
        "reason",
        "bulletin",
        "xml",
    ]
    list_filter = ["outcome", "source"]


class AlertsGroup(ModelViewSetGroup):
    menu_label = "Cảnh báo CAP"
    menu_icon = "warning"
    items = (CapSourceViewSet, CapIntakeViewSet)


@hooks.register("register_admin_viewset")
def register_alerts_viewsets():
    return AlertsGroup()
