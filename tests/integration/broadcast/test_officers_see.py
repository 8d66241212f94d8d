"""Officers see what is true: a device's reported volume, firmware and what
it plays are stored and shown; every play report is in the cluster's play
log, and only plausible ones count toward hours aired (the rest are kept
with the reason); a cluster silent too long raises an alert to its commune
and district (dashboard notice and e-mail), resolved when it is back. Real
broker (project ACL), listener and simulated devices."""

import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from broadcast import services
from broadcast.devices import protocol
from broadcast.devices.mqtt import publish_outbox
from broadcast.models import ClusterAlert, Delivery, PlayLog, Program, SpeakerCluster
from tests.factories.broadcast import make_cluster
from tests.utils import admin_client, wait_for

pytestmark = [pytest.mark.slow]


@pytest.fixture
def officer(committed):
    made = []

    def make(unit, email):
        with tenant_context(unit):
            user = get_user_model().objects.create_user(
                f"canbo-{uuid.uuid4().hex[:8]}",
                email=email,
                password="mat-khau-dai-12",
            )
            user.groups.add(Group.objects.get(name=django_settings.UNIT_EDITOR_GROUP))
        made.append((unit, user.pk))
        return admin_client(unit, user)

    yield make
    for unit, pk in made:
        with tenant_context(unit):
            get_user_model().objects.filter(pk=pk).delete()


