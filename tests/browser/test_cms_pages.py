"""A citizen reads a commune site on a phone (375 px) and a desktop (1280 px):
home, article, legal document and announcement, each checked with axe-core
for serious or critical accessibility violations; screenshots are saved."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from wagtail.rich_text import RichText

from tests.utils import axe_serious_violations

pytestmark = pytest.mark.browser

VIEWPORTS = {"mobile": (375, 812), "desktop": (1280, 900)}


@pytest.fixture
def content(tree, committed):
    """Committed pages in commune 90101 (vi + a km translation), removed after."""
    from cms.models import AnnouncementPage, ArticlePage, LegalDocumentPage
    from cms.services import section, translate_page

    created = []

    def add(parent_slug, page):
        parent = section(parent_slug)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        created.append(page)
        return page

    today = timezone.localdate()
    with tenant_context(tree.commune_a1):
        article = add(
            "tin-tuc",
            ArticlePage(
                title="Xã An Bình ra quân làm đường giao thông nông thôn",
                slug="trinh-duyet-lam-duong",
                summary="Hơn 300 người dân cùng tham gia bê tông hóa tuyến đường ấp 3.",
                body=[
                    (
                        "paragraph",
                        RichText(
                            "<p>Sáng nay, Ủy ban nhân dân xã phối hợp các đoàn thể "
                            "tổ chức ra quân.</p><h2>Kết quả</h2><p>Đã hoàn thành "
                            "1,2 km đường.</p>"
                        ),
                    )
                ],
                date=today,
            ),
        )
        notice = add(
            "thong-bao",
            AnnouncementPage(
                title="Thông báo lịch tiêm chủng mở rộng tháng này",
                slug="trinh-duyet-tiem-chung",
                summary="Trạm y tế xã tiêm chủng cho trẻ dưới 5 tuổi.",
                priority="priority",
                valid_from=today,
                valid_until=today + datetime.timedelta(days=10),
            ),
        )
        document = add(
            "van-ban",
            LegalDocumentPage(
                title="Quyết định ban hành quy chế dân chủ ở cơ sở",
                slug="trinh-duyet-quyet-dinh",
                number="45/QĐ-UBND",
                doc_type="quyet-dinh",
                issuer="UBND xã An Bình",
                signer="Nguyễn Văn Chủ",
                issued_on=today,
                summary="Quy chế thực hiện dân chủ ở cơ sở trên địa bàn xã.",
            ),
        )
        km = translate_page(article, "km")
        km.title = "ឃុំអានប៊ិញ ចេញកម្លាំងសាងសង់ផ្លូវជនបទ"
        km.summary = "ប្រជាជនជាង ៣០០ នាក់ បានចូលរួម។"
        km.save_revision().publish()
        km.refresh_from_db()
        urls = {
            "home": "/",
            "article": article.url,
            "document": document.url,
            "announcement": notice.url,
            "article-km": km.url,
        }
    connection.set_schema_to_public()
    yield urls
    with tenant_context(tree.commune_a1):
        from wagtail.models import Page

        for page in created:
            for translation in Page.objects.get(pk=page.pk).get_translations():
                translation.delete()
            Page.objects.filter(pk=page.pk).delete()
        for stray in Page.objects.filter(depth=2).exclude(locale__language_code="vi"):
            stray.delete()
    connection.set_schema_to_public()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_commune_pages_are_readable_and_accessible(
    tree, content, live_site, page, artifacts_dir, viewport
):
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    external = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not r.url.startswith(live_site.url(tree.commune_a1, "")[:-1])
            and not r.url.startswith("data:")
            else None
        ),
    )
    for name, path in content.items():
        response = page.goto(live_site.url(tree.commune_a1, path))
        assert response.status == 200, (name, path)
        if name in ("article", "announcement"):
            # Share links are plain links: nothing loads until tapped (the
            # "external" list below stays empty).
            assert page.locator("p.share a.share-zalo").count() == 1
            assert page.locator("p.share a.share-facebook").count() == 1
        expected_lang = "km" if name.endswith("-km") else "vi"
        assert page.get_attribute("html", "lang") == expected_lang
        assert page.locator("h1").count() == 1
        assert page.locator("main#main").count() == 1
        page.screenshot(
            path=artifacts_dir / f"cms-{name}-{viewport}.png", full_page=True
        )
        violations = axe_serious_violations(page)
        assert violations == [], json.dumps(violations, ensure_ascii=False)
        if viewport == "mobile":
            # Nothing wider than the phone: no sideways scrolling.
            assert page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth + 1"
            ), name
    assert external == [], external


def test_keyboard_user_reaches_the_content_and_switches_language(
    tree, content, live_site, page
):
    page.goto(live_site.url(tree.commune_a1, content["article"]))
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.locator('.lang-switch a[hreflang="km"]').click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "km"
    assert "/km/" in page.url
    fonts = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts]"
        ".filter(f => f.status === 'loaded').map(f => f.family))"
    )
    assert any("Noto Sans Khmer" in f for f in fonts), fonts


@pytest.mark.django_db
def test_print_layout_shows_the_content_without_navigation(tree, live_site, page):
    page.goto(live_site.url(tree.commune_a2, "/"))
    assert page.locator(".main-nav").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert page.locator("h1").is_visible()
