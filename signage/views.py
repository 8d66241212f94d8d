"""The player and the device API of public boards (on a unit's host).

Devices authenticate with ``Authorization: Bearer <token>`` (the event
stream, which browsers open without headers, takes ``?token=``). A board of
another unit is a 404 here, exactly like an unknown one.
"""

import hmac
import json
import re
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.request import RawPostDataException
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from base import redis as platform_redis
from base.ratelimit import ratelimit
from base.units import unit_or_404

from . import services
from .models import Board

ONLY_ON_UNIT = "Bảng tin chỉ có trên trang của đơn vị."
PAIRING_LIMITED = "Quá nhiều yêu cầu ghép nối, vui lòng thử lại sau."
POLLING_LIMITED = "Quá nhiều yêu cầu, vui lòng thử lại sau."

STATIC_DIR = Path(settings.BASE_DIR) / "static" / "signage"


def _error(status, message, **extra):
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="signage"'
    return response


def _token(request, allow_query=False):
    token = services.bearer_token(request.META.get("HTTP_AUTHORIZATION", ""))
    if token:
        return token
    if allow_query:
        return request.GET.get("token", "")
    return ""


class AuthFailure(Exception):
    def __init__(self, response):
        self.response = response


def _authenticate(request, uid, allow_query=False):
    """(board_or_None, cached) for a valid token, else raise AuthFailure.

    The common case is answered from Redis without touching the ORM; the
    board row is loaded only when the caller needs it.
    """
    try:
        uid = str(uuid.UUID(uid))
    except ValueError:
        raise AuthFailure(_error(404, "Không có bảng tin này."))
    unit_id = str(getattr(connection.tenant, "pk", ""))
    cached = services.cached_auth(uid)
    board = None
    if cached is None:
        board = (
            Board.objects.select_related("unit")
            .filter(uid=uid, unit_id=unit_id or None)
            .first()
        )
        if board is None:
            raise AuthFailure(_error(404, "Không có bảng tin này."))
        services.remember_auth(board)
        token_hash, board_unit = board.token_hash, str(board.unit_id)
    else:
        token_hash, board_unit = cached[0], cached[1]
    if board_unit != unit_id:
        raise AuthFailure(_error(404, "Không có bảng tin này."))
    token = _token(request, allow_query)
    if not token or not token_hash:
        raise AuthFailure(_error(401, "Thiếu mã xác thực của bảng tin."))
    if not hmac.compare_digest(services.hash_token(token), token_hash):
        raise AuthFailure(_error(401, "Mã xác thực của bảng tin không đúng."))
    return board, cached


def _load_board(board, uid):
    if board is not None:
        return board
    board = Board.objects.select_related("unit").filter(uid=uid).first()
    if board is None:
        raise Http404
    return board


def _json_body(request):
    try:
        return json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise services.BadReport(f"Nội dung không phải JSON hợp lệ: {error}.")
    except RawPostDataException:
        # A multipart form (already parsed for the NUL check) is not JSON.
        raise services.BadReport("Nội dung phải là JSON.")


@never_cache
def player(request):
    unit = unit_or_404(ONLY_ON_UNIT)
    return render(
        request,
        "signage/player.html",
        {"unit": unit, "player_version": services.PLAYER_VERSION},
    )


