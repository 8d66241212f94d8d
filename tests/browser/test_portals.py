"""Portals in Chromium at 375 and 1366 px: the province home page with its
identity, NĐ 42/2022 footer and directory of units; the phone header that
leaves room for content; the emergency banner while a bulletin is live; no
serious or critical axe violations."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.utils import axe_serious_violations

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1366"])
def test_province_home_shows_identity_footer_and_units_below(
    tree, committed, live_site, page, artifacts_dir, viewport
):
    page.set_viewport_size(viewport)
    page.goto(live_site.url(tree.province))
    assert page.title() == "Cổng thông tin điện tử Tỉnh Thử Nghiệm"
    label = page.locator(".site-label")
    assert label.inner_text().strip().upper() == "CỔNG THÔNG TIN ĐIỆN TỬ"
    assert page.locator(".site-brand .emblem").is_visible()
    footer = page.locator("footer")
    for text in (
        "Cơ quan chủ quản",
        "Ủy ban nhân dân Tỉnh Thử Nghiệm",
        "Người chịu trách nhiệm chính",
        "Địa chỉ",
        "Điện thoại",
        "Thư điện tử",
        "Giấy phép",
    ):
        assert footer.get_by_text(text, exact=False).count(), text
    directory = page.locator(".unit-directory")
    directory.scroll_into_view_if_needed()
    link = directory.get_by_role("link", name="Huyện An Phú")
    assert link.count() == 1
    assert directory.get_by_role("link", name="Xã An Bình").count() == 1
    # Footer links are 44 px targets.
    for box in [a.bounding_box() for a in footer.locator(".footer-links a").all()]:
        assert box["height"] >= 44
    name = f"portal-province-home-{viewport['width']}.png"
    page.screenshot(path=artifacts_dir / name, full_page=True)
    assert axe_serious_violations(page) == []
    link.click()
    page.wait_for_load_state()
    assert page.title() == "Cổng thông tin điện tử Huyện An Phú"


def test_phone_header_leaves_the_first_screen_to_content(
    tree, committed, live_site, page, artifacts_dir
):
    page.set_viewport_size(PHONE)
    page.goto(live_site.url(tree.commune_a1))
    header = page.locator(".site-header").bounding_box()
    nav = page.locator("#main-nav")
    assert not nav.is_visible()  # behind "Danh mục"
    # Header and (closed) menu take at most 20 % of the 812 px screen, and
    # the page's heading and first entry point are on the first screen.
    assert header["y"] + header["height"] <= 0.2 * 812
    h1 = page.locator("main h1").bounding_box()
    assert h1["y"] + h1["height"] < 812
    first_entry = page.locator(".entry-points a").first.bounding_box()
    assert first_entry["y"] + first_entry["height"] < 812
    page.screenshot(path=artifacts_dir / "portal-phone-first-screen-375.png")

    # "Danh mục" opens the menu in place; "Tìm kiếm" opens a visible search.
    toggle = page.get_by_role("button", name="Danh mục")
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.get_by_role("button", name="Tìm kiếm").click()
    field = page.locator("#site-search-q")
    assert field.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "site-search-q"
    submit = page.locator(".search-submit")
    colours = page.evaluate(
        """() => {
          const b = getComputedStyle(document.querySelector('.search-submit'));
          const h = getComputedStyle(document.querySelector('.site-header'));
          return [b.backgroundColor, h.backgroundColor];
        }"""
    )
    assert colours[0] != colours[1]  # the button is not header-on-header
    assert submit.is_visible()
    page.screenshot(path=artifacts_dir / "portal-phone-menu-open-375.png")
    assert axe_serious_violations(page) == []
    # The focus ring on the red header: white, ≥ 3:1 against the brand red.
    page.keyboard.press("Shift+Tab")
    ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    assert ring == "rgb(255, 255, 255)"
    field.fill("thong tin")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=thong+tin")


def test_phone_menu_opens_without_script(tree, committed, live_site, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        tab = context.new_page()
        tab.goto(live_site.url(tree.commune_a1))
        assert not tab.locator("#main-nav").is_visible()
        tab.locator("a.tool-toggle[href='#main-nav']").click()
        assert tab.locator("#main-nav").is_visible()
        assert tab.locator("#main-nav").get_by_role("link", name="Tin tức").count()
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1366"])
def test_emergency_banner_shows_while_a_bulletin_is_live_and_goes_after(
    tree, committed, live_site, page, artifacts_dir, viewport
):
    from bulletins import emergency as sos
    from bulletins.models import Bulletin, Delivery

    now = timezone.now()
    bulletin = Bulletin.objects.create(
        title="Triều cường vượt báo động 3: không qua cầu Cái Côn",
        body="Người dân vùng trũng di chuyển đến điểm tránh trú.",
        priority="emergency",
        channels=["web"],
        sender_unit=tree.district_a,
        status="sent",
        valid_from=now - timedelta(minutes=1),
        valid_until=now + timedelta(hours=1),
    )
    try:
        Delivery.objects.create(bulletin=bulletin, unit=tree.commune_a1, channel="web")
        sos.forget([tree.commune_a1])
        page.set_viewport_size(viewport)
        page.goto(live_site.url(tree.commune_a1, "/"))
        banner = page.locator(".emergency-banner")
        assert banner.is_visible()
        assert "Triều cường vượt báo động 3" in banner.inner_text()
        box = banner.bounding_box()
        assert box["y"] < viewport["height"] / 2  # on the first screen
        page.screenshot(
            path=artifacts_dir / f"portal-emergency-banner-{viewport['width']}.png"
        )
        assert axe_serious_violations(page) == []
        # On every page, not only the home.
        page.goto(live_site.url(tree.commune_a1, "/tin-tuc/"))
        assert page.locator(".emergency-banner").is_visible()
        # Withdrawn: the banner goes, cached pages included.
        Bulletin.objects.filter(pk=bulletin.pk).update(status="withdrawn")
        sos.status_changed(Bulletin, bulletin=bulletin)
        page.goto(live_site.url(tree.commune_a1, "/"))
        assert page.locator(".emergency-banner").count() == 0
        page.goto(live_site.url(tree.commune_a1, "/tin-tuc/"))
        assert page.locator(".emergency-banner").count() == 0
    finally:
        bulletin.delete()
        sos.forget([tree.commune_a1, tree.district_a])


def test_phone_search_on_a_portal_shows_results_first_with_folded_facets(
    tree, committed, live_site, page, artifacts_dir
):
    import datetime as dt

    from search import services
    from search.models import SearchDocument

    for unit, object_id in ((tree.commune_a1, 931), (tree.commune_b1, 932)):
        services.index_document(
            unit=unit,
            kind="announcement",
            object_id=object_id,
            title=f"Lịch tiêm chủng mở rộng {unit.name}",
            body="Trạm y tế tiêm chủng cho trẻ dưới 5 tuổi.",
            url=f"/thong-bao/tiem-chung-{object_id}/",
            category="Y tế",
            published_at=dt.date(2025, 6, 1),
        )
    try:
        page.set_viewport_size(PHONE)
        page.goto(live_site.url(tree.province, "/tim-kiem/?q=tiem+chung"))
        # The province searches its whole subtree by default.
        assert page.locator("input[name=scope][value=province]").is_checked()
        assert page.locator(".result").count() == 2
        first = page.locator(".result").first.bounding_box()
        facets = page.locator(".facets").bounding_box()
        assert first["y"] < facets["y"]
        assert first["y"] + first["height"] < 812  # on the first screen
        toggle = page.locator("[data-facets]")
        assert toggle.get_attribute("open") is None  # folded on a phone
        assert not page.locator(".facet").first.is_visible()
        page.screenshot(path=artifacts_dir / "portal-search-phone-375.png")
        page.locator("[data-facets] > summary").click()
        assert page.locator(".facet").first.is_visible()
        assert "Root" not in page.locator(".facets").inner_text()
        assert axe_serious_violations(page) == []
    finally:
        SearchDocument.objects.filter(object_id__in=["931", "932"]).delete()
