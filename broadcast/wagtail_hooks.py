"""The unit's admin: its speaker clusters (presence) and deliveries (acks).

Lists only; each is filtered to the unit whose admin is open, so a commune
never sees another's clusters. Registration and scheduling go through
services (demo loader, management commands) until forms land here.
"""

from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from tenants.services import current_unit

from .models import Delivery, SpeakerCluster


class UnitIndexView(IndexView):
    unit_field = "unit"

    def get_base_queryset(self):
        unit = current_unit()
        qs = super().get_base_queryset()
        if unit is None:
            return qs
        return qs.filter(**{self.unit_field: unit})


class DeliveryIndexView(UnitIndexView):
    unit_field = "dispatch__unit"


class ClusterViewSet(ModelViewSet):
    model = SpeakerCluster
    icon = "microphone"
    menu_label = "Cụm loa"
    name = "cum-loa"
    index_view_class = UnitIndexView
    list_display = ["name", "hamlet", "device_id", "online", "last_seen", "volume"]
    list_filter = ["online", "is_active"]
    search_fields = ["name", "hamlet", "device_id"]
    form_fields = ["name", "hamlet", "volume", "on_time", "off_time", "is_active"]
    add_to_admin_menu = False


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    icon = "list-ul"
    menu_label = "Trạng thái phát"
    name = "trang-thai-phat"
    index_view_class = DeliveryIndexView
    list_display = ["cluster", "dispatch", "state", "acknowledged_at", "updated_at"]
    list_filter = ["state"]
    form_fields = ["detail"]
    add_to_admin_menu = False


class BroadcastGroup(ViewSetGroup):
    menu_label = "Truyền thanh"
    menu_icon = "microphone"
    items = (ClusterViewSet, DeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_broadcast_viewsets():
    return BroadcastGroup()