@never_cache
def service_worker(request):
    """Served from /signage/ with scope / so it can also cache /static/signage/
    and /media/ files the manifest lists."""
    body = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    response = HttpResponse(
        body.replace("__VERSION__", services.PLAYER_VERSION),
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@csrf_exempt
@require_POST
@ratelimit("signage.pair_start", json=True, message=PAIRING_LIMITED)
def pair_start(request):
    unit = unit_or_404(ONLY_ON_UNIT)
    try:
        data = _json_body(request)
        token = data.get("token") if isinstance(data, dict) else None
        pairing = services.start_pairing(unit, token, data)
    except (services.BadReport, ValueError) as error:
        return _error(400, str(error))
    return JsonResponse(
        {"code": pairing.code, "expires_at": pairing.expires_at.isoformat()}
    )


@csrf_exempt
@require_POST
@ratelimit("signage.pair_status", json=True, message=POLLING_LIMITED)
def pair_status(request):
    unit = unit_or_404(ONLY_ON_UNIT)
    pairing, board = services.pairing_status(unit, _token(request))
    if board is not None:
        return JsonResponse(
            {"paired": True, "board": str(board.uid), "name": board.name}
        )
    if pairing is None:
        return _error(
            401,
            "Không có yêu cầu ghép nối cho màn hình này (hoặc đã hết hạn): "
            "hãy xin mã mới.",
        )
    return JsonResponse(
        {
            "paired": False,
            "code": pairing.code,
            "expires_at": pairing.expires_at.isoformat(),
        }
    )


@require_GET
def manifest(request, uid):
    try:
        board, cached = _authenticate(request, uid)
    except AuthFailure as failure:
        return failure.response
    # The hot path: the player's ETag matches the cached, still-fresh version.
    if cached is not None and services.is_fresh(cached[2]) and cached[3]:
        etag = f'"{cached[3]}"'
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponse(status=304)
            response["ETag"] = etag
            response["Cache-Control"] = "no-cache"
            return response
    board = _load_board(board, uid)
    version, body = services.manifest_for(board)
    etag = f'"{version}"'
    if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


def _event_stream(uid, unit_id, lifetime):
    """Tell the player to fetch again whenever its unit's content changes.

    The stream ends after ``lifetime`` seconds and the browser reconnects
    (``retry``), so a worker thread is never held for long; every (re)connect
    starts with a ``changed`` event, so nothing published during a
    reconnect is lost.
    """
    pubsub = platform_redis.client().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(services.unit_channel(unit_id))
    try:
        yield "retry: 1000\n\nevent: changed\ndata: connect\n\n"
        deadline = time.monotonic() + lifetime
        last_ping = time.monotonic()
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1.0)
            if message is not None:
                event = services.sse_event(message["data"], uid)
                if event:
                    yield event
            elif time.monotonic() - last_ping >= 10:
                last_ping = time.monotonic()
                yield ": ping\n\n"
    finally:
        pubsub.close()


@require_GET
def events(request, uid):
    try:
        _authenticate(request, uid, allow_query=True)
    except AuthFailure as failure:
        return failure.response
    response = StreamingHttpResponse(
        _event_stream(uid, connection.tenant.pk, settings.SIGNAGE_SSE_SECONDS),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@csrf_exempt
@require_POST
def heartbeat(request, uid):
    try:
        board, _ = _authenticate(request, uid)
        board = _load_board(board, uid)
        data = _json_body(request)
        seen = services.record_heartbeat(board, data)
    except AuthFailure as failure:
        return failure.response
    except services.BadReport as error:
        return _error(400, str(error))
    version, _ = services.manifest_for(board)
    return JsonResponse(
        {
            "ok": True,
            "seen": seen.isoformat(),
            "version": version,
            "commands": services.pending_commands(board),
        }
    )


@require_GET
def commands(request, uid):
    try:
        board, _ = _authenticate(request, uid)
    except AuthFailure as failure:
        return failure.response
    board = _load_board(board, uid)
    return JsonResponse({"commands": services.pending_commands(board)})


@csrf_exempt
@require_POST
def command_done(request, uid, pk):
    try:
        board, _ = _authenticate(request, uid)
        board = _load_board(board, uid)
        done = services.command_done(board, pk, _json_body(request))
    except AuthFailure as failure:
        return failure.response
    except services.BadReport as error:
        return _error(400, str(error))
    if not done:
        return _error(404, "Không có lệnh này hoặc lệnh đã xong.")
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def screenshot(request, uid):
    """The player sends what it shows (image/png or image/jpeg body)."""
    try:
        board, _ = _authenticate(request, uid)
        board = _load_board(board, uid)
        width, height = services.store_screenshot(board, request.body)
    except AuthFailure as failure:
        return failure.response
    except services.BadReport as error:
        return _error(400, str(error))
    return JsonResponse({"ok": True, "width": width, "height": height})


@csrf_exempt
@require_POST
def plays(request, uid):
    try:
        board, _ = _authenticate(request, uid)
        board = _load_board(board, uid)
        stored = services.record_plays(board, _json_body(request))
    except AuthFailure as failure:
        return failure.response
    except services.BadReport as error:
        return _error(400, str(error))
    return JsonResponse({"ok": True, "rows": stored})


RENDER_NAME = re.compile(r"^[0-9a-f]{64}\.(png|jpg|jpeg|gif|webp|mp4)$")
FILE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
}


@require_GET
def rendered_file(request, name):
    """A slide page, picture or video of this unit's boards, immutable: its
    name is the SHA-256 of its bytes (the manifest's ``sha256``)."""
    unit_or_404(ONLY_ON_UNIT)
    match = RENDER_NAME.match(name)
    if not match:
        raise Http404
    path = services._media_root_for(connection.schema_name) / name
    if not path.exists():
        raise Http404
    response = FileResponse(open(path, "rb"), content_type=FILE_TYPES[match[1]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
