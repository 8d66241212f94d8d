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
import io
import json
import logging
import os
import re
import secrets
import shutil
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags
from django_tenants.utils import tenant_context

from base import redis as platform_redis
from base.choices import Priority

from . import render
from .models import (
    Board,
    BoardCommand,
    BoardGroup,
    BoardKind,
    BulletinItem,
    CommandKind,
    Interrupt,
    Orientation,
    PairingRequest,
    Playlist,
    PlayStat,
    Schedule,
    Slide,
    SlideKind,
)

logger = logging.getLogger(__name__)

PLAYER_VERSION = "1.0.0"
HEARTBEAT_SECONDS = settings.SIGNAGE_HEARTBEAT_SECONDS
# A board is offline after this many heartbeats are missed (plus grace).
OFFLINE_AFTER = timedelta(seconds=HEARTBEAT_SECONDS * 2 + 30)
PREFETCH_HOURS = 48
PAIRING_CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B
PAIRING_CODE_LENGTH = 6
# A technician may mount the board and an official enter the code the next
# day: the request lives SIGNAGE_PAIRING_TTL_HOURS (default 24 h).
PAIRING_TTL = timedelta(hours=settings.SIGNAGE_PAIRING_TTL_HOURS)
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


def bearer_token(header):
    """The token of an ``Authorization: Bearer <token>`` header ('' if none);
    the scheme is case-insensitive (RFC 9110 §11.1)."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return token.strip()


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


def _device_report(data):
    """What a player says about itself when it asks to pair, checked."""
    data = data if isinstance(data, dict) else {}
    report = {}
    kind = data.get("kind")
    if kind not in (None, ""):
        if kind not in BoardKind.values:
            raise ValueError("Loại màn hình phải là “led” hoặc “lcd”.")
        report["kind"] = kind
    sizes = [data.get("width"), data.get("height")]
    if any(v is not None for v in sizes):
        if not all(
            isinstance(v, int) and not isinstance(v, bool) and 16 <= v <= 7680
            for v in sizes
        ):
            raise ValueError(
                "Độ phân giải phải là hai số nguyên “width”, “height” từ 16 đến 7680."
            )
        report["width"], report["height"] = sizes
    orientation = data.get("orientation")
    if orientation not in (None, ""):
        if orientation not in Orientation.values:
            raise ValueError("Hướng màn hình phải là “landscape” hoặc “portrait”.")
        report["orientation"] = orientation
    elif "width" in report:
        report["orientation"] = (
            Orientation.PORTRAIT
            if report["height"] > report["width"]
            else Orientation.LANDSCAPE
        )
    for name, limit in (("player_version", 40), ("model", 100)):
        value = data.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or len(value) > limit:
            raise ValueError(f"Trường “{name}” phải là chuỗi tối đa {limit} ký tự.")
        report["device_model" if name == "model" else name] = value
    return report


def start_pairing(unit, token, data=None):
    """A player on ``unit``'s host asks to be paired; returns the request whose
    code it shows.

    The player made up ``token`` itself; only its hash is kept, and it becomes
    the board's token once an official enters the code. ``data`` is the rest
    of its request: kind, width, height, orientation, player_version, model.
    """
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise ValueError("Mã bí mật của màn hình không hợp lệ.")
    report = _device_report(data)
    now = timezone.now()
    PairingRequest.objects.filter(expires_at__lt=now).delete()
    token_hash = hash_token(token)
    existing = PairingRequest.objects.filter(token_hash=token_hash).first()
    if existing and existing.unit_id == unit.pk and existing.board_id is None:
        if report:
            for name, value in report.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(report))
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
        **report,
    )


def pending_pairing(unit, code):
    """The unit's unexpired, unpaired request with ``code``, or None."""
    return (
        PairingRequest.objects.filter(
            unit=unit,
            code=normalize_code(code),
            board__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def pair_new_board(unit, code, name, place=""):
    """The official typed the code shown on a new screen and a name: the board
    is created with what the player reported. None for a wrong code."""
    with transaction.atomic():
        request = pending_pairing(unit, code)
        if request is None:
            return None
        board = Board.objects.create(
            unit=unit,
            name=name,
            place=place,
            kind=request.kind or BoardKind.LCD,
            width=request.width or 1920,
            height=request.height or 1080,
            orientation=request.orientation or Orientation.LANDSCAPE,
        )
        if not pair_board(board, code):
            raise RuntimeError("pairing request vanished")  # pragma: no cover
    return board


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
        # A pre-registered board takes what the device reports about itself.
        for name in ("kind", "width", "height", "orientation"):
            if getattr(request, name):
                setattr(board, name, getattr(request, name))
        board.player_version = request.player_version or board.player_version
        board.device_model = request.device_model or board.device_model
        board.save()
    forget_board(board.uid)
    content_changed(board.unit_id)
    return True


def revoke_board(board):
    """Take the board's token back (a stolen or replaced player): every call
    with it is a 401 from now on, open streams end within their lifetime;
    the board stays registered, to be paired again."""
    Board.objects.filter(pk=board.pk).update(token_hash="", paired_at=None)
    PairingRequest.objects.filter(board=board).delete()
    board.token_hash, board.paired_at = "", None
    forget_board(board.uid)
    transaction.on_commit(lambda: forget_board(board.uid))


def pairing_status(unit, token):
    """(request, board) for the player holding ``token``; board None until
    paired. A paired board answers for as long as it keeps that token, even
    after its request is gone; (None, None) for an unknown token."""
    token_hash = hash_token(token or "")
    board = Board.objects.filter(unit=unit, token_hash=token_hash).first()
    request = (
        PairingRequest.objects.select_related("board")
        .filter(unit=unit, token_hash=token_hash, expires_at__gt=timezone.now())
        .first()
    )
    if board is None and request is not None:
        board = request.board
    return request, board


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
    """Published pages of the unit marked for boards (read inside its schema),
    of every page type that says ``board_items`` (cms.models.BasePage)."""
    from wagtail.models import get_page_models

    items = []
    for model in [m for m in get_page_models() if getattr(m, "board_items", False)]:
        with tenant_context(unit):
            pages = list(model.objects.live().public().filter(show_on_boards=True))
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
            _, body = page_board_text(page)
            items.append(
                {
                    "key": f"p{page.pk}",
                    "kind": "text",
                    "title": page.title,
                    "body": body,
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
            "body": row.body,
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


def video_saved(slide):
    """A slide's video was uploaded or replaced: transcode it in the worker
    (status shown in the admin); the slide plays once it is ready."""
    if slide.kind != SlideKind.VIDEO or not slide.video:
        return False
    if slide.video_info.get("source") == slide.video.name and slide.video_status:
        return False
    Slide.objects.filter(pk=slide.pk).update(video_status="pending", video_error="")
    slide.video_status = "pending"
    from .tasks import transcode_video

    pk = slide.pk
    transaction.on_commit(lambda: transcode_video.delay(pk))
    return True


def video_state(slide):
    """What the admin says about a slide's video, in Vietnamese."""
    if slide.kind != SlideKind.VIDEO:
        return ""
    status = slide.get_video_status_display()
    if slide.video_status == "failed":
        return f"{status}: {slide.video_error}"
    if slide.video_status == "ready":
        out = slide.video_info.get("output", {})
        led = (
            f"bảng LED: ảnh GIF {slide.video_info.get('led_seconds', 5)} giây"
            if slide.video_led
            else "bảng LED: ảnh tĩnh"
        )
        return f"{status} · MP4 H.264 {out.get('width')}×{out.get('height')} · {led}"
    return status


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
    """Schedules that may play on ``board``, by priority then newest: its
    unit's schedules aimed at it or at no board and no group (every board of
    the unit), and any unit's schedules aimed at a group holding it (a
    district's or province's group may hold boards of the units below)."""
    unit_schedules = Schedule.objects.filter(unit_id=board.unit_id)
    chosen = (
        unit_schedules.filter(boards=board)
        .values("pk")
        .union(
            unit_schedules.filter(boards__isnull=True, groups__isnull=True).values(
                "pk"
            ),
            Schedule.objects.filter(groups__boards=board).values("pk"),
        )
    )
    return list(
        Schedule.objects.filter(pk__in=chosen)
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
        off = not board_is_on(board, begin)
        if off and not board.off_level:
            playlist, schedule = None, None
        else:  # on, or off but dimmed: the playlist goes on playing
            playlist, schedule = active_playlist(board, begin, schedules)
        label = (
            playlist.pk if playlist else None,
            schedule.pk if schedule else None,
            off,
        )
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
                "off": off,
            }
        )
    return segments


# --- interrupts ---


def _reaching(unit_id):
    """Interrupts that may reach the unit's boards: its own, and those sent
    to a group holding one of its boards (from this unit or one above)."""
    return Q(unit_id=unit_id) | Q(groups__boards__unit_id=unit_id)


def _active_candidates(q, at):
    return (
        Interrupt.objects.filter(q, cleared_at__isnull=True, starts_at__lte=at)
        .exclude(expires_at__lte=at)
        .distinct()
        .order_by("-starts_at", "-pk")
        .prefetch_related("boards", "groups")
    )


def _pick_interrupt(candidates, board, group_ids):
    """The interrupt on ``board`` among ``candidates`` (newest first)."""
    for interrupt in candidates:
        targets = {b.pk for b in interrupt.boards.all()}
        groups = {g.pk for g in interrupt.groups.all()}
        if board.pk in targets or groups & group_ids:
            return interrupt
        if not targets and not groups and interrupt.unit_id == board.unit_id:
            return interrupt
    return None


def active_interrupt(board, at=None):
    at = at or timezone.now()
    group_ids = set(board.groups.values_list("pk", flat=True))
    candidates = _active_candidates(
        Q(unit_id=board.unit_id) | Q(groups__in=group_ids), at
    )
    return _pick_interrupt(candidates, board, group_ids)


def units_reached(item):
    """Units whose boards an interrupt may change: its own and its groups'."""
    units = {item.unit_id}
    if item.pk:
        units |= set(
            Board.objects.filter(groups__in=item.groups.all()).values_list(
                "unit_id", flat=True
            )
        )
    return units


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
    starts_at=None,
    groups=None,
):
    """Take over the unit's boards (or ``boards``, or the boards of
    ``groups``) at ``starts_at`` (default now)."""
    starts_at = starts_at or timezone.now()
    if expires_at is None and minutes:
        expires_at = starts_at + timedelta(minutes=minutes)
    item = Interrupt.objects.create(
        unit=unit,
        title=title,
        body=body,
        language=language or "vi",
        starts_at=starts_at,
        expires_at=expires_at,
        bulletin_id=bulletin_id,
        created_by=by,
    )
    if boards:
        item.boards.set(boards)
    if groups:
        item.groups.set(groups)
    interrupt_saved(item)
    return item


# How far ahead boundaries are handed to the worker as timed tasks. Short, so
# no task waits in the broker longer than its visibility timeout; the beat
# sweep (signage.tasks.interrupt_boundaries) hands over the later ones.
BOUNDARY_LOOKAHEAD = timedelta(seconds=90)


def interrupt_boundaries(unit_id, after, until):
    """(moment, unit_id) of every interrupt start and end in (after, until],
    once per unit it reaches."""
    qs = Interrupt.objects.filter(cleared_at__isnull=True)
    if unit_id is not None:
        qs = qs.filter(_reaching(unit_id)).distinct()
    found = set()
    for field in ("starts_at", "expires_at"):
        window = {f"{field}__gt": after, f"{field}__lte": until}
        for item in qs.filter(**window).prefetch_related("groups"):
            for unit in units_reached(item):
                if unit_id is None or unit == unit_id:
                    found.add((getattr(item, field), unit))
    return sorted(found)


def next_interrupt_boundary(unit_id, now):
    """The next moment an interrupt reaching the unit starts or ends, or None."""
    qs = Interrupt.objects.filter(_reaching(unit_id), cleared_at__isnull=True)
    moments = [
        qs.filter(starts_at__gt=now)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first(),
        qs.filter(expires_at__gt=now)
        .order_by("expires_at")
        .values_list("expires_at", flat=True)
        .first(),
    ]
    moments = [m for m in moments if m is not None]
    return min(moments) if moments else None


def schedule_boundary_pushes(boundaries):
    """Ask the worker to rebuild and push each unit at each moment (eta)."""
    from .tasks import push_at_boundary

    client = platform_redis.client()
    for moment, unit_id in boundaries:
        stamp = moment.isoformat()
        once = platform_redis.key("signage", "boundary", unit_id, stamp)
        keep = int(BOUNDARY_LOOKAHEAD.total_seconds()) * 4
        if not client.set(once, 1, nx=True, ex=keep):
            continue  # already handed to the worker
        push_at_boundary.apply_async(args=[unit_id, stamp], eta=moment)


def interrupt_saved(item):
    """An interrupt was created, edited or cleared: push now, and at its start
    and end if they come soon (the beat sweep takes the later ones)."""
    units = units_reached(item)
    for unit_id in units:
        emergency_changed(unit_id)
    now = timezone.now()
    soon = [
        (moment, unit_id)
        for moment in (item.starts_at, item.expires_at)
        if moment is not None and now < moment <= now + BOUNDARY_LOOKAHEAD
        for unit_id in units
    ]
    if soon and item.cleared_at is None:
        transaction.on_commit(lambda: schedule_boundary_pushes(soon))


def clear_interrupt(item):
    """End an interrupt: the normal playlist resumes on every board."""
    if item.cleared_at is None:
        item.cleared_at = timezone.now()
        item.save(update_fields=["cleared_at"])
    interrupt_saved(item)
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


def render_pages(board, item, tone="normal", size=None):
    """The slide's PNG pages at the board's resolution, rendered once per
    content. Each file is named by the SHA-256 of its bytes; an index file
    named by the hash of the render inputs remembers which pages they are."""
    width, height = size or (board.width, board.height)
    spec = {
        "width": width,
        "height": height,
        "board_kind": board.kind,
        "tone": tone,
        "title": item.get("title", ""),
        "body": item.get("body", ""),
    }
    slide = item.get("_slide")
    if slide is not None and slide.kind != SlideKind.TEXT:
        picture = _picture_of(slide)
        if picture is not None:
            path = _source_path(slide, picture)
            spec = {**spec, "picture": str(path), "picture_name": picture.name}
            spec["picture_size"] = path.stat().st_size
    key = render.render_key(spec)
    folder = _media_root_for(board.unit.schema_name)
    index = folder / f"{key}.json"
    names = None
    if index.exists():
        names = json.loads(index.read_text())
        if not all((folder / f"{name}.png").exists() for name in names):
            names = None
    if names is None:
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        for image in render.render_pages(spec):
            data = render.png_bytes(image, board.kind)
            name = hashlib.sha256(data).hexdigest()
            path = folder / f"{name}.png"
            if not path.exists():
                tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
                tmp.write_bytes(data)
                tmp.replace(path)
            names.append(name)
        tmp = index.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(names))
        tmp.replace(index)
    return [
        {
            "url": f"/signage/files/{name}.png",
            "sha256": name,
            "size": (folder / f"{name}.png").stat().st_size,
        }
        for name in names
    ]


def _store_png(board, image):
    """Store a picture drawn here under its content hash; its file entry."""
    data = render.png_bytes(image, board.kind)
    name = hashlib.sha256(data).hexdigest()
    folder = _media_root_for(board.unit.schema_name)
    path = folder / f"{name}.png"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return {"url": f"/signage/files/{name}.png", "sha256": name, "size": len(data)}


def _picture_of(slide):
    """The still a slide shows on a picture: its image, or a video's poster."""
    if slide.kind == SlideKind.IMAGE and slide.image:
        return slide.image
    poster = getattr(slide, "video_poster", None)
    if slide.kind == SlideKind.VIDEO and poster:
        return poster
    return None


def render_item(board, item, tone="normal"):
    """The first page of the slide (see ``render_pages``)."""
    return render_pages(board, item, tone)[0]


def _source_path(slide, field):
    """Where an uploaded file of ``slide`` lies: under its playlist's unit
    (a district's playlist plays on communes' boards through a group, and
    media are stored per unit)."""
    return settings.MEDIA_ROOT / slide.playlist.unit.schema_name / field.name


_SHA_MEMO = {}


def _known_sha(path):
    """The SHA-256 of a file, remembered while its size and mtime hold (a
    video is hashed once, not on every rebuild)."""
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _SHA_MEMO:
        if len(_SHA_MEMO) > 4096:
            _SHA_MEMO.clear()
        _SHA_MEMO[key] = _file_sha(path)
    return _SHA_MEMO[key], stat.st_size


MEDIA_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".mp4"}


