"""Delivery states of central information go back upward."""

from django.conf import settings
from django.dispatch import receiver

from bulletins.signals import delivery_state_changed


@receiver(delivery_state_changed, dispatch_uid="central.delivery_state")
def on_delivery_state(sender, delivery, old_status, new_status, **kwargs):
    if not settings.CENTRAL_EXCHANGE_URL:
        return
    from .services import queue_delivery_state

    queue_delivery_state(delivery, old_status, new_status)
