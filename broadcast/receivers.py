"""Receivers of other apps' signals (connected in BroadcastConfig.ready)."""

import logging

from django.conf import settings
from django.utils import timezone

from base.tasks import enqueue_on_commit

from .models import BulletinRequest, Program

logger = logging.getLogger(__name__)


def on_bulletin_for_channel(sender, bulletin, unit, channel, emergency=False, **kw):
    """A bulletin for the speakers: one INSERT and a task queued on commit.

    The bulletins fan-out calls this once per commune, so it must stay cheap;
    the TTS and the dispatch run in ``tasks.process_bulletin_requests``
    (an emergency is synthesized once, dispatched to every commune and
    published by that task at once). The row outlives a lost task: the
    sweep drains what is left.
    """
    if channel != "speaker":
        return None
    text = f"{bulletin.title}. {getattr(bulletin, 'body_text', '') or ''}".strip()
    request = BulletinRequest.objects.create(
        bulletin_id=bulletin.pk,
        unit=unit,
        emergency=bool(emergency),
        title=(bulletin.title or "")[:255],
        text=text[: settings.BROADCAST_TTS_MAX_CHARS],
        language=getattr(bulletin, "language", "vi") or "vi",
        valid_until=getattr(bulletin, "valid_until", None),
    )
    # A kick lost with the broker is made up by the sweep.
    from .tasks import process_bulletin_requests

    enqueue_on_commit(process_bulletin_requests)
    return request


def on_bulletin_withdrawn(sender, bulletin, unit, channel, **kw):
    if channel != "speaker":
        return
    from . import services

    BulletinRequest.objects.filter(
        bulletin_id=bulletin.pk, unit=unit, processed_at__isnull=True
    ).update(processed_at=timezone.now(), last_error="withdrawn before playing")
    for program in Program.objects.filter(bulletin_id=bulletin.pk, unit=unit):
        services.stop_program(program)
        if program.schedule_set.filter(is_active=True).update(is_active=False):
            services.plans_changed(unit)
