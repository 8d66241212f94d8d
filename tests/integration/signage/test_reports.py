"""Heartbeats and proof of play: validated, aggregated per hour."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from signage import services
from signage.models import Board, PlayStat
from tests.factories.signage import auth, make_board

pytestmark = pytest.mark.django_db


def post(client, board, what, payload, token):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(
        f"/signage/api/boards/{board.uid}/{what}/",
        data=body,
        content_type="application/json",
        **auth(token),
    )


def this_hour():
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def test_heartbeat_marks_board_online_with_version_and_what_it_shows(tree, client_for):
    board, token = make_board(tree.commune_a1)
    assert not services.board_is_online(board)
    response = post(
        client_for(tree.commune_a1),
        board,
        "heartbeat",
        {"player_version": "1.0.0", "showing": "s12", "manifest_version": "abc"},
        token,
    )
    assert response.status_code == 200
    board.refresh_from_db()
    assert board.player_version == "1.0.0" and board.showing == "s12"
    assert services.board_is_online(board)
    later = timezone.now() + services.OFFLINE_AFTER + timedelta(seconds=1)
    assert not services.board_is_online(board, now=later)


@pytest.mark.parametrize(
    "payload,reason",
    [
        ("{không phải json", "JSON"),
        ({"showing": "s1"}, "player_version"),
        ({"player_version": 7}, "chuỗi"),
        ([1, 2], "đối tượng"),
    ],
)
def test_malformed_heartbeat_is_400_with_reason_and_nothing_stored(
    tree, client_for, payload, reason
):
    board, token = make_board(tree.commune_a1)
    response = post(client_for(tree.commune_a1), board, "heartbeat", payload, token)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert Board.objects.get(pk=board.pk).last_seen is None


def test_proof_of_play_is_one_row_per_board_hour_and_slide(tree, client_for):
    board, token = make_board(tree.commune_a1)
    client = client_for(tree.commune_a1)
    hour = this_hour().isoformat()
    for batch in ("b1", "b2", "b2"):  # b2 is a retry: counted once
        response = post(
            client,
            board,
            "plays",
            {
                "batch": batch,
                "items": [
                    {"hour": hour, "slide": "s1", "plays": 6, "seconds": 60},
                    {"hour": hour, "slide": "s2", "plays": 3, "seconds": 45},
                ],
            },
            token,
        )
        assert response.status_code == 200
    rows = {r.slide_key: r for r in PlayStat.objects.filter(board=board)}
    assert set(rows) == {"s1", "s2"}
    assert rows["s1"].plays == 12 and rows["s1"].seconds == 120
    assert rows["s2"].plays == 6


@pytest.mark.parametrize(
    "items,reason",
    [
        ([{"hour": "hôm qua", "slide": "s1", "plays": 1}], "ISO 8601"),
        ([{"hour": "2025-10-06T10:15:00+07:00", "slide": "s1", "plays": 1}], "đầu giờ"),
        ([{"hour": None, "slide": "s1", "plays": -1}], "hour"),
        ([{"slide": "s1", "plays": 1, "hour": "NOW", "x": 1}], "ISO 8601"),
        ("không phải danh sách", "items"),
    ],
)
def test_malformed_proof_of_play_is_400_and_stores_nothing(
    tree, client_for, items, reason
):
    board, token = make_board(tree.commune_a1)
    good = {"hour": this_hour().isoformat(), "slide": "s9", "plays": 1}
    payload = {
        "batch": "x",
        "items": [good] + items if isinstance(items, list) else items,
    }
    response = post(client_for(tree.commune_a1), board, "plays", payload, token)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert not PlayStat.objects.filter(board=board).exists()


def test_reports_need_the_token(tree, client_for):
    board, token = make_board(tree.commune_a1)
    response = post(
        client_for(tree.commune_a1),
        board,
        "heartbeat",
        {"player_version": "1"},
        "sai",
    )
    assert response.status_code == 401


def test_unknown_slide_key_is_refused_and_a_later_title_does_not_rename(
    tree, client_for
):
    from signage.models import PlayStat

    board, token = make_board(tree.commune_a1)
    client = client_for(tree.commune_a1)
    url = f"/signage/api/boards/{board.uid}/plays/"
    hour = this_hour().isoformat()

    def send(batch, slide, title):
        return client.post(
            url,
            data=json.dumps(
                {
                    "batch": batch,
                    "items": [
                        {"hour": hour, "slide": slide, "title": title, "plays": 1}
                    ],
                }
            ),
            content_type="application/json",
            **auth(token),
        )

    refused = send("b-1", "zz999", "Lạ")
    assert refused.status_code == 400 and "zz999" in refused.json()["error"]
    assert send("b-2", "s7", "Họp dân").status_code == 200
    assert send("b-3", "s7", "Tiêu đề khác").status_code == 200
    row = PlayStat.objects.get(board=board, slide_key="s7")
    assert (row.title, row.plays) == ("Họp dân", 2)


def test_proof_of_play_titles_come_from_the_servers_records(tree, client_for):
    from signage.models import BoardGroup, Playlist, Schedule, Slide

    board, token = make_board(tree.commune_a1)
    own = Playlist.objects.create(unit=tree.commune_a1, name="Của xã")
    slide = Slide.objects.create(playlist=own, title="Lịch tiêm chủng")
    district = Playlist.objects.create(unit=tree.district_a, name="Của huyện")
    above = Slide.objects.create(playlist=district, title="Phòng chống lụt bão")
    group = BoardGroup.objects.create(unit=tree.district_a, name="Nhóm")
    group.boards.set([board])
    Schedule.objects.create(
        unit=tree.district_a,
        name="Huyện",
        playlist=district,
        start_time="08:00",
        end_time="10:00",
    ).groups.set([group])
    elsewhere = Slide.objects.create(
        playlist=Playlist.objects.create(unit=tree.commune_b1, name="Xã khác"),
        title="Của đơn vị khác",
    )
    hour = this_hour().isoformat()
    items = [
        {"hour": hour, "slide": f"s{slide.pk}", "title": "Giả mạo", "plays": 2},
        {"hour": hour, "slide": f"s{above.pk}", "title": "", "plays": 1},
        {"hour": hour, "slide": f"s{elsewhere.pk}", "title": "Lạ", "plays": 1},
    ]
    response = post(
        client_for(tree.commune_a1),
        board,
        "plays",
        {"batch": "t", "items": items},
        token,
    )
    assert response.status_code == 200
    titles = dict(
        PlayStat.objects.filter(board=board).values_list("slide_key", "title")
    )
    assert titles == {
        f"s{slide.pk}": "Lịch tiêm chủng",
        f"s{above.pk}": "Phòng chống lụt bão",
        # Not a slide this board can play: the server has no title for it.
        f"s{elsewhere.pk}": "Lạ",
    }
