"""Receivers of other apps' signals (connected in BroadcastConfig.ready)."""

import logging

from django.utils import timezone

from .models import Priority, Program

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
        from bulletins import services as bulletin_services
        from bulletins.models import Delivery as BulletinDelivery
        from bulletins.pipeline import TransitionNotAllowed
    except ImportError:
        return None
    try:
        return bulletin_services.mark_delivery(
            bulletin, unit, "speaker", state, actor=ACTOR, note=note
        )
    except (BulletinDelivery.DoesNotExist, TransitionNotAllowed) as exc:
        # A stand-in bulletin (no delivery row) or one already past "used".
        logger.info(
            "speaker delivery of bulletin %s not marked %s: %s",
            getattr(bulletin, "pk", None),
            state,
            exc,
        )
    except Exception:  # noqa: BLE001 - reporting must not break dispatch
        logger.exception("bulletins.services.mark_delivery failed")
    return None


def on_bulletin_for_channel(sender, bulletin, unit, channel, emergency=False, **kw):
    """A bulletin for the speakers becomes a TTS program; emergencies play at
    once on every cluster of the unit, pre-empting what plays."""
    if channel != "speaker":
        return
    from . import services

    language = getattr(bulletin, "language", "vi") or "vi"
    text = f"{bulletin.title}. {bulletin.body_text or ''}".strip()
    try:
        program = services.create_tts_program(
            unit,
            title=bulletin.title[:255],
            text=text[: services.settings.BROADCAST_TTS_MAX_CHARS],
            language=language,
            created_by="bulletins",
            bulletin_id=bulletin.pk,
        )
    except Exception:  # noqa: BLE001 - logged, never raised to the sender
        logger.exception("bulletin %s could not become a program", bulletin.pk)
        return
    if emergency:
        valid_until = getattr(bulletin, "valid_until", None)
        expires_in = None
        if valid_until and valid_until > timezone.now():
            expires_in = min(
                valid_until - timezone.now(), services.EXPIRY[Priority.EMERGENCY]
            )
        services.dispatch_program(
            program, units=[unit], priority=Priority.EMERGENCY, expires_in=expires_in
        )
        _report(bulletin, unit, "used", "Phát ngay trên mọi cụm loa (khẩn cấp).")
    else:
        _report(bulletin, unit, "used", "Đã thành chương trình phát thanh.")
    return program


def on_bulletin_withdrawn(sender, bulletin, unit, channel, **kw):
    if channel != "speaker":
        return
    from . import services

    for program in Program.objects.filter(bulletin_id=bulletin.pk, unit=unit):
        services.stop_program(program)
        program.schedule_set.update(is_active=False)
