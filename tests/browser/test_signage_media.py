"""What a passer-by sees on the web player (Debian's Chromium): in the
"main + ticker" layout a long announcement scrolls along the bottom strip
and turns its pages in the main zone; a video slide really plays."""

import subprocess
import time

import pytest
from django.core.files import File
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from signage import services, tasks
from signage.models import Board, Playlist, Slide

pytestmark = [pytest.mark.browser]

ANNOUNCEMENT_TITLE = (
    "Thông báo cập nhật thông tin cư trú cho hộ gia đình khóm 3 và khóm 4 "
    "từ ngày 05/12 đến hết ngày 20/12"
)
ANNOUNCEMENT_SUMMARY = (
    "Ủy ban nhân dân phường thông báo: từ ngày 05/12 đến hết ngày 20/12, "
    "các hộ gia đình trên địa bàn khóm 3 và khóm 4 mang căn cước công dân "
    "đến nhà văn hóa khóm để cập nhật thông tin cư trú; liên hệ cán bộ "
    "công an khu vực, số điện thoại 0299 3822 111."
)


@pytest.fixture
def ticker_board(tree, committed):
    """An LED board whose playlist is "main + ticker" with the unit's pages,
    and a long announcement published for boards."""
    from cms.models import AnnouncementPage, SectionPage

    unit = tree.commune_b1
    with tenant_context(unit):
        section = SectionPage.objects.get(slug="thong-bao")
        announcement = section.add_child(
            instance=AnnouncementPage(
                title=ANNOUNCEMENT_TITLE,
                summary=ANNOUNCEMENT_SUMMARY,
                slug=f"cu-tru-{int(time.time())}",
            )
        )
        announcement.save_revision().publish()
    playlist = Playlist.objects.create(
        unit=unit, name="Chữ chạy", include_auto=True, layout="ticker"
    )
    board = Board.objects.create(
        unit=unit,
        name="Bảng LED chữ chạy",
        kind="led",
        width=192,
        height=96,
        default_playlist=playlist,
    )
    token = services.issue_token(board)
    services.content_changed(unit)
    yield unit, board, token, announcement
    Board.objects.filter(pk=board.pk).delete()
    Playlist.objects.filter(pk=playlist.pk).delete()
    with tenant_context(unit):
        AnnouncementPage.objects.filter(pk=announcement.pk).delete()


def _strip_left(page):
    return page.evaluate(
        "() => document.getElementById('ticker-strip').getBoundingClientRect().left"
    )


