"""A commune editor changes the time of a recurring broadcast schedule and
then stops it, in the unit's admin in Debian's Chromium; the edit view is
saved as a screenshot for a person to check."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from broadcast.models import Program, Schedule
from tests.utils import admin_log_in

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"


@pytest.fixture
def editor_and_schedule(tree, committed):
    from django.contrib.auth import get_user_model

    unit = tree.commune_a1
    with tenant_context(unit):
        editor = get_user_model().objects.create_user(
            "bientap-loa", password=PASSWORD, first_name="Hoa"
        )
        editor.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
    program = Program.objects.create(unit=unit, title="Bản tin thời sự buổi chiều")
    schedule = Schedule.objects.create(
        unit=unit, program=program, kind="recurring", times=["17:00"]
    )
    schedule.target_units.add(unit)
    yield editor, schedule
    Program.objects.filter(pk=program.pk).delete()
    with tenant_context(unit):
        editor.delete()


def test_editor_changes_then_stops_a_schedule(
    tree, live_site, page, artifacts_dir, editor_and_schedule
):
    editor, schedule = editor_and_schedule
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_log_in(
        page, live_site.url(tree.commune_a1, "/admin/login/"), editor.username, PASSWORD
    )

    page.goto(live_site.url(tree.commune_a1, "/admin/truyen-thanh/"))
    # The menu's and header's microphone icon is in the admin's icon sprite.
    page.wait_for_function("() => document.getElementById('icon-microphone') !== null")
    row = page.locator("#lich-phat + table tr", has_text="Bản tin thời sự")
    assert "17:00" in row.inner_text()
    row.get_by_role("link", name="Sửa / dừng").click()
    page.wait_for_url(f"**/admin/truyen-thanh/lich-phat/{schedule.pk}/")
    times = page.locator("input[name=times]")
    assert times.input_value() == "17:00"
    times.fill("17:00, 25:00")
    page.get_by_role("button", name="Lưu thay đổi").click()
    # Refused in Vietnamese, what was typed kept.
    expect(page.get_by_text("không phải giờ hợp lệ").first).to_be_visible()
    assert page.locator("input[name=times]").input_value() == "17:00, 25:00"
    page.locator("input[name=times]").fill("06:30, 17:30")
    page.screenshot(
        path=str(artifacts_dir / "broadcast-admin-schedule-edit-desktop.png"),
        full_page=True,
    )
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.wait_for_url("**/admin/truyen-thanh/")
    expect(page.get_by_text("Đã lưu lịch phát").first).to_be_visible()
    row = page.locator("#lich-phat + table tr", has_text="Bản tin thời sự")
    assert "06:30, 17:30" in row.inner_text()

    row.get_by_role("link", name="Sửa / dừng").click()
    page.get_by_role("button", name="Dừng lịch phát này").click()
    page.wait_for_url("**/admin/truyen-thanh/")
    expect(page.get_by_text("Đã dừng lịch phát").first).to_be_visible()
    expect(page.get_by_text("Chưa có lịch phát nào.")).to_be_visible()
    schedule.refresh_from_db()
    assert not schedule.is_active and schedule.times == ["06:30", "17:30"]
