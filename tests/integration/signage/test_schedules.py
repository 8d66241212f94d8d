"""Dayparts and priority decide which playlist a board plays."""

from datetime import date, time, timedelta

import pytest

from signage import services
from signage.models import Schedule
from tests.factories.signage import make_board, make_playlist
from tests.utils import local

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 10, 6)


def schedule(unit, playlist, start, end, priority=0, **extra):
    return Schedule.objects.create(
        unit=unit,
        name=playlist.name,
        playlist=playlist,
        start_time=time(*start),
        end_time=time(*end),
        priority=priority,
        **extra,
    )


def playing(board, hour, minute=0, day=MONDAY):
    playlist, _ = services.active_playlist(board, local(hour, minute, day))
    return playlist.name


def test_higher_priority_daypart_wins_and_default_fills_the_gaps(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit)
    services.default_playlist(unit)
    morning = make_playlist(unit, "Buổi sáng")
    market = make_playlist(unit, "Phiên chợ")
    schedule(unit, morning, (6, 0), (11, 0), priority=0)
    schedule(unit, market, (8, 0), (10, 0), priority=5)
    assert playing(board, 7) == "Buổi sáng"
    assert playing(board, 9) == "Phiên chợ"
    assert playing(board, 10, 30) == "Buổi sáng"
    assert playing(board, 12) == services.DEFAULT_PLAYLIST_NAME


def test_weekdays_overnight_and_board_targeting(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit)
    other_board, _ = make_board(unit, name="Bảng khác")
    night = make_playlist(unit, "Ban đêm")
    weekend = make_playlist(unit, "Cuối tuần")
    only_other = make_playlist(unit, "Chỉ bảng khác")
    schedule(unit, night, (22, 0), (2, 0), weekdays=[1])  # Monday night
    schedule(unit, weekend, (0, 0), (23, 59), priority=3, weekdays=[6, 7])
    targeted = schedule(unit, only_other, (12, 0), (13, 0), priority=9)
    targeted.boards.set([other_board])

    tuesday = MONDAY + timedelta(days=1)
    assert playing(board, 23, day=MONDAY) == "Ban đêm"
    assert playing(board, 1, day=tuesday) == "Ban đêm"  # Monday's night
    assert playing(board, 1, day=MONDAY) != "Ban đêm"  # Sunday's night: none
    assert playing(board, 10, day=MONDAY + timedelta(days=5)) == "Cuối tuần"
    assert playing(board, 12, 30) != "Chỉ bảng khác"
    assert playing(other_board, 12, 30) == "Chỉ bảng khác"


def test_manifest_timeline_splits_at_dayparts_and_off_hours(tree):
    unit = tree.commune_a1
    board, _ = make_board(unit, on_time=time(5, 0), off_time=time(22, 0))
    make_playlist(unit, "Mặc định", is_default=True, slides=["Chào mừng"])
    market = make_playlist(unit, "Phiên chợ", slides=["Giá lúa hôm nay"])
    schedule(unit, market, (8, 0), (10, 0), priority=5)
    manifest = services.build_manifest(board, now=local(7, 30, MONDAY))
    names = [(s["from"][11:16], s["playlist"], s["off"]) for s in manifest["segments"]]
    assert names[:4] == [
        ("07:00", "Mặc định", False),
        ("08:00", "Phiên chợ", False),
        ("10:00", "Mặc định", False),
        ("22:00", "", True),
    ]
    market_slides = manifest["segments"][1]["slides"]
    assert [manifest["slides"][k]["title"] for k in market_slides] == [
        "Giá lúa hôm nay"
    ]
    # 48 hours of schedule are in the document, for offline play.
    assert names[-1][0] == "07:00" or manifest["segments"][-1]["until"].startswith(
        str(MONDAY + timedelta(days=2))
    )
