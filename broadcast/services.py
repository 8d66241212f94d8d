"""Public surface of the broadcast app.

Other apps (bulletins, reports, the demo loader) call these functions; the
admin views and the management commands do too.
"""

import logging
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from base.choices import Priority
from base.tasks import enqueue_on_commit

from . import audio, credentials, encoding, protocol, tts
from .choices import DeliveryState
from .models import (
    Delivery,
    Dispatch,
    OutboxMessage,
    PlayLog,
    Program,
    ProgramKind,
    Schedule,
    ScheduleKind,
    SpeakerCluster,
)

logger = logging.getLogger(__name__)

# How long a command stays playable (MQTT 5 message expiry and the payload's
# expires_at): an emergency is useless after minutes, a daily program
# after its slot.
EXPIRY = {
    Priority.EMERGENCY: timedelta(minutes=5),
    Priority.PRIORITY: timedelta(minutes=30),
    Priority.NORMAL: timedelta(minutes=30),
}


# --- clusters ----------------------------------------------------------------


def create_cluster(unit, name, device_id=None, password=None, **fields):
    """Register a cluster; returns (cluster, password). The password and the
    signing key are shown once to the installer (``device_provisioning``);
    the password is stored only hashed."""
    password = password or credentials.new_password()
    cluster = SpeakerCluster(
        unit=unit,
        name=name,
        device_id=device_id or f"{unit.code}-{SpeakerCluster.objects.count() + 1:04d}",
        signing_key=credentials.new_signing_key(),
        credentials_issued_at=timezone.now(),
        **fields,
    )
    cluster.set_password(password)
    cluster.save()
    return cluster, password


def reset_password(cluster, password=None):
    """A new password (the signing key is kept)."""
    password = password or credentials.new_password()
    cluster.set_password(password)
    if not cluster.signing_key:
        cluster.signing_key = credentials.new_signing_key()
    cluster.save(update_fields=["password_hash", "signing_key"])
    return password


def rotate_credentials(cluster):
    """New password and signing key: the old ones stop working at once (the
    broker reloads its password file on commit; messages signed with the
    old key are dropped). Returns the new password."""
    password = credentials.new_password()
    cluster.set_password(password)
    cluster.signing_key = credentials.new_signing_key()
    cluster.credentials_issued_at = timezone.now()
    cluster.last_counter = 0
    cluster.last_will_counter = 0
    cluster.save(
        update_fields=[
            "password_hash",
            "signing_key",
            "credentials_issued_at",
            "last_counter",
            "last_will_counter",
        ]
    )
    return password


def push_config(cluster):
    """Send the cluster's volume and on/off hours now (a ``config`` command
    with its own cid; the device acknowledges it ``done``). Kept by the
    broker for a day if the device is offline."""
    now = timezone.now()
    cid = uuid.uuid4()
    expires_at = now + timedelta(days=1)
    with transaction.atomic():
        OutboxMessage.objects.create(
            topic=FANOUT_TOPIC,
            payload=protocol.config_command(
                cid=cid,
                volume=cluster.volume,
                on_time=str(cluster.on_time)[:5],
                off_time=str(cluster.off_time)[:5],
                expires_at=expires_at.timestamp(),
            ),
            device_ids=[cluster.device_id],
            expires_at=expires_at,
        )
        SpeakerCluster.objects.filter(pk=cluster.pk).update(
            config_cid=cid, config_sent_at=now, config_acked_at=None
        )
    transaction.on_commit(_kick_publisher)
    return cid


def cluster_saved(sender, instance, created, update_fields=None, raw=False, **kw):
    """post_save: a cluster edited in the admin (a full save of an existing
    row) tells its device the volume and hours at once."""
    if created or raw or update_fields is not None or not instance.is_active:
        return
    if not instance.signing_key:
        return
    push_config(instance)


def revoke_credentials(cluster):
    """Take a cluster out of service: it can no longer connect or sign."""
    cluster.password_hash = ""
    cluster.signing_key = ""
    cluster.is_active = False
    cluster.online = False
    cluster.save(update_fields=["password_hash", "signing_key", "is_active", "online"])


def device_provisioning(cluster, password):
    """What an installer types into a device (or the simulator reads)."""
    return {
        "protocol": f"ttcs-mqtt/{protocol.VERSION}",
        "device_id": cluster.device_id,
        "username": cluster.device_id,
        "password": password,
        "signing_key": cluster.signing_key,
        "broker_url": settings.BROADCAST_DEVICE_MQTT_URL,
        "topic_root": protocol.root(),
        "volume": cluster.volume,
        "on_time": str(cluster.on_time)[:5],
        "off_time": str(cluster.off_time)[:5],
    }


