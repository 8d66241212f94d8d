"""Boards' event streams run in their own ASGI process: 500 boards holding a
stream do not take a website thread, and every one of them hears a push."""

import asyncio
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from base import redis as platform_redis
from signage import services
from signage.models import Board
from tests.factories.signage import make_board
from tests.utils import free_port, reachable, test_database_url

pytestmark = [pytest.mark.slow]

BOARDS = 500


@pytest.fixture
def events_server(tree):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": test_database_url(),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "signage.events:application"]
        + ["--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env,
    )
    deadline = time.monotonic() + 30
    while not reachable(f"http://127.0.0.1:{port}", port):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=20)


async def _hold(port, host, board, token, connected, pushed, done):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /signage/api/boards/{board}/events/?token={token} HTTP/1.1\r\n"
        f"Host: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    seen = b""
    try:
        while not done.is_set():
            chunk = await asyncio.wait_for(reader.read(4096), 30)
            if not chunk:
                break
            seen += chunk
            if b"data: connect" in seen and board not in connected:
                connected.add(board)
            if b"data: push" in seen:
                pushed.add(board)
                break
    finally:
        writer.close()


def test_site_answers_while_500_boards_hold_event_streams(
    tree, committed, live_site, events_server
):
    unit = tree.commune_b1
    boards = [make_board(unit, name=f"Bảng mô phỏng {n:03}") for n in range(BOARDS)]
    try:
        for board, _ in boards:
            services.remember_auth(board)
        connected, pushed = set(), set()
        host = unit.primary_hostname
        home = f"http://127.0.0.1:{live_site.port}/"
        channel = services.unit_channel(unit.pk)

        async def scenario():
            done = asyncio.Event()
            tasks = [
                asyncio.ensure_future(
                    _hold(
                        events_server,
                        host,
                        str(b.uid),
                        t,
                        connected,
                        pushed,
                        done,
                    )
                )
                for b, t in boards
            ]
            for _ in range(300):
                if len(connected) == BOARDS:
                    break
                await asyncio.sleep(0.1)
            # Every board is connected: the website still answers at once
            # (its threads hold no stream).
            pages = []
            for _ in range(10):
                response = await asyncio.to_thread(
                    requests.get, home, headers={"Host": host}, timeout=10
                )
                pages.append(response.status_code)
            platform_redis.client().publish(channel, "changed")
            for _ in range(300):
                if len(pushed) == BOARDS:
                    break
                await asyncio.sleep(0.1)
            done.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            return pages

        # A loop of its own, on a thread of its own: the session's Playwright
        # (browser tests) keeps an event loop running on this thread.
        with ThreadPoolExecutor(1) as pool:
            pages = pool.submit(asyncio.run, scenario()).result()
        assert len(connected) == BOARDS
        assert pages == [200] * 10
        assert len(pushed) == BOARDS
    finally:
        Board.objects.filter(unit=unit).delete()


def test_event_server_refuses_wrong_token_and_other_units_host(
    tree, committed, events_server
):
    board, token = make_board(tree.commune_b1, name="Bảng thử từ chối")
    try:
        url = f"http://127.0.0.1:{events_server}/signage/api/boards/{board.uid}/events/"
        own = {"Host": tree.commune_b1.primary_hostname}
        other = {"Host": tree.commune_a1.primary_hostname}
        wrong = requests.get(url, params={"token": "x" * 43}, headers=own, timeout=5)
        assert wrong.status_code == 401 and "không đúng" in wrong.json()["error"]
        elsewhere = requests.get(url, params={"token": token}, headers=other, timeout=5)
        assert elsewhere.status_code == 404
    finally:
        board.delete()


def test_one_board_cannot_hold_more_than_its_share_of_streams(
    tree, committed, events_server
):
    """Security review M4: one board's token opened streams until the site
    stalled. Two at once per board (a reconnect may overlap); the third is
    a Vietnamese 429, and a closed stream frees its place."""
    board, token = make_board(tree.commune_b1, name="Bảng thử giới hạn kênh")
    url = f"http://127.0.0.1:{events_server}/signage/api/boards/{board.uid}/events/"
    headers = {
        "Host": tree.commune_b1.primary_hostname,
        "Authorization": f"Bearer {token}",
    }
    held = []
    try:
        for _ in range(2):
            stream = requests.get(url, headers=headers, stream=True, timeout=10)
            assert stream.status_code == 200
            held.append(stream)
        third = requests.get(url, headers=headers, timeout=10)
        assert third.status_code == 429
        assert "đã mở đủ kênh" in third.json()["error"]
        held.pop().close()
        for _ in range(100):  # the server notices at its next ping (10 s)
            again = requests.get(url, headers=headers, stream=True, timeout=10)
            if again.status_code == 200:
                held.append(again)
                break
            time.sleep(0.2)
        else:
            pytest.fail("a closed stream never freed its place")
    finally:
        for stream in held:
            stream.close()
        board.delete()
