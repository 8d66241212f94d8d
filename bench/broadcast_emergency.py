"""Bench: emergency -> acknowledgements from N simulated speaker clusters,
next to the broker's own floor in the same run, and text-to-speech speed.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/broadcast_emergency.py --counts 1000 5000

Needs a migrated database with at least one commune (the test database
after one test run will do). For each count, one pair measured back to
back:

- **floor** (bench/mqtt_floor.py): plain paho clients on an anonymous
  Mosquitto of their own, one QoS 1 message to each device, each device
  answers one QoS 1 message, a collector counts them;
- **ours**: a fresh project Mosquitto (password + ACL, as make run), N
  simulated devices (signed protocol v1.1) over ``--processes`` processes,
  the listener in a process of its own (``manage.py broadcast_listener``,
  as deployed), then an emergency for the unit, published in this process
  by the function the Celery task runs, until every delivery is
  acknowledged in the database (the listener recorded the device's ack).

Each count gets a new broker: Mosquitto 2.0.11 (Debian 12) with
``per_listener_settings`` corrupts its session-expiry list when a reload
(the SIGHUP sent when clusters change) meets disconnected persistent
sessions, and segfaults later when those clients come back (fixed upstream
in 2.0.23), which is what a second run on the same broker did.
"""

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import mqtt_floor  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db.models import Max  # noqa: E402

from broadcast import services  # noqa: E402
from broadcast.devices import broker_config, credentials, paho_speed  # noqa: E402
from broadcast.devices.mqtt import Publisher, publish_outbox  # noqa: E402
from broadcast.devices.simulator import FIRMWARE, run_fleet_processes  # noqa: E402
from broadcast.models import (  # noqa: E402
    Delivery,
    Dispatch,
    ListenerCounter,
    OutboxMessage,
    Program,
    SpeakerCluster,
)
from broadcast.models import DeliveryTransition as Transition  # noqa: E402
from tenants.models import Unit  # noqa: E402

PREFIX = "bench"


def raise_open_files(count):
    """As a deployment would (``LimitNOFILE``, ``ulimit -n``): this process,
    the brokers and the simulators it starts may hold one descriptor per
    device and more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < count + 200:
        print(f"warning: open files limited to {want} for {count} devices")


def own_broker():
    """The project's broker, configured as make run configures it."""
    from tests.mqtt_broker import ProjectBroker

    broker = ProjectBroker(credentials.new_password()).start()
    for key, value in broker.settings().items():
        setattr(settings, key, value)
    return broker


