"""A page published on a unit's site → its Zalo OA (when connected)."""

import logging

from django.dispatch import receiver
from wagtail.signals import page_published

from tenants.services import current_unit

logger = logging.getLogger(__name__)


@receiver(page_published, dispatch_uid="social.zalo_on_publish")
def on_published(sender, instance, **kwargs):
    unit = current_unit()
    if unit is None:
        return
    from .services import queue_page

    try:
        queue_page(unit, instance.specific)
    except Exception:  # noqa: BLE001 - publishing never fails because of Zalo
        logger.exception("could not queue page %s for Zalo", instance.pk)
