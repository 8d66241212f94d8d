"""Slide PNGs at the board's exact resolution, with nothing clipped."""

import json

import pytest
from django.conf import settings
from PIL import Image

from signage import render, services
from tests.factories.signage import auth, make_board, make_slide

pytestmark = pytest.mark.django_db

HEADLINE = (
    "THÔNG BÁO KHẨN: Ủy ban nhân dân xã yêu cầu người dân ở Ấp Phú Hòa, "
    "Ấp Mỹ Lộc và Ấp Đông Thạnh khẩn trương gia cố nhà cửa, chằng chống "
    "mái tôn, di dời tài sản lên chỗ cao trước khi bão số 5 đổ bộ"
)


def rows_are_background(image, kind="lcd"):
    background = render.background(kind, "normal")
    pixels = image.convert("RGB").load()
    for y in (0, 1, image.height - 2, image.height - 1):
        for x in range(image.width):
            if pixels[x, y] != background:
                return False
    return True


@pytest.mark.parametrize(
    "kind,width,height", [("led", 192, 96), ("lcd", 1920, 1080), ("lcd", 1080, 1920)]
)
def test_png_has_board_resolution_and_no_clipped_diacritics(
    tree, client_for, kind, width, height
):
    unit = tree.commune_a1
    board, token = make_board(unit, kind=kind, width=width, height=height)
    make_slide(services.default_playlist(unit), HEADLINE, "Ễ Ẫ Ỗ Ỹ ỵ ỷ ậ ặ ộ ợ ự")
    manifest = json.loads(
        client_for(unit)
        .get(f"/signage/api/boards/{board.uid}/manifest/", **auth(token))
        .content
    )
    slide = next(s for s in manifest["slides"].values() if s["title"] == HEADLINE)
    path = (
        settings.MEDIA_ROOT
        / unit.schema_name
        / "signage"
        / "render"
        / slide["image"].rsplit("/", 1)[1]
    )
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (width, height)
        assert rows_are_background(image, kind)
        # Something was drawn (the headline is not simply dropped).
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert len(colours) >= 2  # ink besides the background


def test_long_text_is_fitted_smaller_not_cut(tree):
    placed = render.fit(HEADLINE, "", 1920, 1080, "lcd")
    drawn = " ".join(line for line, *_ in placed)
    assert drawn == HEADLINE  # every word is on the slide


def test_khmer_slide_renders_with_the_khmer_font():
    image = render.render_text("សេចក្តីជូនដំណឹង", "ការចាក់វ៉ាក់សាំង", 1920, 1080)
    assert image.size == (1920, 1080)
    assert rows_are_background(image)
    assert "Khmer" in render.font_files()[("khmer", False)]


def test_same_content_is_rendered_once(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit)
    item = {"title": "Họp dân", "body": "Tối thứ Bảy"}
    first = services.render_item(board, item)
    second = services.render_item(board, dict(item))
    assert first == second
    changed = services.render_item(board, {**item, "body": "Tối Chủ nhật"})
    assert changed["url"] != first["url"]
