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
    """An interrupt of ``unit_id`` starts or ends at ``moment`` (ISO): drop the
    unit's cached manifests and tell its players to fetch again."""
    services.content_changed(unit_id)
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
        services.content_changed(unit_id)
    upcoming = services.interrupt_boundaries(
        None, now, now + services.BOUNDARY_LOOKAHEAD
    )
    services.schedule_boundary_pushes(upcoming)
    return {"pushed": len(missed), "scheduled": len(upcoming)}
