"""The "Đánh giá – Báo cáo" dashboard as a province officer sees it in
Debian's Chromium: indicators with targets, SVG charts, the units that pull
an indicator down (clicking one opens that unit's figures). Screenshot saved
for a person to check."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from bulletins.models import OfficerProfile
from reports import demo
from reports.models import CommunicationCentre, LegacyStation, Plan
from tenants.models import Hamlet
from tests.factories import reports as f
from tests.utils import admin_log_in

pytestmark = pytest.mark.browser

PASSWORD = "mat-khau-dai-123"
YEAR = 2025


@pytest.fixture
def province_data(tree, committed):
    officer = get_user_model().objects.create_user(
        "canbo-tinh-baocao", password=PASSWORD, first_name="Hoa"
    )
    officer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    OfficerProfile.objects.create(user=officer, unit=tree.province, role="approver")
    plan = demo.ensure_plan(tree.province)
    inside = f.at("2025-06-01")
    boards = []
    for unit in (tree.commune_a1, tree.commune_a2):
        boards.append(f.make_board(unit, paired=inside))
    hamlets = [f.make_hamlet(tree.commune_a1, n) for n in ("Ấp 1", "Ấp 2")]
    hamlets.append(f.make_hamlet(tree.commune_b1, "Khóm 1", kind="khom"))
    clusters = [f.make_cluster(tree.commune_a1, h, created=inside) for h in hamlets[:2]]
    for unit, year in ((tree.commune_a1, 2023), (tree.commune_b1, None)):
        LegacyStation.objects.create(
            unit=unit,
            name="Đài FM",
            kind="fm",
            year_installed=2012,
            converted_year=year,
        )
    CommunicationCentre.objects.create(unit=tree.district_a, name="Trung tâm An Phú")
    yield officer
    for row in (*clusters, *boards):
        row.delete()
    Hamlet.objects.filter(pk__in=[h.pk for h in hamlets]).delete()
    LegacyStation.objects.filter(unit__path__startswith="90/").delete()
    CommunicationCentre.objects.filter(unit=tree.district_a).delete()
    Plan.objects.filter(pk=plan.pk).delete()
    officer.delete()


def test_province_officer_reads_the_dashboard_with_charts_and_drills_down(
    tree, live_site, page, artifacts_dir, province_data
):
    page.set_viewport_size({"width": 1280, "height": 1000})
    platform = settings.BASE_DOMAIN
    admin_log_in(
        page, live_site.url(platform, "/admin/login/"), province_data.username, PASSWORD
    )
    page.goto(live_site.url(platform, "/admin/"))
    page.get_by_role("link", name="Đánh giá – Báo cáo").click()
    page.select_option("select[name=nam]", str(YEAR))
    page.get_by_role("button", name="Xem theo năm").click()
    expect(page.locator("p", has_text="Kỳ số liệu")).to_contain_text(
        "15/12/2024 – 14/12/2025"
    )
    boards = page.locator("tr[data-indicator=boards_communes]")
    expect(boards).to_contain_text("66,7 %")
    expect(boards).to_contain_text("70 %")
    expect(boards).to_contain_text("31/12/2025")
    charts = page.locator("svg.rp-chart")
    assert charts.count() >= 6
    expect(
        page.locator("svg.rp-chart[aria-label='Tỷ lệ đài đã chuyển đổi (luỹ kế)']")
    ).to_be_visible()
    bar_box = charts.nth(1).bounding_box()
    assert bar_box["width"] > 300 and bar_box["height"] > 40
    page.screenshot(path=str(artifacts_dir / "reports-dashboard.png"), full_page=True)
    page.locator("tr[data-indicator=stations_converted]").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts_dir / "reports-dashboard-radio.png"))

    # The district without a communication centre pulls that indicator down.
    laggards = page.locator("tr[data-indicator=communication_centres] + tr details")
    laggards.locator("summary").click()
    laggards.get_by_role("link", name="Huyện Bình Minh").click()
    page.wait_for_url("**don-vi=902**")
    expect(page.locator("nav[aria-label='Đơn vị cấp trên']")).to_contain_text(
        "Huyện Bình Minh"
    )
    expect(page.locator("tr[data-indicator=boards_communes]")).to_contain_text("0 %")
    # The period followed the link (2025), not the current year.
    expect(page.locator("p", has_text="Kỳ số liệu")).to_contain_text(
        "15/12/2024 – 14/12/2025"
    )
    expect(page.locator("select[name=nam]")).to_have_value("2025")
    page.screenshot(path=str(artifacts_dir / "reports-dashboard-district.png"))


def test_registry_upload_shows_its_progress_then_the_row_by_row_report(
    tree, live_site, page, tmp_path, province_data
):
    from openpyxl import Workbook

    from reports import importers

    book = Workbook()
    sheet = book.active
    sheet.title = importers.HAMLETS
    sheet.append(importers.COLUMNS[importers.HAMLETS])
    sheet.append(["99999", "Ấp Lạ", "Ấp", 1, 1])  # a unit outside the tree
    path = tmp_path / "danh-muc.xlsx"
    book.save(path)
    platform = settings.BASE_DOMAIN
    admin_log_in(
        page, live_site.url(platform, "/admin/login/"), province_data.username, PASSWORD
    )
    page.goto(live_site.url(platform, "/admin/danh-gia-bao-cao/danh-muc/"))
    progress = page.locator(".rp-progress")
    expect(progress).to_be_hidden()
    # Hold the upload's answer: what the officer sees while the server works.
    held = []
    page.route(
        "**/admin/danh-gia-bao-cao/danh-muc/",
        lambda route: (
            held.append(route) if route.request.method == "POST" else route.continue_()
        ),
    )
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Nhập danh mục").click()
    expect(progress).to_be_visible()
    expect(progress.get_by_role("status")).to_contain_text("Đang tải tệp lên")
    expect(page.get_by_role("button", name="Nhập danh mục")).to_be_disabled()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the upload was not sent"
    held[0].continue_()
    # The server's answer replaces the page: the row-by-row report.
    expect(page.get_by_text("chưa nhập dòng nào")).to_be_visible()
    expect(page.get_by_text("Trang “Ấp, khóm, tổ dân phố”, dòng 2")).to_be_visible()