def _media_file(board, slide, field):
    """A slide's picture or video for ``board``, content-addressed like the
    rendered pages: ``/signage/files/<sha256><ext>`` on the board's own host
    (linked, not copied, into the board's unit folder), so a board fetches
    it once, caches it for good, and gets it even when the playlist belongs
    to the unit above."""
    source = _source_path(slide, field)
    sha, size = _known_sha(source)
    suffix = source.suffix.lower()
    if suffix not in MEDIA_SUFFIXES:
        suffix = ".bin"
    folder = _media_root_for(board.unit.schema_name)
    target = folder / f"{sha}{suffix}"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{secrets.token_hex(4)}.tmp")
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
        tmp.replace(target)
    return {"url": f"/signage/files/{sha}{suffix}", "sha256": sha, "size": size}


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
    # A video plays once transcoded (LED boards get its short GIF).
    items = [
        i
        for i in items
        if i["kind"] != SlideKind.VIDEO
        or (i.get("_slide") is not None and i["_slide"].video_status == "ready")
    ]
    cache[playlist.pk] = items
    return items


def window_start(now=None):
    """The prefetch window starts at the current hour, so the manifest (and
    its ETag) stays the same for an hour unless content changes."""
    now = _local(now or timezone.now())
    return now.replace(minute=0, second=0, microsecond=0)


