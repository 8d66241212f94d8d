"""An emergency reaches many boards without each rebuilding its manifest:
after the press, every board's cached manifest already carries it (spliced in
one pass before the push), with the same version a full rebuild gives."""

import json

import pytest

from base import redis as platform_redis
from signage import services
from signage.models import BoardGroup
from tests.factories.signage import make_board


def _cached(board):
    fresh, version, body = platform_redis.client().hmget(
        services.board_key(board.uid), "fresh", "version", "body"
    )
    assert body is not None and services.is_fresh(fresh.decode())
    return version.decode(), json.loads(body)


def _rebuilt_version(board):
    version, _ = services._finish(services.build_manifest(board))
    return version


@pytest.mark.django_db
def test_press_splices_emergency_into_every_cached_manifest_before_the_push(
    tree, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    boards = [
        make_board(unit, kind="led", width=192, height=96, name="LED chợ")[0],
        make_board(unit, kind="led", width=192, height=96, name="LED cầu")[0],
        make_board(unit, kind="lcd", name="LCD trụ sở")[0],
    ]
    before = {b.pk: services.manifest_for(b)[0] for b in boards}

    with django_capture_on_commit_callbacks(execute=True):
        item = services.interrupt(unit, title="Lũ quét, sơ tán ngay", minutes=30)

    for board in boards:
        version, document = _cached(board)
        assert document["emergency"]["title"] == "Lũ quét, sơ tán ngay"
        files = {f["url"] for f in document["files"]}
        assert document["emergency"]["pages"][0] in files
        assert document["version"] == version != before[board.pk]
        assert version == _rebuilt_version(board)
        # The fetch after the push answers from the cache, same ETag.
        assert services.manifest_for(board)[0] == version

    with django_capture_on_commit_callbacks(execute=True):
        services.clear_interrupt(item)

    for board in boards:
        version, document = _cached(board)
        assert document["emergency"] is None
        assert version == before[board.pk] == _rebuilt_version(board)


@pytest.mark.django_db
def test_spliced_emergency_reaches_only_the_boards_it_targets(
    tree, django_capture_on_commit_callbacks
):
    unit = tree.commune_a1
    market, _ = make_board(unit, kind="led", width=192, height=96, name="LED chợ")
    hall, _ = make_board(unit, kind="lcd", name="LCD trụ sở")
    school, _ = make_board(unit, kind="lcd", name="LCD trường")
    group = BoardGroup.objects.create(unit=unit, name="Nhóm trường học")
    group.boards.add(school)
    for board in (market, hall, school):
        services.manifest_for(board)

    with django_capture_on_commit_callbacks(execute=True):
        services.interrupt(unit, title="Cháy chợ", boards=[market], minutes=10)
        services.interrupt(unit, title="Nghỉ học", groups=[group], minutes=10)

    assert _cached(market)[1]["emergency"]["title"] == "Cháy chợ"
    assert _cached(hall)[1]["emergency"] is None
    assert _cached(school)[1]["emergency"]["title"] == "Nghỉ học"
    for board in (market, hall, school):
        assert _cached(board)[0] == _rebuilt_version(board)
