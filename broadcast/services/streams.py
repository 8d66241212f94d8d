"""Streams: a relay of a radio station or a live announcement from the
browser reaches the clusters as a ``stream`` command naming an Icecast
mount.

The web process only records what was asked (a ``Stream`` row) and tells
the streamer (``broadcast/streamer.py``, ``manage.py broadcast_streamer``)
through a Redis list; the streamer runs ffmpeg (source → mono MP3 →
Icecast) and calls ``went_on_air`` once the mount carries audio: only then
are the devices told (a Program of kind ``stream`` and its Dispatch, so
acks, per-device states and "Dừng phát ngay" work as for any program).
A live take's chunks (MediaRecorder, every 500 ms) go to a Redis list the
streamer feeds to ffmpeg, so any web worker can take any chunk.

Stream URLs: ``BROADCAST_STREAM_BASE_URL`` + mount + ``?t=<token>``, the
token signed by the platform (salt ``broadcast-stream``) for that mount.
Icecast asks ``/_icecast/auth/`` (its URL authentication, ``listener_add``)
for every listener; the platform accepts a token only while its stream is
on the air and at most ``BROADCAST_STREAM_MAX_SECONDS`` after it was made.
"""

import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from base import redis as platform_redis
from base.choices import Priority

from ..devices import protocol
from ..models import Program, ProgramKind, Stream, StreamKind, StreamState
from .dispatch import dispatch_program, stop_dispatch

logger = logging.getLogger(__name__)

TOKEN_SALT = "broadcast-stream"


def control_key():
    """The streamer's inbox: JSON {"start": id} / {"stop": id}."""
    return platform_redis.key("broadcast", "streams", "control")


def chunks_key(stream):
    return platform_redis.key("broadcast", "stream", stream.uid.hex, "in")


def _tell_streamer(**message):
    body = json.dumps(message)
    transaction.on_commit(lambda: platform_redis.client().rpush(control_key(), body))


# --- URLs and tokens ---------------------------------------------------------


def stream_token(stream):
    return signing.dumps(stream.uid.hex, salt=TOKEN_SALT)


def stream_url(stream):
    base = settings.BROADCAST_STREAM_BASE_URL.rstrip("/")
    return f"{base}{stream.mount}?t={stream_token(stream)}"


def listener_allowed(mount):
    """Icecast's ``mount`` of a ``listener_add`` (path and query, as the
    listener asked): allowed when the token names this mount's stream and
    the stream is on the air."""
    parts = urlsplit(mount or "")
    token = (parse_qs(parts.query).get("t") or [""])[0]
    try:
        value = signing.loads(
            token, salt=TOKEN_SALT, max_age=settings.BROADCAST_STREAM_MAX_SECONDS
        )
    except signing.BadSignature:  # expired included
        return False
    if parts.path != f"/s-{value}.mp3":
        return False
    return Stream.objects.filter(uid=value, state=StreamState.ON_AIR).exists()


# --- starting and stopping ----------------------------------------------------


def check_source_url(url):
    """A relay pulls http(s) only (ffmpeg would also open files and other
    protocols on the server)."""
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(
            "Địa chỉ luồng nguồn phải là một địa chỉ http:// hoặc https:// "
            "(ví dụ luồng MP3 của VOV1)."
        ) from None
    return url


def start_relay(unit, title, source_url, started_by="", priority=Priority.NORMAL):
    """Relay the radio stream at ``source_url`` to the unit's clusters (and
    below): returns the Stream (state "starting" until its mount has audio)."""
    source_url = check_source_url(source_url)
    with transaction.atomic():
        stream = Stream.objects.create(
            unit=unit,
            kind=StreamKind.RELAY,
            title=title[:255],
            source_url=source_url,
            priority=priority,
            started_by=started_by,
        )
        _tell_streamer(start=stream.pk)
    return stream


