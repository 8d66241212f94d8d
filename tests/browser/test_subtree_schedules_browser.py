"""A district officer reads the upcoming loudspeaker schedules of the
communes below, narrows them to one commune, in Chromium at 375 and 1366 px
(axe: nothing serious)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context

from tests.utils import admin_log_in, axe_serious_violations

pytestmark = [pytest.mark.browser]

PASSWORD = "mat-khau-dai-123"


@pytest.fixture
def district_schedules(tree, committed, project_broker):
    from broadcast.models import Program, Schedule, SpeakerCluster
    from tests.factories.broadcast import make_cluster

    made = []
    for unit, title, times in (
        (tree.commune_a1, "Bản tin nông nghiệp An Bình", ["06:00", "17:30"]),
        (tree.commune_a2, "Thông báo thu thuế An Hòa", ["07:15"]),
    ):
        cluster, _ = make_cluster(unit, f"Cụm loa trung tâm {unit.name}")
        program = Program.objects.create(unit=unit, title=title)
        schedule = Schedule.objects.create(
            unit=unit, program=program, kind="recurring", times=times
        )
        schedule.target_units.set([unit])
        made.append((cluster, program, schedule))
    with tenant_context(tree.district_a):
        user = get_user_model().objects.create_user(
            "canbo-huyen-lich", password=PASSWORD
        )
        user.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
    yield user
    for cluster, program, schedule in made:
        schedule.delete()
        program.delete()
        SpeakerCluster.objects.filter(pk=cluster.pk).delete()
    with tenant_context(tree.district_a):
        user.delete()


@pytest.mark.parametrize("width", [375, 1366])
def test_district_officer_reads_the_communes_schedules(
    tree, live_site, page, artifacts_dir, district_schedules, width
):
    page.set_viewport_size({"width": width, "height": 900})
    district = tree.district_a
    admin_log_in(
        page,
        live_site.url(district, "/admin/login/"),
        district_schedules.username,
        PASSWORD,
    )
    page.goto(live_site.url(district, "/admin/truyen-thanh/"))
    page.get_by_role("link", name="Lịch phát của đơn vị cấp dưới").first.click()
    page.wait_for_url("**/admin/truyen-thanh/lich-cap-duoi/")
    table = page.locator("table.subtree-schedules")
    assert "Bản tin nông nghiệp An Bình" in table.inner_text()
    assert "Thông báo thu thuế An Hòa" in table.inner_text()
    page.screenshot(
        path=artifacts_dir / f"subtree-schedules-{width}.png", full_page=True
    )
    assert axe_serious_violations(page) == []
    page.select_option("#id_don_vi", tree.commune_a2.code)
    page.get_by_role("button", name="Xem lịch").click()
    page.wait_for_url("**/lich-cap-duoi/?don-vi=*")
    assert "Bản tin nông nghiệp An Bình" not in table.inner_text()
    rows = page.locator("tr.schedule-row")
    assert rows.count() in (7, 8)
    assert "Cụm loa trung tâm Xã An Hòa" in rows.first.inner_text()
    assert "7 ngày tới của Xã An Hòa" in page.locator(".schedule-count").inner_text()
