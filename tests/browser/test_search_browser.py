"""A citizen searches without diacritics across the province in Chromium."""

import datetime as dt

import pytest

from search import services
from search.models import SearchDocument

pytestmark = [pytest.mark.browser]


def test_citizen_searches_province_without_diacritics(
    tree, committed, live_site, page, artifacts_dir
):
    for unit, object_id, title in (
        (tree.commune_a1, 901, "Lịch tiếp công dân của xã An Bình"),
        (tree.commune_b1, 902, "Lịch tiếp công dân của xã Bình Lợi"),
    ):
        services.index_document(
            unit=unit,
            kind="announcement",
            object_id=object_id,
            title=title,
            body="Chủ tịch Ủy ban nhân dân tiếp công dân vào thứ Năm hằng tuần.",
            url=f"/thong-bao/lich-{object_id}/",
            category="Thông báo",
            published_at=dt.date(2024, 6, 1),
        )
    try:
        page.goto(live_site.url(tree.commune_a1, "/tim-kiem/"))
        page.fill("#id_q", "lich tiep cong dan")
        page.check("input[name=scope][value=province]")
        page.click("main button[type=submit]")
        page.wait_for_selector(".result")
        assert page.locator(".result").count() == 2
        assert "Tìm thấy 2 kết quả" in page.inner_text("[role=status]")
        assert page.locator(".result mark").first.inner_text() == "Lịch"
        # The facet narrows to one unit; the link goes to that unit's host.
        page.click(".facet >> text=Xã Bình Lợi")
        page.wait_for_selector("text=Tìm thấy 1 kết quả")
        link = page.locator(".result h2 a").get_attribute("href")
        assert tree.commune_b1.primary_hostname in link
        page.screenshot(path=artifacts_dir / "search-province.png", full_page=True)
        # Autocomplete fills suggestions from titles while typing.
        page.fill("#id_q", "lich tiep")
        page.wait_for_function(
            "() => document.querySelectorAll('#search-suggestions option').length > 0"
        )
    finally:
        SearchDocument.objects.filter(object_id__in=["901", "902"]).delete()
