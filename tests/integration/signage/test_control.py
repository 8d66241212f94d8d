"""Boards report their health and take commands; groups address boards of a
unit and of the units below it together."""

import io
import json

import pytest
from PIL import Image

from signage import services
from signage.models import Board, BoardCommand, BoardGroup, CommandKind
from tests.factories.signage import auth, make_board

pytestmark = pytest.mark.django_db


def beat(client, board, token, payload):
    return client.post(
        f"/signage/api/boards/{board.uid}/heartbeat/",
        data=json.dumps({"player_version": "1.1.0", **payload}),
        content_type="application/json",
        **auth(token),
    )


def test_heartbeat_health_report_is_stored_and_shown(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit, kind="led", width=192, height=96)
    client = client_for(unit)
    health = {
        "uptime_s": 7260,
        "storage_free_mb": 812,
        "cache_files": 14,
        "cache_bytes": 3145728,
        "last_sync": "2026-12-02T06:00:05+07:00",
        "temperature_c": 48.5,
        "network": "3G Viettel",
        "signal_dbm": -87,
        "last_error": "Không tải được tệp s12 (hết dung lượng)",
    }
    assert beat(client, board, token, {"health": health}).status_code == 200
    board.refresh_from_db()
    assert {k: board.health[k] for k in health} == health
    rows = dict(services.health_rows(board))
    assert rows["Thời gian chạy"] == "2 giờ 1 phút"
    assert rows["Nhiệt độ"] == "48.5 °C"
    assert rows["Kết nối mạng"] == "3G Viettel"
    assert rows["Cường độ sóng"] == "-87 dBm"
    assert rows["Lỗi gần nhất"].startswith("Không tải được")
    long = beat(client, board, token, {"health": {"network": "x" * 41}})
    assert long.status_code == 400 and "health.network" in long.json()["error"]
    bad = beat(client, board, token, {"health": {"temperature_c": "nóng"}})
    assert bad.status_code == 400 and "health.temperature_c" in bad.json()["error"]
    board.refresh_from_db()
    assert board.health["temperature_c"] == 48.5  # nothing stored from a 400


def test_screenshot_command_is_pushed_fetched_and_answered(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit, kind="led", width=192, height=96)
    other, _ = make_board(unit, name="Bảng khác")
    client = client_for(unit)
    command = services.send_command(board, CommandKind.SCREENSHOT, by="quantri")
    # The unit's stream tells this board only.
    assert services.sse_event(f"command:{board.uid}".encode(), board.uid).startswith(
        "event: command"
    )
    assert services.sse_event(f"command:{board.uid}".encode(), other.uid) == ""
    listed = client.get(
        f"/signage/api/boards/{board.uid}/commands/", **auth(token)
    ).json()
    assert listed["commands"] == [
        {"id": command.pk, "kind": "screenshot", "value": None}
    ]
    assert beat(client, board, token, {}).json()["commands"] == listed["commands"]

    url = f"/signage/api/boards/{board.uid}/screenshot/"
    junk = client.post(
        url, data=b"not a picture", content_type="image/png", **auth(token)
    )
    assert junk.status_code == 400 and "PNG" in junk.json()["error"]
    buffer = io.BytesIO()
    Image.new("RGB", (192, 96), (255, 255, 0)).save(buffer, "PNG")
    sent = client.post(
        url, data=buffer.getvalue(), content_type="image/png", **auth(token)
    )
    assert sent.json() == {"ok": True, "width": 192, "height": 96}
    command.refresh_from_db()
    assert command.done_at is not None and command.result == "192×96"
    assert not client.get(
        f"/signage/api/boards/{board.uid}/commands/", **auth(token)
    ).json()["commands"]
    assert client.post(url, data=b"x", content_type="image/png").status_code == 401


def test_power_and_brightness_commands_reach_the_manifest(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit)
    services.send_command(board, CommandKind.SCREEN_OFF, by="quantri")
    services.send_command(board, CommandKind.BRIGHTNESS, 40, by="quantri")
    manifest = (
        client_for(unit)
        .get(f"/signage/api/boards/{board.uid}/manifest/", **auth(token))
        .json()
    )
    assert manifest["board"]["power"] == "off"
    assert manifest["board"]["brightness"] == 40
    assert all(
        s["brightness"] == (board.off_level if s["off"] else 40)
        for s in manifest["segments"]
    )
    assert BoardCommand.objects.filter(board=board, done_at__isnull=False).count() == 2


def test_district_group_interrupt_reaches_boards_of_communes_below(tree):
    led_a, _ = make_board(tree.commune_a1, kind="led", width=192, height=96)
    lcd_b, _ = make_board(tree.commune_a2)
    outside, _ = make_board(tree.commune_a2, name="Bảng ngoài nhóm")
    group = BoardGroup.objects.create(unit=tree.district_a, name="Bảng ven quốc lộ")
    group.boards.set([led_a, lcd_b])
    services.interrupt(
        tree.district_a, title="Cấm đường do ngập", minutes=30, groups=[group]
    )
    for board in (led_a, lcd_b):
        emergency = services.build_manifest(board)["emergency"]
        assert emergency["title"] == "Cấm đường do ngập"
    assert services.build_manifest(outside)["emergency"] is None
    assert Board.objects.filter(groups=group).count() == 2


def test_official_asks_for_a_screenshot_from_the_board_page(tree):
    from django.urls import reverse

    from tests.utils import admin_client

    board, _ = make_board(tree.commune_a1, kind="led", width=192, height=96)
    Board.objects.filter(pk=board.pk).update(health={"uptime_s": 3600})
    client = admin_client(tree.commune_a1)
    url = reverse("signage_admin_board_control", args=[board.pk])
    page = client.get(url).content.decode()
    assert "Tình trạng thiết bị" in page and "1 giờ 0 phút" in page
    sent = client.post(url, {"kind": "screenshot"}, follow=True).content.decode()
    assert "Đã gửi lệnh “Chụp màn hình”" in sent
    assert BoardCommand.objects.get(board=board).kind == "screenshot"
    bad = client.post(url, {"kind": "brightness", "value": "0"}, follow=True)
    assert "Độ sáng phải là số từ 1 đến 100." in bad.content.decode()
    other, _ = make_board(tree.commune_a2)
    elsewhere = reverse("signage_admin_board_control", args=[other.pk])
    assert client.get(elsewhere).status_code == 404


def test_official_revokes_a_lost_boards_token(tree, client_for):
    import secrets

    from django.urls import reverse

    from tests.utils import admin_client

    unit = tree.commune_a1
    board, _ = make_board(unit, name="Bảng bị mất")
    token = secrets.token_urlsafe(32)
    code = services.start_pairing(unit, token).code
    assert services.pair_board(board, code)
    device = client_for(unit)
    manifest = f"/signage/api/boards/{board.uid}/manifest/"
    assert device.get(manifest, **auth(token)).status_code == 200
    status = device.post("/signage/api/pair/status/", **auth(token))
    assert status.json()["paired"] is True

    url = reverse("signage_admin_board_control", args=[board.pk])
    page = admin_client(unit).post(url, {"action": "revoke"}, follow=True)
    assert "Đã thu hồi mã xác thực của “Bảng bị mất”" in page.content.decode()
    assert "Chưa ghép nối" in page.content.decode()
    assert device.get(manifest, **auth(token)).status_code == 401
    assert device.post("/signage/api/pair/status/", **auth(token)).status_code == 401
    board.refresh_from_db()
    assert not board.is_paired and Board.objects.filter(pk=board.pk).exists()