def start_live(unit, title, started_by=""):
    """A live announcement from a browser: chunks come through ``feed``."""
    with transaction.atomic():
        stream = Stream.objects.create(
            unit=unit,
            kind=StreamKind.LIVE,
            title=(title or "Thông báo trực tiếp")[:255],
            priority=Priority.PRIORITY,
            started_by=started_by,
        )
        _tell_streamer(start=stream.pk)
    return stream


def feed(stream, data):
    """One chunk of a live take (WebM/Opus from MediaRecorder), in order."""
    if not stream.is_running:
        raise ValidationError("Luồng phát đã dừng.")
    if len(data) > settings.BROADCAST_STREAM_CHUNK_BYTES:
        raise ValidationError("Đoạn âm thanh gửi lên quá lớn.")
    client = platform_redis.client()
    key = chunks_key(stream)
    pipe = client.pipeline()
    pipe.rpush(key, data)
    pipe.expire(key, 120)
    pipe.execute()


def stop_stream(stream, reason="operator", detail=""):
    """End the stream: the encoder stops, and every device holding its
    ``stream`` command gets a ``stop`` (its own cid; ``reason`` operator or
    ended). Returns the number of devices told."""
    now = timezone.now()
    with transaction.atomic():
        stream = Stream.objects.select_for_update().get(pk=stream.pk)
        told = 0
        if stream.is_running:
            stream.state = StreamState.ENDED
            stream.ended_at = now
            stream.detail = detail[:255]
            stream.save(update_fields=["state", "ended_at", "detail"])
        told = _stop_devices(stream, reason, now)
        _tell_streamer(stop=stream.pk)
    return told


def _stop_devices(stream, reason, now):
    if stream.dispatch_id is None:
        return 0
    told = stop_dispatch(stream.dispatch, reason=reason)
    # No retry of the stream command once it ended.
    type(stream.dispatch).objects.filter(pk=stream.dispatch_id).update(expires_at=now)
    return told


# --- called by the streamer ----------------------------------------------------


def went_on_air(stream):
    """The mount has audio: tell the clusters (one Dispatch)."""
    now = timezone.now()
    with transaction.atomic():
        stream = (
            Stream.objects.select_for_update().select_related("unit").get(pk=stream.pk)
        )
        if stream.state != StreamState.STARTING:
            return stream
        program = Program.objects.create(
            unit=stream.unit,
            title=stream.title,
            kind=ProgramKind.STREAM,
            duration_seconds=settings.BROADCAST_STREAM_MAX_SECONDS,
            public=False,
            created_by=stream.started_by,
        )
        stream.program = program
        stream.state = StreamState.ON_AIR
        stream.on_air_at = now
        stream.save(update_fields=["program", "state", "on_air_at"])
        stream.dispatch = dispatch_program(
            program,
            units=[stream.unit],
            priority=stream.priority,
            expires_in=timedelta(seconds=settings.BROADCAST_STREAM_MAX_SECONDS),
            now=now,
            # The streamer publishes at once (no worker hop); the beat
            # sweep republishes whatever it could not.
            kick=False,
        )
        stream.save(update_fields=["dispatch"])
    return stream


def source_ended(stream, failed=False, detail=""):
    """The encoder stopped on its own (the source ended, or failed)."""
    now = timezone.now()
    with transaction.atomic():
        stream = Stream.objects.select_for_update().get(pk=stream.pk)
        if not stream.is_running:
            return stream
        stream.state = StreamState.FAILED if failed else StreamState.ENDED
        stream.ended_at = now
        stream.detail = detail[:255]
        stream.save(update_fields=["state", "ended_at", "detail"])
        _stop_devices(stream, "ended", now)
    return stream


def stream_command_body(dispatch):
    """The ``stream`` command of a stream's dispatch (fresh token each time
    it is written: first send and retries)."""
    stream = dispatch.program.stream
    return protocol.stream_command(
        cid=dispatch.cid,
        program_uid=dispatch.program.uid,
        title=stream.title,
        url=stream_url(stream),
        kind=stream.kind,
        priority=dispatch.priority,
        expires_at=dispatch.expires_at.timestamp(),
    )