def _slide_entry(board, item, tone, files):
    """A slide's manifest entry; its files go into ``files`` (url -> entry)."""
    entry = {k: v for k, v in item.items() if not k.startswith("_")}
    entry["valid_from"] = _iso(item.get("valid_from"))
    entry["valid_until"] = _iso(item.get("valid_until"))
    pages = render_pages(board, item, tone)
    entry["image"] = pages[0]["url"]
    entry["pages"] = [png["url"] for png in pages]
    entry["media"] = None
    for png in pages:
        files[png["url"]] = png
    slide = item.get("_slide")

    def media(field):
        entry_ = _media_file(board, slide, field)
        files[entry_["url"]] = entry_
        return entry_["url"]

    if slide is not None and slide.kind == SlideKind.IMAGE and slide.image:
        entry["media"] = media(slide.image)
    if slide is not None and slide.kind == SlideKind.VIDEO and slide.video_mp4:
        if board.kind == BoardKind.LED:
            if slide.video_led:
                entry["led_media"] = media(slide.video_led)
        else:
            entry["media"] = media(slide.video_mp4)
        entry["poster"] = media(slide.video_poster)
    return entry


def emergency_block(board, current):
    """(entry, files) of the interrupt ``current`` on ``board``, or None. It
    depends only on the interrupt and the board's kind and size, so a unit's
    boards share it (``refresh_emergency`` builds it once per size)."""
    if current is None:
        return None
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
    files = {}
    entry = _slide_entry(board, item, "emergency", files)
    return entry, list(files.values())


