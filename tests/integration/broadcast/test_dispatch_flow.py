"""Schedules, commands, acknowledgements and play logs against the real
broker, a real Celery worker and simulated devices."""

from datetime import timedelta

import pytest
from django.utils import timezone

from broadcast import services
from broadcast.models import Delivery, OutboxMessage, PlayLog, Schedule
from broadcast.pipeline import DeliveryState
from tests.utils import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def states(dispatch):
    return sorted(
        Delivery.objects.filter(dispatch=dispatch).values_list("state", flat=True)
    )


def test_schedule_sends_commands_devices_ack_and_play_logs_are_recorded(
    tree,
    celery_worker_process,
    make_clusters,
    fleet_factory,
    listener_factory,
    tts_program,
):
    specs = make_clusters(tree.commune_a1, 3)
    other = make_clusters(tree.commune_b1, 1)
    listener_factory()
    fleet = fleet_factory(specs + other, play_seconds=0.5)
    wait_for(
        lambda: all(
            c.online
            for c in tts_program.unit.speaker_clusters.filter(
                device_id__in=[s["device_id"] for s in specs]
            )
        ),
        15,
    )
    schedule = Schedule.objects.create(
        unit=tree.commune_a1,
        program=tts_program,
        start_at=timezone.now() - timedelta(seconds=1),
    )
    schedule.target_units.add(tree.commune_a1)

    [dispatch] = services.fire_due_schedules()

    # One outbox row names the three clusters; each gets its own signed copy.
    [outbox] = OutboxMessage.objects.filter(dispatch=dispatch)
    assert sorted(outbox.device_ids) == sorted(s["device_id"] for s in specs)
    assert wait_for(lambda: states(dispatch) == ["done"] * 3, 30), states(dispatch)
    cid = str(dispatch.cid)
    assert len(fleet.events_for("playing", cid)) == 3
    # The commune b1 device got nothing: another unit's group.
    assert not fleet.events_for(device_id=other[0]["device_id"], cid=cid)
    wait_for(lambda: PlayLog.objects.filter(dispatch=dispatch).count() == 3, 10)
    logs = list(PlayLog.objects.filter(dispatch=dispatch))
    assert len(logs) == 3 and all(log.result == "completed" for log in logs)
    assert all(log.unit_id == tree.commune_a1.pk for log in logs)
    assert (
        Delivery.objects.filter(
            dispatch=dispatch, acknowledged_at__isnull=False
        ).count()
        == 3
    )
    assert (
        services.hours_aired(tree.commune_a1, timezone.now().year, timezone.now().month)
        > 0
    )
    schedule.refresh_from_db()
    assert schedule.is_active is False and schedule.last_fired_at is not None


def test_emergency_preempts_a_playing_program(
    tree,
    celery_worker_process,
    make_clusters,
    fleet_factory,
    listener_factory,
    tts_program,
):
    specs = make_clusters(tree.commune_a1, 2)
    listener_factory()
    fleet = fleet_factory(specs, play_seconds=30)
    normal = services.dispatch_program(tts_program, units=[tree.commune_a1])
    assert wait_for(lambda: states(normal) == ["playing"] * 2, 20), states(normal)

    alarm = services.create_tts_program(
        tree.commune_a1, "Cảnh báo lũ", "Nước sông dâng cao, bà con di dời ngay."
    )
    urgent = services.emergency(alarm, [tree.commune_a1])

    assert wait_for(lambda: states(urgent) == ["playing"] * 2, 20), states(urgent)
    assert wait_for(lambda: states(normal) == ["preempted"] * 2, 10), states(normal)
    for spec in specs:
        events = [e[2] for e in fleet.events_for(device_id=spec["device_id"])]
        assert events.index("preempted") < len(events) - 1
    # The play report follows the ack; the listener records it a moment later.
    assert wait_for(
        lambda: (
            PlayLog.objects.filter(dispatch=normal, result="preempted").count() == 2
        ),
        10,
    )


def test_expired_command_never_plays_on_a_late_device(
    tree,
    celery_worker_process,
    make_clusters,
    fleet_factory,
    listener_factory,
    tts_program,
):
    specs = make_clusters(tree.commune_a2, 2)
    listener_factory()
    fleet = fleet_factory(specs, play_seconds=0.2)
    late = specs[0]["device_id"]
    fleet.set_online(late, False)
    wait_for(lambda: fleet.online_count() == 1, 10)

    dispatch = services.dispatch_program(
        tts_program, units=[tree.commune_a2], expires_in=timedelta(seconds=2)
    )
    on_time = specs[1]["device_id"]
    assert wait_for(
        lambda: Delivery.objects.filter(
            dispatch=dispatch, cluster__device_id=on_time, state="done"
        ).exists(),
        20,
    )
    wait_for(lambda: timezone.now() > dispatch.expires_at + timedelta(seconds=1), 10)
    fleet.set_online(late, True)
    assert wait_for(lambda: fleet.online_count() == 2, 10)
    # The broker dropped the command (MQTT 5 expiry); the listener's sweep
    # marks the delivery expired; the device never played it.
    assert wait_for(
        lambda: Delivery.objects.filter(
            dispatch=dispatch, cluster__device_id=late, state="expired"
        ).exists(),
        15,
    )
    assert not fleet.events_for("playing", str(dispatch.cid), device_id=late)


def test_bulletin_emergency_on_speaker_channel_plays_everywhere_in_the_unit(
    tree,
    celery_worker_process,
    make_clusters,
    fleet_factory,
    listener_factory,
    broadcast_rows,
):
    from types import SimpleNamespace

    from bulletins.signals import bulletin_for_channel

    specs = make_clusters(tree.commune_b1, 2)
    listener_factory()
    fleet = fleet_factory(specs, play_seconds=0.3)
    bulletin = SimpleNamespace(
        pk=987654,
        title="Cảnh báo bão số 3",
        body_text="Bão đổ bộ lúc 7h30 ngày 12/9. Bà con chằng chống nhà cửa.",
        priority="emergency",
        language="vi",
        valid_from=timezone.now(),
        valid_until=timezone.now() + timedelta(hours=2),
    )
    bulletin_for_channel.send(
        sender=None,
        bulletin=bulletin,
        unit=tree.commune_b1,
        channel="speaker",
        emergency=True,
    )
    delivered = Delivery.objects.filter(dispatch__program__bulletin_id=987654)
    assert wait_for(
        lambda: sorted(delivered.values_list("state", flat=True)) == ["done"] * 2, 20
    )
    assert delivered.first().dispatch.priority == "emergency"
    assert len(fleet.events_for("playing")) == 2
    assert DeliveryState.DONE == "done"