def test_play_reports_out_of_bounds_are_kept_but_not_counted(
    tree, make_clusters, fleet_factory, listener_factory, officer
):
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    listener_factory()
    fleet = fleet_factory([spec], play_seconds=0.3)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    assert wait_for(lambda: SpeakerCluster.objects.get(pk=cluster.pk).online, 15)

    program = Program.objects.create(
        unit=unit, title="Bản tin sáng", duration_seconds=10
    )
    dispatch = services.dispatch_program(program, units=[unit], kick=False)
    publish_outbox()
    assert wait_for(
        lambda: Delivery.objects.filter(dispatch=dispatch, state="done").exists(), 15
    )
    assert wait_for(lambda: PlayLog.objects.filter(dispatch=dispatch).exists(), 10)
    [good] = PlayLog.objects.filter(dispatch=dispatch)
    assert good.accepted and good.reject_reason == ""

    # What a faulty or dishonest device could claim, each signed with its
    # own key and a fresh counter (so the listener takes them as genuine).
    device = fleet.devices[spec["device_id"]]
    now = time.time()
    cid = str(dispatch.cid)
    bad = {
        "result": {"result": "exploded", "started_at": now - 5, "ended_at": now},
        "window": {"result": "completed", "started_at": 1, "ended_at": 2},
        "duration": {
            "result": "completed",
            "started_at": now - 200,
            "ended_at": now,
            "seconds": 156.6,
        },
        "times": {"result": "completed", "started_at": None, "ended_at": now},
        "duplicate": {"result": "completed", "started_at": now - 3, "ended_at": now},
    }
    for body in bad.values():
        body.setdefault("seconds", 3.0)
        fleet.call_soon_threadsafe(
            device.send,
            protocol.PLAY,
            {"cid": cid, "program": str(program.uid), **body},
        )
    fleet.call_soon_threadsafe(
        device.send,
        protocol.PLAY,
        {
            "cid": str(uuid.uuid4()),
            "result": "completed",
            "started_at": now - 3,
            "ended_at": now,
            "seconds": 3.0,
        },
    )
    assert wait_for(
        lambda: PlayLog.objects.filter(cluster=cluster, accepted=False).count() == 6,
        15,
    ), list(PlayLog.objects.filter(cluster=cluster).values_list("reject_reason"))
    reasons = sorted(
        PlayLog.objects.filter(cluster=cluster, accepted=False).values_list(
            "reject_reason", flat=True
        )
    )
    assert reasons == sorted([*bad, "unknown"])
    # Only the genuine play counts: 0.3 s of the 10 s program.
    today = timezone.localdate(good.started_at)
    hours = services.hours_aired(unit, today.year, today.month)
    mine = PlayLog.objects.filter(unit=unit, accepted=True)
    assert list(mine.filter(cluster=cluster)) == [good]
    assert hours * 3600 == pytest.approx(
        sum(
            mine.filter(started_at__month=today.month).values_list("seconds", flat=True)
        )
    )

    # The officer sees the log, the reasons, and what the device reports.
    client = officer(unit, "canbo@xa-an-hoa.test")
    page = client.get(reverse("broadcast_admin_cluster_log", args=[cluster.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bản tin sáng" in text and text.count("play-rejected") == 6
    assert "Số giây phát vượt thời lượng chương trình" in text
    assert "Thời điểm phát nằm ngoài thời hạn của lệnh" in text
    assert "Kết quả không thuộc danh sách của giao thức" in text
    assert "thiết bị báo 80%" in text and "ttcs-sim/1.1" in text
    only = client.get(
        reverse("broadcast_admin_cluster_log", args=[cluster.pk]),
        {"loai": "khong-tinh"},
    )
    assert only.content.decode().count("play-accepted") == 0


def test_what_a_device_plays_is_shown_to_the_officer(
    tree, make_clusters, fleet_factory, listener_factory, officer
):
    unit = tree.commune_a2
    [spec] = make_clusters(unit, 1)
    listener_factory()
    fleet = fleet_factory([spec], heartbeat=0.5)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    program = Program.objects.create(
        unit=unit, title="Chương trình dài", duration_seconds=60
    )
    dispatch = services.dispatch_program(program, units=[unit], kick=False)
    publish_outbox()
    assert wait_for(
        lambda: (
            SpeakerCluster.objects.get(pk=cluster.pk).now_playing == str(dispatch.cid)
        ),
        15,
    )
    client = officer(unit, "")
    index = client.get(reverse("broadcast_admin_index")).content.decode()
    assert "Chương trình dài" in index.split('id="cum-loa"')[1].split("</table>")[0]
    log = client.get(reverse("broadcast_admin_cluster_log", args=[cluster.pk]))
    assert 'data-testid="now-playing">Chương trình dài' in log.content.decode()
    services.stop_dispatch(dispatch)
    publish_outbox()
    assert wait_for(
        lambda: SpeakerCluster.objects.get(pk=cluster.pk).now_playing == "", 15
    )
    assert fleet.events_for("stopped", str(dispatch.cid))


def test_offline_cluster_alerts_commune_and_district_until_it_is_back(
    tree, make_clusters, fleet_factory, listener_factory, officer, mailoutbox, settings
):
    commune, district = tree.commune_a2, tree.district_a
    [spec] = make_clusters(commune, 1)
    cluster = SpeakerCluster.objects.get(device_id=spec["device_id"])
    commune_admin = officer(commune, "xa@an-hoa.test")
    district_admin = officer(district, "huyen@an-phu.test")
    # The clock the task is given, not the wall clock: last contact 40 min
    # before it, with a 30 min threshold.
    now = timezone.now()
    SpeakerCluster.objects.filter(pk=cluster.pk).update(
        online=False, last_seen=now - timedelta(minutes=40)
    )
    settings.BROADCAST_OFFLINE_ALERT_MINUTES = 30

    # Not yet: 25 minutes of silence at the time the task runs.
    assert services.alert_offline_clusters(now=now - timedelta(minutes=15)) == 0
    assert services.alert_offline_clusters(now=now) == 1
    # Once per outage.
    assert services.alert_offline_clusters(now=now + timedelta(minutes=5)) == 0
    alerts = ClusterAlert.objects.filter(cluster=cluster)
    assert sorted(a.unit_id for a in alerts) == sorted([commune.pk, district.pk])
    mailed = {address for m in mailoutbox for address in m.to}
    assert {"xa@an-hoa.test", "huyen@an-phu.test"} <= mailed
    assert any("mất kết nối" in m.subject for m in mailoutbox)
    for client in (commune_admin, district_admin):
        home = client.get("/admin/").content.decode()
        assert "Cụm loa mất kết nối" in home and cluster.name in home
    # Another district sees nothing of it.
    other = officer(tree.district_b, "")
    assert "Cụm loa mất kết nối" not in other.get("/admin/").content.decode()

    # The device comes back: the alert is resolved, the notice gone.
    listener_factory()
    fleet_factory([spec])
    assert wait_for(
        lambda: (
            not ClusterAlert.objects.filter(
                cluster=cluster, resolved_at__isnull=True
            ).exists()
        ),
        15,
    )
    assert SpeakerCluster.objects.get(pk=cluster.pk).offline_alerted_at is None
    assert "Cụm loa mất kết nối" not in commune_admin.get("/admin/").content.decode()


@pytest.mark.django_db
def test_rejected_reports_add_nothing_to_the_stored_totals(tree):
    from broadcast.models import PlayDay, PlayMonth

    unit = tree.commune_b1
    cluster, _ = make_cluster(unit, device_id=f"tot-{uuid.uuid4().hex[:6]}")
    started = timezone.now().replace(microsecond=0)
    day = timezone.localdate(started)

    def log(seconds, accepted):
        return PlayLog.objects.create(
            cluster=cluster,
            unit=unit,
            started_at=started,
            ended_at=started + timedelta(seconds=seconds),
            seconds=seconds,
            result="completed",
            accepted=accepted,
            reject_reason="" if accepted else "duration",
        )

    log(3600, accepted=False)
    assert not PlayDay.objects.filter(unit=unit, day=day).exists()
    log(60, accepted=True)
    assert PlayDay.objects.get(unit=unit, day=day).seconds == 60
    assert PlayMonth.objects.get(unit=unit, month=day.replace(day=1)).seconds == 60
    # A recount (a log deleted) still leaves the rejected one out.
    log(30, accepted=True).delete()
    assert PlayDay.objects.get(unit=unit, day=day).seconds == 60
