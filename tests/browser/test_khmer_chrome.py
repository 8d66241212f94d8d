"""A Khmer reader switches language from a page and reads the site chrome
in Khmer (menus' labels, header, footer, search box, home sections); the
unit's Vietnamese name keeps lang="vi"; axe finds nothing serious."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from wagtail.rich_text import RichText

from tests.utils import axe_serious_violations

pytestmark = [pytest.mark.browser]


@pytest.fixture
def khmer_home(tree, committed):
    from cms.models import ArticlePage
    from cms.services import section, translate_page

    with tenant_context(tree.commune_a1):
        from wagtail.models import Locale, Page

        km_homes = set(
            Page.objects.filter(depth=2, locale__language_code="km").values_list(
                "pk", flat=True
            )
        )
        article = ArticlePage(
            title="Xã An Bình tổ chức ngày hội đại đoàn kết",
            slug="trinh-duyet-khmer-chrome",
            summary="Bà con ba dân tộc Kinh, Khmer, Hoa cùng tham gia.",
            body=[("paragraph", RichText("<p>Ngày hội diễn ra tại ấp 3.</p>"))],
        )
        section("tin-tuc").add_child(instance=article)
        article.save_revision().publish()
        km = translate_page(article, "km")
        km.title = "ឃុំអានប៊ិញ រៀបចំទិវាមហាសាមគ្គី"
        km.summary = "បងប្អូនជនជាតិគិញ ខ្មែរ និងចិន បានចូលរួម។"
        km.save_revision().publish()
        km.refresh_from_db()
        urls = {"article": article.url, "article-km": km.url}
    connection.set_schema_to_public()
    yield urls
    with tenant_context(tree.commune_a1):
        from wagtail.models import Page

        for translation in Page.objects.get(pk=article.pk).get_translations():
            translation.delete()
        Page.objects.get(pk=article.pk).delete()
        # The Khmer home and sections the translation made: gone too, so
        # later tests see the unit as provisioned.
        km = Locale.objects.get(language_code="km")
        for home in Page.objects.filter(depth=2, locale=km).exclude(pk__in=km_homes):
            home.delete()


@pytest.mark.parametrize("width", [375, 1366])
def test_khmer_reader_switches_language_and_reads_khmer_chrome(
    tree, khmer_home, live_site, page, artifacts_dir, width
):
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(live_site.url(tree.commune_a1, khmer_home["article"]))
    assert page.get_attribute("html", "lang") == "vi"
    if width < 768:
        page.get_by_role("button", name="Danh mục").click()
    switch = page.locator('.lang-switch a[hreflang="km"]')
    assert switch.get_attribute("href") not in (None, "None")
    switch.click()
    page.wait_for_load_state()
    assert "/km/" in page.url
    assert page.get_attribute("html", "lang") == "km"
    assert page.locator("h1").inner_text() == "ឃុំអានប៊ិញ រៀបចំទិវាមហាសាមគ្គី"
    # The chrome is Khmer; the unit's Vietnamese name is tagged lang="vi".
    assert page.locator(".site-label").inner_text().strip() == ("គេហទំព័រព័ត៌មានអេឡិចត្រូនិក")
    assert page.locator(".site-unit").get_attribute("lang") == "vi"
    assert page.locator(".skip-link").inner_text() == "រំលងទៅខ្លឹមសារសំខាន់"
    footer = page.locator("footer").inner_text()
    for khmer in ("ស្ថាប័នគ្រប់គ្រង", "អាសយដ្ឋាន", "ទូរស័ព្ទ", "សំណួរ និងចម្លើយតាមអនឡាញ"):
        assert khmer in footer
    for vietnamese in ("Cơ quan chủ quản", "Hỏi đáp trực tuyến", "Tìm kiếm"):
        assert vietnamese not in page.locator("header, footer").all_inner_texts()[0]
    assert "Cơ quan chủ quản" not in footer
    page.screenshot(path=artifacts_dir / f"khmer-article-{width}.png", full_page=True)
    assert axe_serious_violations(page) == []
    # The Khmer home: the brand leads there, sections in Khmer.
    page.locator(".site-brand").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/km")
    main = page.locator("main").inner_text()
    assert "ព័ត៌មានថ្មីៗ" in main and "ផ្ញើសំណួរ" in main
    assert "Tin mới" not in main
    # The home's title is the unit's Vietnamese name: tagged as such.
    assert page.locator("main h1").get_attribute("lang") == "vi"
    page.screenshot(path=artifacts_dir / f"khmer-home-{width}.png")
    assert axe_serious_violations(page) == []
    # And back to Vietnamese.
    if width < 768:
        page.get_by_role("button", name="ម៉ឺនុយ").click()
    page.locator('.lang-switch a[hreflang="vi"]').click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "vi"
    assert "Tin mới" in page.locator("main").inner_text()


@pytest.mark.parametrize("width", [375, 1366])
def test_khmer_reader_gets_khmer_forms_and_search(
    tree, khmer_home, live_site, page, artifacts_dir, width
):
    """Outside the pages too: the feedback form (labels, choices, errors) and
    the search page keep the Khmer the reader chose, and switch back."""
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(live_site.url(tree.commune_a1, "/km/"))
    assert page.get_attribute("html", "lang") == "km"
    page.locator(".entry-points a", has_text="បណ្តឹង និងសំណូមពរ").click()
    page.wait_for_url("**/km/phan-anh-kien-nghi/gui/")
    assert page.get_attribute("html", "lang") == "km"
    assert page.locator("main h1").inner_text() == "ផ្ញើបណ្តឹង និងសំណូមពរ"
    for field, label in (("title", "ចំណងជើង"), ("body", "ខ្លឹមសារ"), ("name", "ឈ្មោះ")):
        assert page.locator(f"label[for=id_{field}]").inner_text().startswith(label)
    categories = page.locator("#id_category option").all_inner_texts()
    assert "សុខាភិបាល" in categories and "Y tế" not in categories
    page.locator("main form.citizen-form button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert "មិនទាន់ផ្ញើបានទេ" in summary.inner_text()
    assert "សូមបំពេញចំណុចនេះ។" in summary.inner_text()
    main = page.locator("main").inner_text()
    for vietnamese in ("Vui lòng nhập", "Tiêu đề", "Gửi phản ánh", "Họ tên"):
        assert vietnamese not in main, vietnamese
    assert page.url.endswith("/km/phan-anh-kien-nghi/gui/")  # still Khmer
    page.screenshot(
        path=artifacts_dir / f"khmer-feedback-form-{width}.png", full_page=True
    )
    assert axe_serious_violations(page) == []

    # The header's search, in Khmer, and its language switch.
    if width < 768:
        page.get_by_role("button", name="ស្វែងរក").first.click()
    page.fill("#site-search-q", "ngay hoi")
    page.keyboard.press("Enter")
    page.wait_for_url("**/km/tim-kiem/?q=ngay+hoi")
    assert page.get_attribute("html", "lang") == "km"
    assert page.locator("main h1").inner_text() == "ស្វែងរក"
    assert page.locator("label[for=id_q]").inner_text().startswith("ពាក្យគន្លឹះ")
    assert "Từ khóa" not in page.locator("main").inner_text()
    page.screenshot(path=artifacts_dir / f"khmer-search-{width}.png", full_page=True)
    assert axe_serious_violations(page) == []
    if width < 768:
        page.get_by_role("button", name="ម៉ឺនុយ").click()
    back = page.locator('.lang-switch a[hreflang="vi"]')
    assert back.get_attribute("href") == "/tim-kiem/?q=ngay+hoi"
    back.click()
    page.wait_for_url("**/tim-kiem/?q=ngay+hoi")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.locator("main h1").inner_text() == "Tìm kiếm"
