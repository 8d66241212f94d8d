"""Debian's icecast2 for the tests, configured as ``make run`` configures it
(``manage.py broadcast_icecast_config``: source password, every listener
checked by the platform's ``/_icecast/auth/``), on a free port, with its
URL authentication pointed at the live test server."""

import os
import secrets
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from tests.utils import free_port
from tests.utils import reachable as _reachable

ROOT = Path(__file__).resolve().parent.parent
ICECAST = shutil.which("icecast2") or "/usr/bin/icecast2"


class ProjectIcecast:
    def __init__(self, auth_url):
        from django.core.management import call_command
        from django.test import override_settings

        self.dir = ROOT / ".local" / "test-icecast" / uuid.uuid4().hex
        self.log_dir = self.dir / "log"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.source_password = secrets.token_urlsafe(16)
        self.conf = self.dir / "icecast.xml"
        user = []
        if os.geteuid() == 0:
            # icecast2 refuses to run as root: the Debian package's account.
            user = ["--user", "icecast2", "--group", "icecast"]
            for path in (self.dir, self.log_dir):
                shutil.chown(path, "icecast2", "icecast")
        self.admin_password = secrets.token_urlsafe(16)
        with override_settings(
            ICECAST_SOURCE_PASSWORD=self.source_password,
            ICECAST_ADMIN_PASSWORD=self.admin_password,
        ):
            call_command(
                "broadcast_icecast_config",
                str(self.conf),
                "--port",
                str(self.port),
                "--auth-url",
                auth_url,
                "--log-dir",
                str(self.log_dir),
                *user,
                stdout=open(os.devnull, "w"),  # noqa: SIM115
            )
        if user:
            shutil.chown(self.conf, "icecast2", "icecast")
        self.process = None

    def settings(self):
        return {
            "ICECAST_URL": self.url,
            "ICECAST_SOURCE_PASSWORD": self.source_password,
            "ICECAST_ADMIN_PASSWORD": self.admin_password,
            "BROADCAST_STREAM_BASE_URL": f"http://localhost:{self.port}",
        }

    def start(self):
        self.process = subprocess.Popen(
            [ICECAST, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if _reachable(f"tcp://127.0.0.1:{self.port}"):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(
            f"icecast2 did not start on {self.port}; see {self.log_dir}/error.log"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