def compose_manifest(base, block):
    """The manifest: the board's base document (``build_base``) with the
    emergency block spliced in. Same document as one built in one go."""
    document = dict(base)
    document["emergency"] = None
    if block is not None:
        entry, extra = block
        document["emergency"] = entry
        files = {f["url"]: f for f in base["files"]}
        files.update((f["url"], f) for f in extra)
        document["files"] = sorted(files.values(), key=lambda f: f["url"])
    return document


def build_manifest(board, now=None):
    """The manifest document of ``board`` (a dict without volatile fields)."""
    now = now or timezone.now()
    base = build_base(board, now)
    return compose_manifest(base, emergency_block(board, active_interrupt(board, now)))


def build_base(board, now):
    """Everything in the manifest but the emergency (``emergency`` is None):
    it changes with content and the hour, not at interrupt boundaries."""
    start = window_start(now)
    unit = board.unit
    cache, slides, files = {}, {}, {}

    def add(item, tone="normal"):
        entry = _slide_entry(board, item, tone, files)
        slides[entry["key"]] = entry
        return entry["key"]

    tickers = {}

    def ticker_for(playlist, items):
        """The segment's "chữ chạy" strip (rendered once per playlist)."""
        if playlist.pk in tickers:
            return tickers[playlist.pk]
        text = playlist.ticker_text or " • ".join(
            i["title"] for i in items if i["key"][:1] in "pb"
        )
        text = " ".join(text.split()) or playlist.name
        zone = render.ticker_height(board.kind, board.height)
        strip = _store_png(board, render.render_ticker(text, zone, board.kind))
        files[strip["url"]] = strip
        tickers[playlist.pk] = {
            "text": text,
            "image": strip["url"],
            "height": zone,
            "speed": 40 if board.kind == "led" else 160,
        }
        return tickers[playlist.pk]

    with tenant_context(unit):
        segments = []
        for segment in timeline(board, start):
            items = _items_for(segment["playlist"], board, unit, now, cache)
            keys = [add(item) for item in items]
            layout = board.layout or (
                segment["playlist"].layout if segment["playlist"] else "full"
            )
            ticker = None
            if layout == "ticker" and segment["playlist"] is not None:
                ticker = ticker_for(segment["playlist"], items)
                main = (board.width, board.height - ticker["height"])
                for item in items:
                    pages = render_pages(board, item, size=main)
                    slides[item["key"]]["main_pages"] = [p["url"] for p in pages]
                    for png in pages:
                        files[png["url"]] = png
            off = segment["off"]
            segments.append(
                {
                    "from": _iso(segment["from"]),
                    "until": _iso(segment["until"]),
                    "off": off,
                    "brightness": board.off_level if off else board.brightness,
                    "layout": layout if ticker else "full",
                    "ticker": ticker,
                    "playlist": segment["playlist"].name if segment["playlist"] else "",
                    "slides": keys,
                }
            )
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
            "power": board.power,
            "brightness": board.brightness,
            "off_level": board.off_level,
        },
        "window": {
            "from": _iso(start),
            "until": _iso(start + timedelta(hours=PREFETCH_HOURS)),
        },
        "emergency": None,
        "segments": segments,
        "slides": slides,
        "files": sorted(files.values(), key=lambda f: f["url"]),
        "events": events_url(board),
        "heartbeat_seconds": HEARTBEAT_SECONDS,
        "player_version": PLAYER_VERSION,
    }


