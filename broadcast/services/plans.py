"""Plans: each device's day, sent ahead (protocol ``plan`` command).

A device keeps the plan of each day and plays it from its own clock when
the network is down; online, it waits for the ``play`` command that airs
the same item (``Dispatch.item``) and never plays an item twice. Plays made
offline are reported later with the item's id (``services.plays``).
"""

import hashlib
import json
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from base.choices import Priority

from ..models import DevicePlan, OutboxMessage, PlanItem, Schedule, SpeakerCluster
from .dispatch import EXPIRY, FANOUT_TOPIC, kick_publisher, target_clusters
from .programs import audio_fields, audio_url
from .schedules import item_id, occurrences


def day_bounds(day):
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time(0, 0), tzinfo=tz)
    return start, start + timedelta(days=1)


def day_items(day, now=None):
    """{cluster: [(item id, schedule, at, not_after)]} for ``day``: every
    occurrence of an active schedule on that day that has not ended, on each
    cluster it targets (normal and priority items only within the cluster's
    on/off hours, as a dispatch would)."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    found = {}
    schedules = Schedule.objects.filter(is_active=True).select_related("program")
    for schedule in schedules.prefetch_related("target_units", "target_clusters"):
        times = occurrences(schedule, start, end)
        if not times:
            continue
        targets = target_clusters(
            list(schedule.target_units.all()), list(schedule.target_clusters.all())
        )
        expiry = EXPIRY[Priority(schedule.priority)]
        for at in times:
            if at + expiry <= now:
                continue
            for cluster in targets:
                if schedule.priority != Priority.EMERGENCY and not cluster.in_hours(at):
                    continue
                found.setdefault(cluster, []).append(
                    (item_id(schedule, at), schedule, at, at + expiry)
                )
    return found


def _digest(entries, fields):
    text = json.dumps(
        [
            [str(item), str(s.program.uid), at.timestamp(), fields[s.program_id]]
            for item, s, at, _ in sorted(entries, key=lambda e: (e[2], str(e[0])))
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


# A plan not taken is sent again (a higher version, fresh audio tokens): a
# failed one (a download went wrong) after 10 minutes, then 20, 40… (at most
# 4 hours: a file that stays broken must not cost a 3G link its download
# every 10 minutes), one never answered once its audio tokens expired (the
# device was offline; its copy waiting on the broker names links that no
# longer work).
RETRY_FAILED_PLAN = timedelta(minutes=10)
RETRY_FAILED_PLAN_MAX = timedelta(hours=4)


def _stale(plan, now):
    if plan.acked_at is not None:
        return False
    if plan.detail:
        failed = DevicePlan.objects.filter(
            cluster_id=plan.cluster_id,
            day=plan.day,
            digest=plan.digest,
            acked_at__isnull=True,
        ).count()
        wait = min(RETRY_FAILED_PLAN * 2 ** max(0, failed - 1), RETRY_FAILED_PLAN_MAX)
        return plan.created_at <= now - wait
    lifetime = timedelta(seconds=settings.BROADCAST_AUDIO_TOKEN_SECONDS)
    return plan.created_at <= now - lifetime


def send_plans(days=None, now=None, clusters=None):
    """Send each device (or those of ``clusters``) the plan of ``days``
    (default today and tomorrow) when it changed since the last version it
    was sent (a day that lost its items gets an empty plan, so the device
    drops them), or when the last version was not taken (``_stale``).
    Returns how many plans were written to the outbox."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = days or [today, today + timedelta(days=1)]
    chosen = SpeakerCluster.objects.filter(is_active=True).exclude(signing_key="")
    if clusters is not None:
        chosen = chosen.filter(pk__in=[c.pk for c in clusters])
    clusters = {c.pk: c for c in chosen}
    sent = 0
    fields, urls = {}, {}
    for day in days:
        wanted = {
            cluster.pk: entries
            for cluster, entries in day_items(day, now).items()
            if cluster.pk in clusters
        }
        latest = {}
        for plan in DevicePlan.objects.filter(
            day=day, cluster_id__in=clusters
        ).order_by("cluster", "-version"):
            latest.setdefault(plan.cluster_id, plan)
        for pk in set(wanted) | set(latest):
            entries = wanted.get(pk, [])
            for _, schedule, _, _ in entries:
                program = schedule.program
                if program.pk not in fields:
                    fields[program.pk] = audio_fields(program)
                    urls[program.pk] = audio_url(program)
            digest = _digest(entries, fields)
            if (
                pk in latest
                and latest[pk].digest == digest
                and not (entries and _stale(latest[pk], now))
            ):
                continue
            if pk not in clusters:
                continue
            _write_plan(clusters[pk], day, entries, digest, fields, urls)
            sent += 1
    if sent:
        kick_publisher()
    return sent


def _write_plan(cluster, day, entries, digest, fields, urls):
    _, end = day_bounds(day)
    with transaction.atomic():
        SpeakerCluster.objects.select_for_update().filter(pk=cluster.pk).first()
        version = (
            DevicePlan.objects.filter(cluster=cluster).aggregate(v=Max("version"))["v"]
            or 0
        ) + 1
        plan = DevicePlan.objects.create(
            cluster=cluster, day=day, version=version, digest=digest
        )
        PlanItem.objects.bulk_create(
            PlanItem(
                plan=plan,
                item=item,
                schedule=schedule,
                program=schedule.program,
                at=at,
                not_after=not_after,
                priority=schedule.priority,
                position=schedule.position,
            )
            for item, schedule, at, not_after in entries
        )
        from ..devices import protocol

        items = [
            protocol.plan_item(
                item=item,
                at=at.timestamp(),
                not_after=not_after.timestamp(),
                program_uid=schedule.program.uid,
                title=schedule.program.title,
                url=urls[schedule.program_id],
                duration=schedule.program.duration_seconds,
                priority=schedule.priority,
                position=schedule.position,
                language=schedule.program.language,
                **fields[schedule.program_id],
            )
            for item, schedule, at, not_after in sorted(
                entries, key=lambda e: (e[2], e[1].position)
            )
        ]
        OutboxMessage.objects.create(
            topic=FANOUT_TOPIC,
            payload=protocol.plan_command(
                cid=plan.cid,
                day=day.isoformat(),
                version=version,
                items=items,
                expires_at=end.timestamp(),
            ),
            device_ids=[cluster.device_id],
            expires_at=end,
        )
    return plan


def send_unit_plans(unit):
    """New plans for every device of ``unit`` and the units below it (only
    those whose day changed are sent)."""
    clusters = SpeakerCluster.objects.filter(
        unit__in=unit.descendants(include_self=True), is_active=True
    )
    return send_plans(clusters=list(clusters))


def plans_changed(unit):
    """A schedule of ``unit`` was added, changed or stopped, or a program's
    audio changed: once this transaction commits, the devices it may reach
    get their new plan (a worker task), not at the next beat. A device waits
    for the play command of a planned item only 60 s before playing it from
    its plan, so a stopped or moved item must leave the plan at once."""
    from base.tasks import enqueue_on_commit

    from ..tasks import send_unit_plans as task

    enqueue_on_commit(task, unit.pk)
