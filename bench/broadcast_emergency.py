"""Bench: emergency -> acknowledgements from N simulated speaker clusters,
and text-to-speech speed.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=config.settings.test \\
        .venv/bin/python bench/broadcast_emergency.py --counts 1000 5000

Needs a migrated database with at least one commune (the test database
after one test run will do). Starts the project's own Mosquitto on free
ports (password + ACL, as make run), N simulated devices spread over
``--processes`` processes, the listener in this process, then issues an
emergency for the unit and measures the time until every delivery is
acknowledged in the database (the listener recorded the device's ack).
Publishing is done in-process, the same function the Celery task runs.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from broadcast import services  # noqa: E402
from broadcast.devices import broker_config, credentials  # noqa: E402
from broadcast.devices.listener import Listener  # noqa: E402
from broadcast.devices.mqtt import Publisher, publish_outbox  # noqa: E402
from broadcast.devices.simulator import run_fleet_processes  # noqa: E402
from broadcast.models import Delivery, Program, SpeakerCluster  # noqa: E402
from tenants.models import Unit  # noqa: E402

PREFIX = "bench"


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


def bench_emergency(unit, count, url, device_url, processes):
    # Only the bench clusters are active in the unit during the run.
    others = list(
        SpeakerCluster.objects.filter(unit=unit, is_active=True)
        .exclude(device_id__startswith=f"{PREFIX}-")
        .values_list("pk", flat=True)
    )
    SpeakerCluster.objects.filter(pk__in=others).update(is_active=False)
    try:
        return _bench_emergency(unit, count, url, device_url, processes)
    finally:
        # Also when the run fails: the test database must not keep
        # thousands of bench clusters (their broker files slow every test).
        SpeakerCluster.objects.filter(device_id__startswith=f"{PREFIX}-").delete()
        SpeakerCluster.objects.filter(pk__in=others).update(is_active=True)


def _bench_emergency(unit, count, url, device_url, processes):
    specs = make_specs(unit, count)
    listener = Listener(url=url, client_id=f"bench-listener-{os.getpid()}")
    listener.start()
    listener.connected.wait(10)
    procs, readies, stop = run_fleet_processes(
        specs, processes, url=device_url, heartbeat=600, play_seconds=600
    )
    started = time.monotonic()
    for ready in readies:
        ready.wait(600)
    connect_s = time.monotonic() - started
    # Let the listener absorb the presence burst first.
    while not listener.inbox.empty():
        time.sleep(0.2)
    time.sleep(1)
    program = Program.objects.create(
        unit=unit, title="Cảnh báo khẩn cấp (đo)", duration_seconds=30
    )
    t0 = time.monotonic()
    dispatch = services.dispatch_program(
        program, units=[unit], priority="emergency", kick=False
    )
    published = time.monotonic()
    publish_outbox()  # publishes, then writes the 5,000 rows in bulk
    sent = time.monotonic()
    acked = Delivery.objects.filter(dispatch=dispatch, acknowledged_at__isnull=False)
    half = None
    while True:
        n = acked.count()
        now = time.monotonic()
        if half is None and n >= count // 2:
            half = now - t0
        if n >= count or now - t0 > 120:
            break
        time.sleep(0.05)
    total = time.monotonic() - t0
    missing = {}
    if n < count:
        # Why: the states of the deliveries never acknowledged, what the
        # listener dropped, what is left in the outbox.
        from broadcast.models import ListenerCounter, OutboxMessage

        missing = {
            "states": list(
                Delivery.objects.filter(
                    dispatch=dispatch, acknowledged_at__isnull=True
                ).values_list("cluster__device_id", "state", "attempts")[:10]
            ),
            "unacked_without_row": count
            - Delivery.objects.filter(dispatch=dispatch).count(),
            "counters": dict(ListenerCounter.objects.values_list("name", "count")),
            "outbox_unsent": list(
                OutboxMessage.objects.filter(
                    dispatch=dispatch, sent_at__isnull=True
                ).values_list("device_ids", "attempts", "last_error")[:5]
            ),
        }
    stop.set()
    for proc in procs:
        proc.join(20)
    listener.stop()
    Publisher.reset()
    program.delete()
    return {
        "devices": count,
        "acknowledged": n,
        "connect_s": round(connect_s, 2),
        "dispatch_s": round(published - t0, 3),
        "publish_and_rows_s": round(sent - published, 3),
        "half_acked_s": round(half or 0, 2),
        "all_acked_s": round(total, 2),
        **({"missing": missing} if missing else {}),
    }


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
    args = parser.parse_args()
    qs = Unit.objects.exclude(schema_name="public")
    unit = (
        qs.filter(code=args.unit).first()
        if args.unit
        else qs.filter(kind__in=["commune", "ward", "township"]).first()
    )
    print(f"unit: {unit} ({unit.schema_name}); cores: {os.cpu_count()}")
    broker = own_broker()
    try:
        for count in args.counts:
            print(
                "emergency",
                bench_emergency(
                    unit, count, broker.url, broker.device_url, args.processes
                ),
            )
        print("bulletin receiver", bench_receiver(unit))
    finally:
        broker.stop()
    print("tts", bench_tts(unit))


if __name__ == "__main__":
    main()
