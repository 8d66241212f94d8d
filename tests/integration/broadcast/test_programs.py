"""Programs: text to speech in Vietnamese voices, uploaded audio measured,
bad input refused in Vietnamese with nothing saved."""

import io
import wave

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from broadcast import services
from broadcast.models import (
    Program,
)

pytestmark = pytest.mark.django_db


def test_tts_reads_a_vietnamese_sentence_with_plausible_duration(tree):
    text = "Ủy ban nhân dân xã thông báo lịch tiêm chủng cho trẻ em vào sáng thứ Hai."
    for voice in ("vi", "vi-vn-x-central", "vi-vn-x-south"):
        program = services.create_tts_program(
            tree.commune_a1, "Tiêm chủng", text, voice=voice
        )
        # 17 syllables at ~2.5-5 syllables a second.
        assert 2.0 < program.duration_seconds < 10.0, program.duration_seconds
        with program.audio.open("rb") as fh, wave.open(fh) as wav:
            assert wav.getnframes() / wav.getframerate() == pytest.approx(
                program.duration_seconds
            )


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
    assert program.duration_seconds == pytest.approx(3.0)
    assert program.language == "km"
