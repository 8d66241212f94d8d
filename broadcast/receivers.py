"""Receivers of other apps' signals (connected in BroadcastConfig.ready)."""

import logging

from django.utils import timezone

from .models import Priority, Program

logger = logging.getLogger(__name__)


def _report(bulletin, unit, state, detail=""):
    """Tell the bulletins app how the speaker delivery went, if it listens."""
    try:
        from bulletins import services as bulletin_services
    except ImportError:
        return
    mark = getattr(bulletin_services, "mark_delivery", None)
    if mark is None:
        return
    try:
        mark(
            bulletin=bulletin, unit=unit, channel="speaker", state=state, detail=detail
        )
    except Exception:  # noqa: BLE001 - reporting must not break dispatch
        logger.exception("bulletins.services.mark_delivery failed")


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
    except Exception as exc:  # noqa: BLE001 - reported, never raised to sender
        logger.exception("bulletin %s could not become a program", bulletin.pk)
        _report(bulletin, unit, "failed", str(exc)[:200])
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
        _report(bulletin, unit, "sent")
    else:
        _report(bulletin, unit, "received")
    return program


def on_bulletin_withdrawn(sender, bulletin, unit, channel, **kw):
    if channel != "speaker":
        return
    from . import services

    for program in Program.objects.filter(bulletin_id=bulletin.pk, unit=unit):
        services.stop_program(program)
        program.schedule_set.update(is_active=False)
    _report(bulletin, unit, "withdrawn")
