"""Receivers of other apps' signals (connected in BroadcastConfig.ready)."""

import logging

from django.conf import settings
from django.utils import timezone

from base.tasks import enqueue_on_commit
from bulletins import services as bulletin_services

from .models import BulletinRequest, Program

logger = logging.getLogger(__name__)


ACTOR = "Hệ thống truyền thanh"


def _report(bulletin, unit, state, note=""):
    """Tell the bulletins pipeline how the speaker delivery went.

    ``bulletins.services.mark_delivery(bulletin, unit, channel, state,
    actor=None, note="")``: the speakers report "used" once the bulletin is
    a program (played at once for an emergency). By the time the signal
    arrives the commune (or the emergency fan-out) usually moved the
    delivery to "used" already, and a repeat is accepted as a no-op. There
    is no pipeline state for a failure: that is logged.
    """
    try:
        return bulletin_services.mark_delivery(
            bulletin, unit, "speaker", state, actor=ACTOR, note=note
        )
    except (bulletin_services.DeliveryNotFound, bulletin_services.InvalidStatus) as exc:
        # A stand-in bulletin (no delivery row) or one already past "used".
        logger.info(
            "speaker delivery of bulletin %s not marked %s: %s",
            getattr(bulletin, "pk", bulletin),
            state,
            exc,
        )
    except Exception:  # noqa: BLE001 - reporting must not break dispatch
        logger.exception("bulletins.services.mark_delivery failed")
    return None


def report_used(request):
    """After a request became a program (and, for an emergency, was sent)."""
    if request.bulletin_id is None:
        return None
    note = (
        "Phát ngay trên mọi cụm loa (khẩn cấp)."
        if request.emergency
        else "Đã thành chương trình phát thanh."
    )
    return _report(request.bulletin_id, request.unit, "used", note)


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
        program.schedule_set.update(is_active=False)
