"""System checks of the speaker platform: the text-to-speech engines and the
audio tools it shells out to."""

import shutil

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

ESPEAK = "broadcast.speech.tts.EspeakEngine"
# MPEG-2 Layer III rates at 22.05 kHz within what 3G carries comfortably.
MP3_KBPS = (32, 40, 48, 56, 64)


@register("broadcast")
def check_speech_tools(app_configs=None, **kwargs):
    """broadcast.E001: a TTS engine path that cannot be imported;
    broadcast.W001: espeak-ng chosen but not installed (no Vietnamese voice);
    broadcast.W002: no ffmpeg (audio is kept as uploaded, not as small MP3);
    broadcast.E002: BROADCAST_MP3_KBPS outside 32-64 kbit/s."""
    problems = []
    for path in settings.BROADCAST_TTS_ENGINES:
        try:
            import_string(path)
        except ImportError as exc:
            problems.append(
                Error(
                    f"BROADCAST_TTS_ENGINES names {path!r}, which cannot be "
                    f"imported: {exc}",
                    obj="BROADCAST_TTS_ENGINES",
                    id="broadcast.E001",
                )
            )
    binary = settings.BROADCAST_ESPEAK_BINARY
    if ESPEAK in settings.BROADCAST_TTS_ENGINES and not shutil.which(binary):
        problems.append(
            Warning(
                f"espeak-ng ({binary!r}) is not installed: text programs cannot "
                "be read aloud unless another engine (Piper) is configured.",
                hint="apt-get install espeak-ng (scripts/system_packages.sh), "
                "or set BROADCAST_ESPEAK_BINARY to its path.",
                obj="BROADCAST_ESPEAK_BINARY",
                id="broadcast.W001",
            )
        )
    if not shutil.which(settings.FFMPEG_BINARY):
        problems.append(
            Warning(
                f"ffmpeg ({settings.FFMPEG_BINARY!r}) is not installed: speech "
                "and uploads are stored as they came (large WAV files) instead "
                "of mono MP3.",
                hint="apt-get install ffmpeg, or set FFMPEG_BINARY to its path.",
                obj="FFMPEG_BINARY",
                id="broadcast.W002",
            )
        )
    kbps = settings.BROADCAST_MP3_KBPS
    if kbps not in MP3_KBPS:
        problems.append(
            Error(
                f"BROADCAST_MP3_KBPS is {kbps!r}: devices on 3G get mono MP3 "
                "at 32, 40, 48, 56 or 64 kbit/s.",
                obj="BROADCAST_MP3_KBPS",
                id="broadcast.E002",
            )
        )
    return problems
