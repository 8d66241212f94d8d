"""Public surface of signage: pairing, manifests, push, interrupts, reports.

Other apps call these functions; they never write signage's models.

The manifest of a board is cached in one Redis hash per board
(``<prefix>:signage:b:<uid>``) together with the hash of the board's token,
so the hot path (a player asking "anything new?" with ``If-None-Match``) is
one Redis round trip and no ORM query. Any change to a unit's content calls
``content_changed(unit)``, which drops those hashes and publishes on the
unit's Redis channel; the server-sent-event streams of the unit's boards
relay it, and the players fetch the manifest again at once.
"""

import hashlib
import json
import logging
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django_tenants.utils import tenant_context

from base import redis as platform_redis
from base.choices import Priority

from . import render
from .models import (
    Board,
    BoardKind,
    BulletinItem,
    Interrupt,
    PairingRequest,
    Playlist,
    PlayStat,
    Schedule,
    Slide,
    SlideKind,
)

logger = logging.getLogger(__name__)

PLAYER_VERSION = "1.0.0"
HEARTBEAT_SECONDS = 60
# A board is offline after this many heartbeats are missed (plus grace).
OFFLINE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 2 + 30)
PREFETCH_HOURS = 48
PAIRING_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B
PAIRING_CODE_LENGTH = 6
PAIRING_TTL = timedelta(minutes=30)
DEFAULT_PLAYLIST_NAME = "Danh sách phát mặc định"


# --- Redis (base.redis: keys without the tenant schema) ---


def board_key(uid):
    return platform_redis.key("signage", "b", uid)


def unit_channel(unit_id):
    return platform_redis.key("signage", "unit", unit_id)


# --- tokens and pairing ---


