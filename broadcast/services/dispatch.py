"""Dispatch: a program sent to clusters through the outbox, stopped, retried
and expired."""

import datetime as dt
import uuid
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from base.choices import Priority
from base.tasks import enqueue_on_commit

from ..choices import DeliveryState
from ..devices import protocol
from ..models import Delivery, Dispatch, OutboxMessage, ProgramKind, SpeakerCluster
from ..pipeline import advance, bulk_set_state, create_queued, record_new
from .programs import audio_fields, audio_url

# How long a command stays playable (MQTT 5 message expiry and the payload's
# expires_at): an emergency is useless after minutes, a daily program
# after its slot.
EXPIRY = {
    Priority.EMERGENCY: timedelta(minutes=5),
    Priority.PRIORITY: timedelta(minutes=30),
    Priority.NORMAL: timedelta(minutes=30),
}


class Target(NamedTuple):
    """What a dispatch needs of a targeted cluster (5,000 of them: their
    ids and hours, not 5,000 model instances and their units)."""

    pk: int
    device_id: str
    on_time: dt.time
    off_time: dt.time

    in_hours = SpeakerCluster.in_hours


def _targeted(units=(), clusters=(), include_below=True):
    ids = {c.pk for c in clusters}
    unit_q = Q(pk__in=[])
    for unit in units:
        unit_q |= Q(unit=unit)
        if include_below:
            unit_q |= Q(unit__in=unit.descendants())
    return SpeakerCluster.objects.filter(is_active=True).filter(unit_q | Q(pk__in=ids))


def target_clusters(units=(), clusters=(), include_below=True):
    """Active clusters of ``units`` (and below) and ``clusters``."""
    return list(_targeted(units, clusters, include_below).select_related("unit"))


def target_rows(units=(), clusters=(), include_below=True):
    """``target_clusters`` as ``Target`` rows."""
    return [
        Target(*row)
        for row in _targeted(units, clusters, include_below).values_list(
            "pk", "device_id", "on_time", "off_time"
        )
    ]


def dispatch_program(
    program,
    units=(),
    clusters=(),
    priority=Priority.NORMAL,
    schedule=None,
    position=0,
    expires_in=None,
    now=None,
    kick=True,
    item=None,
):
    """Send ``program`` now to the targeted clusters; returns the Dispatch.

    Clusters outside their on/off hours are left out unless the priority is
    emergency. One publish per unit group topic when every active cluster of
    that unit is a target, else one per device. The dispatch, its outbox
    rows (naming every targeted device) and its per-device Delivery rows
    ("queued", one INSERT: ``pipeline.create_queued``) are written in one
    transaction; the publisher runs after commit and moves the rows the
    broker accepted to "sent", while the listener records the devices'
    acks on the same rows as they come.
    """
    now = now or timezone.now()
    priority = Priority(priority)
    targets = target_rows(units, clusters)
    reachable = len(targets)
    if priority != Priority.EMERGENCY:
        targets = [c for c in targets if c.in_hours(now)]
    expires_at = now + (expires_in or EXPIRY[priority])
    with transaction.atomic():
        dispatch = Dispatch.objects.create(
            unit=program.unit,
            program=program,
            schedule=schedule,
            priority=priority,
            position=position,
            created_at=now,
            expires_at=expires_at,
            target_count=len(targets),
            skipped_off_hours=reachable - len(targets),
            item=item,
        )
        _write_outbox(dispatch, targets)
        create_queued(dispatch.pk, [c.pk for c in targets], when=now)
    if kick:
        kick_publisher()
    return dispatch


# Outbox rows name the devices they go to; the publisher sends each device
# its own copy on its own topic, with the device id in the body and the MAC
# of its key (protocol v1.1: no group topics, so every command is checked
# with the key of the one device that receives it).
FANOUT_TOPIC = protocol.device_cmd("+")
# Commands that carry a program to a device (one Delivery per device).
PROGRAM_COMMANDS = protocol.PROGRAM_COMMANDS
ROW_DEVICES = 1000