def events_url(board):
    """Where the board's event stream is: the site's own path (the proxy
    sends it to the events process), or that process's port when there is
    no proxy (SIGNAGE_EVENTS_PORT, make run)."""
    path = f"/signage/api/boards/{board.uid}/events/"
    port = settings.SIGNAGE_EVENTS_PORT
    if not port:
        return path
    from tenants.services import unit_hostname

    return f"http://{unit_hostname(board.unit.slug)}:{port}{path}"


def _hour_stamp(now=None):
    return window_start(now).strftime("%Y%m%d%H")


def fresh_until(board, now):
    """Until when a manifest built at ``now`` stays right: the next hour (the
    window moves) or the next start or end of an interrupt, whichever first."""
    limit = window_start(now) + timedelta(hours=1)
    boundary = next_interrupt_boundary(board.unit_id, now)
    if boundary is not None and boundary < limit:
        limit = boundary
    return limit.timestamp()


def is_fresh(stamp, now=None):
    """True while a cached manifest's ``fresh`` stamp (epoch seconds) holds."""
    if not stamp:
        return False
    now = now or timezone.now()
    try:
        return now.timestamp() < float(stamp)
    except (TypeError, ValueError):
        return False


def _finish(document):
    """(version, JSON bytes): the version is the hash of the document without
    it, so equal documents give equal ETags however they were put together."""
    body = json.dumps(document, ensure_ascii=False, sort_keys=True).encode()
    version = hashlib.sha256(body).hexdigest()[:32]
    document = {**document, "version": version}
    return version, json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def _base_fresh(now):
    """Until when a base document (``build_base``) holds: the next hour."""
    return (window_start(now) + timedelta(hours=1)).timestamp()


def manifest_for(board, now=None):
    """(version, JSON bytes) of the board's manifest, cached in Redis until
    something in it may change (``fresh_until``). The base document (all but
    the emergency) is cached beside it until the next hour, so an interrupt
    boundary costs an emergency splice, not a rebuild."""
    now = now or timezone.now()
    client = platform_redis.client()
    key = board_key(board.uid)
    cached = client.hmget(key, "fresh", "version", "body", "base", "base_fresh")
    if cached[2] and is_fresh(cached[0] and cached[0].decode(), now):
        return cached[1].decode(), cached[2]
    fresh = fresh_until(board, now)
    mapping = {}
    if cached[3] and is_fresh(cached[4] and cached[4].decode(), now):
        base = json.loads(cached[3])
    else:
        base_fresh = _base_fresh(now)
        base = build_base(board, now)
        mapping["base"] = json.dumps(base, ensure_ascii=False, sort_keys=True)
        mapping["base_fresh"] = repr(base_fresh)
    block = emergency_block(board, active_interrupt(board, now))
    version, body = _finish(compose_manifest(base, block))
    mapping.update(
        {
            "fresh": repr(fresh),
            "version": version,
            "body": body,
            "token": board.token_hash,
            "unit": board.unit_id,
            "hosts": unit_hosts(board.unit_id),
        }
    )
    client.hset(key, mapping=mapping)
    client.expire(key, 3 * 3600)
    return version, body


def refresh_emergency(unit, now=None):
    """After an interrupt of the unit starts, ends or changes: splice the
    emergency into every board's cached base in one pass (a few queries for
    the whole unit, the emergency pictures once per board size), so each
    board's fetch after the push is a Redis hit. A board without a fresh
    base loses its cached body and rebuilds on its fetch. Returns how many
    manifests were spliced."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    now = now or timezone.now()
    boards = list(Board.objects.filter(unit_id=unit_id).select_related("unit"))
    if not boards:
        return 0
    client = platform_redis.client()
    keys = [board_key(b.uid) for b in boards]
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.hmget(key, "base", "base_fresh")
    cached = pipe.execute()
    members = {}
    through = BoardGroup.boards.through
    for board_id, group_id in through.objects.filter(
        board__unit_id=unit_id
    ).values_list("board_id", "boardgroup_id"):
        members.setdefault(board_id, set()).add(group_id)
    candidates = list(_active_candidates(_reaching(unit_id), now))
    boundary = next_interrupt_boundary(unit_id, now)
    blocks, spliced = {}, 0
    pipe = client.pipeline(transaction=False)
    for board, key, (base, base_fresh) in zip(boards, keys, cached, strict=True):
        if not (base and is_fresh(base_fresh and base_fresh.decode(), now)):
            pipe.hdel(key, "fresh", "version", "body", "base", "base_fresh")
            continue
        current = _pick_interrupt(candidates, board, members.get(board.pk, set()))
        size = (current and current.pk, board.kind, board.width, board.height)
        if size not in blocks:
            blocks[size] = emergency_block(board, current)
        fresh = float(base_fresh)
        if boundary is not None:
            fresh = min(fresh, boundary.timestamp())
        version, body = _finish(compose_manifest(json.loads(base), blocks[size]))
        pipe.hset(key, mapping={"fresh": repr(fresh), "version": version, "body": body})
        spliced += 1
    pipe.execute()
    return spliced


def cached_auth(uid):
    """(token_hash, unit_id, fresh, version) from Redis, or None: the 304 path."""
    values = platform_redis.client().hmget(
        board_key(uid), "token", "unit", "fresh", "version"
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


def sse_event(data, uid):
    """The server-sent event for a message on the unit's channel, as seen by
    board ``uid``: "changed" for content, "command" for a command to this
    board, nothing for another board's command."""
    text = data.decode() if isinstance(data, bytes) else str(data)
    if text.startswith("command:"):
        if text[8:] == str(uid):
            return "event: command\ndata: fetch\n\n"
        return ""
    return "event: changed\ndata: push\n\n"


