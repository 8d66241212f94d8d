"""A dispatch leaves out clusters outside their on/off hours, except an
emergency."""

import pytest
from django.utils import timezone

from broadcast import services
from broadcast.models import (
    Program,
    SpeakerCluster,
)

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
