"""Uploaded board videos made playable (ffmpeg and ffprobe, Debian).

An upload is probed first (it must have a video stream, whatever its name
says), then transcoded to H.264 in MP4 (yuv420p, faststart, AAC audio) no
larger than the unit's largest LCD board and at a bounded bitrate, with a
poster frame; LED boards get a short GIF (first seconds, few frames per
second, a small palette, no dithering) at the smallest LED board's size.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from django.core.files import File

MAX_BITRATE_KBPS = 2500
LED_GIF_SECONDS = 5
LED_GIF_FPS = 8
TIMEOUT = 600


class NotAVideo(ValueError):
    """The upload has no video stream ffprobe can read."""


def probe(path):
    """{width, height, duration, codec} of the first video stream."""
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_streams"]
        + ["-show_format", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise NotAVideo("Tệp tải lên không phải video đọc được.")
    data = json.loads(result.stdout or "{}")
    streams = [s for s in data.get("streams", []) if s.get("codec_type") == "video"]
    if not streams or streams[0].get("codec_name") in ("png", "mjpeg", "bmp"):
        raise NotAVideo("Tệp tải lên không có hình video.")
    stream = streams[0]
    duration = float(data.get("format", {}).get("duration") or 0)
    return {
        "width": int(stream.get("width") or 0),
        "height": int(stream.get("height") or 0),
        "duration": round(duration, 2),
        "codec": stream.get("codec_name", ""),
        "audio": any(s.get("codec_type") == "audio" for s in data["streams"]),
    }


def _run(args):
    result = subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-240:] or "ffmpeg failed")


def _fit(width, height):
    return (
        f"scale=w={width}:h={height}:force_original_aspect_ratio=decrease:"
        "force_divisible_by=2"
    )


def transcode(source, size, led_size=None):
    """Files made from ``source``: (mp4, poster jpg, led gif or None, info)
    in a temporary folder the caller reads before it goes."""
    info = probe(source)
    folder = Path(tempfile.mkdtemp(prefix="ttcs-video-"))
    mp4, poster = folder / "video.mp4", folder / "poster.jpg"
    audio = ["-c:a", "aac", "-b:a", "96k"] if info["audio"] else ["-an"]
    _run(
        ["-i", str(source), "-vf", _fit(*size), "-c:v", "libx264"]
        + ["-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p"]
        + ["-b:v", f"{MAX_BITRATE_KBPS}k", "-maxrate", f"{MAX_BITRATE_KBPS}k"]
        + ["-bufsize", f"{MAX_BITRATE_KBPS * 2}k", *audio]
        + ["-movflags", "+faststart", str(mp4)]
    )
    at = "1" if info["duration"] >= 2 else "0"
    _run(["-ss", at, "-i", str(mp4), "-frames:v", "1", "-q:v", "3", str(poster)])
    gif = None
    if led_size:
        gif = folder / "led.gif"
        width, height = led_size
        _run(
            ["-t", str(LED_GIF_SECONDS), "-i", str(source), "-vf"]
            + [
                f"fps={LED_GIF_FPS},{_fit(width, height)},"
                f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:black,split[a][b];"
                "[a]palettegen=max_colors=32[p];[b][p]paletteuse=dither=none"
            ]
            + ["-loop", "0", str(gif)]
        )
    out = probe(mp4)
    info["output"] = {"width": out["width"], "height": out["height"]}
    if gif is not None:
        info["led_seconds"] = min(LED_GIF_SECONDS, info["duration"] or LED_GIF_SECONDS)
    return mp4, poster, gif, info


def save_outputs(slide, mp4, poster, gif, info):
    """Store the files on the slide (inside the unit's media folder)."""
    stem = Path(slide.video.name).stem
    with open(mp4, "rb") as handle:
        slide.video_mp4.save(f"{stem}.mp4", File(handle), save=False)
    with open(poster, "rb") as handle:
        slide.video_poster.save(f"{stem}.jpg", File(handle), save=False)
    if gif is not None:
        with open(gif, "rb") as handle:
            slide.video_led.save(f"{stem}.gif", File(handle), save=False)
    slide.video_info = info
