"""Daily flows of issue #13 in Chromium at 375 and 1366 px, each page checked
with axe-core for serious or critical violations and saved in test-artifacts/:

- a commune editor opens a bulletin sent on three channels from the inbox
  (ux B1: it was a 500);
- a citizen's feedback comes back with a mistake and the photo is kept,
  said so next to the field, and sent with the corrected form (ux B8);
- a legal document is found by its number typed without diacritics, in the
  Văn bản filter and in the site search (ux B9).
"""

import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import tenant_context
from PIL import Image

from tests.utils import admin_log_in, axe_serious_violations

pytestmark = [pytest.mark.browser]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1366"])
PASSWORD = "mat-khau-dai-123"


@pytest.fixture
def three_channel_bulletin(tree, committed):
    from bulletins.models import Bulletin, Delivery
    from tests.factories.bulletins import make_officer, make_sent_bulletin

    officer = make_officer(tree.district_a)
    item = make_sent_bulletin(
        officer,
        units=[tree.commune_a1],
        channels=("web", "board", "speaker"),
        priority="priority",
        title="Lịch cắt điện ngày 12/12 trên toàn xã",
        body="Điện lực cắt điện từ 7 giờ đến 16 giờ để bảo trì.\nBà con chủ động.",
    )
    assert Delivery.objects.filter(bulletin=item, unit=tree.commune_a1).count() == 3
    with tenant_context(tree.commune_a1):
        editor = get_user_model().objects.create_user(
            "bientap-ba-kenh", password=PASSWORD, first_name="Lan"
        )
        editor.groups.add(Group.objects.get(name=settings.UNIT_EDITOR_GROUP))
    yield item, editor
    Bulletin.objects.filter(pk=item.pk).delete()
    officer.delete()
    with tenant_context(tree.commune_a1):
        editor.delete()


@VIEWPORTS
def test_commune_opens_a_bulletin_sent_on_three_channels(
    tree, live_site, page, artifacts_dir, three_channel_bulletin, viewport
):
    item, editor = three_channel_bulletin
    page.set_viewport_size(viewport)
    commune = tree.commune_a1
    admin_log_in(
        page, live_site.url(commune, "/admin/login/"), editor.username, PASSWORD
    )
    page.goto(live_site.url(commune, "/admin/thong-tin-nguon/hop-thu/"))
    row = page.locator("table.bl-table tbody tr", has_text=item.title)
    assert row.count() == 1  # one row, not one per channel
    assert "Ưu tiên" in row.inner_text()
    width = viewport["width"]
    page.screenshot(path=artifacts_dir / f"flows-inbox-three-channels-{width}.png")
    assert axe_serious_violations(page) == []
    row.get_by_role("link", name=item.title).click()
    page.wait_for_url(f"**/admin/thong-tin-nguon/hop-thu/{item.pk}/")
    main = page.locator("main")
    assert "Bà con chủ động." in main.inner_text()
    for action in ("Đăng thành trang (gửi duyệt)", "Từ chối"):
        assert page.get_by_role("button", name=action).count() >= 1, action
    page.screenshot(
        path=artifacts_dir / f"flows-inbox-three-channels-open-{width}.png",
        full_page=True,
    )
    assert axe_serious_violations(page) == []


def jpeg_file(tmp_path, name="cong-nghet.jpg"):
    image = Image.new("RGB", (320, 240), (40, 120, 200))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