def _command_body(dispatch):
    """``play`` for a program with a file, ``stream`` for a live or relayed
    stream (services/streams.py)."""
    program = dispatch.program
    if program.kind == ProgramKind.STREAM:
        from .streams import stream_command_body

        return stream_command_body(dispatch)
    return protocol.play_command(
        cid=dispatch.cid,
        program_uid=program.uid,
        title=program.title,
        url=audio_url(program),
        duration=program.duration_seconds,
        priority=dispatch.priority,
        position=dispatch.position,
        language=program.language,
        expires_at=dispatch.expires_at.timestamp(),
        item=dispatch.item,
        **audio_fields(program),
    )


def _write_outbox(dispatch, targets, only_devices=False):
    body = _command_body(dispatch)
    ids = [c.device_id for c in targets]
    rows = [
        OutboxMessage(
            dispatch=dispatch,
            topic=FANOUT_TOPIC,
            payload=body,
            device_ids=ids[start : start + ROW_DEVICES],
            expires_at=dispatch.expires_at,
        )
        for start in range(0, len(ids), ROW_DEVICES)
    ]
    OutboxMessage.objects.bulk_create(rows)
    return rows


def kick_publisher():
    """Publish the outbox once this transaction commits; a kick lost with
    the broker is made up by the beat sweep."""
    from ..tasks import publish_outbox

    enqueue_on_commit(publish_outbox)


def emergency(program, units):
    """Play ``program`` at once on every cluster of ``units`` (and below),
    pre-empting whatever plays, regardless of on/off hours."""
    return dispatch_program(program, units=units, priority=Priority.EMERGENCY)


LIVE_STATES = [
    DeliveryState.QUEUED,
    DeliveryState.SENT,
    DeliveryState.ACKNOWLEDGED,
    DeliveryState.PLAYING,
]


def stop_program(program, reason="withdrawn"):
    """Tell every device still holding ``program`` to drop it."""
    return _stop(Q(dispatch__program=program), reason)


def stop_dispatch(dispatch, reason="operator"):
    """ "Dừng phát ngay": stop one dispatch wherever it is queued or plays."""
    return _stop(Q(dispatch=dispatch), reason)


def _stop(which, reason):
    """One stop command (its own cid, ``target`` = the play's cid) per
    dispatch, fanned out to the devices that may hold it; devices answer
    ``stopped`` for the play and ``done`` for the stop. Plays not published
    yet are cancelled first (waiting for a publisher sending them now), and
    their devices' rows stop at once: no command reached those."""
    now = timezone.now()
    with transaction.atomic():
        unsent = list(
            OutboxMessage.objects.select_for_update().filter(
                which, sent_at__isnull=True, payload__type__in=PROGRAM_COMMANDS
            )
        )
        OutboxMessage.objects.filter(pk__in=[r.pk for r in unsent]).update(
            sent_at=now, last_error=f"cancelled: {reason}"
        )
        for dispatch_id, cluster_ids in _clusters_by_dispatch(unsent).items():
            advance(
                dispatch_id,
                cluster_ids,
                DeliveryState.STOPPED,
                detail="Đã dừng trước khi gửi",
                when=now,
                only_from={DeliveryState.QUEUED},
            )
        live = (
            Delivery.objects.filter(which, state__in=LIVE_STATES)
            .exclude(dispatch__expires_at__lte=now - timedelta(minutes=5))
            .select_related("dispatch", "cluster")
        )
        by_dispatch = {}
        for delivery in live:
            by_dispatch.setdefault(delivery.dispatch, []).append(
                delivery.cluster.device_id
            )
        rows = [
            OutboxMessage(
                dispatch=dispatch,
                topic=FANOUT_TOPIC,
                payload=protocol.stop_command(
                    cid=uuid.uuid4(),
                    target=dispatch.cid,
                    reason=reason,
                    expires_at=(now + timedelta(minutes=5)).timestamp(),
                ),
                device_ids=device_ids,
                expires_at=now + timedelta(minutes=5),
            )
            for dispatch, device_ids in by_dispatch.items()
        ]
        OutboxMessage.objects.bulk_create(rows)
    transaction.on_commit(kick_publisher)
    return sum(len(ids) for ids in by_dispatch.values())


