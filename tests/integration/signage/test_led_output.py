"""LED boards get street-grade pictures: pure colours without anti-aliasing
on black, sizes read across a street, long text paged (never cut), and the
limit checked where officials write (slides and pages marked for boards)."""

import hashlib
import json

import pytest
from django.conf import settings
from PIL import Image

from signage import render, services
from tests.factories.signage import auth, make_board

pytestmark = pytest.mark.django_db

# 274 characters, the announcement the review saw cut after four lines.
LONG_ANNOUNCEMENT = (
    "Ủy ban nhân dân phường thông báo: từ ngày 05/12 đến hết ngày 20/12, "
    "các hộ gia đình trên địa bàn khóm 3 và khóm 4 mang căn cước công dân "
    "đến nhà văn hóa khóm để cập nhật thông tin cư trú; liên hệ cán bộ "
    "công an khu vực, số điện thoại 0299 3822 111, nếu không đến được trong "
    "giờ hành chính."
)


def _words(pages, role="body"):
    return " ".join(
        line for page in pages for line, *_, kind in page if kind == role
    ).split()


def _file(unit, url):
    return (
        settings.MEDIA_ROOT
        / unit.schema_name
        / "signage"
        / "render"
        / (url.rsplit("/", 1)[1])
    )


def test_long_led_announcement_is_paged_with_every_word_not_cut(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit, kind="led", width=192, height=96)
    slide = services.default_playlist(unit).slides.create(
        title="Cập nhật cư trú", body=LONG_ANNOUNCEMENT, duration=6
    )
    services.content_changed(unit)
    manifest = json.loads(
        client_for(unit)
        .get(f"/signage/api/boards/{board.uid}/manifest/", **auth(token))
        .content
    )
    entry = manifest["slides"][f"s{slide.pk}"]
    assert len(entry["pages"]) >= 3
    assert entry["image"] == entry["pages"][0]
    listed = {f["url"]: f for f in manifest["files"]}
    for url in entry["pages"]:
        data = _file(unit, url).read_bytes()
        # The file name is the SHA-256 of its bytes, as the manifest says.
        assert hashlib.sha256(data).hexdigest() == listed[url]["sha256"]
        assert url.endswith(f"/{listed[url]['sha256']}.png")
    pages = render.paginate("Cập nhật cư trú", LONG_ANNOUNCEMENT, 192, 96, "led")
    drawn = _words(pages)
    # Every word of the body is drawn once, in order; nothing is cut.
    assert drawn == LONG_ANNOUNCEMENT.split()
    assert "…" not in drawn
    assert len(pages) == len(entry["pages"])


def test_led_pictures_are_pure_colours_on_black_at_street_sizes(tree):
    pages = render.text_pages("Lịch tiếp dân", LONG_ANNOUNCEMENT, 192, 96, "led")
    for image in pages:
        colours = {colour for _, colour in image.getcolors(1 << 16)}
        # No anti-aliased grey edges: black, the title yellow, the body white.
        assert colours <= {(0, 0, 0), (255, 255, 0), (255, 255, 255)}
        assert (0, 0, 0) in colours
    for page in render.paginate("Lịch tiếp dân", LONG_ANNOUNCEMENT, 192, 96, "led"):
        assert min(size for _, _, size, *_ in page) >= 16
    khmer = render.paginate("សេចក្តីជូនដំណឹង", "ការចាក់វ៉ាក់សាំង", 192, 96, "led")
    assert min(size for page in khmer for _, _, size, *_ in page) >= 22
    # LCD keeps the anti-aliased look and uses its width.
    lcd = render.text_pages("Lịch tiếp dân", "Thứ Hai đến thứ Sáu", 1920, 1080)
    assert len(lcd) == 1 and len(lcd[0].getcolors(1 << 20)) > 3


def test_led_limit_counts_the_real_title_and_says_how_much_fits(tree):
    unit = tree.commune_a1
    make_board(unit, kind="led", width=192, height=96, name="Bảng LED chợ")
    title = "Thông báo về việc tạm ngừng cung cấp nước sinh hoạt khu vực ấp 3"
    assert services.led_text_problem(unit, title, LONG_ANNOUNCEMENT) is None
    too_long = LONG_ANNOUNCEMENT * 3
    message = services.led_text_problem(unit, title, too_long)
    assert "Bảng LED chợ" in message and "192×96" in message
    per_page = services.led_char_limit(192, 96, title)
    assert f"khoảng {per_page} ký tự" in message
    assert per_page < services.led_char_limit(192, 96, "")  # the title counts
    # The figure is honest: that many characters do fit one page.
    sample = (LONG_ANNOUNCEMENT * 2)[:per_page]
    assert len(render.paginate(title, sample, 192, 96, "led")) == 1


