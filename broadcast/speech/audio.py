"""Uploaded audio: checked to be audio, measured, converted when possible.

The type is read from the bytes (``filetype``), never from the name; the
duration from the container (``mutagen``, the standard library for WAV).
It is then encoded to the speakers' mono MP3 (``encoding.upload_to_mp3``).
"""

import math

import filetype
import mutagen
from django.conf import settings
from django.core.exceptions import ValidationError

ACCEPTED = {
    "audio/mpeg": "mp3",
    "audio/x-wav": "wav",
    "audio/wav": "wav",
    "audio/ogg": "ogg",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "audio/m4a": "m4a",
    "audio/aac": "aac",
    "video/webm": "webm",  # browsers record audio/webm; filetype says video
    "audio/webm": "webm",
}
NOT_AUDIO = (
    "Tệp “{name}” không phải tệp âm thanh. Hãy chọn tệp MP3, WAV, OGG, M4A hoặc FLAC."
)


def _duration(hint):
    """The recorder's duration hint as finite seconds, 0 when unreadable
    ("abc", "nan", "inf" or a negative number: the caller refuses 0)."""
    try:
        seconds = float(str(hint or 0).strip())
    except ValueError:
        return 0.0
    return seconds if math.isfinite(seconds) and seconds > 0 else 0.0


def inspect(uploaded, duration_hint=None):
    """(extension, seconds) of an uploaded file, or ValidationError.

    ``duration_hint`` is used only for WebM recordings from the browser,
    which mutagen cannot measure (the recorder tells how long it ran).
    """
    name = getattr(uploaded, "name", "tệp")
    max_bytes = settings.BROADCAST_MAX_UPLOAD_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError(
            f"Tệp “{name}” lớn hơn giới hạn {max_bytes // (1024 * 1024)} MB."
        )
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise ValidationError(NOT_AUDIO.format(name=name))
    ext = ACCEPTED[kind.mime]
    if ext == "webm":
        seconds = _duration(duration_hint)
    else:
        try:
            info = mutagen.File(uploaded)
        except Exception:  # noqa: BLE001 - any parser error means "not audio"
            info = None
        uploaded.seek(0)
        seconds = float(getattr(getattr(info, "info", None), "length", 0) or 0)
    if seconds <= 0:
        raise ValidationError(
            f"Không đọc được thời lượng của tệp “{name}”; tệp có thể bị hỏng."
        )
    limit = settings.BROADCAST_MAX_AUDIO_SECONDS
    if seconds > limit:
        raise ValidationError(
            f"Tệp dài {seconds / 60:.0f} phút, vượt giới hạn {limit // 60} phút."
        )
    return ext, seconds
