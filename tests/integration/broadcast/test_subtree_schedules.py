"""A district's or the province's officers see the upcoming loudspeaker
schedules of the units below them, filterable by unit; another district's
officer sees none of them; a commune has nothing below; the view needs the
schedule permission."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tenants.utils import tenant_context

from broadcast.models import Program, Schedule
from tests.factories.broadcast import make_cluster
from tests.utils import admin_client

pytestmark = pytest.mark.django_db

URL = "/admin/truyen-thanh/lich-cap-duoi/"


def officer(unit, group=settings.UNIT_APPROVER_GROUP, name="canbo"):
    with tenant_context(unit):
        user = get_user_model().objects.create_user(
            f"{name}-{unit.code}", password="mat-khau-dai-123"
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
    return admin_client(unit, user)


@pytest.fixture
def schedules(tree):
    a1, _ = make_cluster(tree.commune_a1, "Cụm loa chợ An Bình", hamlet="Ấp 3")
    make_cluster(
        tree.commune_a1,
        "Cụm loa bến đò",
        on_time=dt.time(5),
        off_time=dt.time(21),
    )
    make_cluster(tree.commune_a2, "Cụm loa trường An Hòa")
    make_cluster(tree.commune_b1, "Cụm loa Bình Lợi")
    daily = Schedule.objects.create(
        unit=tree.commune_a1,
        program=Program.objects.create(
            unit=tree.commune_a1, title="Bản tin sáng An Bình"
        ),
        kind="recurring",
        times=["06:00", "22:00"],
    )
    daily.target_units.set([tree.commune_a1])
    once = Schedule.objects.create(
        unit=tree.commune_a2,
        program=Program.objects.create(
            unit=tree.commune_a2, title="Thông báo tiêm chủng An Hòa"
        ),
        kind="once",
        start_at=timezone.now() + dt.timedelta(days=1),
        priority="priority",
    )
    once.target_units.set([tree.commune_a2])
    other = Schedule.objects.create(
        unit=tree.commune_b1,
        program=Program.objects.create(
            unit=tree.commune_b1, title="Lịch riêng Bình Lợi"
        ),
        kind="recurring",
        times=["07:00"],
    )
    other.target_units.set([tree.commune_b1])
    Schedule.objects.create(  # stopped: not upcoming
        unit=tree.commune_a1,
        program=Program.objects.create(unit=tree.commune_a1, title="Lịch đã dừng"),
        kind="recurring",
        times=["08:00"],
        is_active=False,
    )
    return daily, once, other


def test_district_officer_sees_the_communes_upcoming_schedules(tree, schedules):
    from bs4 import BeautifulSoup

    response = officer(tree.district_a).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bản tin sáng An Bình" in html
    assert "Thông báo tiêm chủng An Hòa" in html
    assert "Lịch riêng Bình Lợi" not in html  # another district
    assert "Lịch đã dừng" not in html
    soup = BeautifulSoup(html, "html.parser")
    rows = soup.select("tr.schedule-row")
    # Twice a day for 7 days (7 or 8 of each, by the hour) + the one-off.
    assert 15 <= len(rows) <= 17
    times = [r.select_one("td strong").get_text() for r in rows]
    assert set(times) >= {"06:00", "22:00"}
    # The reach at that time: at 22:00 the 05:00–21:00 cluster is off.
    late = next(r for r in rows if r.select_one("td strong").get_text() == "22:00")
    assert "1 cụm: Cụm loa chợ An Bình (Ấp 3)" in late.get_text()
    assert "ngoài giờ hoạt động: Cụm loa bến đò" in late.get_text()
    early = next(r for r in rows if r.select_one("td strong").get_text() == "06:00")
    assert "2 cụm" in early.get_text()
    once = next(r for r in rows if "An Hòa" in r.get_text())
    assert "Ưu tiên" in once.get_text() and "Cụm loa trường An Hòa" in once.get_text()


def test_filter_by_unit_and_a_unit_outside_the_subtree_is_a_404(tree, schedules):
    client = officer(tree.district_a)
    html = client.get(URL, {"don-vi": tree.commune_a2.code}).content.decode()
    assert "Thông báo tiêm chủng An Hòa" in html
    assert "Bản tin sáng An Bình" not in html
    assert "1 lượt phát trong 7 ngày tới" in html
    one_day = client.get(URL, {"don-vi": tree.commune_a1.code, "so-ngay": "1"})
    assert "Bản tin sáng An Bình" in one_day.content.decode()
    assert client.get(URL, {"don-vi": tree.commune_b1.code}).status_code == 404
    assert client.get(URL, {"don-vi": tree.province.code}).status_code == 404


def test_another_district_and_the_province_see_their_own_subtree(tree, schedules):
    html = officer(tree.district_b).get(URL).content.decode()
    assert "Lịch riêng Bình Lợi" in html
    assert "Bản tin sáng An Bình" not in html
    assert "Thông báo tiêm chủng An Hòa" not in html
    province = officer(tree.province).get(URL).content.decode()
    for title in ("Lịch riêng Bình Lợi", "Bản tin sáng An Bình"):
        assert title in province
    # Narrowed to a district: its communes.
    narrowed = officer(tree.province, name="canbo2").get(
        URL, {"don-vi": tree.district_a.code}
    )
    assert "Bản tin sáng An Bình" in narrowed.content.decode()
    assert "Lịch riêng Bình Lợi" not in narrowed.content.decode()


def test_commune_has_nothing_below_and_the_permission_is_checked(tree, schedules):
    commune = officer(tree.commune_a1).get(URL).content.decode()
    assert "không có đơn vị cấp dưới" in commune
    assert "Bản tin sáng An Bình" not in commune
    no_rights = officer(tree.district_a, group=None, name="khach").get(URL)
    assert no_rights.status_code in (302, 403)
    assert "Bản tin sáng An Bình" not in no_rights.content.decode()


def test_the_menu_links_it_only_where_there_are_units_below(tree):
    district = officer(tree.district_a).get("/admin/").content.decode()
    assert URL in district
    commune = officer(tree.commune_a1).get("/admin/").content.decode()
    assert URL not in commune
