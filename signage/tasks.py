"""Background work of signage: pushes at the moments an interrupt starts or
ends, so an emergency is on screen at its start time and gone at its end even
when nobody touches the unit's content (runs in the public schema)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from base import redis as platform_redis

from . import services


@shared_task(acks_late=True)
def push_at_boundary(unit_id, moment):
    """An interrupt of ``unit_id`` starts or ends at ``moment`` (ISO): splice
    the emergency into the unit's cached manifests and tell its players."""
    services.emergency_changed(unit_id)
    return moment


@shared_task
def interrupt_boundaries():
    """Beat sweep: push units whose boundary passed since the last sweep (a
    timed task lost with a worker), and hand the worker timed pushes for the
    boundaries of the next ``BOUNDARY_LOOKAHEAD``."""
    client = platform_redis.client()
    key = platform_redis.key("signage", "boundary-sweep")
    now = timezone.now()
    last = client.getset(key, now.isoformat())
    since = now - timedelta(minutes=10)
    if last:
        since = max(since, timezone.datetime.fromisoformat(last.decode()))
    missed = {unit for _, unit in services.interrupt_boundaries(None, since, now)}
    for unit_id in missed:
        services.emergency_changed(unit_id)
    upcoming = services.interrupt_boundaries(
        None, now, now + services.BOUNDARY_LOOKAHEAD
    )
    services.schedule_boundary_pushes(upcoming)
    return {"pushed": len(missed), "scheduled": len(upcoming)}


@shared_task(acks_late=True)
def transcode_video(slide_id):
    """Make a slide's uploaded video playable on its unit's boards."""
    import shutil

    from django.db.models import Q
    from django_tenants.utils import tenant_context

    from . import video
    from .models import Board, BoardKind, Slide

    slide = Slide.objects.select_related("playlist__unit").filter(pk=slide_id).first()
    if slide is None or not slide.video:
        return "gone"
    unit = slide.playlist.unit
    Slide.objects.filter(pk=slide.pk).update(video_status="processing", video_error="")
    # The unit's boards, and those of its groups (boards of the units below
    # that play its playlists).
    boards = list(Board.objects.filter(Q(unit=unit) | Q(groups__unit=unit)).distinct())
    lcd = [b for b in boards if b.kind == BoardKind.LCD]
    led = [b for b in boards if b.kind == BoardKind.LED]
    size = max(((b.width, b.height) for b in lcd), default=(1920, 1080))
    led_size = min(((b.width, b.height) for b in led), default=None)
    try:
        with tenant_context(unit):
            mp4, poster, gif, info = video.transcode(slide.video.path, size, led_size)
            try:
                info["source"] = slide.video.name
                video.save_outputs(slide, mp4, poster, gif, info)
            finally:
                shutil.rmtree(mp4.parent, ignore_errors=True)
        slide.video_status, slide.video_error = "ready", ""
    except video.NotAVideo as error:
        slide.video_status, slide.video_error = "failed", str(error)
    except Exception as error:  # noqa: BLE001 - told to the official, not lost
        slide.video_status = "failed"
        slide.video_error = f"Không chuyển mã được video: {str(error)[:180]}"
    slide.save(
        update_fields=[
            "video_status",
            "video_error",
            "video_mp4",
            "video_poster",
            "video_led",
            "video_info",
        ]
    )
    services.content_changed(unit.pk)
    return slide.video_status
