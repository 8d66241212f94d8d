"""The unit admin's dashboard: how many phones take the unit's alerts, and
what its announcements marked for push did."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from tenants.services import current_unit

from .models import PushMessage, PushSubscription


class PhoneAlertsPanel(Component):
    name = "pwa_phone_alerts"
    order = 95
    template_name = "pwa/admin/phone_alerts_panel.html"

    def __init__(self, unit):
        self.unit = unit

    def get_context_data(self, parent_context):
        return {
            "phones": PushSubscription.objects.filter(unit=self.unit).count(),
            "pushes": PushMessage.objects.filter(unit=self.unit).order_by(
                "-created_at"
            )[:5],
        }


@hooks.register("construct_homepage_panels")
def add_phone_alerts_panel(request, panels):
    unit = current_unit()
    if unit is not None:
        panels.append(PhoneAlertsPanel(unit))
