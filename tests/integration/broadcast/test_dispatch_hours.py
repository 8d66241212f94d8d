"""A dispatch leaves out clusters outside their on/off hours, except an
emergency, and says so; a schedule outside them warns before it is saved."""

import pytest
from django.utils import timezone

from broadcast import services
from broadcast.models import (
    Program,
    Schedule,
    SpeakerCluster,
)
from tests.utils import admin_client

pytestmark = pytest.mark.django_db


def test_dispatch_skips_clusters_outside_hours_except_for_emergency(tree):
    program = Program.objects.create(
        unit=tree.commune_a2, title="x", duration_seconds=1
    )
    night = timezone.localtime().replace(hour=23, minute=0)
    awake, _ = services.create_cluster(
        tree.commune_a2, "ngày", device_id="h-awake", on_time="00:00", off_time="23:59"
    )
    asleep, _ = services.create_cluster(
        tree.commune_a2, "tối", device_id="h-asleep", on_time="05:00", off_time="21:00"
    )
    normal = services.dispatch_program(program, units=[tree.commune_a2], now=night)
    assert normal.target_count == 1
    assert [m.device_ids for m in normal.outbox.all()] == [["h-awake"]]
    urgent = services.dispatch_program(
        program, units=[tree.commune_a2], priority="emergency", now=night
    )
    assert urgent.target_count == 2
    assert [sorted(m.device_ids) for m in urgent.outbox.all()] == [
        ["h-asleep", "h-awake"]
    ]
    assert SpeakerCluster.objects.filter(unit=tree.commune_a2).count() == 2


def test_a_schedule_outside_the_clusters_hours_warns_and_a_dispatch_says_why(tree):
    unit = tree.commune_b1
    cluster, _ = services.create_cluster(
        unit, "Cụm loa đình", device_id="hours-1", on_time="05:00", off_time="21:00"
    )
    program = Program.objects.create(unit=unit, title="Bản tin tối", duration_seconds=1)
    client = admin_client(unit, username="quantrigio")
    typed = {
        "program": program.pk,
        "priority": "normal",
        "kind": "recurring",
        "times": "23:30",
        "target_units": [unit.pk],
        "position": 0,
    }
    response = client.post("/admin/truyen-thanh/lich-phat/them/", typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 cụm loa ngoài giờ bật" in page and "Cụm loa đình (05:00–21:00)" in page
    assert 'value="23:30"' in page  # what was typed is kept
    assert not Schedule.objects.filter(program=program).exists()
    response = client.post(
        "/admin/truyen-thanh/lich-phat/them/", {**typed, "confirm_hours": "on"}
    )
    assert response.status_code == 302
    assert Schedule.objects.filter(program=program).exists()

    # At 23:30 the dispatch reaches nobody, and its page says why.
    night = timezone.localtime().replace(hour=23, minute=30)
    dispatch = services.dispatch_program(program, units=[unit], now=night, kick=False)
    assert dispatch.target_count == 0 and dispatch.skipped_off_hours == 1
    page = client.get(f"/admin/truyen-thanh/luot-phat/{dispatch.pk}/").content
    assert "nằm ngoài giờ bật/tắt" in page.decode()
    assert cluster.pk


def test_a_devices_plan_holds_no_normal_item_outside_its_hours(tree):
    """The plan follows the same rule as a dispatch: a device never plays a
    normal program outside its hours from its plan either; an emergency
    schedule's item is there at any hour."""
    from datetime import timedelta

    from broadcast.services.plans import day_items

    unit = tree.commune_a2
    program = Program.objects.create(unit=unit, title="Tin khuya", duration_seconds=1)
    tomorrow = timezone.localdate() + timedelta(days=1)
    night = timezone.localtime().replace(
        year=tomorrow.year, month=tomorrow.month, day=tomorrow.day, hour=23, minute=0
    )
    awake, _ = services.create_cluster(
        unit, "ngày", device_id="p-awake", on_time="00:00", off_time="00:00"
    )
    asleep, _ = services.create_cluster(
        unit, "tối", device_id="p-asleep", on_time="05:00", off_time="21:00"
    )
    for priority in ("normal", "emergency"):
        schedule = Schedule.objects.create(
            unit=unit, program=program, start_at=night, priority=priority
        )
        schedule.target_units.add(unit)
    items = day_items(tomorrow)
    priorities = {
        cluster.device_id: sorted(s.priority for _, s, _, _ in entries)
        for cluster, entries in items.items()
        if cluster.device_id.startswith("p-")
    }
    assert priorities == {"p-awake": ["emergency", "normal"], "p-asleep": ["emergency"]}
