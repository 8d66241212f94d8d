"""An emergency takes over the boards until it expires or is cleared."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from bulletins.signals import bulletin_for_channel, bulletin_withdrawn
from signage import services
from tests.factories.signage import auth, make_board, make_slide, stand_in_bulletin

pytestmark = pytest.mark.django_db


def fetch(client, board, token):
    response = client.get(f"/signage/api/boards/{board.uid}/manifest/", **auth(token))
    assert response.status_code == 200
    return json.loads(response.content)


def test_emergency_bulletin_overrides_every_board_then_normal_play_resumes(
    tree, client_for
):
    unit = tree.commune_a1
    led, led_token = make_board(unit, kind="led", width=192, height=96)
    lcd, lcd_token = make_board(unit)
    make_slide(services.default_playlist(unit), "Lịch tiếp công dân")
    client = client_for(unit)
    before = fetch(client, lcd, lcd_token)
    assert before["emergency"] is None

    bulletin = stand_in_bulletin(
        501,
        "Bão số 5 đổ bộ: sơ tán ngay",
        priority="emergency",
        valid_until=timezone.now() + timedelta(hours=6),
    )
    bulletin_for_channel.send(
        sender=None, bulletin=bulletin, unit=unit, channel="board", emergency=True
    )
    for board, token in ((led, led_token), (lcd, lcd_token)):
        manifest = fetch(client, board, token)
        assert manifest["emergency"]["title"] == "Bão số 5 đổ bộ: sơ tán ngay"
        assert manifest["emergency"]["image"] in [f["url"] for f in manifest["files"]]
        assert manifest["version"] != before["version"]
    # The normal playlist is still in the manifest, ready to resume.
    assert fetch(client, lcd, lcd_token)["segments"][0]["slides"]

    bulletin_withdrawn.send(sender=None, bulletin=bulletin, unit=unit, channel="board")
    after = fetch(client, lcd, lcd_token)
    assert after["emergency"] is None
    titles = [s["title"] for s in after["slides"].values()]
    assert "Lịch tiếp công dân" in titles


def test_emergency_for_one_unit_does_not_reach_another(tree, client_for):
    board_b, token_b = make_board(tree.commune_a2)
    bulletin_for_channel.send(
        sender=None,
        bulletin=stand_in_bulletin(502, "Khẩn cấp An Bình", priority="emergency"),
        unit=tree.commune_a1,
        channel="board",
        emergency=True,
    )
    assert fetch(client_for(tree.commune_a2), board_b, token_b)["emergency"] is None


def test_officials_interrupt_until_cleared_or_expired(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit)
    other, _ = make_board(unit, name="Bảng không bị ngắt")
    item = services.interrupt(
        unit, title="Mất điện toàn xã 14 giờ", minutes=30, boards=[board]
    )
    assert services.build_manifest(board)["emergency"]["title"].startswith("Mất điện")
    assert services.build_manifest(other)["emergency"] is None
    later = timezone.now() + timedelta(minutes=31)
    assert services.build_manifest(board, now=later)["emergency"] is None
    services.clear_interrupt(item)
    assert services.build_manifest(board)["emergency"] is None


def test_normal_bulletin_joins_the_automatic_playlist_and_speaker_is_ignored(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit)
    services.default_playlist(unit)
    bulletin_for_channel.send(
        sender=None,
        bulletin=stand_in_bulletin(503, "Thông báo nộp thuế đất", body="Hạn 31/10."),
        unit=unit,
        channel="board",
        emergency=False,
    )
    bulletin_for_channel.send(
        sender=None,
        bulletin=stand_in_bulletin(504, "Chỉ phát loa"),
        unit=unit,
        channel="speaker",
        emergency=False,
    )
    manifest = services.build_manifest(board)
    titles = [s["title"] for s in manifest["slides"].values()]
    assert "Thông báo nộp thuế đất" in titles
    assert "Chỉ phát loa" not in titles
    assert manifest["emergency"] is None
