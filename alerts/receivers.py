"""Every change of a bulletin may call for a CAP message (services.publish):
sending and withdrawing (bulletin_status_changed, after commit), and edits
of a sent bulletin (post_save and its targets, after commit)."""

import logging

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from bulletins.models import Bulletin
from bulletins.signals import bulletin_status_changed

logger = logging.getLogger(__name__)


def _publish(pk):
    from . import services

    bulletin = Bulletin.objects.filter(pk=pk).first()
    if bulletin is None:
        return
    try:
        services.publish(bulletin)
    except Exception:  # noqa: BLE001 - a CAP failure must not undo the send
        logger.exception("CAP message for bulletin %s failed", pk)


@receiver(bulletin_status_changed, dispatch_uid="alerts_status")
def on_status(sender, bulletin, new_status, **kwargs):
    # Already after commit (base.pipeline sends it on commit).
    _publish(bulletin.pk)


@receiver(post_save, sender=Bulletin, dispatch_uid="alerts_edit")
def on_edit(sender, instance, created, **kwargs):
    if created or instance.status != "sent":
        return
    pk = instance.pk
    transaction.on_commit(lambda: _publish(pk))


@receiver(m2m_changed, sender=Bulletin.target_units.through, dispatch_uid="alerts_m2m")
def on_targets(sender, instance, action, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Bulletin) and instance.status == "sent":
        pk = instance.pk
        transaction.on_commit(lambda: _publish(pk))
