"""Programs: text to speech in Vietnamese voices, uploaded audio measured,
bad input refused in Vietnamese with nothing saved."""

import hashlib
import io
import subprocess
import wave
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from broadcast import services
from broadcast.models import (
    Program,
)
from broadcast.speech import encoding

pytestmark = pytest.mark.django_db


def test_tts_reads_a_vietnamese_sentence_with_plausible_duration(tree):
    text = "Ủy ban nhân dân xã thông báo lịch tiêm chủng cho trẻ em vào sáng thứ Hai."
    for voice in ("vi", "vi-vn-x-central", "vi-vn-x-south"):
        program = services.create_tts_program(
            tree.commune_a1, "Tiêm chủng", text, voice=voice
        )
        # 17 syllables at ~2.5-5 syllables a second.
        assert 2.0 < program.duration_seconds < 10.0, program.duration_seconds
        assert program.audio.name.endswith(".mp3")
        info = encoding.mp3_info(program.audio.path)
        assert info["seconds"] == pytest.approx(program.duration_seconds)


def test_speech_reaches_devices_as_mono_mp3_at_the_configured_rate(tree, settings):
    """A 3G link: mono CBR MP3 (ffmpeg, libmp3lame), a fraction of the WAV
    espeak-ng wrote; the play command names that exact file."""
    settings.BROADCAST_MP3_KBPS = 32
    text = (
        "Ủy ban nhân dân xã thông báo: từ ngày mười lăm tháng mười hai, "
        "trạm y tế tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi."
    )
    program = services.create_tts_program(tree.commune_a1, "Tiêm chủng", text)
    path = Path(program.audio.path)
    head = path.read_bytes()[:3]
    assert head == b"ID3" or head[0] == 0xFF, "not an MP3 stream"
    info = encoding.mp3_info(path)
    assert info["channels"] == 1
    assert info["kbps"] == 32
    assert info["sample_rate"] == 22050
    # 16-bit mono WAV at 22.05 kHz is 44.1 kB/s; 32 kbit/s MP3 is 4 kB/s.
    size = path.stat().st_size
    assert size < 4000 * program.duration_seconds * 1.1 + 2000
    assert size < 44100 * program.duration_seconds / 8
    fields = services.audio_fields(program)
    assert fields == {
        "format": "mp3",
        "bytes": size,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }


def test_an_uploaded_stereo_ogg_is_transcoded_to_mono_mp3(tree, tmp_path):
    source = tmp_path / "thong-bao.ogg"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=4"]
        + ["-ac", "2", "-c:a", "libvorbis", str(source)],
        check=True,
    )
    upload = SimpleUploadedFile("thong-bao.ogg", source.read_bytes(), "audio/ogg")
    program = services.create_audio_program(tree.commune_a1, "Ogg", upload)
    assert program.audio.name.endswith(".mp3")
    info = encoding.mp3_info(program.audio.path)
    assert info["channels"] == 1 and info["kbps"] == 48
    assert program.duration_seconds == pytest.approx(4.0, abs=0.15)


def test_a_broken_audio_file_is_a_vietnamese_form_error_and_nothing_saved(tree):
    """It looks like a WAV (RIFF header) but ffmpeg cannot decode it."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 8000 * 3)
    data = bytearray(buffer.getvalue())
    data[20:22] = b"\x55\x00"  # an audio format no decoder knows
    upload = SimpleUploadedFile("hong.wav", bytes(data), "audio/wav")
    with pytest.raises(ValidationError) as exc:
        services.create_audio_program(tree.commune_a1, "Hỏng", upload)
    assert "Không chuyển được tệp “hong.wav” sang MP3" in exc.value.messages[0]
    assert not Program.objects.filter(title="Hỏng").exists()


def test_too_long_text_is_refused_with_the_limit_and_nothing_saved(tree, settings):
    settings.BROADCAST_TTS_MAX_CHARS = 100
    with pytest.raises(ValidationError) as exc:
        services.create_tts_program(tree.commune_a1, "Dài", "a " * 200)
    assert "vượt giới hạn 100 ký tự" in exc.value.messages[0]
    assert not Program.objects.filter(title="Dài").exists()


def test_language_without_a_voice_asks_for_recorded_audio(tree):
    with pytest.raises(ValidationError) as exc:
        services.create_tts_program(tree.commune_a1, "Khmer", "សួស្តី", language="km")
    assert "tải lên tệp âm thanh" in exc.value.messages[0]


def test_an_upload_that_is_not_audio_is_refused_and_nothing_is_saved(tree):
    fake = SimpleUploadedFile("thong-bao.mp3", b"%PDF-1.4 not audio at all" * 50)
    with pytest.raises(ValidationError) as exc:
        services.create_audio_program(tree.commune_a1, "Giả", fake)
    assert "không phải tệp âm thanh" in exc.value.messages[0]
    assert not Program.objects.filter(title="Giả").exists()


def test_an_uploaded_wav_is_measured_and_can_be_a_minority_language_program(tree):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 8000 * 3)
    upload = SimpleUploadedFile("khmer.wav", buffer.getvalue(), "audio/wav")
    program = services.create_audio_program(
        tree.commune_a1, "Tin Khmer", upload, language="km"
    )
    assert program.duration_seconds == pytest.approx(3.0, abs=0.1)
    assert program.language == "km"
    assert encoding.mp3_info(program.audio.path)["channels"] == 1