def retry_unacknowledged(now=None):
    """Republish to each device whose report is overdue: a command never
    acknowledged, or acknowledged/playing for longer than the program lasts
    (the final ack was lost with a broker restart). Same cid, device topic;
    the device answers with its latest state and never plays twice.

    Devices known offline are left out: the broker already holds the
    command for their session (QoS 1, until it expires), and each retry
    would queue one more copy for the device to drop on reconnect. Once
    the device is back (its status), the next sweep repeats the command if
    the first copy still brings no answer; attempts are not spent while
    it is away."""
    now = now or timezone.now()
    timeout = timedelta(seconds=settings.BROADCAST_ACK_TIMEOUT_SECONDS)
    candidates = (
        Delivery.objects.filter(
            state__in=[
                DeliveryState.SENT,
                DeliveryState.ACKNOWLEDGED,
                DeliveryState.PLAYING,
            ],
            updated_at__lt=now - timeout,
            dispatch__expires_at__gt=now,
            attempts__lt=settings.BROADCAST_MAX_ATTEMPTS,
            cluster__online=True,
        )
        .select_related("dispatch__program", "cluster__unit")
        .order_by("dispatch_id")
    )
    by_dispatch = {}
    for delivery in candidates:
        if delivery.state != DeliveryState.SENT:
            # Allow the program to finish (and a queue ahead of it) first.
            length = timedelta(seconds=delivery.dispatch.program.duration_seconds)
            if delivery.updated_at > now - timeout - 2 * length:
                continue
        by_dispatch.setdefault(delivery.dispatch, []).append(delivery)
    count = 0
    for dispatch, deliveries in by_dispatch.items():
        with transaction.atomic():
            _write_outbox(dispatch, [d.cluster for d in deliveries], only_devices=True)
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
                updated_at=now, attempts=F("attempts") + 1
            )
        count += len(deliveries)
    if count:
        kick_publisher()
    return count


def expire_overdue(now=None):
    """Devices whose command never left the outbox before it expired
    ("Hết hạn trước khi gửi được"), then deliveries whose command expired
    before the device took it ("Quá hạn phát")."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        unsent = list(
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(
                sent_at__isnull=True, expires_at__lte=now
            )
        )
        for dispatch_id, cluster_ids in _clusters_by_dispatch(unsent).items():
            count += record_new(
                dispatch_id,
                cluster_ids,
                DeliveryState.EXPIRED,
                when=now,
                detail="Hết hạn trước khi gửi được",
                attempts=0,
            )
        OutboxMessage.objects.filter(pk__in=[r.pk for r in unsent]).update(
            last_error="expired before publish", sent_at=now
        )
    overdue = list(
        Delivery.objects.filter(
            state__in=[DeliveryState.QUEUED, DeliveryState.SENT],
            dispatch__expires_at__lte=now,
        )
    )
    count += len(
        bulk_set_state(overdue, DeliveryState.EXPIRED, "Quá hạn phát", when=now)
    )
    return count


def _clusters_by_dispatch(rows):
    """{dispatch_id: [cluster ids]} of the play commands in outbox ``rows``."""
    wanted = {}
    for row in rows:
        if (
            row.dispatch_id
            and row.device_ids
            and row.payload.get("type") in PROGRAM_COMMANDS
        ):
            wanted.setdefault(row.dispatch_id, set()).update(row.device_ids)
    if not wanted:
        return {}
    ids = dict(
        SpeakerCluster.objects.filter(
            device_id__in=set().union(*wanted.values())
        ).values_list("device_id", "pk")
    )
    return {
        dispatch_id: [ids[d] for d in devices if d in ids]
        for dispatch_id, devices in wanted.items()
    }
