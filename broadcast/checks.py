"""System checks of the speaker platform: the text-to-speech engines and the
audio tools it shells out to."""

import shutil

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

ESPEAK = "broadcast.speech.tts.EspeakEngine"


@register("broadcast")
def check_speech_tools(app_configs=None, **kwargs):
    """broadcast.E001: a TTS engine path that cannot be imported;
    broadcast.W001: espeak-ng chosen but not installed (no Vietnamese voice);
    broadcast.W002: no ffmpeg (audio is kept as uploaded, not as small MP3)."""
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
    return problems