def hash_token(token):
    """Tokens are 256-bit random values: one SHA-256 is enough (no guessing)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    return secrets.token_urlsafe(32)


def issue_token(board):
    """Give a board a fresh secret token; returns the token (shown once)."""
    token = new_token()
    board.token_hash = hash_token(token)
    board.paired_at = timezone.now()
    board.save(update_fields=["token_hash", "paired_at"])
    forget_board(board.uid)
    return token


def _new_code():
    return "".join(
        secrets.choice(PAIRING_CODE_ALPHABET) for _ in range(PAIRING_CODE_LENGTH)
    )


def start_pairing(unit, token):
    """A player on ``unit``'s host asks to be paired; returns the code to show.

    The player made up ``token`` itself; only its hash is kept, and it becomes
    the board's token once an official enters the code.
    """
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise ValueError("Mã bí mật của màn hình không hợp lệ.")
    now = timezone.now()
    PairingRequest.objects.filter(expires_at__lt=now).delete()
    token_hash = hash_token(token)
    existing = PairingRequest.objects.filter(token_hash=token_hash).first()
    if existing and existing.unit_id == unit.pk:
        return existing
    if existing:
        existing.delete()
    for _ in range(20):
        code = _new_code()
        if not PairingRequest.objects.filter(code=code, board__isnull=True).exists():
            break
    return PairingRequest.objects.create(
        unit=unit,
        code=code,
        token_hash=token_hash,
        expires_at=now + PAIRING_TTL,
    )


def normalize_code(code):
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def pair_board(board, code):
    """An official entered ``code`` for ``board``: the waiting player is paired.

    Returns True on success; a wrong, expired or other unit's code is False.
    """
    code = normalize_code(code)
    with transaction.atomic():
        request = (
            PairingRequest.objects.select_for_update()
            .filter(
                unit_id=board.unit_id,
                code=code,
                board__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if request is None:
            return False
        request.board = board
        request.save(update_fields=["board"])
        board.token_hash = request.token_hash
        board.paired_at = timezone.now()
        board.save(update_fields=["token_hash", "paired_at"])
    forget_board(board.uid)
    return True


def pairing_status(unit, token):
    """(code, board) for the player holding ``token``; board None until paired."""
    request = (
        PairingRequest.objects.select_related("board")
        .filter(unit=unit, token_hash=hash_token(token or ""))
        .first()
    )
    if request is None:
        return None, None
    return request.code, request.board


# --- content ---


def _local(dt):
    return timezone.localtime(dt) if dt else None


def _iso(dt):
    return _local(dt).isoformat() if dt else None


def _plain(html):
    return " ".join(strip_tags(html or "").split())


def _board_priority(priority):
    """Boards order automatic items by 10 x the TT 39 rank (slides are 0)."""
    return 10 * Priority.rank_of(priority)


def page_items(unit, at):
    """Published pages of the unit marked for boards (read inside its schema)."""
    items = []
    try:
        from cms import models as cms_models
    except ImportError:  # pragma: no cover - cms always exists
        return items
    for model_name in ("AnnouncementPage", "ArticlePage"):
        model = getattr(cms_models, model_name, None)
        if model is None:
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        if "show_on_boards" not in field_names:
            continue
        with tenant_context(unit):
            pages = list(model.objects.live().filter(show_on_boards=True))
        for page in pages:
            valid_from = getattr(page, "valid_from", None)
            valid_until = getattr(page, "valid_until", None)
            if isinstance(valid_from, datetime) is False and valid_from:
                valid_from = timezone.make_aware(datetime.combine(valid_from, time()))
            if isinstance(valid_until, datetime) is False and valid_until:
                valid_until = timezone.make_aware(
                    datetime.combine(valid_until, time.max)
                )
            if valid_until and valid_until <= at:
                continue
            body = getattr(page, "summary", "") or _plain(getattr(page, "body", ""))
            if not isinstance(body, str):
                body = _plain(str(body))
            items.append(
                {
                    "key": f"p{page.pk}",
                    "kind": "text",
                    "title": page.title,
                    "body": body[:600],
                    "language": getattr(page.locale, "language_code", "vi")[:2],
                    "duration": 12,
                    "valid_from": valid_from,
                    "valid_until": valid_until,
                    "priority": _board_priority(getattr(page, "priority", "")),
                }
            )
    return items


def bulletin_items(unit, at):
    rows = BulletinItem.objects.filter(unit=unit, withdrawn_at__isnull=True).exclude(
        valid_until__lte=at
    )
    return [
        {
            "key": f"b{row.bulletin_id}",
            "kind": "text",
            "title": row.title,
            "body": row.body[:600],
            "language": row.language or "vi",
            "duration": 15,
            "valid_from": row.valid_from,
            "valid_until": row.valid_until,
            "priority": _board_priority(row.priority),
        }
        for row in rows
    ]


def slide_items(playlist, at):
    items = []
    for slide in playlist.slides.all():
        if slide.valid_until and slide.valid_until <= at:
            continue
        items.append(
            {
                "key": f"s{slide.pk}",
                "kind": slide.kind,
                "title": slide.title,
                "body": slide.body,
                "language": slide.language,
                "duration": slide.duration,
                "valid_from": slide.valid_from,
                "valid_until": slide.valid_until,
                "priority": 0,
                "_slide": slide,
            }
        )
    return items


def default_playlist(unit):
    """The unit's always-available playlist, created on first use."""
    playlist = Playlist.objects.filter(unit=unit, is_default=True).first()
    if playlist is None:
        playlist = Playlist.objects.create(
            unit=unit, name=DEFAULT_PLAYLIST_NAME, is_default=True, include_auto=True
        )
    return playlist


# --- schedules: dayparts and priority ---


def schedule_covers(schedule, at):
    """True when ``schedule`` is on at the (aware) moment ``at``, local time."""
    local = _local(at)
    t = local.time()
    day = local.date()
    if schedule.start_time < schedule.end_time:
        if not schedule.start_time <= t < schedule.end_time:
            return False
    else:  # runs past midnight: the early part belongs to the day before
        if t >= schedule.start_time:
            pass
        elif t < schedule.end_time:
            day = day - timedelta(days=1)
        else:
            return False
    if schedule.weekdays and day.isoweekday() not in schedule.weekdays:
        return False
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_until and day > schedule.valid_until:
        return False
    return True


def board_schedules(board):
    return list(
        Schedule.objects.filter(unit_id=board.unit_id)
        .filter(
            # a schedule with no boards applies to every board of the unit
            pk__in=Schedule.objects.filter(unit_id=board.unit_id, boards=board)
            .values("pk")
            .union(
                Schedule.objects.filter(
                    unit_id=board.unit_id, boards__isnull=True
                ).values("pk")
            )
        )
        .select_related("playlist")
        .order_by("-priority", "-created_at", "-pk")
    )


