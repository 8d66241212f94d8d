"""A new screen shows a short code; an official enters it; the board is paired."""

import json

import pytest

from signage import services
from signage.models import Board
from tests.factories.signage import auth

pytestmark = pytest.mark.django_db

PLAYER_TOKEN = "p" * 20 + "layer-made-this-secret-0123456789"


def test_screen_code_entered_by_official_pairs_the_board(tree, client_for):
    unit = tree.commune_a1
    client = client_for(unit)
    started = client.post(
        "/signage/api/pair/",
        data=json.dumps({"token": PLAYER_TOKEN}),
        content_type="application/json",
    )
    assert started.status_code == 200
    code = started.json()["code"]
    assert len(code) == services.PAIRING_CODE_LENGTH

    waiting = client.post("/signage/api/pair/status/", **auth(PLAYER_TOKEN))
    assert waiting.json()["paired"] is False and waiting.json()["code"] == code

    board = Board.objects.create(unit=unit, name="Bảng chợ An Bình")
    assert services.pair_board(board, code.lower()) is True
    board.refresh_from_db()
    # Only the hash of the player's secret is stored.
    assert board.token_hash == services.hash_token(PLAYER_TOKEN)
    assert PLAYER_TOKEN not in board.token_hash

    paired = client.post("/signage/api/pair/status/", **auth(PLAYER_TOKEN)).json()
    assert paired["paired"] is True and paired["board"] == str(board.uid)
    manifest = client.get(
        f"/signage/api/boards/{board.uid}/manifest/", **auth(PLAYER_TOKEN)
    )
    assert manifest.status_code == 200


def test_wrong_or_other_units_code_does_not_pair(tree):
    pairing = services.start_pairing(tree.commune_a1, PLAYER_TOKEN)
    board_elsewhere = Board.objects.create(unit=tree.commune_a2, name="Bảng xã khác")
    assert services.pair_board(board_elsewhere, pairing.code) is False
    board = Board.objects.create(unit=tree.commune_a1, name="Bảng An Bình")
    assert services.pair_board(board, "XXXXXX") is False
    board.refresh_from_db()
    assert board.token_hash == ""
    assert services.pair_board(board, pairing.code) is True
    # A code is used once.
    other = Board.objects.create(unit=tree.commune_a1, name="Bảng thứ hai")
    assert services.pair_board(other, pairing.code) is False


def test_pairing_request_with_bad_token_is_400(tree, client_for):
    response = client_for(tree.commune_a1).post(
        "/signage/api/pair/", data="{}", content_type="application/json"
    )
    assert response.status_code == 400
    assert "không hợp lệ" in response.json()["error"]


def test_board_reports_its_resolution_and_the_official_only_names_it(tree, client_for):
    """The screen says what it is; the official types the code and a name."""
    from django.urls import reverse

    from tests.utils import admin_client

    unit = tree.commune_a1
    client = client_for(unit)
    started = client.post(
        "/signage/api/pair/",
        data=json.dumps(
            {
                "token": PLAYER_TOKEN,
                "kind": "led",
                "width": 256,
                "height": 128,
                "player_version": "huidu-2.4",
                "model": "Huidu C16L",
            }
        ),
        content_type="application/json",
    ).json()
    # A technician on site has a day, not half an hour.
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    lifetime = parse_datetime(started["expires_at"]) - timezone.now()
    assert lifetime.total_seconds() > 23.9 * 3600

    admin = admin_client(unit)
    url = reverse("signage_admin_pair_new")
    form = admin.get(url).content.decode()
    assert "Ghép nối màn hình mới" in form
    nameless = admin.post(url, {"code": started["code"], "name": ""})
    assert "Hãy đặt tên cho bảng mới" in nameless.content.decode()
    done = admin.post(url, {"code": started["code"], "name": "Bảng LED cổng chợ"})
    assert done.status_code == 302
    board = Board.objects.get(unit=unit, name="Bảng LED cổng chợ")
    assert (board.kind, board.width, board.height) == ("led", 256, 128)
    assert board.orientation == "landscape"
    assert (board.player_version, board.device_model) == ("huidu-2.4", "Huidu C16L")
    manifest = client.get(
        f"/signage/api/boards/{board.uid}/manifest/", **auth(PLAYER_TOKEN)
    ).json()
    assert manifest["board"]["width"] == 256 and manifest["board"]["kind"] == "led"


def test_pre_registered_board_takes_the_reported_resolution(tree):
    unit = tree.commune_a1
    board = Board.objects.create(unit=unit, name="Bảng đăng ký trước")
    pairing = services.start_pairing(
        unit, PLAYER_TOKEN, {"kind": "lcd", "width": 1080, "height": 1920}
    )
    assert services.pair_board(board, pairing.code)
    board.refresh_from_db()
    assert (board.width, board.height, board.orientation) == (1080, 1920, "portrait")


def test_pair_status_answers_for_as_long_as_the_board_keeps_its_token(tree, client_for):
    from datetime import timedelta

    from signage.models import PairingRequest

    unit = tree.commune_a1
    client = client_for(unit)
    pairing = services.start_pairing(unit, PLAYER_TOKEN)
    board = Board.objects.create(unit=unit, name="Bảng trạm y tế")
    services.pair_board(board, pairing.code)
    # The request has long expired (and may be deleted): still paired.
    PairingRequest.objects.filter(pk=pairing.pk).update(
        expires_at=pairing.created_at - timedelta(hours=1)
    )
    answer = client.post("/signage/api/pair/status/", **auth(PLAYER_TOKEN)).json()
    assert answer == {"paired": True, "board": str(board.uid), "name": board.name}


@pytest.mark.parametrize(
    "extra,message",
    [
        ({"kind": "plasma"}, "Loại màn hình"),
        ({"width": 0, "height": 96}, "Độ phân giải"),
        ({"width": 192}, "Độ phân giải"),
        ({"width": "192", "height": "96"}, "Độ phân giải"),
        ({"player_version": "x" * 41}, "player_version"),
    ],
)
def test_bad_device_report_is_400_with_the_reason(tree, client_for, extra, message):
    response = client_for(tree.commune_a1).post(
        "/signage/api/pair/",
        data=json.dumps({"token": PLAYER_TOKEN, **extra}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
