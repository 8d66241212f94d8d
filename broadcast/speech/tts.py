"""Offline text to speech through a pluggable engine interface.

Engines are dotted paths in ``settings.BROADCAST_TTS_ENGINES`` (name ->
class); each turns normalised text into a WAV file. espeak-ng (Debian
package) ships Vietnamese voices for the North, Centre and South; Piper is
the second engine, used when a voice model path is configured
(``BROADCAST_PIPER_VOICES``: language -> .onnx path).
"""

import shutil
import subprocess
import wave
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from .normalize import normalize


class TTSError(ValidationError):
    pass


class Engine:
    """Interface: ``voices()`` -> {voice id: label}, ``synthesize``."""

    name = ""

    def available(self):
        raise NotImplementedError

    def voices(self):
        raise NotImplementedError

    def languages(self):
        return {voice.split("-")[0] for voice in self.voices()}

    def synthesize(self, text, voice, out_path):
        """Write a WAV file of ``text`` read by ``voice`` to ``out_path``."""
        raise NotImplementedError


class EspeakEngine(Engine):
    name = "espeak-ng"
    VOICES = {
        "vi": "Giọng miền Bắc (espeak-ng)",
        "vi-vn-x-central": "Giọng miền Trung (espeak-ng)",
        "vi-vn-x-south": "Giọng miền Nam (espeak-ng)",
    }

    def binary(self):
        return shutil.which(settings.BROADCAST_ESPEAK_BINARY)

    def available(self):
        return bool(self.binary())

    def voices(self):
        return dict(self.VOICES) if self.available() else {}

    def languages(self):
        return {"vi"} if self.available() else set()

    def synthesize(self, text, voice, out_path):
        # Slightly slower than the default 175 wpm: loudspeakers outdoors.
        result = subprocess.run(
            [self.binary(), "-v", voice, "-s", "150", "-w", str(out_path), "--stdin"],
            input=text.encode(),
            capture_output=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise TTSError(
                "Không tạo được giọng đọc: "
                + result.stderr.decode(errors="replace")[:200]
            )


class PiperEngine(Engine):
    """Piper (https://github.com/rhasspy/piper): neural voices, one .onnx each."""

    name = "piper"

    def configured(self):
        return {
            lang: path
            for lang, path in settings.BROADCAST_PIPER_VOICES.items()
            if path and Path(path).exists()
        }

    def binary(self):
        return settings.BROADCAST_PIPER_BINARY or shutil.which("piper")

    def available(self):
        return bool(self.binary()) and bool(self.configured())

    def voices(self):
        if not self.available():
            return {}
        return {
            f"piper:{lang}": f"Piper ({Path(p).stem})"
            for lang, p in self.configured().items()
        }

    def languages(self):
        return set(self.configured()) if self.available() else set()

    def synthesize(self, text, voice, out_path):
        lang = voice.removeprefix("piper:")
        model = self.configured().get(lang)
        if not model:
            raise TTSError(f"Chưa cấu hình giọng Piper cho ngôn ngữ {lang}.")
        result = subprocess.run(
            [self.binary(), "--model", model, "--output_file", str(out_path)],
            input=text.encode(),
            capture_output=True,
            timeout=600,
        )
        if result.returncode != 0:
            raise TTSError("Piper không tạo được giọng đọc.")


def engines():
    return [import_string(path)() for path in settings.BROADCAST_TTS_ENGINES]


def voice_choices(language="vi"):
    """(voice id, label) of every voice that reads ``language`` here."""
    choices = []
    for engine in engines():
        for voice, label in engine.voices().items():
            if voice.removeprefix("piper:").split("-")[0] == language:
                choices.append((voice, label))
    return choices


def engine_for(voice):
    for engine in engines():
        if voice in engine.voices():
            return engine
    return None


def check_text(text):
    limit = settings.BROADCAST_TTS_MAX_CHARS
    if not text.strip():
        raise TTSError("Nội dung đọc đang trống.")
    if len(text) > limit:
        raise TTSError(
            f"Nội dung dài {len(text):,} ký tự, vượt giới hạn {limit:,} ký tự "
            "của một chương trình. Hãy chia thành nhiều chương trình.".replace(",", ".")
        )


def synthesize(text, out_path, voice=None, language="vi"):
    """Normalise and synthesize; returns the duration in seconds."""
    check_text(text)
    choices = dict(voice_choices(language))
    engine = engine_for(voice) if voice in choices else None
    if engine is None:
        if not choices:
            raise TTSError(
                f"Chưa có giọng đọc tự động cho ngôn ngữ “{language}” trên máy chủ. "
                "Hãy tải lên tệp âm thanh đã thu sẵn."
            )
        voice = next(iter(choices))
        engine = engine_for(voice)
    spoken = normalize(text) if language == "vi" else text
    engine.synthesize(spoken, voice, out_path)
    return wav_duration(out_path)


def wav_duration(path):
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())
