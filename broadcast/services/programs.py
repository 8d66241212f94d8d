"""Programs: text turned into speech, uploaded audio, and the signed URL a
device downloads them from."""

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.urls import reverse

from ..models import Program, ProgramKind
from ..speech import audio, encoding, tts


def create_tts_program(
    unit, title, text, voice="", language="vi", public=True, created_by="", **extra
):
    """Text -> speech -> Program. ValidationError (Vietnamese) on bad input;
    nothing is saved then."""
    tts.check_text(text)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        seconds = tts.synthesize(text, wav, voice=voice or None, language=language)
        # Devices get mono MP3 (3G); WAV only where ffmpeg is missing.
        stored = wav
        if encoding.ffmpeg_binary():
            stored = Path(tmp) / "speech.mp3"
            seconds = encoding.to_mp3(wav, stored, name=title)
        program = Program(
            unit=unit,
            title=title,
            kind=ProgramKind.TTS,
            language=language,
            text=text,
            voice=voice,
            duration_seconds=seconds,
            public=public,
            created_by=created_by,
            **extra,
        )
        with open(stored, "rb") as fh:
            program.audio.save(stored.name, File(fh), save=False)
    program.save()
    return program


def create_audio_program(
    unit,
    title,
    uploaded,
    language="vi",
    kind=ProgramKind.AUDIO,
    public=True,
    created_by="",
    duration_hint=None,
):
    """Uploaded audio -> Program, validated and measured first."""
    ext, seconds = audio.inspect(uploaded, duration_hint=duration_hint)
    converted = encoding.upload_to_mp3(uploaded, ext)
    if converted:
        # The encoded file's own length (a browser's WebM has only a hint).
        seconds = converted[1] or seconds
    program = Program(
        unit=unit,
        title=title,
        kind=kind,
        language=language,
        duration_seconds=seconds,
        public=public,
        created_by=created_by,
    )
    if converted:
        program.audio.save("audio.mp3", ContentFile(converted[0]), save=False)
    else:
        program.audio.save(f"audio.{ext}", File(uploaded), save=False)
    program.save()
    return program


def audio_token(program):
    return signing.dumps(program.uid.hex, salt="broadcast-audio")


def audio_url(program):
    base = settings.BROADCAST_MEDIA_BASE_URL.rstrip("/")
    path = reverse("broadcast_device_audio", args=[program.uid])
    return f"{base}{path}?t={audio_token(program)}"


def audio_fields(program):
    """``format``, ``bytes`` and ``sha256`` of the program's audio file."""
    if not program.audio:
        return {}
    digest = hashlib.sha256()
    size = 0
    try:
        with program.audio.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return {}
    ext = program.audio.name.rsplit(".", 1)[-1].lower()
    return {"format": ext, "bytes": size, "sha256": digest.hexdigest()}


def validation_messages(exc):
    if isinstance(exc, ValidationError):
        return exc.messages
    return [str(exc)]