def content_changed(unit):
    """Something a unit's boards show changed: drop cached manifests and tell
    every connected player to fetch again now. The unit's content also plays
    on the boards of its groups (a district's group holds communes' boards),
    so those are told too, on their own units' channels."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    boards = list(
        Board.objects.filter(Q(unit_id=unit_id) | Q(groups__unit_id=unit_id))
        .distinct()
        .values_list("uid", "unit_id")
    )
    uids = [uid for uid, _ in boards]
    units = {unit_id} | {board_unit for _, board_unit in boards}

    def forget():
        if uids:
            platform_redis.client().delete(*[board_key(uid) for uid in uids])

    def push():
        forget()
        client = platform_redis.client()
        for each in sorted(units):
            client.publish(unit_channel(each), "changed")

    # Forget now (a rebuild in this transaction sees the new rows) and again
    # after commit, when players are told: a fetch in between may have cached
    # the old content.
    forget()
    transaction.on_commit(push)


def group_members_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A board joined or left a group (either side of the relation): its
    unit's boards may now play other schedules and interrupts."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # board.groups.add(...): the board itself moved
        unit_ids = {instance.unit_id}
    elif action == "pre_clear":
        unit_ids = set(instance.boards.values_list("unit_id", flat=True))
    else:
        unit_ids = set(
            Board.objects.filter(pk__in=pk_set or ()).values_list("unit_id", flat=True)
        )
    for unit_id in unit_ids:
        content_changed(unit_id)


def group_deleted(sender, instance, **kwargs):
    """A group goes (its memberships with it, without m2m signals)."""
    for unit_id in set(instance.boards.values_list("unit_id", flat=True)):
        content_changed(unit_id)


def emergency_changed(unit):
    """An interrupt reaching the unit started, ended or changed: only the
    emergency of its manifests moves. Stale the cached bodies now (a fetch in
    this transaction rebuilds from the cached base and sees the new rows);
    after commit, splice the emergency into every board's manifest in one
    pass, then tell the players (their fetch is then a Redis hit)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    uids = list(Board.objects.filter(unit_id=unit_id).values_list("uid", flat=True))
    if uids:
        pipe = platform_redis.client().pipeline(transaction=False)
        for uid in uids:
            pipe.hdel(board_key(uid), "fresh", "version", "body")
        pipe.execute()

    def push():
        refresh_emergency(unit_id)
        platform_redis.client().publish(unit_channel(unit_id), "changed")

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


HEALTH_FIELDS = {
    # name: (types, minimum, maximum)
    "uptime_s": ((int, float), 0, 10**9),
    "storage_free_mb": ((int, float), 0, 10**9),
    "cache_files": ((int,), 0, 10**7),
    "cache_bytes": ((int,), 0, 10**13),
    "temperature_c": ((int, float), -50, 150),
    "signal_dbm": ((int, float), -150, 0),
}
# Free text a device may add: how it is connected, its last error.
HEALTH_TEXTS = {"network": 40, "last_error": 255}


def _health(data):
    """The optional ``health`` object of a heartbeat, checked (known keys)."""
    value = data.get("health")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadReport("Trường “health” phải là một đối tượng JSON.")
    health = {}
    for name, (types, low, high) in HEALTH_FIELDS.items():
        item = value.get(name)
        if item is None:
            continue
        if isinstance(item, bool) or not isinstance(item, types):
            raise BadReport(f"Trường “health.{name}” phải là số.")
        if not low <= item <= high:
            raise BadReport(f"Trường “health.{name}” phải từ {low} đến {high}.")
        health[name] = item
    for name, limit in HEALTH_TEXTS.items():
        item = value.get(name)
        if item is None:
            continue
        if not isinstance(item, str) or len(item) > limit:
            raise BadReport(
                f"Trường “health.{name}” phải là chuỗi tối đa {limit} ký tự."
            )
        health[name] = item
    last_sync = value.get("last_sync")
    if last_sync is not None:
        if not isinstance(last_sync, str) or len(last_sync) > 40:
            raise BadReport("Trường “health.last_sync” phải là thời điểm ISO 8601.")
        try:
            datetime.fromisoformat(last_sync.replace("Z", "+00:00"))
        except ValueError:
            raise BadReport("Trường “health.last_sync” phải là thời điểm ISO 8601.")
        health["last_sync"] = last_sync
    return health


def record_heartbeat(board, data):
    if not isinstance(data, dict):
        raise BadReport("Nội dung phải là một đối tượng JSON.")
    version = _short_str(data, "player_version", 40, required=True)
    showing = _short_str(data, "showing", 255)
    manifest_version = _short_str(data, "manifest_version", 64)
    health = _health(data)
    now = timezone.now()
    fields = {
        "last_seen": now,
        "player_version": version,
        "showing": showing,
        "manifest_version": manifest_version,
    }
    if health is not None:
        fields["health"] = {**health, "reported_at": now.isoformat()}
    Board.objects.filter(pk=board.pk).update(**fields)
    return now


# --- commands: screenshot, reload; power and brightness live on the board ---

SCREENSHOT_MAX_BYTES = 5 * 1024 * 1024


