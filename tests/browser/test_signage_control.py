"""Boards obey: a web player at its off hours really goes dark, and sends what
it shows when an official asks for a screenshot (Debian's Chromium)."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from signage import services
from signage.models import Board, CommandKind, Playlist, Slide
from tests.utils import wait_for

pytestmark = [pytest.mark.browser]


def _inside_window(hour, minute):
    """The browser's pinned clock: ``hour:minute`` local on the day after the
    server's manifest window starts (always inside its 48 hours)."""
    day = services.window_start(timezone.now()).date() + timedelta(days=1)
    return timezone.make_aware(
        datetime.combine(day, time(hour, minute)), timezone.get_current_timezone()
    )


@pytest.fixture
def led_board(tree, committed):
    unit = tree.commune_b1
    playlist = Playlist.objects.create(
        unit=unit, name="Thử điều khiển", is_default=False, include_auto=False
    )
    Slide.objects.create(
        playlist=playlist, title="Họp dân ấp Mỹ Lộc", body="Tối thứ Bảy", duration=3
    )
    board = Board.objects.create(
        unit=unit,
        name="Bảng LED điều khiển",
        kind="led",
        width=192,
        height=96,
        on_time=time(5, 0),
        off_time=time(22, 0),
        default_playlist=playlist,
    )
    token = services.issue_token(board)
    services.content_changed(unit)
    yield unit, board, token
    Board.objects.filter(pk=board.pk).delete()
    Playlist.objects.filter(pk=playlist.pk).delete()


def _open_player(page, live_site, unit, board, token, at):
    page.set_viewport_size({"width": 192, "height": 96})
    page.clock.install(time=at)
    page.goto(
        live_site.url(unit, "/signage/player/") + f"#board={board.uid}&token={token}"
    )


def _colours(path):
    with Image.open(path) as image:
        return image.convert("RGB").getcolors(1 << 16)


def test_player_goes_dark_at_off_hours_instead_of_a_lit_message(
    live_site, led_board, page, artifacts_dir
):
    unit, board, token = led_board
    # 23:30 local, after the board's 22:00 "off" time.
    _open_player(page, live_site, unit, board, token, _inside_window(23, 30))
    page.wait_for_function("() => document.body.dataset.state === 'off'", timeout=15000)
    shot = artifacts_dir / "signage-led-off-hours.png"
    page.screenshot(path=shot)
    # Every pixel is black: nothing lit at night, no "đang tắt" text.
    assert _colours(shot) == [(192 * 96, (0, 0, 0))]
    assert page.inner_text("body").strip() == ""

    # A configured dim level plays the slides dimmed instead.
    Board.objects.filter(pk=board.pk).update(off_level=30)
    services.content_changed(unit)
    page.wait_for_function("() => document.body.dataset.level === '30'", timeout=15000)
    page.wait_for_selector("#slide-image:visible", timeout=15000)
    dim = artifacts_dir / "signage-led-off-hours-dim.png"
    page.screenshot(path=dim)
    brightest = max(max(c) for _, c in _colours(dim))
    assert 0 < brightest <= 0.35 * 255


def test_screenshot_command_round_trip(live_site, led_board, page, artifacts_dir):
    unit, board, token = led_board
    _open_player(page, live_site, unit, board, token, _inside_window(12, 30))
    page.wait_for_selector("#slide-image:visible", timeout=15000)
    page.wait_for_function(
        "() => window.ttcsPlayer.events.readyState === 1", timeout=15000
    )

    command = services.send_command(board, CommandKind.SCREENSHOT, by="quantri")
    assert wait_for(lambda: Board.objects.get(pk=board.pk).screenshot, timeout=15)
    board.refresh_from_db()
    command.refresh_from_db()
    assert command.done_at is not None and command.result == "192×96"
    with tenant_context(unit):  # media are stored per unit
        path = board.screenshot.path
    with Image.open(path) as image:
        assert image.size == (192, 96)
        copy = artifacts_dir / "signage-led-remote-screenshot.png"
        image.resize((192 * 4, 96 * 4), Image.NEAREST).save(copy)
        colours = {c for _, c in image.convert("RGB").getcolors(1 << 16)}
    # What the board shows: the LED slide, yellow title on black.
    assert (255, 255, 0) in colours and (0, 0, 0) in colours
