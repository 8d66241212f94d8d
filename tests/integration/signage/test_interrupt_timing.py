"""Emergencies start and end on time on every board, with nobody touching
the unit: the cached manifest knows when it goes stale, and the worker pushes
the boards at each start and end of an interrupt."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from base import redis as platform_redis
from signage import render, services
from signage.models import Board, Interrupt
from tests import conftest
from tests.factories.signage import auth, make_board
from tests.utils import local


@pytest.mark.django_db
def test_cached_manifest_takes_in_scheduled_interrupt_at_start_drops_it_at_end(
    tree,
):
    unit = tree.commune_a1
    board, _ = make_board(unit, kind="led", width=192, height=96)
    t0 = local(10, 5)
    services.interrupt(
        unit,
        title="Cắt điện từ 10 giờ 20",
        starts_at=local(10, 20),
        expires_at=local(10, 35),
    )
    before_version, body = services.manifest_for(board, now=t0)
    assert json.loads(body)["emergency"] is None
    # Nothing changes in the unit; the moment alone makes the cache stale.
    assert services.manifest_for(board, now=local(10, 19))[0] == before_version
    version, body = services.manifest_for(board, now=local(10, 20))
    assert json.loads(body)["emergency"]["title"] == "Cắt điện từ 10 giờ 20"
    assert version != before_version
    _, body = services.manifest_for(board, now=local(10, 35))
    assert json.loads(body)["emergency"] is None


@pytest.mark.django_db
def test_304_fast_path_stops_answering_once_an_interrupt_is_due(tree, client_for):
    unit = tree.commune_a1
    board, token = make_board(unit)
    services.interrupt(
        unit,
        title="Diễn tập phòng cháy",
        starts_at=timezone.now() + timedelta(seconds=2),
        minutes=5,
    )
    client = client_for(unit)
    url = f"/signage/api/boards/{board.uid}/manifest/"
    first = client.get(url, **auth(token))
    assert json.loads(first.content)["emergency"] is None
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **auth(token)).status_code == 304
    time.sleep(2.2)
    later = client.get(url, HTTP_IF_NONE_MATCH=etag, **auth(token))
    assert later.status_code == 200
    assert json.loads(later.content)["emergency"]["title"] == "Diễn tập phòng cháy"


@pytest.fixture
def celery_beat_process(celery_worker_process, tmp_path):
    """Celery beat on the test database, sending to the test worker's queue."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": conftest.test_database_url(),
        "CELERY_QUEUE": celery_worker_process.queue,
        "SIGNAGE_BOUNDARY_SWEEP_SECONDS": "2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING"]
        + ["--schedule", str(tmp_path / "beat-schedule")],
        env=env,
    )
    time.sleep(2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _pushes(pubsub, until, fetch):
    """(time, emergency title) for each push on the unit's channel: what a
    player told to fetch again gets."""
    seen = []
    while time.monotonic() < until:
        message = pubsub.get_message(timeout=0.1)
        if message and message["type"] == "message":
            emergency = fetch()["emergency"]
            seen.append((time.time(), emergency and emergency["title"]))
    return seen


@pytest.mark.worker
def test_scheduled_interrupt_is_pushed_within_5_s_of_its_start_and_of_its_end(
    tree, committed, celery_worker_process, celery_beat_process, client_for
):
    unit = tree.commune_a2
    board, token = make_board(unit, name="Bảng cổng chợ")
    try:
        pubsub = platform_redis.client().pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(services.unit_channel(unit.pk))
        start = timezone.now() + timedelta(seconds=6)
        end = start + timedelta(seconds=6)
        # As the admin's "Ngắt khẩn cấp → Thêm" saves it: starts later.
        item = services.interrupt(
            unit, title="Xả lũ hồ thủy lợi", starts_at=start, expires_at=end
        )
        client = client_for(unit)
        url = f"/signage/api/boards/{board.uid}/manifest/"

        def fetch():
            return json.loads(client.get(url, **auth(token)).content)

        assert fetch()["emergency"] is None
        pushes = _pushes(pubsub, time.monotonic() + 6 + 6 + 6, fetch)
        on = [(t, title) for t, title in pushes if start.timestamp() <= t]
        assert on and on[0][0] - start.timestamp() < 5, pushes
        assert on[0][1] == "Xả lũ hồ thủy lợi", pushes
        off = [(t, title) for t, title in pushes if end.timestamp() <= t]
        assert off and off[0][0] - end.timestamp() < 5, pushes
        assert off[0][1] is None, pushes
        # Nobody pressed "Kết thúc": the end came from its expiry alone.
        assert Interrupt.objects.get(pk=item.pk).cleared_at is None
    finally:
        pubsub.close()
        Interrupt.objects.filter(unit=unit).delete()
        Board.objects.filter(pk=board.pk).delete()


def test_led_emergency_slide_carries_the_khan_cap_band(tree):
    """The LED picture says "KHẨN CẤP" in a red band, as the LCD view does."""
    led = render.render_text("Sơ tán ngay", "", 192, 96, "led", "emergency")
    plain = render.render_text("Sơ tán ngay", "", 192, 96, "led", "normal")
    band = render._banner(192, 96, "led")
    assert band.height >= 16
    pixels = led.load()
    top = [pixels[x, y] for x in range(192) for y in range(band.height)]
    assert top.count((255, 0, 0)) > len(top) // 2  # a red band
    white = top.count((255, 255, 255))
    assert white > 60  # the label's ink, in pure white (no grey edges)
    assert set(top) <= {(255, 0, 0), (255, 255, 255)}
    assert list(led.crop((0, 0, 192, band.height)).getdata()) == list(band.getdata())
    plain_top = [plain.load()[x, y] for x in range(192) for y in range(band.height)]
    assert (255, 0, 0) not in plain_top