def create_demo_clusters(unit, count=4):
    """A few clusters for the demo; returns [(cluster, password)].

    Device ids are ``sim-<unit code>-NNNN``: the simulator
    (``manage.py simulate_speakers --unit <code> --count N``) plays them.
    """
    hamlets = ["Ấp Bình Thạnh", "Ấp Hòa Lợi", "Ấp Tân Thành", "Khóm 1", "Khóm 2"]
    made = []
    for index in range(1, count + 1):
        device_id = f"sim-{unit.code}-{index:04d}"
        cluster = SpeakerCluster.objects.filter(device_id=device_id).first()
        if cluster is not None:
            made.append((cluster, reset_password(cluster)))
            continue
        made.append(
            create_cluster(
                unit,
                name=f"Cụm loa {hamlets[(index - 1) % len(hamlets)]}",
                device_id=device_id,
                hamlet=hamlets[(index - 1) % len(hamlets)],
                has_fm_fallback=index % 2 == 0,
            )
        )
    return made


def offline_clusters(unit):
    limit = timezone.now() - timedelta(seconds=settings.BROADCAST_HEARTBEAT_SECONDS * 3)
    return SpeakerCluster.objects.filter(unit=unit, is_active=True).filter(
        Q(online=False) | Q(last_seen__lt=limit) | Q(last_seen__isnull=True)
    )


# --- programs ------------------------------------------------------------------


def create_tts_program(
    unit, title, text, voice="", language="vi", public=True, created_by="", **extra
):
    """Text -> speech -> Program. ValidationError (Vietnamese) on bad input;
    nothing is saved then."""
    tts.check_text(text)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        seconds = tts.synthesize(text, wav, voice=voice or None, language=language)
        # Devices get mono MP3 (3G); WAV only where ffmpeg is missing.
        stored = wav
        if encoding.ffmpeg_binary():
            stored = Path(tmp) / "speech.mp3"
            seconds = encoding.to_mp3(wav, stored, name=title)
        program = Program(
            unit=unit,
            title=title,
            kind=ProgramKind.TTS,
            language=language,
            text=text,
            voice=voice,
            duration_seconds=seconds,
            public=public,
            created_by=created_by,
            **extra,
        )
        with open(stored, "rb") as fh:
            program.audio.save(stored.name, File(fh), save=False)
    program.save()
    return program


def create_audio_program(
    unit,
    title,
    uploaded,
    language="vi",
    kind=ProgramKind.AUDIO,
    public=True,
    created_by="",
    duration_hint=None,
):
    """Uploaded audio -> Program, validated and measured first."""
    ext, seconds = audio.inspect(uploaded, duration_hint=duration_hint)
    converted = encoding.upload_to_mp3(uploaded, ext)
    if converted:
        # The encoded file's own length (a browser's WebM has only a hint).
        seconds = converted[1] or seconds
    program = Program(
        unit=unit,
        title=title,
        kind=kind,
        language=language,
        duration_seconds=seconds,
        public=public,
        created_by=created_by,
    )
    if converted:
        program.audio.save("audio.mp3", ContentFile(converted[0]), save=False)
    else:
        program.audio.save(f"audio.{ext}", File(uploaded), save=False)
    program.save()
    return program


def audio_token(program):
    return signing.dumps(program.uid.hex, salt="broadcast-audio")


def audio_url(program):
    base = settings.BROADCAST_MEDIA_BASE_URL.rstrip("/")
    path = reverse("broadcast_device_audio", args=[program.uid])
    return f"{base}{path}?t={audio_token(program)}"


# --- dispatch --------------------------------------------------------------------


def _targets_clusters(units=(), clusters=(), include_below=True):
    ids = {c.pk for c in clusters}
    unit_q = Q(pk__in=[])
    for unit in units:
        unit_q |= Q(unit=unit)
        if include_below:
            unit_q |= Q(unit__in=unit.descendants())
    qs = SpeakerCluster.objects.filter(is_active=True).filter(unit_q | Q(pk__in=ids))
    return list(qs.select_related("unit"))


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
):
    """Send ``program`` now to the targeted clusters; returns the Dispatch.

    Clusters outside their on/off hours are left out unless the priority is
    emergency. One publish per unit group topic when every active cluster of
    that unit is a target, else one per device. The dispatch and its outbox
    rows (naming every targeted device) are written in one transaction; the
    publisher runs after commit, publishes first and then writes the
    per-device Delivery rows in bulk (``pipeline.record_new``).
    """
    now = now or timezone.now()
    priority = Priority(priority)
    targets = _targets_clusters(units, clusters)
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
        )
        _write_outbox(dispatch, targets)
    if kick:
        _kick_publisher()
    return dispatch


# Outbox rows name the devices they go to; the publisher sends each device
# its own copy on its own topic, with the device id in the body and the MAC
# of its key (protocol v1.1: no group topics, so every command is checked
# with the key of the one device that receives it).
FANOUT_TOPIC = protocol.device_cmd("+")
ROW_DEVICES = 1000


def _write_outbox(dispatch, targets, only_devices=False):
    program = dispatch.program
    body = protocol.play_command(
        cid=dispatch.cid,
        program_uid=program.uid,
        title=program.title,
        url=audio_url(program),
        duration=program.duration_seconds,
        priority=dispatch.priority,
        position=dispatch.position,
        language=program.language,
        expires_at=dispatch.expires_at.timestamp(),
        **audio_fields(program),
    )
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