def test_ticker_scrolls_a_long_announcement_and_the_main_zone_pages_it(
    live_site, ticker_board, page, artifacts_dir
):
    unit, board, token, announcement = ticker_board
    page.set_viewport_size({"width": 192, "height": 96})
    page.clock.install(time=timezone.now())
    page.goto(
        live_site.url(unit, "/signage/player/") + f"#board={board.uid}&token={token}"
    )
    key = f"p{announcement.pk}"
    page.wait_for_selector(f"#slide[data-key='{key}']", timeout=20000)
    page.wait_for_selector("#ticker:visible", timeout=10000)
    page.wait_for_function(
        "() => document.getElementById('ticker-strip').naturalWidth > 0",
        timeout=10000,
    )
    manifest = page.evaluate("() => window.ttcsPlayer.manifest")
    segment = next(s for s in manifest["segments"] if key in s["slides"])
    ticker = segment["ticker"]
    assert segment["layout"] == "ticker" and ANNOUNCEMENT_TITLE in ticker["text"]

    # The strip sits in the bottom zone, is far wider than the board, and
    # moves right to left.
    zone = page.evaluate(
        "() => { const r = document.getElementById('ticker').getBoundingClientRect();"
        " return [r.top, r.height, r.width]; }"
    )
    assert zone[0] + zone[1] == pytest.approx(96, abs=1)
    assert zone[1] == pytest.approx(ticker["height"] * 96 / board.height, abs=1)
    width = page.evaluate("() => document.getElementById('ticker-strip').naturalWidth")
    assert width > 3 * board.width  # the whole title, not cut to the screen
    first = _strip_left(page)
    page.screenshot(path=artifacts_dir / "signage-led-ticker-1.png")
    page.wait_for_timeout(1500)  # real time: the animation is the compositor's
    second = _strip_left(page)
    page.screenshot(path=artifacts_dir / "signage-led-ticker-2.png")
    assert second < first - 20, (first, second)  # ≈ 40 board px/s
    with (
        Image.open(artifacts_dir / "signage-led-ticker-1.png") as one,
        Image.open(artifacts_dir / "signage-led-ticker-2.png") as two,
    ):
        band = (0, 96 - int(zone[1]), 192, 96)
        assert one.crop(band).tobytes() != two.crop(band).tobytes()
        colours = {c for _, c in one.convert("RGB").getcolors(1 << 16)}
        assert (0, 0, 0) in colours and (255, 255, 0) in colours

    # The main zone shows the announcement's pages in turn (rendered for the
    # screen minus the strip), every word on one page or another.
    pages = manifest["slides"][key]["main_pages"]
    assert len(pages) >= 2
    img = "#slide-image"
    assert page.get_attribute(img, "src").endswith(pages[0])
    page.screenshot(path=artifacts_dir / "signage-led-ticker-page-1.png")
    page.clock.fast_forward(13_000)  # an announcement's page lasts 12 s
    page.wait_for_function(
        f"() => document.querySelector('{img}').getAttribute('src')"
        f" .endsWith('{pages[1]}')",
        timeout=5000,
    )
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts_dir / "signage-led-ticker-page-2.png")
    height = page.evaluate(
        "() => document.getElementById('slide-image').getBoundingClientRect().bottom"
    )
    assert height <= 96 - zone[1] + 1  # the page never runs under the strip


@pytest.fixture
def video_board(tree, committed, tmp_path):
    """An LCD board playing a video slide transcoded by signage.video (the
    worker's task, run here inline) from an H.264 MP4 made by ffmpeg."""
    unit = tree.commune_b1
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i"]
        + ["testsrc=duration=8:size=320x180:rate=25", "-c:v", "libx264"]
        + ["-pix_fmt", "yuv420p", "-movflags", "+faststart", str(clip)],
        check=True,
    )
    playlist = Playlist.objects.create(unit=unit, name="Video", include_auto=False)
    board = Board.objects.create(
        unit=unit,
        name="LCD nhà văn hóa",
        kind="lcd",
        width=320,
        height=180,
        default_playlist=playlist,
    )
    token = services.issue_token(board)
    slide = Slide(
        playlist=playlist, kind="video", title="Hướng dẫn dịch vụ công", duration=20
    )
    with tenant_context(unit), open(clip, "rb") as handle:
        slide.video.save("huong-dan.mp4", File(handle), save=True)
    tasks.transcode_video(slide.pk)
    slide.refresh_from_db()
    assert slide.video_status == "ready", slide.video_error
    services.content_changed(unit)
    yield unit, board, token, slide
    Board.objects.filter(pk=board.pk).delete()
    Playlist.objects.filter(pk=playlist.pk).delete()