def test_announcement_marked_for_boards_is_checked_when_saved(tree):
    from django.core.exceptions import ValidationError
    from django_tenants.utils import tenant_context

    from cms.models import AnnouncementPage

    unit = tree.commune_a1
    make_board(unit, kind="led", width=192, height=96, name="Bảng LED cổng")
    with tenant_context(unit):
        page = AnnouncementPage(
            title="Cập nhật cư trú", summary=LONG_ANNOUNCEMENT * 3, slug="cu-tru"
        )
        with pytest.raises(ValidationError) as error:
            page.clean()
        message = " ".join(error.value.message_dict["summary"])
        assert "quá dài cho bảng LED" in message and "tóm tắt" in message
        page.summary = LONG_ANNOUNCEMENT  # pages on the board: accepted
        page.clean()
        page.summary = LONG_ANNOUNCEMENT * 3
        page.show_on_boards = False
        page.clean()


def test_led_emergency_pages_keep_the_band(tree):
    pages = render.text_pages(
        "Sơ tán khẩn cấp", LONG_ANNOUNCEMENT, 192, 96, "led", "emergency"
    )
    band = render._banner(192, 96, "led")
    assert len(pages) > 1
    for image in pages:
        top = image.crop((0, 0, 192, band.height))
        assert list(top.getdata()) == list(band.getdata())


def test_main_and_ticker_layout_gives_a_strip_and_smaller_main_pages(tree, client_for):
    from signage.models import Playlist

    unit = tree.commune_a1
    board, token = make_board(unit, kind="led", width=192, height=96)
    playlist = Playlist.objects.create(
        unit=unit,
        name="Có chữ chạy",
        include_auto=False,
        layout="ticker",
        ticker_text="Lịch cắt điện: thứ Năm 05/12 từ 7 giờ đến 11 giờ, ấp 3 và ấp 4",
    )
    slide = playlist.slides.create(title="Họp dân", body="Tối thứ Bảy", duration=5)
    board.default_playlist = playlist
    board.save()
    services.content_changed(unit)
    manifest = (
        client_for(unit)
        .get(f"/signage/api/boards/{board.uid}/manifest/", **auth(token))
        .json()
    )
    segment = next(s for s in manifest["segments"] if not s["off"])
    assert segment["layout"] == "ticker"
    ticker = segment["ticker"]
    assert ticker["text"].startswith("Lịch cắt điện")
    with Image.open(_file(unit, ticker["image"])) as strip:
        assert strip.height == ticker["height"] == render.ticker_height("led", 96)
        assert strip.width > 192  # a strip to scroll, nothing cut
    entry = manifest["slides"][f"s{slide.pk}"]
    with Image.open(_file(unit, entry["main_pages"][0])) as main:
        assert main.size == (192, 96 - ticker["height"])
    listed = {f["url"] for f in manifest["files"]}
    assert ticker["image"] in listed and entry["main_pages"][0] in listed


def test_a_phone_number_is_not_broken_across_lines():
    """ "0299 3822 111" stays on one line wherever it fits one; a number
    wider than the line still goes, group by group."""
    text = "Liên hệ cán bộ công an khu vực, số điện thoại 0299 3822 111, nếu cần."
    whole = render._width("0299 3822 111,", False, 16)
    broken_before = 0
    for width in range(int(whole) + 1, 400, 3):
        lines = render.wrap(text, False, 16, width)
        assert any("0299 3822 111," in line for line in lines), (width, lines)
        assert " ".join(lines).split() == text.split()
        plain = []  # what a word-by-word wrap gives at this width
        for word in text.split():
            if plain and render._width(f"{plain[-1]} {word}", False, 16) <= width:
                plain[-1] = f"{plain[-1]} {word}"
            else:
                plain.append(word)
        broken_before += not any("0299 3822 111," in line for line in plain)
    assert broken_before  # the old wrap broke it at some of these widths
    narrow = render.wrap(text, False, 16, int(whole) - 10)
    assert " ".join(narrow).split() == text.split()  # nothing lost
    for page in render.paginate("Cập nhật cư trú", LONG_ANNOUNCEMENT, 192, 96, "led"):
        for line, *_ in page:
            for group in ("0299", "3822", "111"):
                if group in line:
                    assert "0299 3822 111" in line, line
