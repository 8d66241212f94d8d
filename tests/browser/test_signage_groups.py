"""A district's approver commands a whole board group from the admin in
Debian's Chromium and sees each board's result, screenshot included, as the
boards answer (the page reloads itself while one is still to answer)."""

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from PIL import Image

from signage import services
from signage.models import Board, BoardGroup
from tests.utils import admin_log_in, axe_serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"


@pytest.fixture
def district_group(tree, committed):
    from django.contrib.auth import get_user_model

    district = tree.district_a
    with tenant_context(district):
        approver = get_user_model().objects.create_user(
            "duyet-nhom-bang", password=PASSWORD, first_name="Lan"
        )
        approver.groups.add(Group.objects.get(name=settings.UNIT_APPROVER_GROUP))
    led = Board.objects.create(
        unit=tree.commune_a1, name="LED cổng chợ", kind="led", width=192, height=96
    )
    lcd = Board.objects.create(unit=tree.commune_a2, name="LCD nhà văn hóa")
    group = BoardGroup.objects.create(unit=district, name="Bảng ven quốc lộ 1A")
    group.boards.set([led, lcd])
    yield district, approver, group, led, lcd
    BoardGroup.objects.filter(pk=group.pk).delete()
    Board.objects.filter(pk__in=[led.pk, lcd.pk]).delete()
    with tenant_context(district):
        approver.delete()


def test_approver_commands_a_group_and_sees_each_boards_result(
    live_site, page, artifacts_dir, district_group
):
    district, approver, group, led, lcd = district_group
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_log_in(
        page, live_site.url(district, "/admin/login/"), approver.username, PASSWORD
    )
    page.goto(live_site.url(district, "/admin/signage/groups/"))
    row = page.locator("tr", has_text="Bảng ven quốc lộ 1A")
    row.get_by_role("link", name="Gửi lệnh cho cả nhóm").click()
    page.wait_for_selector("#group-boards")
    assert page.locator("#group-boards tbody tr").count() == 2

    page.get_by_role("button", name="Tắt màn hình").click()
    page.wait_for_selector("text=Đã gửi lệnh “Tắt màn hình” tới 2 bảng")
    for board in (led, lcd):
        line = page.locator(f"#group-boards tr[data-board='{board.pk}']")
        assert "Đã thực hiện" in line.inner_text()
        assert "Tắt · 100 %" in line.inner_text()
        assert Board.objects.get(pk=board.pk).power == "off"

    page.get_by_role("button", name="Chụp màn hình").click()
    page.wait_for_selector("text=Đã gửi lệnh “Chụp màn hình” tới 2 bảng")
    assert page.locator("#group-boards", has_text="Đang chờ").count() == 1
    # The LED board answers; the page picks it up by itself.
    picture = io.BytesIO()
    Image.new("RGB", (192, 96), (255, 255, 0)).save(picture, "PNG")
    services.store_screenshot(Board.objects.get(pk=led.pk), picture.getvalue())
    line = page.locator(f"#group-boards tr[data-board='{led.pk}']")
    line.locator("text=192×96").wait_for(timeout=15000)
    shot = line.locator("img")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 192", arg=shot.element_handle()
    )
    waiting = page.locator(f"#group-boards tr[data-board='{lcd.pk}']").inner_text()
    assert "Đang chờ" in waiting and "mất kết nối" in waiting
    page.screenshot(path=artifacts_dir / "signage-group-control.png", full_page=True)
    assert axe_serious_violations(page) == []
