"""Devices keep the schedule offline: each device gets its day's plan ahead
(a signed ``plan`` command, acknowledged, replaced by a higher version),
plays it with the network cut (its broker connection dropped), and reports
the play on reconnect with the plan item's id and the actual times; the
report is checked like any other and counts toward hours aired, and the
play command that was waiting for the device is not played twice. Real
broker (project ACL), listener and simulated device."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from broadcast import services
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import (
    Delivery,
    DevicePlan,
    PlayLog,
    Program,
    Schedule,
    SpeakerCluster,
)
from broadcast.services.schedules import item_id
from tests.utils import admin_client, wait_for

pytestmark = [pytest.mark.slow]


def test_offline_plan_is_played_with_the_network_cut_and_reported_on_reconnect(
    tree, make_clusters, fleet_factory, listener_factory
):
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    device_id = spec["device_id"]
    cluster = SpeakerCluster.objects.get(device_id=device_id)
    listener_factory()
    fleet = fleet_factory([spec], plan_grace=1)
    device = fleet.devices[device_id]
    assert wait_for(lambda: SpeakerCluster.objects.get(pk=cluster.pk).online, 15)

    program = Program.objects.create(
        unit=unit, title="Thông báo thu thuế", duration_seconds=1
    )
    at = timezone.now().replace(microsecond=0) + timedelta(seconds=10)
    schedule = Schedule.objects.create(unit=unit, program=program, start_at=at)
    schedule.target_units.add(unit)
    item = str(item_id(schedule, at))
    day = timezone.localdate(at).isoformat()

    # The plan reaches the device ahead of time and is acknowledged.
    assert services.send_plans(clusters=[cluster]) >= 1
    publish_outbox()
    plan = DevicePlan.objects.filter(cluster=cluster, day=day).first()
    assert plan and plan.items.get().item.hex == item.replace("-", "")
    assert wait_for(lambda: DevicePlan.objects.get(pk=plan.pk).acked_at, 15)
    assert item in device.plans[day]["items"]
    # Nothing changed: nothing sent again.
    assert services.send_plans(clusters=[cluster]) == 0

    # A later item added, then withdrawn: each change is a higher version
    # that replaces the day's list on the device.
    later_at = at + timedelta(hours=1)
    later = Schedule.objects.create(unit=unit, program=program, start_at=later_at)
    later.target_units.add(unit)
    later_day = timezone.localdate(later_at).isoformat()
    assert services.send_plans(clusters=[cluster]) == 1
    publish_outbox()
    later_item = str(item_id(later, later_at))
    assert wait_for(
        lambda: later_item in device.plans.get(later_day, {}).get("items", {}), 15
    )
    later.is_active = False
    later.save()
    assert services.send_plans(clusters=[cluster]) == 1
    publish_outbox()
    assert wait_for(lambda: later_item not in device.plans[later_day]["items"], 15)
    assert item in device.plans[day]["items"]
    versions = list(
        DevicePlan.objects.filter(cluster=cluster).values_list("version", flat=True)
    )
    assert sorted(versions) == list(range(1, len(versions) + 1))

    # The network is cut before the item's time.
    fleet.set_online(device_id, False)
    assert wait_for(lambda: not SpeakerCluster.objects.get(pk=cluster.pk).online, 15)
    assert wait_for(lambda: fleet.events_for("plan_play", item), 30)
    assert wait_for(lambda: fleet.events_for("completed", item), 15)
    # Meanwhile the platform fires the schedule: the command waits on the
    # broker for the offline device.
    wait_for(lambda: timezone.now() > at, 15)
    [dispatch] = services.fire_due_schedules()
    assert str(dispatch.item) == item
    publish_outbox()
    assert not PlayLog.objects.filter(cluster=cluster).exists()

    # Back online: the offline play is reported, checked and counted.
    fleet.set_online(device_id, True)
    log = wait_for(lambda: PlayLog.objects.filter(cluster=cluster).first(), 20)
    assert log, "the offline play was not reported on reconnect"
    assert log.accepted, log.reject_reason
    assert str(log.item) == item and log.program == program
    assert abs((log.started_at - at).total_seconds()) < 3
    assert log.result == "completed" and 0.5 < log.seconds < 3
    assert fleet.events_for("reported_late", item)
    # The waiting command is answered, not played again, and not counted twice.
    assert wait_for(lambda: fleet.events_for("already_played", str(dispatch.cid)), 15)
    assert wait_for(
        lambda: Delivery.objects.filter(dispatch=dispatch, state="done").exists(), 15
    )
    assert len(fleet.events_for("plan_play", item)) == 1
    assert not fleet.events_for("playing", str(dispatch.cid))
    assert PlayLog.objects.filter(cluster=cluster, accepted=True).count() == 1


def test_an_online_device_plays_the_planned_item_once_from_its_command(
    tree, make_clusters, fleet_factory, listener_factory
):
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    listener_factory()
    fleet = fleet_factory([spec], plan_grace=5)
    program = Program.objects.create(
        unit=unit, title="Tin buổi chiều", duration_seconds=1
    )
    at = timezone.now().replace(microsecond=0) + timedelta(seconds=3)
    schedule = Schedule.objects.create(unit=unit, program=program, start_at=at)
    schedule.target_units.add(unit)
    item = str(item_id(schedule, at))
    services.send_plans(clusters=[cluster])
    publish_outbox()
    assert wait_for(
        lambda: DevicePlan.objects.filter(
            cluster=cluster, acked_at__isnull=False
        ).exists(),
        15,
    )
    wait_for(lambda: timezone.now() > at, 15)
    [dispatch] = services.fire_due_schedules()
    publish_outbox()
    assert wait_for(
        lambda: Delivery.objects.filter(dispatch=dispatch, state="done").exists(), 15
    )
    log = wait_for(lambda: PlayLog.objects.filter(cluster=cluster).first(), 10)
    assert log.accepted and log.dispatch == dispatch and str(log.item) == item
    # Past the grace period the plan does not play it again.
    wait_for(lambda: timezone.now() > at + timedelta(seconds=7), 15)
    assert not fleet.events_for("plan_play", item)
    assert PlayLog.objects.filter(cluster=cluster).count() == 1

    # The officer sees the plan the device holds, and that it took it.
    name = f"quantri-{uuid.uuid4().hex[:8]}"
    client = admin_client(unit, username=name)
    try:
        page = client.get(reverse("broadcast_admin_cluster_log", args=[cluster.pk]))
        text = page.content.decode()
        assert "Lịch phát đã gửi tới thiết bị" in text
        assert "Chưa gửi lịch phát nào" not in text and "Đang chờ xác nhận" not in text
    finally:
        with tenant_context(unit):
            get_user_model().objects.filter(username=name).delete()


def test_a_plan_item_played_offline_and_reported_after_its_command_expired_shows_played(
    tree, make_clusters, fleet_factory, listener_factory
):
    """The device is offline at the item's time and stays offline until the
    platform's command for it expired ("Hết hạn"): its report on reconnect
    proves the item aired, so the delivery shows as played, with when."""
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    device_id = spec["device_id"]
    cluster = SpeakerCluster.objects.get(device_id=device_id)
    listener_factory()
    fleet = fleet_factory([spec], plan_grace=1)
    program = Program.objects.create(
        unit=unit, title="Thông báo lịch cắt điện", duration_seconds=1
    )
    at = timezone.now().replace(microsecond=0) + timedelta(seconds=6)
    schedule = Schedule.objects.create(unit=unit, program=program, start_at=at)
    schedule.target_units.add(unit)
    item = item_id(schedule, at)
    services.send_plans(clusters=[cluster])
    publish_outbox()
    assert wait_for(
        lambda: DevicePlan.objects.filter(
            cluster=cluster, acked_at__isnull=False
        ).exists(),
        15,
    )
    fleet.set_online(device_id, False)
    assert wait_for(lambda: not SpeakerCluster.objects.get(pk=cluster.pk).online, 15)
    assert wait_for(lambda: fleet.events_for("completed", str(item)), 30)

    # The platform airs the occurrence (as fire_due_schedules does, with a
    # short validity): the broker holds it for the offline device until it
    # expires, and the platform marks it expired.
    dispatch = services.dispatch_program(
        program,
        units=[unit],
        schedule=schedule,
        item=item,
        expires_in=timedelta(seconds=2),
        kick=False,
    )
    publish_outbox()
    assert wait_for(lambda: timezone.now() > dispatch.expires_at, 10)
    services.expire_overdue()
    delivery = Delivery.objects.get(dispatch=dispatch, cluster=cluster)
    assert delivery.state == "expired"

    # Back online: the expired command never reaches it, the offline play is
    # reported and accepted, and the sweep settles the delivery.
    fleet.set_online(device_id, True)
    log = wait_for(lambda: PlayLog.objects.filter(cluster=cluster).first(), 20)
    assert log and log.accepted, log and log.reject_reason
    assert log.dispatch == dispatch and log.item == item
    assert services.settle_reported_plays() == 1
    delivery.refresh_from_db()
    assert delivery.state == "done"
    played = timezone.localtime(log.started_at)
    assert delivery.detail.startswith("Đã phát từ lịch lưu trên thiết bị lúc")
    assert f"{played:%H:%M:%S %d/%m/%Y}" in delivery.detail
    assert delivery.acknowledged_at is not None
    assert not fleet.events_for("playing", str(dispatch.cid))
    assert services.settle_reported_plays() == 0  # once

    name = f"quantri-{uuid.uuid4().hex[:8]}"
    client = admin_client(unit, username=name)
    try:
        page = client.get(reverse("broadcast_admin_dispatch", args=[dispatch.pk]))
        text = page.content.decode()
        assert "Đã phát xong" in text and "Hết hạn" not in text.split("<tbody>")[1]
        assert f"{played:%H:%M:%S %d/%m/%Y}" in text
    finally:
        with tenant_context(unit):
            get_user_model().objects.filter(username=name).delete()


def test_a_stopped_schedule_leaves_the_devices_plan_at_once(
    tree, make_clusters, fleet_factory, listener_factory, celery_worker_process
):
    """An officer stops a schedule: a device would play the item from its
    plan 60 s after its time without a command, so the plan without it is
    sent at once (a worker task after commit), not at the next beat."""
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    listener_factory()
    fleet = fleet_factory([spec])
    device = fleet.devices[spec["device_id"]]
    program = Program.objects.create(
        unit=unit, title="Họp tổ dân phố", duration_seconds=1
    )
    at = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
    schedule = Schedule.objects.create(unit=unit, program=program, start_at=at)
    schedule.target_units.add(unit)
    item = str(item_id(schedule, at))
    day = timezone.localdate(at).isoformat()
    services.send_plans(clusters=[cluster])
    publish_outbox()
    assert wait_for(lambda: item in device.plans.get(day, {}).get("items", {}), 15)

    name = f"quantri-{uuid.uuid4().hex[:8]}"
    client = admin_client(unit, username=name)
    try:
        response = client.post(
            reverse("broadcast_admin_schedule_stop", args=[schedule.pk])
        )
        assert response.status_code == 302
    finally:
        with tenant_context(unit):
            get_user_model().objects.filter(username=name).delete()
    assert wait_for(lambda: item not in device.plans[day]["items"], 30), (
        "the stopped schedule's item is still in the device's plan"
    )
    newest = DevicePlan.objects.filter(cluster=cluster, day=day).first()
    assert not newest.items.exists()


def test_a_plan_not_taken_is_sent_again_with_fresh_links(tree, make_clusters):
    """A failed plan (a download went wrong) is sent again after 10 minutes,
    then 20…; one never answered (the device was offline: the copy waiting on the
    broker names audio links that expire) once its links expired."""
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    program = Program.objects.create(unit=unit, title="Tin tối", duration_seconds=1)
    t0 = timezone.now()
    at = t0 + timedelta(hours=4)
    schedule = Schedule.objects.create(unit=unit, program=program, start_at=at)
    schedule.target_units.add(unit)
    day = timezone.localdate(at)
    plans = DevicePlan.objects.filter(cluster=cluster, day=day)

    def sent(minutes):
        """send_plans as if run ``minutes`` after t0 (a plan written then is
        dated then)."""
        now = t0 + timedelta(minutes=minutes)
        before = set(plans.values_list("pk", flat=True))
        count = services.send_plans(days=[day], now=now, clusters=[cluster])
        plans.exclude(pk__in=before).update(created_at=now)
        return count

    assert sent(0) == 1
    assert sent(5) == 0  # unchanged, not stale
    plans.filter(pk=plans.first().pk).update(detail="Tin tối: HTTP 404")
    assert sent(9) == 0
    assert sent(11) == 1 and plans.first().version == 2
    # Failed again: the next try waits twice as long (a file that stays
    # broken must not be downloaded over 3G every 10 minutes).
    plans.filter(pk=plans.first().pk).update(detail="Tin tối: HTTP 404")
    assert sent(11 + 19) == 0
    assert sent(11 + 21) == 1 and plans.first().version == 3
    tokens = settings.BROADCAST_AUDIO_TOKEN_SECONDS / 60
    assert sent(32 + tokens - 1) == 0  # not answered yet, links still valid
    assert sent(32 + tokens + 1) == 1 and plans.first().version == 4
    plans.filter(pk=plans.first().pk).update(acked_at=timezone.now())
    assert sent(32 + 2.5 * tokens) == 0  # taken: nothing more