@VIEWPORTS
def test_feedback_error_keeps_the_photo_and_says_so(
    tree, committed, live_site, page, artifacts_dir, tmp_path, viewport
):
    from django.core.cache import cache

    from engage.models import Feedback

    # Each run sends the form twice; the suite's earlier form tests from the
    # same address would otherwise leave the per-minute rate (5/m) spent.
    cache.clear()

    title = f"Cống thoát nước bị nghẹt ({viewport['width']} px)"
    page.set_viewport_size(viewport)
    try:
        page.goto(live_site.url(tree.commune_a1, "/phan-anh-kien-nghi/gui/"))
        page.fill("#id_title", title)
        page.fill("#id_email", "khong-hop-le")  # the mistake; the body is empty too
        page.set_input_files("#id_photos", str(jpeg_file(tmp_path)))
        page.click("main form.citizen-form button[type=submit]")
        page.wait_for_selector("[data-error-summary]")
        # What was typed is kept, and the photo: shown as kept, ticked.
        assert page.input_value("#id_title") == title
        assert page.input_value("#id_email") == "khong-hop-le"
        kept = page.locator(".kept-photos")
        assert kept.is_visible()
        assert "không cần chọn lại" in kept.inner_text()
        assert "cong-nghet.jpg" in kept.inner_text()
        assert kept.locator("input[type=checkbox]").is_checked()
        assert page.evaluate(
            "() => document.activeElement.hasAttribute('data-error-summary')"
        )
        width = viewport["width"]
        page.screenshot(
            path=artifacts_dir / f"flows-feedback-photo-kept-{width}.png",
            full_page=True,
        )
        assert axe_serious_violations(page) == []
        # Fix the text only: the feedback arrives with its photo.
        page.fill("#id_body", "Nước tràn ra đường mỗi khi mưa lớn.")
        page.fill("#id_email", "dan@example.vn")
        page.click("main form.citizen-form button[type=submit]")
        page.wait_for_selector("h1:has-text('Đã gửi thành công')")
        assert page.locator(".tracking-code").inner_text()
        feedback = Feedback.objects.get(unit=tree.commune_a1, title=title)
        assert feedback.photos.count() == 1
    finally:
        Feedback.objects.filter(unit=tree.commune_a1, title=title).delete()


@pytest.fixture
def legal_document(tree, committed):
    from search.tasks import index_page
    from tests.factories.cms import make_document

    with tenant_context(tree.commune_a1):
        document = make_document(
            "15/QĐ-UBND",
            title="Quyết định ban hành quy chế tiếp công dân",
            summary="Về việc ban hành quy chế tiếp công dân của Ủy ban nhân dân xã.",
        )
        index_page(document.pk)
    yield document
    from search.models import SearchDocument

    with tenant_context(tree.commune_a1):
        document.delete()
    SearchDocument.objects.filter(
        schema=tree.commune_a1.schema_name, object_id=str(document.pk)
    ).delete()


@VIEWPORTS
def test_legal_number_without_diacritics_in_the_filter_and_the_site_search(
    tree, live_site, page, artifacts_dir, legal_document, viewport
):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    page.goto(live_site.url(tree.commune_a1, "/van-ban/"))
    page.fill("#id_so_hieu", "15/QD-UBND")
    page.get_by_role("button", name="Lọc văn bản").click()
    page.wait_for_url("**/van-ban/?*so_hieu=15%2FQD-UBND*")
    rows = page.locator("tr.doc-row")
    assert rows.count() == 1
    assert rows.first.locator("a").inner_text() == "15/QĐ-UBND"
    assert "Tìm thấy 1 văn bản" in page.locator("[role=status]").inner_text()
    page.screenshot(
        path=artifacts_dir / f"flows-legal-filter-{width}.png", full_page=True
    )
    assert axe_serious_violations(page) == []

    # The site search, from the header's box.
    if width < 768:
        page.get_by_role("button", name="Tìm kiếm").click()
    page.fill("#site-search-q", "15/QD-UBND")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=15%2FQD-UBND")
    results = page.locator(".result")
    assert results.count() >= 1
    first = results.first
    assert "Quyết định ban hành quy chế tiếp công dân" in first.inner_text()
    first.locator("h2 a").click()
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text().startswith("Quyết định ban hành")
    assert "15/QĐ-UBND" in page.locator("main").inner_text()
    page.go_back()
    page.screenshot(
        path=artifacts_dir / f"flows-legal-site-search-{width}.png", full_page=True
    )
    assert axe_serious_violations(page) == []