def test_video_slide_plays_in_the_web_player(
    live_site, video_board, page, artifacts_dir
):
    unit, board, token, slide = video_board
    page.set_viewport_size({"width": 320, "height": 180})
    page.goto(
        live_site.url(unit, "/signage/player/") + f"#board={board.uid}&token={token}"
    )
    assert page.evaluate(
        "() => document.createElement('video')"
        ".canPlayType('video/mp4; codecs=\"avc1.640028\"')"
    ), "Chromium cannot play H.264"
    page.wait_for_selector("#slide-video:visible", timeout=20000)
    manifest = page.evaluate("() => window.ttcsPlayer.manifest")
    media = manifest["slides"][f"s{slide.pk}"]["media"]
    assert media.startswith("/signage/files/") and media.endswith(".mp4")
    assert page.get_attribute("#slide-video", "src").endswith(media)
    page.wait_for_function(
        "() => { const v = document.getElementById('slide-video');"
        " return !v.paused && v.readyState >= 3 && v.currentTime > 0.2; }",
        timeout=15000,
    )
    state = page.evaluate(
        "() => { const v = document.getElementById('slide-video');"
        " return {t: v.currentTime, w: v.videoWidth, h: v.videoHeight,"
        " err: v.error && v.error.code}; }"
    )
    assert state["err"] is None and (state["w"], state["h"]) == (320, 180)
    page.screenshot(path=artifacts_dir / "signage-lcd-video-1.png")
    page.wait_for_timeout(1500)
    later = page.evaluate("() => document.getElementById('slide-video').currentTime")
    page.screenshot(path=artifacts_dir / "signage-lcd-video-2.png")
    assert later > state["t"] + 0.8, (state["t"], later)
    assert not page.evaluate("() => document.getElementById('slide-video').paused")
    # The frames on screen change as it plays (testsrc draws a moving counter).
    with (
        Image.open(artifacts_dir / "signage-lcd-video-1.png") as one,
        Image.open(artifacts_dir / "signage-lcd-video-2.png") as two,
    ):
        assert one.tobytes() != two.tobytes()


@pytest.fixture
def lcd_text_board(tree, committed):
    unit = tree.commune_b1
    playlist = Playlist.objects.create(unit=unit, name="Chữ LCD", include_auto=False)
    Slide.objects.create(
        playlist=playlist,
        title="Lịch tiếp công dân",
        body="Thứ Hai đến thứ Sáu, 7 giờ 30 – 11 giờ 30 tại trụ sở.",
        duration=30,
    )
    board = Board.objects.create(
        unit=unit,
        name="LCD chữ",
        kind="lcd",
        width=1920,
        height=1080,
        default_playlist=playlist,
    )
    token = services.issue_token(board)
    services.content_changed(unit)
    yield unit, board, token
    Board.objects.filter(pk=board.pk).delete()
    Playlist.objects.filter(pk=playlist.pk).delete()


def test_lcd_text_uses_the_room_it_has(live_site, lcd_text_board, page, artifacts_dir):
    """A short slide on a 1920×1080 screen is set large enough to fill it
    (the review found it at half the width), and never runs off it."""
    unit, board, token = lcd_text_board
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(
        live_site.url(unit, "/signage/player/") + f"#board={board.uid}&token={token}"
    )
    page.wait_for_selector("#slide-text:visible", timeout=20000)
    page.wait_for_function(
        "() => document.getElementById('slide-text').dataset.fit", timeout=10000
    )
    page.evaluate("() => document.fonts.ready")
    page.wait_for_timeout(300)
    box = page.evaluate(
        """() => {
          const t = document.getElementById('slide-text');
          const r = t.getBoundingClientRect();
          const title = document.getElementById('slide-title');
          const body = document.getElementById('slide-body');
          const width = el => { const g = document.createRange();
            g.selectNodeContents(el); return g.getBoundingClientRect().width; };
          return {top: r.top, bottom: r.bottom, fit: parseFloat(t.dataset.fit),
                  title: parseFloat(getComputedStyle(title).fontSize),
                  body: parseFloat(getComputedStyle(body).fontSize),
                  ink: Math.max(width(title), width(body))};
        }"""
    )
    page.screenshot(path=artifacts_dir / "signage-lcd-text-fit.png")
    assert box["fit"] > 1.3, box
    assert box["title"] > 7 * 10.8 * 1.3 and box["body"] > 4.5 * 10.8 * 1.3
    assert box["top"] >= -1 and box["bottom"] <= 1081  # nothing off screen
    assert box["ink"] > 0.75 * 1920  # the width is used, not half of it
