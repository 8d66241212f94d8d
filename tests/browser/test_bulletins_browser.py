"""The source information system as its two users see it, in Debian's
Chromium: a district officer writes and sends a bulletin from the platform's
admin and watches its delivery; a commune editor finds it in the commune's
inbox and turns it into a page; the officer sees the state change.
Screenshots of both screens are saved for a person to check."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django_tenants.utils import tenant_context
from playwright.sync_api import expect

from bulletins.models import Bulletin, OfficerProfile
from tests.utils import admin_log_in

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"
TITLE = "Thông báo lịch tiêm vắc xin sởi đợt 2"


@pytest.fixture
def people(tree, committed):
    officer = get_user_model().objects.create_user(
        "canbo-huyen-trinhduyet", password=PASSWORD, first_name="Minh"
    )
    officer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    OfficerProfile.objects.create(user=officer, unit=tree.district_a, role="approver")
    with tenant_context(tree.commune_a1):
        editor = get_user_model().objects.create_user(
            "bientap-hopthu", password=PASSWORD, first_name="Lan"
        )
        editor.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
    yield officer, editor
    Bulletin.objects.filter(title=TITLE).delete()
    officer.delete()
    with tenant_context(tree.commune_a1):
        from wagtail.models import Page

        for page in Page.objects.filter(title=TITLE):
            page.delete()
        editor.delete()


def row_of(page, unit_name):
    return page.locator("table.bl-table tbody tr", has_text=unit_name)


def test_officer_sends_commune_uses_officer_sees_it(
    tree, live_site, page, artifacts_dir, people
):
    from bulletins.tasks import drain_outbox

    officer, editor = people
    page.set_viewport_size({"width": 1280, "height": 900})
    platform = settings.BASE_DOMAIN
    admin_log_in(
        page, live_site.url(platform, "/admin/login/"), officer.username, PASSWORD
    )

    # Write and send: to every commune of the district, web channel.
    page.goto(live_site.url(platform, "/admin/thong-tin-nguon/moi/"))
    page.fill("input[name=title]", TITLE)
    page.fill(
        "textarea[name=body]",
        "Trạm y tế tiêm vắc xin sởi cho trẻ 1-5 tuổi.\nMang theo sổ tiêm chủng.",
    )
    page.select_option("select[name=category]", "health")
    page.select_option("select[name=priority]", "priority")
    page.check("input[name=target_mode][value=subtree]")
    page.select_option("select[name=target_root]", str(tree.district_a.pk))
    page.get_by_role("button", name="Duyệt và gửi").click()
    page.wait_for_url("**/admin/thong-tin-nguon/*/")
    expect(page.get_by_text("Đã duyệt và gửi thông tin nguồn.")).to_be_visible()

    # The worker's fan-out (run here: the web process queued it).
    drain_outbox()
    page.reload()
    assert "Đã gửi" in row_of(page, "Xã An Bình").inner_text()
    assert "Đã gửi" in row_of(page, "Xã An Hòa").inner_text()
    assert row_of(page, "Xã Bình Lợi").count() == 0  # another district
    detail_url = page.url

    # The commune editor's inbox: priority shown, then used as a page.
    commune = tree.commune_a1
    admin_log_in(
        page, live_site.url(commune, "/admin/login/"), editor.username, PASSWORD
    )
    page.goto(live_site.url(commune, "/admin/thong-tin-nguon/hop-thu/"))
    item = page.locator("table.bl-table tbody tr", has_text=TITLE)
    assert "Ưu tiên" in item.inner_text() and "Huyện An Phú" in item.inner_text()
    page.screenshot(path=str(artifacts_dir / "bulletins-commune-inbox-desktop.png"))
    item.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Mang theo sổ tiêm chủng.")).to_be_visible()
    page.get_by_role("button", name="Đăng thành trang (gửi duyệt)").click()
    page.wait_for_url("**/admin/pages/*/edit/")
    expect(page.get_by_text("Đã tạo trang").first).to_be_visible()

    # Back on the platform: the officer sees who used it.
    page.goto(detail_url)
    used = row_of(page, "Xã An Bình").inner_text()
    assert "Đã sử dụng" in used and "Lan" in used
    assert "Đã gửi" in row_of(page, "Xã An Hòa").inner_text()
    page.screenshot(
        path=str(artifacts_dir / "bulletins-officer-delivery-desktop.png"),
        full_page=True,
    )
