"""What a device downloads is the file the play command names: simulated
devices fetch the MP3 from a real web server (the token URL of the command),
check its length and SHA-256, and refuse a file that changed; the same for
every file of a device's plan, which it then plays offline from its copy."""

import hashlib
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from broadcast import services
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import (
    Delivery,
    DevicePlan,
    OutboxMessage,
    PlayLog,
    Schedule,
    SpeakerCluster,
)
from broadcast.services.schedules import item_id
from broadcast.speech import encoding
from tests.utils import wait_for

pytestmark = [pytest.mark.slow]


def test_devices_download_the_mp3_whose_sha256_the_command_names(
    tree,
    live_site,
    settings,
    make_clusters,
    fleet_factory,
    listener_factory,
    tts_program,
):
    settings.BROADCAST_MEDIA_BASE_URL = f"http://localhost:{live_site.port}"
    specs = make_clusters(tree.commune_a1, 2)
    listener_factory()
    fleet = fleet_factory(specs, play_seconds=0.3, fetch_audio=True)
    assert tts_program.audio.name.endswith(".mp3")
    assert encoding.mp3_info(tts_program.audio.path)["channels"] == 1

    dispatch = services.dispatch_program(
        tts_program, units=[tree.commune_a1], kick=False
    )
    publish_outbox()
    cid = str(dispatch.cid)
    assert wait_for(lambda: len(fleet.events_for("verified", cid)) == 2, 30), (
        fleet.events_for(cid=cid)
    )
    assert wait_for(
        lambda: (
            sorted(
                Delivery.objects.filter(dispatch=dispatch).values_list(
                    "state", flat=True
                )
            )
            == ["done", "done"]
        ),
        30,
    )
    [body] = [row.payload for row in OutboxMessage.objects.filter(dispatch=dispatch)]
    with open(tts_program.audio.path, "rb") as fh:
        served = fh.read()
    assert body["format"] == "mp3"
    assert body["bytes"] == len(served)
    assert body["sha256"] == hashlib.sha256(served).hexdigest()

    # The stored file changes after the command was written (same length):
    # devices refuse it and say why.
    dispatch = services.dispatch_program(
        tts_program, units=[tree.commune_a1], kick=False
    )
    with open(tts_program.audio.path, "wb") as fh:
        fh.write(served[:-16] + bytes(b ^ 0xFF for b in served[-16:]))
    publish_outbox()
    cid = str(dispatch.cid)
    assert wait_for(lambda: len(fleet.events_for("failed", cid)) == 2, 30)
    assert not fleet.events_for("playing", cid)
    assert wait_for(
        lambda: (
            set(
                Delivery.objects.filter(dispatch=dispatch).values_list(
                    "state", flat=True
                )
            )
            == {"failed"}
        ),
        30,
    )


def test_a_device_downloads_its_plan_checks_each_file_and_plays_offline_from_it(
    tree,
    live_site,
    settings,
    make_clusters,
    fleet_factory,
    listener_factory,
    tts_program,
):
    """docs: on receipt of a plan, download every item's audio and check it
    like a play's; ack failed with a detail and keep only the items whose
    audio the device has; offline, play them from those local copies."""
    settings.BROADCAST_MEDIA_BASE_URL = f"http://localhost:{live_site.port}"
    unit = tree.commune_a1
    [spec] = make_clusters(unit, 1)
    device_id = spec["device_id"]
    cluster = SpeakerCluster.objects.get(device_id=device_id)
    listener_factory()
    fleet = fleet_factory([spec], play_seconds=0.3, fetch_audio=True, plan_grace=1)
    device = fleet.devices[device_id]
    changed = services.create_tts_program(
        unit, "Thông báo đổi lịch", "Lịch họp tổ dân phố dời sang tối thứ Sáu."
    )
    at = timezone.now().replace(microsecond=0) + timedelta(seconds=8)
    items = {}
    for program, when in ((tts_program, at), (changed, at + timedelta(seconds=1))):
        schedule = Schedule.objects.create(unit=unit, program=program, start_at=when)
        schedule.target_units.add(unit)
        items[program.pk] = str(item_id(schedule, when))
    with transaction.atomic():  # published on commit, after the change
        assert services.send_plans(clusters=[cluster]) >= 1
        plan = DevicePlan.objects.filter(
            cluster=cluster, day=timezone.localdate(at)
        ).first()
        # The second file changes after the plan named its hash (same
        # length; bytes flipped, as LAME's padding may already be 0x55).
        with open(changed.audio.path, "rb") as fh:
            served = fh.read()
        with open(changed.audio.path, "wb") as fh:
            fh.write(served[:-16] + bytes(b ^ 0xFF for b in served[-16:]))
    publish_outbox()

    # The plan is refused with the reason; the good file is held locally.
    assert wait_for(lambda: DevicePlan.objects.get(pk=plan.pk).detail, 30)
    plan.refresh_from_db()
    assert "sha256 mismatch" in plan.detail and plan.acked_at is None
    assert "Thông báo đổi lịch" in plan.detail
    day = timezone.localdate(at).isoformat()
    held = device.plans[day]["items"]
    assert items[tts_program.pk] in held and items[changed.pk] not in held
    with open(tts_program.audio.path, "rb") as fh:
        good = fh.read()
    assert device.audio[hashlib.sha256(good).hexdigest()] == good

    # Offline at the items' time: the held item plays from its local copy,
    # the other one not at all.
    fleet.set_online(device_id, False)
    good_item = items[tts_program.pk]
    assert wait_for(lambda: fleet.events_for("completed", good_item), 30)
    assert fleet.events_for("plan_local_copy", good_item)
    time.sleep(2)
    assert not fleet.events_for("plan_play", items[changed.pk])
    fleet.set_online(device_id, True)
    log = wait_for(lambda: PlayLog.objects.filter(cluster=cluster).first(), 20)
    assert log and log.accepted and str(log.item) == good_item
    assert PlayLog.objects.filter(cluster=cluster).count() == 1
