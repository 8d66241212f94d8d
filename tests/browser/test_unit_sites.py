"""A person opens two commune sites in a real browser."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_commune_sites_render_on_their_own_hostnames(
    tree, live_site, page, artifacts_dir
):
    for unit in (tree.commune_a1, tree.commune_a2):
        page.goto(live_site.url(unit))
        assert page.locator("h1").inner_text() == unit.name_with_type
        assert page.get_attribute("html", "lang") == "vi"
        assert page.locator("nav >> text=Tin tức").count() == 1
        page.screenshot(path=artifacts_dir / f"foundation-home-{unit.code}.png")


def test_unknown_host_shows_a_vietnamese_404(live_site, page):
    response = page.goto(live_site.url("xa-khong-ton-tai.localhost"))
    assert response.status == 404
    assert "Không tìm thấy trang thông tin" in page.content()
