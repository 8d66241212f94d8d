"""The default emblem (a unit without its own): the hand-drawn SVG
(themes/static/img/emblem.svg: red disc, yellow star, rice ears, cogwheel,
ribbon) in the header beside "CỔNG THÔNG TIN ĐIỆN TỬ …", and the citizen
app's icons drawn by Pillow from emblem.png, which must be the SVG as
Chromium renders it (scripts/build_emblem_png.py). Screenshots:
test-artifacts/emblem-*.png."""

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from pwa import icons
from scripts.build_emblem_png import shoot
from themes.assets import DEFAULT_EMBLEM_PNG, DEFAULT_EMBLEM_SVG

pytestmark = [pytest.mark.browser]


def mean_difference(a, b):
    """Mean absolute difference per channel, 0–255."""
    return max(ImageStat.Stat(ImageChops.difference(a, b)).mean)


def test_committed_png_is_the_svg_as_chromium_draws_it(page, artifacts_dir):
    fresh = Image.open(io.BytesIO(shoot(page, DEFAULT_EMBLEM_SVG.read_text()))).convert(
        "RGBA"
    )
    committed = Image.open(DEFAULT_EMBLEM_PNG).convert("RGBA")
    assert committed.size == fresh.size == (512, 512)
    # Run scripts/build_emblem_png.py after changing the SVG.
    assert mean_difference(fresh, committed) < 1.5
    fresh.save(artifacts_dir / "emblem-512.png")
    # The parts are where they are drawn: a yellow star on the red disc, a
    # red ribbon, golden grains, transparent corners.
    assert committed.getpixel((256, 210))[:3] == (0xF2, 0xC2, 0x00)  # star
    assert committed.getpixel((256, 100))[:3] == (0xC8, 0x10, 0x2E)  # disc
    assert committed.getpixel((256, 480))[:3] == (0xC8, 0x10, 0x2E)  # ribbon
    assert committed.getpixel((4, 4))[3] == 0


@pytest.mark.parametrize("width", [375, 1366])
def test_header_shows_the_default_emblem_beside_the_portal_name(
    tree, committed, live_site, page, artifacts_dir, width
):
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(live_site.url(tree.province))
    emblem = page.locator(".site-brand img.emblem")
    assert emblem.get_attribute("src").endswith("/img/emblem.svg")
    assert emblem.evaluate("img => img.complete && img.naturalWidth > 0")
    box = emblem.bounding_box()
    assert box["width"] == box["height"] == (44 if width < 768 else 56)
    label = page.locator(".site-label").inner_text().strip().upper()
    assert f"{label} {page.locator('.site-unit').inner_text().strip().upper()}" == (
        "CỔNG THÔNG TIN ĐIỆN TỬ TỈNH THỬ NGHIỆM"
    )
    page.locator("header").screenshot(path=artifacts_dir / f"emblem-header-{width}.png")


def test_app_icon_is_drawn_from_the_default_emblem(
    tree, committed, live_site, page, artifacts_dir
):
    icon = page.goto(live_site.url(tree.commune_a2, "/ung-dung/bieu-trung-512.png"))
    assert icon.ok and icon.headers["content-type"] == "image/png"
    served = Image.open(io.BytesIO(icon.body())).convert("RGB")
    served.save(artifacts_dir / "emblem-app-icon-512.png")
    # emblem.png, scaled into the icon (84 %) on the theme's red.
    inner = int(512 * 0.84)
    with Image.open(DEFAULT_EMBLEM_PNG) as source:
        emblem = source.convert("RGBA").resize((inner, inner), Image.LANCZOS)
    expected = Image.new("RGBA", (512, 512), "#a50e0e")
    expected.alpha_composite(emblem, ((512 - inner) // 2, (512 - inner) // 2))
    assert mean_difference(served, expected.convert("RGB")) < 1
    # The manifest's icon URLs change with the default emblem.
    manifest = page.goto(live_site.url(tree.commune_a2, "/manifest.webmanifest"))
    assert manifest.json()["icons"][0]["src"].endswith(f"-{icons.default_version()}")