def active_playlist(board, at=None, schedules=None):
    """(playlist, schedule) playing on ``board`` at ``at``: the highest-priority
    schedule that covers the moment, else the board's or unit's default."""
    at = at or timezone.now()
    schedules = board_schedules(board) if schedules is None else schedules
    for schedule in schedules:  # already ordered by priority, newest first
        if schedule_covers(schedule, at):
            return schedule.playlist, schedule
    if board.default_playlist_id:
        return board.default_playlist, None
    return default_playlist(board.unit), None


def board_is_on(board, at):
    if board.on_time is None or board.off_time is None:
        return True
    t = _local(at).time()
    if board.on_time < board.off_time:
        return board.on_time <= t < board.off_time
    return t >= board.on_time or t < board.off_time


def _boundaries(board, schedules, start, end):
    """Every moment in [start, end) where what plays may change."""
    moments = {start}
    day = _local(start).date() - timedelta(days=1)
    last_day = _local(end).date()
    tz = timezone.get_current_timezone()
    times = {s.start_time for s in schedules} | {s.end_time for s in schedules}
    times |= {t for t in (board.on_time, board.off_time) if t is not None}
    times.add(time(0, 0))
    while day <= last_day:
        for t in times:
            moment = timezone.make_aware(datetime.combine(day, t), tz)
            if start < moment < end:
                moments.add(moment)
        day += timedelta(days=1)
    return sorted(moments)


def timeline(board, start, hours=PREFETCH_HOURS, schedules=None):
    """What plays when over the prefetch window: a list of segments."""
    end = start + timedelta(hours=hours)
    schedules = board_schedules(board) if schedules is None else schedules
    moments = _boundaries(board, schedules, start, end) + [end]
    segments = []
    for begin, finish in zip(moments, moments[1:], strict=False):
        if not board_is_on(board, begin):
            playlist, schedule = None, None
        else:
            playlist, schedule = active_playlist(board, begin, schedules)
        label = (playlist.pk if playlist else None, schedule.pk if schedule else None)
        if segments and segments[-1]["_label"] == label:
            segments[-1]["until"] = finish
            continue
        segments.append(
            {
                "_label": label,
                "from": begin,
                "until": finish,
                "playlist": playlist,
                "schedule": schedule,
            }
        )
    return segments


# --- interrupts ---


def active_interrupt(board, at=None):
    at = at or timezone.now()
    candidates = (
        Interrupt.objects.filter(
            unit_id=board.unit_id, cleared_at__isnull=True, starts_at__lte=at
        )
        .exclude(expires_at__lte=at)
        .order_by("-starts_at", "-pk")
        .prefetch_related("boards")
    )
    for interrupt in candidates:
        targets = {b.pk for b in interrupt.boards.all()}
        if not targets or board.pk in targets:
            return interrupt
    return None


def interrupt(
    unit,
    *,
    title,
    body="",
    minutes=None,
    expires_at=None,
    boards=None,
    language="vi",
    bulletin_id=None,
    by="",
):
    """Take over the unit's boards (or ``boards``) at once."""
    if expires_at is None and minutes:
        expires_at = timezone.now() + timedelta(minutes=minutes)
    item = Interrupt.objects.create(
        unit=unit,
        title=title,
        body=body,
        language=language or "vi",
        expires_at=expires_at,
        bulletin_id=bulletin_id,
        created_by=by,
    )
    if boards:
        item.boards.set(boards)
    content_changed(unit)
    return item


def clear_interrupt(item):
    """End an interrupt: the normal playlist resumes on every board."""
    if item.cleared_at is None:
        item.cleared_at = timezone.now()
        item.save(update_fields=["cleared_at"])
    content_changed(item.unit_id)
    return item


# --- the manifest ---


def _media_root_for(schema):
    return settings.MEDIA_ROOT / schema / "signage" / "render"


