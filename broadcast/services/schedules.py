"""Schedules: when they fire, and firing what is due."""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from base.choices import Priority

from ..models import Schedule, ScheduleKind
from .dispatch import dispatch_program


def occurrences(schedule, start, end):
    """Datetimes in [start, end) at which ``schedule`` fires."""
    if schedule.kind == ScheduleKind.ONCE:
        at = schedule.start_at
        return [at] if at and start <= at < end else []
    found = []
    tz = timezone.get_current_timezone()
    day = timezone.localtime(start).date()
    last_day = timezone.localtime(end).date()
    while day <= last_day:
        in_range = (not schedule.valid_from or day >= schedule.valid_from) and (
            not schedule.valid_until or day <= schedule.valid_until
        )
        if in_range and (not schedule.weekdays or day.weekday() in schedule.weekdays):
            for text in schedule.times:
                hour, minute = (int(x) for x in text.split(":"))
                at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                if start <= at < end:
                    found.append(at)
        day += timedelta(days=1)
    return found


def item_id(schedule, at):
    """The id of one occurrence of a schedule: the same in every device's
    plan and in the play command that airs it."""
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"ttcs-plan:{schedule.pk}:{at.timestamp():.0f}"
    )


def fire_due_schedules(now=None, lookback=timedelta(minutes=10)):
    """Dispatch every schedule occurrence due since it last fired.

    Higher priority first; same priority in the commune's ``position``
    order, so devices queue them in that order.
    """
    now = now or timezone.now()
    due = []
    for schedule in Schedule.objects.filter(is_active=True).select_related(
        "program__unit"
    ):
        since = max(
            schedule.last_fired_at or (now - lookback),
            now - lookback,
        )
        for at in occurrences(schedule, since, now + timedelta(seconds=1)):
            due.append((at, schedule))
    due.sort(key=lambda x: (-Priority.rank_of(x[1].priority), x[1].position, x[0]))
    dispatches = []
    for at, schedule in due:
        with transaction.atomic():
            locked = Schedule.objects.select_for_update().get(pk=schedule.pk)
            if locked.last_fired_at and locked.last_fired_at >= at:
                continue
            dispatches.append(
                dispatch_program(
                    schedule.program,
                    units=list(schedule.target_units.all()),
                    clusters=list(schedule.target_clusters.all()),
                    priority=schedule.priority,
                    schedule=schedule,
                    position=schedule.position,
                    now=now,
                    item=item_id(schedule, at),
                )
            )
            locked.last_fired_at = at
            locked.save(update_fields=["last_fired_at"])
            if locked.kind == ScheduleKind.ONCE:
                Schedule.objects.filter(pk=locked.pk).update(is_active=False)
    return dispatches
