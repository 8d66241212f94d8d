"""Bulletins in the cross-unit search index, the way engage's questions are:
a sent bulletin is indexed (under its sender's unit), a withdrawn or deleted
one leaves, and ``manage.py reindex`` rebuilds them through the provider.
Connected in BulletinsConfig.ready()."""

import logging

from search import services as search
from search.registry import register_provider

from .choices import BulletinStatus
from .models import Bulletin

logger = logging.getLogger(__name__)


def bulletin_document(bulletin):
    return {
        "unit": bulletin.sender_unit,
        "kind": "bulletin",
        "object_id": bulletin.pk,
        "title": bulletin.title,
        "body": bulletin.body,
        "url": f"/thong-tin-nguon/{bulletin.pk}/",
        "language": bulletin.language,
        "category": bulletin.get_category_display(),
        "published_at": bulletin.sent_at,
    }


def status_changed(sender, bulletin, new_status, **kwargs):
    """Sent: into the index. Withdrawn: out of it (after the commit)."""
    try:
        if new_status == BulletinStatus.SENT:
            search.index_document(**bulletin_document(bulletin))
        elif new_status == BulletinStatus.WITHDRAWN:
            search.remove_document(
                unit=bulletin.sender_unit, kind="bulletin", object_id=bulletin.pk
            )
    except Exception:  # noqa: BLE001 - search never blocks a bulletin;
        # ``manage.py reindex`` repairs the index.
        logger.exception("search: could not update bulletin %s", bulletin.pk)


def deleted(sender, instance, **kwargs):
    """A deleted bulletin leaves the index: a search would still list it
    and link to a 404."""
    from tenants.models import Unit

    unit = Unit.objects.filter(pk=instance.sender_unit_id).first()
    if unit is None:
        return  # the unit went, and its documents with it (cascade)
    try:
        search.remove_document(unit=unit, kind="bulletin", object_id=instance.pk)
    except Exception:  # noqa: BLE001 - search never blocks a deletion
        logger.exception("search: could not remove bulletin %s", instance.pk)


@register_provider
def sent_bulletins(unit):
    """Every bulletin ``unit`` sent and did not withdraw (for reindex)."""
    bulletins = Bulletin.objects.filter(
        sender_unit=unit, status=BulletinStatus.SENT
    ).select_related("sender_unit")
    for bulletin in bulletins.iterator():
        yield bulletin_document(bulletin)