def make_specs(unit, count):
    SpeakerCluster.objects.filter(device_id__startswith=f"{PREFIX}-").delete()
    password = "bench-password"
    hashed = credentials.mosquitto_hash(password)
    keys = [credentials.new_signing_key() for _ in range(count)]
    SpeakerCluster.objects.bulk_create(
        [
            SpeakerCluster(
                unit=unit,
                name=f"Cụm loa đo {i}",
                device_id=f"{PREFIX}-{unit.code}-{i:05d}",
                password_hash=hashed,
                signing_key=keys[i],
                on_time="00:00",
                off_time="00:00",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    # bulk_create sends no signal: tell the broker about them.
    broker_config.sync_broker()
    return [
        {
            "device_id": device_id,
            "username": device_id,
            "password": password,
            "signing_key": key,
        }
        for device_id, key in SpeakerCluster.objects.filter(
            device_id__startswith=f"{PREFIX}-"
        ).values_list("device_id", "signing_key")
    ]


def bench_emergency(unit, count, processes):
    """One run on a broker of its own (see the module's docstring)."""
    # Only the bench clusters are active in the unit during the run.
    others = list(
        SpeakerCluster.objects.filter(unit=unit, is_active=True)
        .exclude(device_id__startswith=f"{PREFIX}-")
        .values_list("pk", flat=True)
    )
    SpeakerCluster.objects.filter(pk__in=others).update(is_active=False)
    broker = own_broker()
    try:
        return _bench_emergency(unit, count, broker, processes)
    finally:
        broker.stop()
        shutil.rmtree(broker.dir, ignore_errors=True)
        Publisher.reset()
        settings.BROADCAST_MOSQUITTO_DIR = ""  # that broker is gone
        # Also when the run fails: the test database must not keep
        # thousands of bench clusters (their broker files slow every test).
        SpeakerCluster.objects.filter(device_id__startswith=f"{PREFIX}-").delete()
        SpeakerCluster.objects.filter(pk__in=others).update(is_active=True)


def start_listener(broker, log):
    """``manage.py broadcast_listener`` on the broker's platform port."""
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "broadcast_listener",
            "--url",
            broker.url,
            "--client-id",
            f"bench-listener-{os.getpid()}",
        ],
        env={**os.environ, **broker.settings()},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_presence(count, timeout=180):
    """Until the listener recorded every device's status and the connection
    burst is over: in a second it handles no more than the heartbeats
    (spread over their interval) and a few late messages."""
    clusters = SpeakerCluster.objects.filter(device_id__startswith=f"{PREFIX}-")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if clusters.filter(online=True, firmware=FIRMWARE).count() >= count:
            break
        time.sleep(0.2)
    else:
        print(
            "warning: presence of",
            count - clusters.filter(online=True, firmware=FIRMWARE).count(),
            "devices never recorded",
        )
    last = ListenerCounter.value("handled")
    while time.monotonic() < deadline:
        time.sleep(1)
        handled = ListenerCounter.value("handled")
        if handled - last <= max(10, count // 100):
            return
        last = handled


def vacuum():
    """What autovacuum does on a deployed server (it is off on CI machines,
    /etc/postgresql/15/main/conf.d/90-ci.conf here): each run creates and
    deletes thousands of clusters and deliveries, and without it a dispatch
    read its 5,000 targets through half a million dead index entries."""
    from django.db import connection

    tables = [
        model._meta.db_table
        for model in (SpeakerCluster, Delivery, OutboxMessage, Dispatch, Transition)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def _bench_emergency(unit, count, broker, processes):
    specs = make_specs(unit, count)
    vacuum()
    ListenerCounter.objects.all().delete()
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-listener-", suffix=".log")
    listener = start_listener(broker, log)
    procs, readies, stop = run_fleet_processes(
        specs, processes, url=broker.device_url, heartbeat=600, play_seconds=600
    )
    started = time.monotonic()
    for ready in readies:
        ready.wait(600)
    connect_s = time.monotonic() - started
    wait_presence(count)
    presence_s = time.monotonic() - started
    at_press = dict(ListenerCounter.objects.values_list("name", "count"))
    program = Program.objects.create(
        unit=unit, title="Cảnh báo khẩn cấp (đo)", duration_seconds=30
    )
    # A worker that has run before: URLs loaded, broker connection open,
    # what it loaded at start frozen out of the collector (config/celery.py).
    services.audio_url(program)
    Publisher.get()
    gc.freeze()
    pids = {
        "publisher": os.getpid(),
        "broker": broker.process.pid,
        "listener": listener.pid,
        **{f"devices_{i}": proc.pid for i, proc in enumerate(procs)},
    }
    cpu_before = {name: mqtt_floor.cpu_seconds(pid) for name, pid in pids.items()}
    machine = mqtt_floor.machine_busy()
    t0 = time.monotonic()
    dispatch = services.dispatch_program(
        program, units=[unit], priority="emergency", kick=False
    )
    published = time.monotonic()
    publish_outbox()  # what the Celery task runs after the commit
    sent = time.monotonic()
    deliveries = Delivery.objects.filter(dispatch=dispatch)
    acked = deliveries.filter(acknowledged_at__isnull=False)
    half = None
    timeline = []  # (seconds after the press, acknowledged) per poll
    while True:
        n = acked.count()
        now = time.monotonic()
        timeline.append((now - t0, n))
        if half is None and n >= count // 2:
            half = now - t0
        if n >= count or now - t0 > 120:
            break
        time.sleep(0.02)
    total = time.monotonic() - t0
    busy = mqtt_floor.busy_share(machine)
    cpu = {
        name: round(mqtt_floor.cpu_seconds(pid) - cpu_before[name], 2)
        for name, pid in pids.items()
    }
    # When the listener wrote the last ack (the poll above adds up to 20 ms).
    last_ack = deliveries.aggregate(last=Max("acknowledged_at"))["last"]
    missing = {}
    if n < count:
        # Why: the states of the deliveries never acknowledged, what the
        # listener dropped, what is left in the outbox.
        missing = {
            "states": list(
                deliveries.filter(acknowledged_at__isnull=True).values_list(
                    "cluster__device_id", "state", "attempts"
                )[:10]
            ),
            "unacked_without_row": count - deliveries.count(),
            "counters": dict(ListenerCounter.objects.values_list("name", "count")),
            "outbox_unsent": list(
                OutboxMessage.objects.filter(
                    dispatch=dispatch, sent_at__isnull=True
                ).values_list("device_ids", "attempts", "last_error")[:5]
            ),
            "listener_log": log_tail(log),
        }
    stop.set()
    for proc in procs:
        proc.join(20)
    listener.terminate()
    listener.wait(20)
    log.close()
    program.delete()
    return {
        "devices": count,
        "acknowledged": n,
        "connect_s": round(connect_s, 2),
        "presence_s": round(presence_s, 2),
        "dispatch_s": round(published - t0, 3),
        "publish_and_rows_s": round(sent - published, 3),
        "half_acked_s": round(half or 0, 2),
        "all_acked_s": round(total, 2),
        "last_ack_after_press_s": round(
            last_ack.timestamp() - (time.time() - (time.monotonic() - t0)), 2
        )
        if last_ack
        else None,
        "acked_by_tenth_s": acked_by_tenth(timeline),
        "cpu_s_until_all_acked": cpu,
        # All processes, PostgreSQL and other jobs on the machine included.
        "machine_busy": busy,
        "listener_at_press": at_press,
        **({"missing": missing} if missing else {}),
    }


def acked_by_tenth(timeline):
    """Devices acknowledged at each tenth of a second after the press."""
    marks, tenth = [], 1
    for at, n in timeline:
        while at >= tenth / 10:
            marks.append(n)
            tenth += 1
    return marks


def log_tail(log, lines=20):
    log.flush()
    log.seek(0)
    return log.read().splitlines()[-lines:]


def bench_receiver(unit, communes=124):
    """Cost of the bulletin_for_channel receiver inside the bulletins fan-out
    (an emergency to ``communes`` communes, here all the same test unit),
    then the task that turns the requests into programs and dispatches."""
    from types import SimpleNamespace

    from django.utils import timezone

    from broadcast import receivers
    from broadcast.models import BulletinRequest, Dispatch

    bulletin = SimpleNamespace(
        pk=990000 + os.getpid() % 1000,
        title="Cảnh báo bão số 3 (đo)",
        body_text="Bão đổ bộ lúc 7h30 ngày 12/9. Bà con chằng chống nhà cửa.",
        priority="emergency",
        language="vi",
        valid_from=timezone.now(),
        valid_until=None,
    )
    t0 = time.monotonic()
    for _ in range(communes):
        receivers.on_bulletin_for_channel(
            None, bulletin=bulletin, unit=unit, channel="speaker", emergency=True
        )
    receiver_s = time.monotonic() - t0
    t1 = time.monotonic()
    services.process_bulletin_requests()
    task_s = time.monotonic() - t1
    dispatches = Dispatch.objects.filter(program__bulletin_id=bulletin.pk).count()
    BulletinRequest.objects.filter(bulletin_id=bulletin.pk).delete()
    Program.objects.filter(bulletin_id=bulletin.pk).delete()
    return {
        "communes": communes,
        "receivers_total_s": round(receiver_s, 3),
        "per_receiver_ms": round(receiver_s / communes * 1000, 2),
        "task_s": round(task_s, 2),
        "dispatches": dispatches,
    }


def bench_tts(unit):
    text = (
        "Ủy ban nhân dân xã thông báo: từ ngày 15/3/2025 đến ngày 20/3/2025, "
        "trạm y tế xã tổ chức tiêm vắc xin phòng bệnh sởi cho trẻ em từ 1 đến "
        "5 tuổi, bắt đầu lúc 7h30 mỗi sáng. Đề nghị phụ huynh mang theo sổ "
        "tiêm chủng và thẻ bảo hiểm y tế của trẻ. Mọi thắc mắc xin liên hệ số "
        "điện thoại 0299 3812 345."
    )
    results = {}
    from broadcast.speech import tts

    for voice in ("vi", "vi-vn-x-central", "vi-vn-x-south"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        audio = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(3):
                audio += tts.synthesize(text, Path(tmp) / f"{i}.wav", voice=voice)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (
            after.ru_utime
            - before.ru_utime
            + after.ru_stime
            - before.ru_stime
            + self_after.ru_utime
            - self_before.ru_utime
            + self_after.ru_stime
            - self_before.ru_stime
        )
        results[voice] = {
            "audio_s": round(audio, 1),
            "cpu_s": round(cpu, 2),
            "audio_s_per_cpu_s": round(audio / cpu, 1),
        }
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--unit", default=None)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--no-tts", action="store_true")
    args = parser.parse_args()
    raise_open_files(max(args.counts))
    qs = Unit.objects.exclude(schema_name="public")
    unit = (
        qs.filter(code=args.unit).first()
        if args.unit
        else qs.filter(kind__in=["commune", "ward", "township"]).first()
    )
    print(f"unit: {unit} ({unit.schema_name}); cores: {os.cpu_count()}", flush=True)
    pairs = []
    for count in args.counts:
        # The floor with paho as released, then with the platform's
        # speed-up of its properties (devices/paho_speed.py), which every
        # process of ours runs with.
        paho_speed.uninstall()
        try:
            floor = mqtt_floor.measure(count, args.processes)
        finally:
            paho_speed.install()
        print("floor (paho as released)", floor, flush=True)
        floor_fast = mqtt_floor.measure(count, args.processes)
        print("floor (paho_speed)", floor_fast, flush=True)
        ours = bench_emergency(unit, count, args.processes)
        print("emergency", ours, flush=True)
        pairs.append((count, floor, floor_fast, ours))
    print(
        "\n| devices | floor: all acked (paho / paho_speed) | ours: all acked "
        "| ratio (paho / paho_speed) |"
    )
    print("|---|---|---|---|")
    for count, floor, floor_fast, ours in pairs:
        plain = ours["all_acked_s"] / floor["all_acked_s"]
        fast = ours["all_acked_s"] / floor_fast["all_acked_s"]
        print(
            f"| {count:,} | {floor['all_acked_s']:.2f} s / "
            f"{floor_fast['all_acked_s']:.2f} s | {ours['all_acked_s']:.2f} s "
            f"| {plain:.2f}× / {fast:.2f}× |"
        )
    broker = own_broker()
    try:
        print("bulletin receiver", bench_receiver(unit))
    finally:
        broker.stop()
        shutil.rmtree(broker.dir, ignore_errors=True)
    if not args.no_tts:
        print("tts", bench_tts(unit))


if __name__ == "__main__":
    main()