def audio_fields(program):
    """``format``, ``bytes`` and ``sha256`` of the program's audio file."""
    if not program.audio:
        return {}
    import hashlib

    digest = hashlib.sha256()
    size = 0
    try:
        with program.audio.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return {}
    ext = program.audio.name.rsplit(".", 1)[-1].lower()
    return {"format": ext, "bytes": size, "sha256": digest.hexdigest()}


def _kick_publisher():
    """Publish the outbox once this transaction commits; a kick lost with
    the broker is made up by the beat sweep."""
    from .tasks import publish_outbox

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
    dispatch, fanned out to the devices still holding it; devices answer
    ``stopped`` for the play and ``done`` for the stop. Plays not published
    yet are cancelled before they reach any device."""
    now = timezone.now()
    live = (
        Delivery.objects.filter(which, state__in=LIVE_STATES)
        .exclude(dispatch__expires_at__lte=now - timedelta(minutes=5))
        .select_related("dispatch", "cluster")
    )
    by_dispatch = {}
    for delivery in live:
        by_dispatch.setdefault(delivery.dispatch, []).append(delivery.cluster.device_id)
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
    OutboxMessage.objects.filter(
        which, sent_at__isnull=True, payload__type="play"
    ).update(sent_at=now, last_error=f"cancelled: {reason}")
    transaction.on_commit(_kick_publisher)
    return sum(len(ids) for ids in by_dispatch.values())


def retry_unacknowledged(now=None):
    """Republish to each device whose report is overdue: a command never
    acknowledged, or acknowledged/playing for longer than the program lasts
    (the final ack was lost with a broker restart). Same cid, device topic;
    the device answers with its latest state and never plays twice."""
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
        _kick_publisher()
    return count


def expire_overdue(now=None):
    """Deliveries whose command expired before the device took it, and
    devices whose command never left the outbox before it expired."""
    from .pipeline import bulk_set_state, record_new

    now = now or timezone.now()
    overdue = list(
        Delivery.objects.filter(
            state__in=[DeliveryState.QUEUED, DeliveryState.SENT],
            dispatch__expires_at__lte=now,
        )
    )
    count = len(
        bulk_set_state(overdue, DeliveryState.EXPIRED, "Quá hạn phát", when=now)
    )
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
    return count


def _clusters_by_dispatch(rows):
    """{dispatch_id: [cluster ids]} of the play commands in outbox ``rows``."""
    wanted = {}
    for row in rows:
        if row.dispatch_id and row.device_ids and row.payload.get("type") == "play":
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


# --- bulletins on the speaker channel ----------------------------------------------


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
    from .models import BulletinRequest
    from .receivers import report_used

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
    from .mqtt import publish_outbox

    try:
        publish_outbox()
    except Exception:  # noqa: BLE001 - retried by publish_outbox's task
        logger.exception("emergency publish failed; queued for retry")
        _kick_publisher()


# --- schedules ---------------------------------------------------------------------


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
                )
            )
            locked.last_fired_at = at
            locked.save(update_fields=["last_fired_at"])
            if locked.kind == ScheduleKind.ONCE:
                Schedule.objects.filter(pk=locked.pk).update(is_active=False)
    return dispatches


# --- reports ------------------------------------------------------------------------


def hours_aired(unit, year, month):
    """Hours of audio the unit's clusters reported played in a month."""
    seconds = PlayLog.objects.filter(
        unit=unit, started_at__year=year, started_at__month=month
    ).aggregate(total=Sum("seconds"))["total"]
    return (seconds or 0) / 3600


def hours_aired_by_unit(units, year, month):
    rows = (
        PlayLog.objects.filter(
            unit__in=units, started_at__year=year, started_at__month=month
        )
        .values("unit")
        .annotate(total=Sum("seconds"))
    )
    return {row["unit"]: row["total"] / 3600 for row in rows}


def listen_back(unit, subtree=False):
    """Programs of ``unit`` that were played and may be listened to again;
    with ``subtree``, of the units below it too (a district or provincial
    portal)."""
    units = unit.descendants(include_self=True) if subtree else [unit]
    return (
        Program.objects.filter(
            unit__in=units,
            public=True,
            dispatch__deliveries__state__in=[
                DeliveryState.PLAYING,
                DeliveryState.DONE,
                DeliveryState.PREEMPTED,
            ],
        )
        .exclude(audio="")
        .distinct()
        .order_by("-created_at")
    )


def validation_messages(exc):
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]


def link_hamlets(unit):
    """Link the unit's clusters whose typed hamlet matches a registry hamlet
    (tenants.Hamlet, same name ignoring case and spaces); returns how many."""
    from tenants.models import Hamlet

    registry = {
        " ".join(h.name.lower().split()): h for h in Hamlet.objects.filter(unit=unit)
    }
    linked = 0
    for cluster in SpeakerCluster.objects.filter(unit=unit, hamlet_ref=None).exclude(
        hamlet=""
    ):
        hamlet = registry.get(" ".join(cluster.hamlet.lower().split()))
        if hamlet is not None:
            cluster.hamlet_ref = hamlet
            cluster.save(update_fields=["hamlet_ref"])
            linked += 1
    return linked
