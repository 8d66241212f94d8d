"""Bulletins handed to the speaker channel become programs (and, for an
emergency, are played at once); the bulletins pipeline is told."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from base.choices import Priority
from bulletins import services as bulletin_services

from ..models import BulletinRequest, Program, ProgramKind
from .dispatch import EXPIRY, dispatch_program, kick_publisher
from .programs import create_tts_program, validation_messages

logger = logging.getLogger(__name__)

ACTOR = "Hệ thống truyền thanh"


def process_bulletin_requests(limit=200):
    """Turn waiting ``BulletinRequest`` rows into programs; returns how many.

    Emergencies first. A text is synthesized once per batch and its audio
    shared by the programs of every commune it goes to. Each batch is one
    transaction (rows locked with SKIP LOCKED, so two workers never take the
    same row); after it commits, emergencies are published right here, not
    behind other tasks. A request that fails is retried by the sweep up to
    ``BROADCAST_MAX_ATTEMPTS`` times; bad text (too long, no voice) is
    closed at once with the reason.
    """

    total = 0
    while True:
        done, urgent = [], False
        with transaction.atomic():
            rows = list(
                BulletinRequest.objects.select_for_update(
                    skip_locked=True, of=("self",)
                )
                .filter(processed_at__isnull=True)
                .select_related("unit")
                .order_by("-emergency", "created_at", "pk")[:limit]
            )
            if not rows:
                break
            voiced = {}
            for row in rows:
                try:
                    with transaction.atomic():
                        row.program = _program_for_request(row, voiced)
                        if row.emergency:
                            _dispatch_emergency_request(row)
                            urgent = True
                    row.processed_at = timezone.now()
                    row.last_error = ""
                    done.append(row)
                except ValidationError as exc:
                    row.processed_at = timezone.now()
                    row.last_error = " ".join(validation_messages(exc))[:255]
                    logger.warning("bulletin %s: %s", row.bulletin_id, row.last_error)
                except Exception as exc:  # noqa: BLE001 - retried by the sweep
                    logger.exception("bulletin %s could not become a program", row.pk)
                    row.last_error = str(exc)[:255]
                    if row.attempts + 1 >= settings.BROADCAST_MAX_ATTEMPTS:
                        row.processed_at = timezone.now()
                row.attempts += 1
            BulletinRequest.objects.bulk_update(
                rows, ["program", "processed_at", "last_error", "attempts"]
            )
        if urgent:
            transaction.on_commit(_publish_now)
        for row in done:
            report_used(row)
        total += len(rows)
        if len(rows) < limit:
            break
    return total


def _program_for_request(row, voiced):
    """A TTS program for the request's unit, reusing audio made in this batch."""
    key = (row.text, row.language)
    first = voiced.get(key)
    if first is None:
        program = create_tts_program(
            row.unit,
            title=row.title,
            text=row.text,
            language=row.language,
            created_by="bulletins",
            bulletin_id=row.bulletin_id,
        )
        voiced[key] = program
        return program
    return Program.objects.create(
        unit=row.unit,
        title=row.title,
        kind=ProgramKind.TTS,
        language=row.language,
        text=row.text,
        duration_seconds=first.duration_seconds,
        audio=first.audio.name,
        created_by="bulletins",
        bulletin_id=row.bulletin_id,
    )


def _dispatch_emergency_request(row):
    expires_in = None
    now = timezone.now()
    if row.valid_until and row.valid_until > now:
        expires_in = min(row.valid_until - now, EXPIRY[Priority.EMERGENCY])
    return dispatch_program(
        row.program,
        units=[row.unit],
        priority=Priority.EMERGENCY,
        expires_in=expires_in,
        kick=False,
    )


def _publish_now():
    """Publish what was just committed from this process (emergencies);
    when the broker is down the queued task and the sweep retry."""
    from ..devices.mqtt import publish_outbox

    try:
        publish_outbox()
    except Exception:  # noqa: BLE001 - retried by publish_outbox's task
        logger.exception("emergency publish failed; queued for retry")
        kick_publisher()


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