def _file_sha(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def render_item(board, item, tone="normal"):
    """The slide's PNG at the board's resolution, rendered once per content."""
    spec = {
        "width": board.width,
        "height": board.height,
        "board_kind": board.kind,
        "tone": tone,
        "title": item.get("title", ""),
        "body": item.get("body", ""),
    }
    slide = item.get("_slide")
    if slide is not None and slide.kind == SlideKind.IMAGE and slide.image:
        spec = {**spec, "picture": slide.image.path, "picture_name": slide.image.name}
        spec["picture_size"] = slide.image.size
    key = render.render_key(spec)
    schema = board.unit.schema_name
    folder = _media_root_for(schema)
    path = folder / f"{key}.png"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        data = render.png_bytes(render.render_spec(spec))
        tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return {
        "url": f"/signage/files/{key}.png",
        "sha256": _file_sha(path),
        "size": path.stat().st_size,
    }


def _media_file(field):
    return {
        "url": field.url,
        "sha256": _file_sha(field.path),
        "size": field.size,
    }


def _items_for(playlist, board, unit, at, cache):
    if playlist is None:
        return []
    if playlist.pk in cache:
        return cache[playlist.pk]
    items = slide_items(playlist, at)
    if playlist.include_auto:
        if "auto" not in cache:
            auto = bulletin_items(unit, at) + page_items(unit, at)
            auto.sort(key=lambda item: -item["priority"])
            cache["auto"] = auto
        items = cache["auto"] + items
    if board.kind == BoardKind.LED:
        items = [i for i in items if i["kind"] != SlideKind.VIDEO]
    cache[playlist.pk] = items
    return items


def window_start(now=None):
    """The prefetch window starts at the current hour, so the manifest (and
    its ETag) stays the same for an hour unless content changes."""
    now = _local(now or timezone.now())
    return now.replace(minute=0, second=0, microsecond=0)


def build_manifest(board, now=None):
    """The manifest document of ``board`` (a dict without volatile fields)."""
    now = now or timezone.now()
    start = window_start(now)
    unit = board.unit
    cache, slides, files = {}, {}, {}

    def add(item, tone="normal"):
        entry = {k: v for k, v in item.items() if not k.startswith("_")}
        entry["valid_from"] = _iso(item.get("valid_from"))
        entry["valid_until"] = _iso(item.get("valid_until"))
        png = render_item(board, item, tone)
        entry["image"] = png["url"]
        files[png["url"]] = png
        slide = item.get("_slide")
        if slide is not None and slide.kind == SlideKind.IMAGE and slide.image:
            entry["media"] = slide.image.url
            files[slide.image.url] = _media_file(slide.image)
        if slide is not None and slide.kind == SlideKind.VIDEO and slide.video:
            entry["media"] = slide.video.url
            files[slide.video.url] = _media_file(slide.video)
        slides[entry["key"]] = entry
        return entry["key"]

    with tenant_context(unit):
        segments = []
        for segment in timeline(board, start):
            items = _items_for(segment["playlist"], board, unit, now, cache)
            keys = [add(item) for item in items]
            segments.append(
                {
                    "from": _iso(segment["from"]),
                    "until": _iso(segment["until"]),
                    "off": segment["playlist"] is None,
                    "playlist": segment["playlist"].name if segment["playlist"] else "",
                    "slides": keys,
                }
            )
        emergency = None
        current = active_interrupt(board, now)
        if current is not None:
            item = {
                "key": f"e{current.pk}",
                "kind": "text",
                "title": current.title,
                "body": current.body,
                "language": current.language,
                "duration": 0,
                "valid_from": current.starts_at,
                "valid_until": current.expires_at,
                "priority": 100,
            }
            key = add(item, tone="emergency")
            emergency = slides.pop(key)
    return {
        "schema": 1,
        "board": {
            "id": str(board.uid),
            "name": board.name,
            "unit": str(unit),
            "kind": board.kind,
            "width": board.width,
            "height": board.height,
            "orientation": board.orientation,
        },
        "window": {
            "from": _iso(start),
            "until": _iso(start + timedelta(hours=PREFETCH_HOURS)),
        },
        "emergency": emergency,
        "segments": segments,
        "slides": slides,
        "files": sorted(files.values(), key=lambda f: f["url"]),
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "player_version": PLAYER_VERSION,
    }


def _hour_stamp(now=None):
    return window_start(now).strftime("%Y%m%d%H")


def manifest_for(board, now=None):
    """(version, JSON bytes) of the board's manifest, cached in Redis."""
    now = now or timezone.now()
    hour = _hour_stamp(now)
    client = platform_redis.client()
    key = board_key(board.uid)
    cached = client.hmget(key, "hour", "version", "body")
    if cached[0] and cached[0].decode() == hour and cached[2]:
        return cached[1].decode(), cached[2]
    document = build_manifest(board, now)
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    version = hashlib.sha256(body).hexdigest()[:32]
    document["version"] = version
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    client.hset(
        key,
        mapping={
            "hour": hour,
            "version": version,
            "body": body,
            "token": board.token_hash,
            "unit": board.unit_id,
            "hosts": unit_hosts(board.unit_id),
        },
    )
    client.expire(key, 3 * 3600)
    return version, body


def cached_auth(uid):
    """(token_hash, unit_id, hour, version) from Redis, or None: the 304 path."""
    values = platform_redis.client().hmget(
        board_key(uid), "token", "unit", "hour", "version"
    )
    if values[0] is None:
        return None
    return tuple(v.decode() if v is not None else None for v in values)


def unit_hosts(unit_id):
    """The hostnames of a unit, for the 304 fast path (signage.middleware)."""
    from tenants.models import Domain

    return ",".join(
        d.lower()
        for d in Domain.objects.filter(tenant_id=unit_id).values_list(
            "domain", flat=True
        )
    )


def remember_auth(board):
    client = platform_redis.client()
    key = board_key(board.uid)
    client.hset(
        key,
        mapping={
            "token": board.token_hash,
            "unit": board.unit_id,
            "hosts": unit_hosts(board.unit_id),
        },
    )
    client.expire(key, 3 * 3600)


def forget_board(uid):
    platform_redis.client().delete(board_key(uid))


def content_changed(unit):
    """Something a unit's boards show changed: drop cached manifests and tell
    every connected player to fetch again now."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    uids = list(Board.objects.filter(unit_id=unit_id).values_list("uid", flat=True))

    def forget():
        if uids:
            platform_redis.client().delete(*[board_key(uid) for uid in uids])

    def push():
        forget()
        platform_redis.client().publish(unit_channel(unit_id), "changed")

    # Forget now (a rebuild in this transaction sees the new rows) and again
    # after commit, when players are told: a fetch in between may have cached
    # the old content.
    forget()
    transaction.on_commit(push)


# --- reports from the player ---


class BadReport(ValueError):
    """A heartbeat or proof-of-play post that cannot be stored (reason inside)."""


def _short_str(data, name, limit, required=False):
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadReport(f"Trường “{name}” phải là chuỗi ký tự.")
    if required and not value:
        raise BadReport(f"Thiếu trường “{name}”.")
    if len(value) > limit:
        raise BadReport(f"Trường “{name}” dài quá {limit} ký tự.")
    return value


def record_heartbeat(board, data):
    if not isinstance(data, dict):
        raise BadReport("Nội dung phải là một đối tượng JSON.")
    version = _short_str(data, "player_version", 40, required=True)
    showing = _short_str(data, "showing", 255)
    manifest_version = _short_str(data, "manifest_version", 64)
    now = timezone.now()
    Board.objects.filter(pk=board.pk).update(
        last_seen=now,
        player_version=version,
        showing=showing,
        manifest_version=manifest_version,
    )
    return now


def _parse_hour(value):
    if not isinstance(value, str):
        raise BadReport("Trường “hour” phải là thời điểm ISO 8601.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadReport(f"Thời điểm “{value[:40]}” không đúng định dạng ISO 8601.")
    if timezone.is_naive(moment):
        raise BadReport("Thời điểm phải có múi giờ.")
    if moment.minute or moment.second or moment.microsecond:
        raise BadReport("Thời điểm “hour” phải là đầu giờ (phút và giây bằng 0).")
    now = timezone.now()
    if moment > now + timedelta(hours=1) or moment < now - timedelta(days=30):
        raise BadReport("Thời điểm “hour” nằm ngoài khoảng cho phép (30 ngày).")
    return moment


def record_plays(board, data):
    """Add a batch of hourly counts; all-or-nothing, idempotent per batch id."""
    if not isinstance(data, dict):
        raise BadReport("Nội dung phải là một đối tượng JSON.")
    batch = _short_str(data, "batch", 64, required=True)
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise BadReport("Trường “items” phải là một danh sách không rỗng.")
    if len(items) > 2000:
        raise BadReport("Mỗi lần gửi tối đa 2000 dòng.")
    rows = {}
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise BadReport(f"Dòng {index} phải là một đối tượng JSON.")
        hour = _parse_hour(item.get("hour"))
        slide = _short_str(item, "slide", 64, required=True)
        title = _short_str(item, "title", 255)
        plays, seconds = item.get("plays"), item.get("seconds", 0)
        for name, value, top in (("plays", plays, 100_000), ("seconds", seconds, 3600)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise BadReport(f"Dòng {index}: “{name}” phải là số nguyên.")
            if not 0 <= value <= top:
                raise BadReport(f"Dòng {index}: “{name}” phải từ 0 đến {top}.")
        key = (hour, slide)
        previous = rows.get(key, (title, 0, 0))
        rows[key] = (title or previous[0], previous[1] + plays, previous[2] + seconds)
    seen_key = platform_redis.key("signage", "batch", board.pk, batch)
    if not platform_redis.client().set(seen_key, 1, nx=True, ex=3 * 86400):
        return 0  # already stored (the player retried after a lost reply)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO public.signage_playstat "
                "(board_id, hour, slide_key, title, plays, seconds) "
                "VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (board_id, hour, slide_key) DO UPDATE SET "
                "plays = signage_playstat.plays + EXCLUDED.plays, "
                "seconds = signage_playstat.seconds + EXCLUDED.seconds, "
                "title = CASE WHEN EXCLUDED.title <> '' THEN EXCLUDED.title "
                "ELSE signage_playstat.title END",
                [
                    (board.pk, hour, slide, title, plays, seconds)
                    for (hour, slide), (title, plays, seconds) in rows.items()
                ],
            )
    except Exception:
        platform_redis.client().delete(seen_key)
        raise
    _mark_played(board, {slide for _, slide in rows})
    return len(rows)


# --- monitoring ---


def board_is_online(board, now=None):
    now = now or timezone.now()
    return bool(board.last_seen and now - board.last_seen <= OFFLINE_AFTER)


def subtree_boards(unit):
    """Boards of ``unit`` and every unit below it, with per-unit counts."""
    units = list(unit.descendants(include_self=True).order_by("path"))
    boards = list(
        Board.objects.filter(unit__in=units)
        .select_related("unit")
        .order_by("unit__path", "name")
    )
    now = timezone.now()
    counts = {u.pk: {"unit": u, "total": 0, "online": 0, "offline": 0} for u in units}
    for board in boards:
        board.online = board_is_online(board, now)
        row = counts[board.unit_id]
        row["total"] += 1
        row["online" if board.online else "offline"] += 1
    summary = {
        "total": len(boards),
        "online": sum(1 for b in boards if b.online),
    }
    summary["offline"] = summary["total"] - summary["online"]
    return boards, [r for r in counts.values() if r["total"]], summary


def play_rows(units, since=None, until=None):
    qs = (
        PlayStat.objects.filter(board__unit__in=units)
        .select_related("board", "board__unit")
        .order_by("hour", "board__unit__path", "board__name", "slide_key")
    )
    if since:
        qs = qs.filter(hour__gte=since)
    if until:
        qs = qs.filter(hour__lt=until)
    return qs


# --- limits checked at edit time ---


def led_boards(unit):
    return list(Board.objects.filter(unit=unit, kind=BoardKind.LED))


def led_text_problem(unit, title, body):
    """A Vietnamese message when the text cannot fit the unit's smallest LED
    board at the smallest legible size, else None."""
    boards = led_boards(unit)
    if not boards:
        return None
    smallest = min(boards, key=lambda b: b.width * b.height)
    if render.text_fits(title, body, smallest.width, smallest.height, "led"):
        return None
    limit = led_char_limit(smallest.width, smallest.height)
    length = len(title) + len(body)
    return (
        f"Nội dung quá dài cho bảng LED “{smallest.name}” ({smallest.resolution}): "
        f"tối đa khoảng {limit} ký tự cả tiêu đề và nội dung, hiện có {length} "
        "ký tự. Hãy rút gọn hoặc chia thành nhiều trang."
    )


def led_char_limit(width, height):
    """About how many Vietnamese characters fit a board at the minimum size."""
    sample = "Thông báo của Ủy ban nhân dân xã về việc tổ chức họp dân "
    low, high = 1, 4000
    while low < high:
        mid = (low + high + 1) // 2
        text = (sample * (mid // len(sample) + 1))[:mid]
        if render.text_fits("", text, width, height, "led"):
            low = mid
        else:
            high = mid - 1
    return low


# --- bulletins (receivers connected in apps.py) ---


def _mark_delivery(bulletin, unit, state):
    """Report to bulletins (when its service exists) what the boards did."""
    try:
        from bulletins import services as bulletin_services
    except ImportError:
        return
    mark = getattr(bulletin_services, "mark_delivery", None)
    if mark is None:
        return
    try:
        mark(bulletin, unit, "board", state)
    except Exception as error:  # noqa: BLE001 - bookkeeping must not stop a board
        logger.info("bulletin delivery not marked %s: %r", state, error)


def _mark_played(board, slide_keys):
    """Bulletins and emergencies that a player reports as played are "used"."""
    ids = {int(k[1:]) for k in slide_keys if k[:1] == "b" and k[1:].isdigit()}
    interrupts = [int(k[1:]) for k in slide_keys if k[:1] == "e" and k[1:].isdigit()]
    if interrupts:
        ids |= set(
            Interrupt.objects.filter(
                pk__in=interrupts, bulletin_id__isnull=False
            ).values_list("bulletin_id", flat=True)
        )
    for bulletin_id in ids:
        _mark_delivery(bulletin_id, board.unit, "used")


def on_bulletin_for_channel(sender, bulletin, unit, channel, emergency=False, **kw):
    if channel != "board":
        return
    title = (getattr(bulletin, "title", "") or "")[:255]
    body = getattr(bulletin, "body_text", "") or ""
    language = (getattr(bulletin, "language", "") or "vi")[:8]
    valid_from = getattr(bulletin, "valid_from", None)
    valid_until = getattr(bulletin, "valid_until", None)
    if emergency:
        existing = Interrupt.objects.filter(
            unit=unit, bulletin_id=bulletin.pk, cleared_at__isnull=True
        ).first()
        if existing is None:
            interrupt(
                unit,
                title=title,
                body=body,
                language=language,
                expires_at=valid_until,
                bulletin_id=bulletin.pk,
                by="bulletin",
            )
    else:
        BulletinItem.objects.update_or_create(
            unit=unit,
            bulletin_id=bulletin.pk,
            defaults={
                "title": title,
                "body": body,
                "language": language,
                "priority": str(getattr(bulletin, "priority", "") or ""),
                "valid_from": valid_from,
                "valid_until": valid_until,
                "withdrawn_at": None,
            },
        )
        content_changed(unit)
    _mark_delivery(bulletin, unit, "received")


def on_bulletin_withdrawn(sender, bulletin, unit, channel="board", **kw):
    if channel != "board":
        return
    now = timezone.now()
    Interrupt.objects.filter(
        unit=unit, bulletin_id=bulletin.pk, cleared_at__isnull=True
    ).update(cleared_at=now)
    BulletinItem.objects.filter(unit=unit, bulletin_id=bulletin.pk).update(
        withdrawn_at=now
    )
    content_changed(unit)


def on_page_changed(sender, instance=None, **kw):
    """A page was published or unpublished in the current unit's schema."""
    from tenants.services import current_unit

    unit = current_unit()
    if unit is not None and Board.objects.filter(unit=unit).exists():
        content_changed(unit)


# --- the demo ---


def create_demo_boards(unit):
    """Two paired boards for ``unit`` (LED 192×96 and LCD 1920×1080) with a few
    slides; returns [(board, player_url)] where the URL carries the token."""
    from tenants.services import unit_hostname

    playlist = default_playlist(unit)
    if not playlist.slides.exists():
        Slide.objects.create(
            playlist=playlist,
            title=f"Chào mừng đến {unit}",
            body="Bảng tin điện tử công cộng của đơn vị.",
            duration=8,
            sort_order=1,
        )
        Slide.objects.create(
            playlist=playlist,
            title="Lịch tiếp công dân",
            body="Thứ Hai đến thứ Sáu, 7 giờ 30 – 11 giờ 30 tại trụ sở.",
            duration=8,
            sort_order=2,
        )
    result = []
    for name, kind, width, height in (
        ("Bảng LED cổng trụ sở", BoardKind.LED, 192, 96),
        ("Màn hình LCD nhà văn hóa", BoardKind.LCD, 1920, 1080),
    ):
        board, _ = Board.objects.get_or_create(
            unit=unit,
            name=name,
            defaults={
                "kind": kind,
                "width": width,
                "height": height,
                "place": "Trụ sở Ủy ban nhân dân",
                "on_time": time(5, 0),
                "off_time": time(23, 0),
            },
        )
        token = issue_token(board)
        host = unit_hostname(unit.slug)
        port = settings.DEMO_PORT
        result.append(
            (
                board,
                f"http://{host}{':' + port if port else ''}/signage/player/"
                f"#board={board.uid}&token={token}",
            )
        )
    content_changed(unit)
    return result