def send_command(board, kind, value=None, by="", push=True):
    """Order a board to do something now. Power and brightness change the
    board (and so its manifest, which the player keeps offline); screenshot
    and reload are one-off commands the player fetches when pushed.
    ``push=False`` leaves telling the unit's boards to the caller (a group
    command tells each unit once)."""
    if kind in (CommandKind.SCREEN_OFF, CommandKind.SCREEN_ON, CommandKind.AUTO):
        board.power = {"screen_off": "off", "screen_on": "on"}.get(kind, "auto")
        board.save(update_fields=["power"])
    elif kind == CommandKind.BRIGHTNESS:
        board.brightness = max(1, min(100, int(value or 100)))
        board.save(update_fields=["brightness"])
    command = BoardCommand.objects.create(
        board=board, kind=kind, value=value, created_by=by
    )
    if kind in (CommandKind.SCREENSHOT, CommandKind.RELOAD):
        uid, channel = str(board.uid), unit_channel(board.unit_id)
        transaction.on_commit(
            lambda: platform_redis.client().publish(channel, f"command:{uid}")
        )
    else:
        command.done_at = timezone.now()
        command.result = "Đã áp dụng vào lịch phát của bảng."
        command.save(update_fields=["done_at", "result"])
        if push:
            content_changed(board.unit_id)
    return command


