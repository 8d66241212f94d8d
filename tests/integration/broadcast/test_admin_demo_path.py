"""The issue's "done when", through the unit's Wagtail admin: an official
schedules a TTS program for a commune, simulated speakers play it, the admin
shows their acks and presence, the program is on the commune's listen-back
page, and an emergency sent from the admin pre-empts it. Real Mosquitto,
real Celery worker, simulated devices, the listener."""

import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from broadcast import services
from broadcast.models import Delivery, Dispatch, Program, Schedule, SpeakerCluster
from tests.utils import admin_client, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture
def official_client(client_for, committed):
    """A logged-in official (not a superuser) of a unit's admin: its
    approver, who runs the speakers (emergencies included)."""
    made = []

    def make(unit):
        with tenant_context(unit):
            user = get_user_model().objects.create_user(
                f"canbo-{uuid.uuid4().hex[:8]}", password="mat-khau-dai-12"
            )
            user.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
        made.append((unit, user.pk))
        return admin_client(unit, user)

    yield make
    for unit, pk in made:
        with tenant_context(unit):
            get_user_model().objects.filter(pk=pk).delete()


def states(dispatch):
    return sorted(
        Delivery.objects.filter(dispatch=dispatch).values_list("state", flat=True)
    )


def test_official_schedules_tts_speakers_play_admin_shows_acks_emergency_preempts(
    tree,
    celery_worker_process,
    make_clusters,
    fleet_factory,
    listener_factory,
    official_client,
):
    commune = tree.commune_a1
    specs = make_clusters(commune, 2)
    devices = [s["device_id"] for s in specs]
    listener_factory()
    fleet = fleet_factory(specs, play_seconds=60)
    assert wait_for(
        lambda: (
            SpeakerCluster.objects.filter(device_id__in=devices, online=True).count()
            == 2
        ),
        15,
    )
    admin = official_client(commune)

    # 1. A text-to-speech program with a chosen voice.
    response = admin.post(
        reverse("broadcast_admin_program_add"),
        {
            "title": "Lịch tiêm chủng tháng 3",
            "kind": "tts",
            "language": "vi",
            "voice": "vi-vn-x-south",
            "text": "Sáng thứ Hai ngày 15/3, trạm y tế xã tiêm chủng cho trẻ "
            "dưới 5 tuổi. Phụ huynh mang theo sổ tiêm chủng.",
            "public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    program = Program.objects.get(unit=commune, title="Lịch tiêm chủng tháng 3")
    assert program.voice == "vi-vn-x-south" and program.duration_seconds > 2
    assert response["Location"].endswith(f"?program={program.pk}")

    # 2. A one-off schedule for the commune, now, normal priority.
    form = admin.get(response["Location"]).content.decode()
    assert "Lập lịch phát" in form and "Khẩn cấp" in form
    start = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = admin.post(
        reverse("broadcast_admin_schedule_add"),
        {
            "program": program.pk,
            "priority": "normal",
            "kind": "once",
            "start_at": start,
            "target_units": [commune.pk],
            "position": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = Schedule.objects.get(program=program)
    assert schedule.unit_id == commune.pk

    # 3. What the beat does every 30 s: due schedules are dispatched.
    [normal] = services.fire_due_schedules()
    assert wait_for(lambda: states(normal) == ["playing"] * 2, 30), states(normal)

    # 4. The admin shows acknowledgements and presence.
    overview = admin.get(reverse("broadcast_admin_index")).content.decode()
    assert "Lịch tiêm chủng tháng 3" in overview and "2/2" in overview
    assert '<span id="offline-count">0</span>' in overview
    detail = admin.get(
        reverse("broadcast_admin_dispatch", args=[normal.pk])
    ).content.decode()
    assert detail.count("Đang phát") >= 2 and 'id="acked">2<' in detail
    assert all(device in detail for device in devices)
    assert "Mất kết nối" not in detail

    # 5. Played, so it is on the commune's listen-back page (not another's).
    page = admin.get("/nghe-lai/").content.decode()
    assert "Lịch tiêm chủng tháng 3" in page and "<audio" in page
    audio = admin.get(f"/nghe-lai/{program.uid}/am-thanh/")
    assert audio.status_code == 200
    other = official_client(tree.commune_b1).get("/nghe-lai/").content.decode()
    assert "Lịch tiêm chủng tháng 3" not in other

    # 6. An emergency from the admin pre-empts it on every cluster.
    typed = {
        "title": "Cảnh báo lũ",
        "text": "Nước sông dâng cao, bà con vùng trũng di dời ngay.",
    }
    confirm = admin.post(reverse("broadcast_admin_emergency"), typed)
    reach = SpeakerCluster.objects.filter(unit=commune, is_active=True).count()
    assert (
        f"Phát khẩn cấp “Cảnh báo lũ” tới {reach} cụm loa của {commune.name}?"
        in confirm.content.decode()
    )
    assert not Dispatch.objects.filter(program__title="Cảnh báo lũ").exists()
    response = admin.post(
        reverse("broadcast_admin_emergency"), {**typed, "confirm": "1"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    urgent = Dispatch.objects.get(program__title="Cảnh báo lũ", unit=commune)
    assert urgent.priority == "emergency"
    assert wait_for(lambda: states(urgent) == ["playing"] * 2, 30), states(urgent)
    assert wait_for(lambda: states(normal) == ["preempted"] * 2, 10), states(normal)
    for device in devices:
        events = [e[2] for e in fleet.events_for(device_id=device)]
        assert "preempted" in events

    # 7. A speaker goes offline: it stands out, for the commune and for the
    #    district above it (offline count per commune).
    fleet.set_online(devices[0], False)
    assert wait_for(
        lambda: not SpeakerCluster.objects.get(device_id=devices[0]).online, 20
    )
    overview = admin.get(reverse("broadcast_admin_index")).content.decode()
    assert '<span id="offline-count">1</span>' in overview
    assert "⚠ Mất kết nối" in overview
    district = official_client(tree.district_a)
    above = district.get(reverse("broadcast_admin_index")).content.decode()
    assert "Các đơn vị trực thuộc" in above and str(commune) in above
    assert devices[0] in above and '<strong style="color:#b3261e">1</strong>' in above
    # The other district sees none of it.
    elsewhere = official_client(tree.district_b).get(reverse("broadcast_admin_index"))
    assert devices[0] not in elsewhere.content.decode()
