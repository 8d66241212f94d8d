"""Citizen forms on a phone (375 px), GOV.UK patterns: radios beside their
labels with large targets, an error summary that takes the focus and links
to each field, phone numbers checked; axe finds nothing serious."""

import pytest

from engage.models import SiteRating
from tests.utils import axe_serious_violations

pytestmark = [pytest.mark.browser]


def test_rating_form_on_a_phone_has_usable_radios_and_an_error_summary(
    tree, committed, live_site, page, artifacts_dir
):
    page.set_viewport_size({"width": 375, "height": 812})
    try:
        page.goto(live_site.url(tree.commune_a1, "/danh-gia-website/"))
        # Each radio sits on the line of its own label, to its left, and the
        # row is a target of at least 44 px.
        for choice in page.query_selector_all(".choice")[:5]:
            radio = choice.query_selector("input[type=radio]").bounding_box()
            label = choice.query_selector("label").bounding_box()
            assert radio["x"] + radio["width"] <= label["x"]
            assert (
                label["y"]
                <= radio["y"] + radio["height"] / 2
                <= label["y"] + label["height"]
            )
            assert choice.bounding_box()["height"] >= 44
        assert page.query_selector("fieldset.choices legend")
        page.click("main button[type=submit]")
        page.wait_for_selector("[data-error-summary]")
        focused = page.evaluate(
            "() => document.activeElement.hasAttribute('data-error-summary')"
        )
        assert focused
        links = page.query_selector_all("[data-error-summary] a")
        assert links and links[0].get_attribute("href").startswith("#id_")
        page.screenshot(path=artifacts_dir / "citizen-rating-errors-375.png")
        assert axe_serious_violations(page) == []
        # Answer by tapping the labels: it is accepted.
        for legend in ("Giao diện", "Nội dung", "Tính hữu ích"):
            group = page.locator("fieldset.choices", has_text=legend)
            group.locator(".choice label").first.click()
        page.click("main button[type=submit]")
        page.wait_for_selector("text=Cảm ơn")
        assert SiteRating.objects.filter(unit=tree.commune_a1).exists()
    finally:
        SiteRating.objects.filter(unit=tree.commune_a1).delete()
