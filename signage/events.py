"""The boards' event streams as a small ASGI app of their own.

A board holds its stream open all day; under gunicorn's threads every
connected board would hold a thread of the website. Here a stream is a
coroutine waiting on Redis: thousands fit in one process, and the website's
threads never see them. Run it beside the web server
(``uvicorn signage.events:application``, see deploy/Procfile*) and route
``/signage/api/boards/<uuid>/events/`` to it; the WSGI view stays as a
fallback for a deployment that routes everything to gunicorn.

Authentication is the 304 fast path's: the board's Redis hash (token hash,
unit, the unit's hostnames), filled from the database on a miss.
"""

import asyncio
import hmac
import json
import os
import re
import uuid
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

import redis.asyncio as aioredis  # noqa: E402
from asgiref.sync import sync_to_async  # noqa: E402
from django.conf import settings  # noqa: E402

from base import redis as platform_redis  # noqa: E402

from . import services  # noqa: E402

PATH = re.compile(r"^/signage/api/boards/([0-9a-fA-F-]{36})/events/$")
# One stream may stay open much longer than a thread-bound one: it costs a
# coroutine. It still ends now and then, so a revoked token is noticed.
LIFETIME = settings.SIGNAGE_ASYNC_SSE_SECONDS
PING_SECONDS = 10


def _client():
    return platform_redis.async_client()


class Hub:
    """One Redis subscription per process, fanned out to the streams: a
    thousand boards cost a thousand queues, not a thousand connections."""

    def __init__(self):
        self.listeners = {}  # channel -> set of queues
        self.task = None

    def join(self, channel):
        queue = asyncio.Queue(maxsize=100)
        self.listeners.setdefault(channel, set()).add(queue)
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self.run())
        return queue

    def leave(self, channel, queue):
        queues = self.listeners.get(channel, set())
        queues.discard(queue)
        if not queues:
            self.listeners.pop(channel, None)

    async def run(self):
        pattern = services.unit_channel("*")
        while True:
            try:
                pubsub = _client().pubsub(ignore_subscribe_messages=True)
                await pubsub.psubscribe(pattern)
                async for message in pubsub.listen():
                    channel = message["channel"].decode()
                    for queue in list(self.listeners.get(channel, ())):
                        if not queue.full():
                            queue.put_nowait(message["data"])
            except (OSError, aioredis.RedisError):
                # Redis went away: streams keep pinging, players poll; retry.
                await asyncio.sleep(1)


hub = Hub()


@sync_to_async
def _remember(uid):
    """Fill the board's Redis hash from the database (first stream)."""
    from .models import Board

    board = Board.objects.filter(uid=uid).first()
    if board is not None:
        services.remember_auth(board)
    return board is not None


async def _auth(uid, token, host):
    """(status, message, unit_id) for this board, token and host."""
    key = services.board_key(uid)
    fields = await _client().hmget(key, "token", "unit", "hosts")
    if fields[0] is None:
        if not await _remember(uid):
            return 404, "Không có bảng tin này.", None
        fields = await _client().hmget(key, "token", "unit", "hosts")
    token_hash, unit_id, hosts = (v.decode() if v else "" for v in fields)
    if host not in hosts.split(","):
        return 404, "Không có bảng tin này.", None
    if not token or not token_hash:
        return 401, "Thiếu mã xác thực của bảng tin.", None
    if not hmac.compare_digest(services.hash_token(token), token_hash):
        return 401, "Mã xác thực của bảng tin không đúng.", None
    return 200, "", unit_id


def _headers(scope):
    return {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}


async def _answer(send, status, message, extra=()):
    body = json.dumps({"error": message}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json; charset=utf-8")]
            + list(extra),
        }
    )
    await send({"type": "http.response.body", "body": body})


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    match = PATH.match(scope["path"])
    if scope["method"] != "GET" or match is None:
        await _answer(send, 404, "Không có trang này.")
        return
    uid = str(uuid.UUID(match.group(1)))
    headers = _headers(scope)
    host = headers.get("host", "").rsplit(":", 1)[0].lower()
    query = parse_qs(scope.get("query_string", b"").decode())
    token = (
        services.bearer_token(headers.get("authorization", ""))
        or (query.get("token", [""])[0])
    )
    status, message, unit_id = await _auth(uid, token, host)
    cors = []
    origin = headers.get("origin", "")
    if origin:
        cors = [(b"access-control-allow-origin", origin.encode()), (b"vary", b"Origin")]
    if status != 200:
        await _answer(send, status, message, cors)
        return
    # At most SIGNAGE_STREAMS_PER_BOARD open streams per board, across every
    # events process (a Redis counter that expires with the streams): one
    # board's token cannot open thousands (security review M4).
    slot = platform_redis.key("signage", "streams", uid)
    redis = _client()
    try:
        open_now = await redis.incr(slot)
        await redis.expire(slot, int(LIFETIME) + 60)
    except (OSError, aioredis.RedisError):
        open_now = 1  # no Redis: the stream still works, unbounded
        slot = None
    if open_now > settings.SIGNAGE_STREAMS_PER_BOARD:
        await _release(slot)
        await _answer(
            send,
            429,
            "Bảng tin này đã mở đủ kênh nhận sự kiện; hãy đóng kênh cũ rồi thử lại.",
            [*cors, (b"retry-after", b"30")],
        )
        return
    try:
        await _stream(scope, receive, send, uid, unit_id, cors)
    finally:
        await _release(slot)


async def _release(slot):
    if slot is None:
        return
    try:
        await _client().decr(slot)
    except (OSError, aioredis.RedisError):
        pass  # the counter expires anyway


async def _stream(scope, receive, send, uid, unit_id, cors):
    channel = services.unit_channel(unit_id)
    queue = hub.join(channel)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"text/event-stream"),
                (b"cache-control", b"no-cache"),
                (b"x-accel-buffering", b"no"),
            ]
            + cors,
        }
    )
    disconnected = asyncio.Event()

    async def watch():
        while (await receive())["type"] != "http.disconnect":
            pass
        disconnected.set()

    watcher = asyncio.ensure_future(watch())
    try:
        await _chunk(send, "retry: 1000\n\nevent: changed\ndata: connect\n\n")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LIFETIME
        while not disconnected.is_set() and loop.time() < deadline:
            try:
                data = await asyncio.wait_for(queue.get(), PING_SECONDS)
            except TimeoutError:
                await _chunk(send, ": ping\n\n")
                continue
            event = services.sse_event(data, uid)
            if event:
                await _chunk(send, event)
        if not disconnected.is_set():
            await send({"type": "http.response.body", "body": b""})
    except OSError:
        pass  # the board went away
    finally:
        watcher.cancel()
        hub.leave(channel, queue)


async def _chunk(send, text):
    await send({"type": "http.response.body", "body": text.encode(), "more_body": True})
