"""A board's web player in Debian's Chromium: it plays, survives an outage of
the server, and switches to an emergency at once.

The player runs against a gunicorn of its own (started like ``live_site``)
so the test can kill it to simulate the outage.
"""

import time

import pytest

from signage import services
from signage.models import Board, Playlist, Slide
from tests.utils import start_web_server, test_database_url

pytestmark = [pytest.mark.browser]


@pytest.fixture
def own_server(tree):
    try:
        server = start_web_server(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": test_database_url(),
                "SIGNAGE_SSE_SECONDS": "15",
            },
            threads=8,
            own_session=True,
        )
    except RuntimeError as error:
        pytest.fail(f"The signage test server did not start: {error}")

    def stop():
        server.stop(kill=True)

    yield server.port, stop
    stop()


@pytest.fixture
def board_with_slides(tree, committed):
    unit = tree.commune_b1
    board = Board.objects.create(unit=unit, name="Bảng thử trình duyệt")
    token = services.issue_token(board)
    playlist = Playlist.objects.create(
        unit=unit, name="Thử trình duyệt", is_default=True, include_auto=False
    )
    for order, title in enumerate(("Lịch tiếp công dân", "Họp dân ấp Mỹ Lộc")):
        Slide.objects.create(
            playlist=playlist,
            title=title,
            body="Tại trụ sở Ủy ban nhân dân xã.",
            duration=2,
            sort_order=order,
        )
    board.default_playlist = playlist
    board.save()
    services.content_changed(unit)
    yield unit, board, token
    Board.objects.filter(pk=board.pk).delete()
    Playlist.objects.filter(pk=playlist.pk).delete()
    from signage.models import Interrupt

    Interrupt.objects.filter(unit=unit).delete()


def seen_keys(page, count, timeout_s):
    """Slide keys shown one after another, watched from the page."""
    keys, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline and len(set(keys)) < count:
        key = page.get_attribute("#slide", "data-key")
        if key and (not keys or keys[-1] != key):
            keys.append(key)
        page.wait_for_timeout(200)
    return keys


def test_player_plays_survives_outage_and_shows_emergency(
    own_server, board_with_slides, page, artifacts_dir
):
    port, stop = own_server
    unit, board, token = board_with_slides
    base = f"http://{unit.primary_hostname}:{port}"
    page.goto(f"{base}/signage/player/#board={board.uid}&token={token}")

    page.wait_for_selector("#slide-title:text('Lịch tiếp công dân')", timeout=15000)
    assert len(set(seen_keys(page, 2, 15))) == 2
    assert "token" not in page.url  # the secret left the address bar
    page.screenshot(path=artifacts_dir / "signage-player-slides.png")

    # Heartbeat arrived: the board is online and reports what it shows.
    board.refresh_from_db()
    assert board.last_seen is not None and board.player_version

    # The service worker took over and cached the manifest for offline play.
    page.wait_for_function(
        "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
        timeout=15000,
    )
    page.wait_for_function(
        """caches.open('ttcs-signage-files').then(c => c.keys())
           .then(k => k.some(r => r.url.includes('/manifest/')))""",
        timeout=15000,
    )

    # An official interrupts: the screen switches within 5 seconds.
    item = services.interrupt(unit, title="Khẩn cấp: nước lũ dâng cao", minutes=10)
    page.wait_for_selector(
        "#emergency:visible >> text=Khẩn cấp: nước lũ dâng cao", timeout=5000
    )
    page.screenshot(path=artifacts_dir / "signage-player-emergency.png")
    services.clear_interrupt(item)
    page.wait_for_selector("#slide:visible", timeout=5000)
    assert page.is_hidden("#emergency")

    # The server goes away: the slides keep turning.
    stop()
    assert len(set(seen_keys(page, 2, 15))) == 2
    assert "Mất kết nối" in page.inner_text("#status")

    # Even a reload while the server is down comes back from the cache.
    page.reload()
    page.wait_for_selector("#slide-title", state="visible", timeout=15000)
    assert page.inner_text("#slide-title") in (
        "Lịch tiếp công dân",
        "Họp dân ấp Mỹ Lộc",
    )
    page.screenshot(path=artifacts_dir / "signage-player-offline.png")
