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
    assert waiting.json() == {"paired": False, "code": code}

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
