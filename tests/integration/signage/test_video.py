"""An uploaded video is checked and transcoded by the worker to H.264 MP4 at
the boards' size with a poster; LED boards get a short GIF."""

import json
import os
import subprocess
import time

import pytest
from django.core.files import File
from django_tenants.utils import tenant_context

from signage import services, video
from signage.models import Board, Playlist, Slide
from tests.factories.signage import auth, make_board

pytestmark = [pytest.mark.worker]


def _wait(slide, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        slide.refresh_from_db()
        if slide.video_status in ("ready", "failed"):
            return slide
        time.sleep(0.3)
    return slide


@pytest.fixture
def clip(tmp_path):
    """A 3-second 640×360 test pattern with a tone (ffmpeg's lavfi)."""
    path = tmp_path / "clip.webm"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i"]
        + ["testsrc=duration=3:size=640x360:rate=25", "-f", "lavfi", "-i"]
        + ["sine=frequency=440:duration=3", "-c:v", "libvpx", "-b:v", "300k"]
        + ["-c:a", "libvorbis", "-shortest", str(path)],
        check=True,
    )
    return path


def test_uploaded_video_is_transcoded_to_mp4_with_poster_and_led_gif(
    tree, committed, celery_worker_process, client_for, clip
):
    unit = tree.commune_b1
    lcd, lcd_token = make_board(unit, width=320, height=180, name="LCD nhỏ")
    led, led_token = make_board(unit, kind="led", width=192, height=96, name="LED")
    playlist = Playlist.objects.create(unit=unit, name="Video thử", include_auto=False)
    lcd.default_playlist = led.default_playlist = playlist
    lcd.save()
    led.save()
    try:
        slide = Slide(playlist=playlist, kind="video", title="Hướng dẫn", duration=5)
        with tenant_context(unit), open(clip, "rb") as handle:
            slide.video.save("huong-dan.webm", File(handle), save=True)
        assert services.video_saved(slide)
        slide = _wait(slide)
        assert slide.video_status == "ready", slide.video_error
        with tenant_context(unit):
            out = video.probe(slide.video_mp4.path)
            poster, gif = slide.video_poster.path, slide.video_led.path
        assert out["codec"] == "h264" and (out["width"], out["height"]) == (320, 180)
        assert os.path.getsize(poster) > 0 and open(gif, "rb").read(6) == b"GIF89a"
        assert "MP4 H.264 320×180" in services.video_state(slide)
        assert "bảng LED: ảnh GIF" in services.video_state(slide)

        client = client_for(unit)
        key = f"s{slide.pk}"
        for board, token, field, suffix in (
            (lcd, lcd_token, "media", ".mp4"),
            (led, led_token, "led_media", ".gif"),
        ):
            manifest = json.loads(
                client.get(
                    f"/signage/api/boards/{board.uid}/manifest/", **auth(token)
                ).content
            )
            entry = manifest["slides"][key]
            assert entry[field].endswith(suffix)
            assert entry["poster"].endswith(".jpg")
            assert entry[field] in {f["url"] for f in manifest["files"]}
    finally:
        Board.objects.filter(pk__in=[lcd.pk, led.pk]).delete()
        playlist.delete()


def test_a_file_that_is_not_video_fails_with_a_reason(
    tree, committed, celery_worker_process, tmp_path
):
    unit = tree.commune_b1
    playlist = Playlist.objects.create(unit=unit, name="Video hỏng", include_auto=False)
    fake = tmp_path / "fake.mp4"
    fake.write_bytes(os.urandom(4096))
    try:
        slide = Slide(playlist=playlist, kind="video", title="Giả", duration=5)
        with tenant_context(unit), open(fake, "rb") as handle:
            slide.video.save("gia.mp4", File(handle), save=True)
        services.video_saved(slide)
        slide = _wait(slide)
        assert slide.video_status == "failed"
        assert "không phải video" in slide.video_error
        assert services.video_state(slide).startswith("Lỗi: ")
    finally:
        playlist.delete()
