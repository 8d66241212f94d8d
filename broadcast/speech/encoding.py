"""Audio for 3G-connected clusters: mono MP3 at a constant bit rate.

Every program's audio (synthesized speech, uploads, browser recordings) is
encoded once, when it is saved, by ffmpeg (Debian's package, libmp3lame):
mono, 22.05 kHz, ``BROADCAST_MP3_KBPS`` kbit/s CBR (32–64; 48 by default).
A 13 s espeak-ng clip is ~575 kB as 16-bit WAV and ~80 kB at 48 kbit/s.
The file stored is the file served to devices and hashed in the ``play``
command (``services.audio_fields``), so what a device downloads is what
the command's ``sha256`` names.

Live and relayed streams (``broadcast/streams.py``) use the same encoder
settings (``ffmpeg_mp3_args``), so a device plays one format.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import mutagen.mp3
from django.conf import settings
from django.core.exceptions import ValidationError

SAMPLE_RATE = 22050
FAILED = (
    "Không chuyển được tệp “{name}” sang MP3 để gửi tới cụm loa: tệp có thể bị "
    "hỏng hoặc không chứa âm thanh. Hãy kiểm tra tệp rồi tải lên lại."
)


class EncodingError(ValidationError):
    pass


def ffmpeg_binary():
    """The ffmpeg executable, or None where it is not installed (system
    check broadcast.W002 says so; audio is then kept as it came)."""
    return shutil.which(settings.FFMPEG_BINARY)


def ffmpeg_mp3_args(kbps=None):
    """Output options of the speakers' format: mono CBR MP3, no video, no
    tags (cover art in an upload would otherwise become a video stream)."""
    kbps = kbps or settings.BROADCAST_MP3_KBPS
    return [
        "-vn",
        "-map_metadata",
        "-1",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-c:a",
        "libmp3lame",
        "-b:a",
        f"{kbps}k",
        # No Xing/Info frame: every frame says the one rate, so a device (and
        # mutagen) reads the bit rate and length from the first frame.
        "-write_xing",
        "0",
    ]


def to_mp3(src, dst, name="tệp"):
    """Encode the audio file ``src`` to ``dst`` (MP3); returns its seconds.

    EncodingError (Vietnamese, naming ``name``) when ffmpeg cannot read it.
    """
    ffmpeg = ffmpeg_binary()
    if not ffmpeg:
        raise EncodingError(
            "Máy chủ chưa cài ffmpeg nên chưa chuyển được âm thanh sang MP3."
        )
    try:
        result = subprocess.run(
            [ffmpeg, "-nostdin", "-y", "-v", "error", "-i", str(src)]
            + ffmpeg_mp3_args()
            + ["-f", "mp3", str(dst)],
            capture_output=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        raise EncodingError(FAILED.format(name=name)) from None
    if result.returncode != 0 or not Path(dst).exists():
        raise EncodingError(FAILED.format(name=name))
    seconds = mp3_info(dst)["seconds"]
    if seconds <= 0:
        raise EncodingError(FAILED.format(name=name))
    return seconds


def mp3_info(path):
    """{"seconds", "channels", "kbps", "sample_rate"} of an MP3 file."""
    try:
        info = mutagen.mp3.MP3(str(path)).info
    except mutagen.MutagenError:
        return {"seconds": 0.0, "channels": 0, "kbps": 0, "sample_rate": 0}
    return {
        "seconds": float(info.length),
        "channels": info.channels,
        "kbps": info.bitrate // 1000,
        "sample_rate": info.sample_rate,
    }


def upload_to_mp3(uploaded, ext):
    """(mp3 bytes, seconds) of an uploaded file, or None without ffmpeg."""
    if not ffmpeg_binary():
        return None
    name = getattr(uploaded, "name", "tệp")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in.{ext}"
        dst = Path(tmp) / "out.mp3"
        with open(src, "wb") as fh:
            for chunk in uploaded.chunks():
                fh.write(chunk)
        uploaded.seek(0)
        seconds = to_mp3(src, dst, name=name)
        return dst.read_bytes(), seconds