def group_boards(group):
    """The boards of a group that lie in its unit's subtree (the form only
    offers those; a board moved away since is left out)."""
    return (
        group.boards.filter(unit__in=group.unit.descendants(include_self=True))
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def send_group_command(group, kind, value=None, by=""):
    """The same command to every board of ``group``, in one transaction;
    each unit whose boards changed is told once. Returns the commands."""
    with transaction.atomic():
        commands = [
            send_command(board, kind, value, by, push=False)
            for board in group_boards(group)
        ]
        if kind not in (CommandKind.SCREENSHOT, CommandKind.RELOAD):
            for unit_id in sorted({c.board.unit_id for c in commands}):
                content_changed(unit_id)
    return commands


def group_status(group, now=None):
    """Per board of the group: the board, whether it is online, and its
    latest command (what an official sees after a group command)."""
    now = now or timezone.now()
    boards = list(group_boards(group))
    latest = {}
    for command in BoardCommand.objects.filter(board__in=boards).order_by(
        "board_id", "-created_at", "-pk"
    ):
        latest.setdefault(command.board_id, command)
    rows = []
    for board in boards:
        command = latest.get(board.pk)
        if command is None:
            state = "—"
        elif command.done_at is not None:
            state = "Đã thực hiện"
        elif board_is_online(board, now):
            state = "Đang chờ bảng thực hiện"
        else:
            state = (
                "Đang chờ: bảng mất kết nối, sẽ nhận lệnh khi kết nối lại "
                "(trong 24 giờ)"
            )
        rows.append(
            {
                "board": board,
                "online": board_is_online(board, now),
                "command": command,
                "state": state,
            }
        )
    return rows


def health_rows(board):
    """(label, value) of the board's last health report, in Vietnamese."""
    health = board.health or {}
    rows = []
    if "uptime_s" in health:
        hours, rest = divmod(int(health["uptime_s"]), 3600)
        rows.append(("Thời gian chạy", f"{hours} giờ {rest // 60} phút"))
    if "storage_free_mb" in health:
        rows.append(("Bộ nhớ còn trống", f"{health['storage_free_mb']:,} MB"))
    if "cache_files" in health:
        rows.append(("Tệp trong bộ nhớ đệm", str(health["cache_files"])))
    if "cache_bytes" in health:
        rows.append(("Dung lượng đệm", f"{health['cache_bytes'] / 1048576:.1f} MB"))
    if "last_sync" in health:
        rows.append(("Đồng bộ lần cuối", health["last_sync"]))
    if "temperature_c" in health:
        rows.append(("Nhiệt độ", f"{health['temperature_c']} °C"))
    if "network" in health:
        rows.append(("Kết nối mạng", health["network"]))
    if "signal_dbm" in health:
        rows.append(("Cường độ sóng", f"{health['signal_dbm']} dBm"))
    if "last_error" in health:
        rows.append(("Lỗi gần nhất", health["last_error"]))
    return rows


def pending_commands(board):
    """Commands the player has still to carry out (the last day's)."""
    since = timezone.now() - timedelta(days=1)
    return [
        {"id": c.pk, "kind": c.kind, "value": c.value}
        for c in BoardCommand.objects.filter(
            board=board, done_at__isnull=True, created_at__gte=since
        )
    ]


def command_done(board, pk, data):
    result = _short_str(data if isinstance(data, dict) else {}, "result", 255)
    updated = BoardCommand.objects.filter(
        board=board, pk=pk, done_at__isnull=True
    ).update(done_at=timezone.now(), result=result)
    return bool(updated)


def store_screenshot(board, data):
    """What the player shows, as it sent it: a PNG or JPEG, checked."""
    from django.core.files.base import ContentFile
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise BadReport("Ảnh chụp màn hình trống.")
    if len(data) > SCREENSHOT_MAX_BYTES:
        raise BadReport("Ảnh chụp màn hình lớn quá 5 MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind, size = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise BadReport("Ảnh chụp màn hình phải là tệp PNG hoặc JPEG.")
    if kind not in ("PNG", "JPEG") or max(size) > 7680:
        raise BadReport("Ảnh chụp màn hình phải là tệp PNG hoặc JPEG tối đa 7680 px.")
    now = timezone.now()
    name = f"{board.uid}-{now:%Y%m%d%H%M%S}.{'png' if kind == 'PNG' else 'jpg'}"
    with tenant_context(board.unit), transaction.atomic():
        old = board.screenshot.name if board.screenshot else ""
        board.screenshot.save(name, ContentFile(data), save=False)
        board.screenshot_at = now
        board.save(update_fields=["screenshot", "screenshot_at"])
        BoardCommand.objects.filter(
            board=board, kind=CommandKind.SCREENSHOT, done_at__isnull=True
        ).update(done_at=now, result=f"{size[0]}×{size[1]}")
    if old and old != board.screenshot.name:
        with tenant_context(board.unit):
            board.screenshot.storage.delete(old)
    return size


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


SLIDE_KEY = re.compile(r"^[spbe][0-9]{1,18}$")


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
        if not SLIDE_KEY.match(slide):
            raise BadReport(
                f"Dòng {index}: mã trang “{slide[:20]}” không đúng dạng "
                "(s, p, b hoặc e và một số)."
            )
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
    # Titles come from the server's records when it has them (a key it no
    # longer knows, say a deleted slide, keeps the player's).
    known = server_titles(board, {slide for _, slide in rows})
    rows = {
        (hour, slide): (known.get(slide, title)[:255], plays, seconds)
        for (hour, slide), (title, plays, seconds) in rows.items()
    }
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
                # The first title stays: a later report cannot rename what
                # officials see in the CSV.
                "title = CASE WHEN signage_playstat.title = '' THEN EXCLUDED.title "
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
    for board in boards:
        board.showing_title = ""
    by_unit = {}
    for board in boards:
        if board.showing:
            by_unit.setdefault(board.unit_id, []).append(board)
    for members in by_unit.values():
        titles = server_titles(members[0], {b.showing for b in members})
        for board in members:
            board.showing_title = titles.get(board.showing, "")
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
    """A Vietnamese message when the text needs more pages than a slide may
    have on the unit's smallest LED board (or a word is wider than it), else
    None. Text longer than one page is paged, never cut."""
    boards = led_boards(unit)
    if not boards:
        return None
    smallest = min(boards, key=lambda b: b.width * b.height)
    width, height = smallest.width, smallest.height
    pages = render.paginate(title, body, width, height, "led")
    most = render.profile("led").max_pages
    if pages is not None and len(pages) <= most:
        return None
    where = f"bảng LED “{smallest.name}” ({smallest.resolution})"
    if pages is None:
        return (
            f"Có một từ dài hơn chiều ngang của {where}: hãy tách từ đó ra hoặc "
            "viết ngắn lại."
        )
    per_page = led_char_limit(width, height, title)
    total = led_char_limit(width, height, title, pages=most)
    return (
        f"Nội dung quá dài cho {where}: với tiêu đề này, một trang chứa tối đa "
        f"khoảng {per_page} ký tự nội dung và một trang trình chiếu tối đa "
        f"{most} trang, tức tối đa khoảng {total} ký tự; hiện có {len(body)} ký "
        f"tự nội dung ({len(pages)} trang). Hãy rút gọn hoặc chia thành nhiều "
        "trang trình chiếu."
    )


def led_char_limit(width, height, title="", pages=1):
    """About how many Vietnamese characters of body fit under ``title`` on
    ``pages`` pages of a board at the LED sizes."""
    sample = "Thông báo của Ủy ban nhân dân xã về việc tổ chức họp dân "

    def fits(mid):
        text = (sample * (mid // len(sample) + 1))[:mid]
        found = render.paginate(title, text, width, height, "led")
        return found is not None and len(found) <= pages

    low, high = 0, 200 * pages
    while high < 8000 and fits(high):
        high *= 2
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def page_board_text(page):
    """(title, body) a page shows on boards: its summary, else its text."""
    body = getattr(page, "summary", "") or _plain(getattr(page, "body", ""))
    if not isinstance(body, str):
        body = _plain(str(body))
    return page.title, body


def page_text_problem(page):
    """For a page marked for boards: a Vietnamese message when its board text
    does not fit the unit's LED boards (shown on the summary field)."""
    if not getattr(page, "show_on_boards", False):
        return None
    from tenants.services import current_unit

    unit = current_unit()
    if unit is None:
        return None
    title, body = page_board_text(page)
    problem = led_text_problem(unit, title, body)
    if problem:
        return (
            problem
            + " Bảng tin hiện phần tóm tắt (hoặc nội dung nếu không có tóm tắt): "
            "hãy viết tóm tắt ngắn hơn, hoặc bỏ chọn “Hiện trên bảng tin điện tử”."
        )
    return None


# --- bulletins (receivers connected in apps.py) ---


def _mark_delivery(bulletin, unit, state):
    """Report to bulletins what the boards did."""
    from bulletins import services as bulletin_services

    try:
        bulletin_services.mark_delivery(bulletin, unit, "board", state)
    except Exception as error:  # noqa: BLE001 - bookkeeping must not stop a board
        logger.info("bulletin delivery not marked %s: %r", state, error)


def server_titles(board, keys):
    """{key: title} from the server's own records for the slide keys a board
    reports: its unit's or a unit above's slides and interrupts (through
    groups), its unit's pages and bulletins. Officials read these titles in
    the proof of play, not what a player says."""
    ids = {}
    for key in keys:
        if key[1:].isdigit():
            ids.setdefault(key[0], set()).add(int(key[1:]))
    units = [board.unit_id, *(u.pk for u in board.unit.ancestors())]
    titles = {}
    for pk, title in Slide.objects.filter(
        pk__in=ids.get("s", ()), playlist__unit_id__in=units
    ).values_list("pk", "title"):
        titles[f"s{pk}"] = title
    for pk, title in Interrupt.objects.filter(
        pk__in=ids.get("e", ()), unit_id__in=units
    ).values_list("pk", "title"):
        titles[f"e{pk}"] = title
    for pk, title in BulletinItem.objects.filter(
        bulletin_id__in=ids.get("b", ()), unit_id=board.unit_id
    ).values_list("bulletin_id", "title"):
        titles[f"b{pk}"] = title
    if ids.get("p"):
        from wagtail.models import Page

        with tenant_context(board.unit):
            for pk, title in Page.objects.filter(pk__in=ids["p"]).values_list(
                "pk", "title"
            ):
                titles[f"p{pk}"] = title
    return titles


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
