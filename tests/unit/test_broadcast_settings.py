"""speakers.md M1: the audio URLs in commands name the platform's public
address (BASE_DOMAIN and PUBLIC_PORT), not the development server's :8000."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def media_base(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BROADCAST_MEDIA_BASE_URL", "PUBLIC_PORT", "BASE_DOMAIN")
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.dev")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.BROADCAST_MEDIA_BASE_URL)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"BASE_DOMAIN": "tinh.example", "PUBLIC_PORT": "8765"},
            "http://tinh.example:8765",
        ),
        ({"BASE_DOMAIN": "tinh.example", "PUBLIC_PORT": "80"}, "http://tinh.example"),
        (
            {"BASE_DOMAIN": "tinh.example", "BROADCAST_MEDIA_BASE_URL": "https://a.b"},
            "https://a.b",
        ),
    ],
)
def test_audio_links_name_the_public_address(env, expected):
    assert media_base(**env) == expected
