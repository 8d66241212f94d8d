"""Secrets: `make run` makes a key of its own under .local/ (kept across
runs), and production refuses to start with the repository's default key,
the example's placeholder or DEBUG on."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def test_installation_key_is_made_once_private_and_random(tmp_path):
    path = tmp_path / ".local" / "secret_key"
    run = [sys.executable, str(ROOT / "scripts" / "secret_key.py"), str(path)]
    first = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    again = subprocess.run(run, capture_output=True, text=True, check=True).stdout
    other = tmp_path / "other"
    elsewhere = subprocess.run(
        [*run[:2], str(other)], capture_output=True, text=True, check=True
    ).stdout
    assert first == again and len(first.strip()) >= 50
    assert first != elsewhere
    assert "dev-only-not-secret" not in first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_make_run_exports_the_installation_key():
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert "scripts/secret_key.py .local/secret_key" in script
    assert "export DJANGO_SECRET_KEY" in script


def _start_production(**env):
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "tinh.gov.vn",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    "key",
    ["dev-only-not-secret", "change-me-to-a-long-random-string", "short", ""],
)
def test_production_refuses_a_weak_or_default_key(key):
    result = _start_production(DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _start_production(DJANGO_SECRET_KEY="k" * 60, DJANGO_DEBUG="1")
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_production_starts_with_a_real_key():
    result = _start_production(DJANGO_SECRET_KEY="Zq3" * 20)
    assert result.returncode == 0, result.stderr[-2000:]
